package port

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ocean-go/ocean/internal/bufpool"
)

// defaultInclude is what Ocean asks for when the caller names no field.
var defaultInclude = []string{"blueprint", "identifier"}

// SearchEntities runs a query over all blueprints (POST /v1/entities/search).
// include names the fields to return ("title", "properties.language", ...);
// none = blueprint and identifier. Calculated properties are never returned.
func (c *Client) SearchEntities(ctx context.Context, q Query, include ...string) ([]Entity, error) {
	if err := validateQuery(q); err != nil {
		return nil, err
	}
	if len(include) == 0 {
		include = defaultInclude
	}
	p := params{}.add("exclude_calculated_properties", "true")
	for _, f := range include {
		p = p.add("include", f)
	}
	q.Rules = nonNil(q.Rules)
	var resp struct {
		Entities []Entity `json:"entities"`
	}
	if _, err := c.do(ctx, call{
		method: http.MethodPost, path: "/entities/search", query: p, body: q,
		feature: true, retryable: true, read: true,
	}, &resp); err != nil {
		return nil, err
	}
	return resp.Entities, nil
}

// OwnershipRules are the two $datasource rules that select entities written by
// this integration (any version): port-api.md §2.2.
func (c *Client) OwnershipRules() []Rule {
	prefix, suffix := c.datasource()
	return []Rule{
		Cond("$datasource", "contains", prefix),
		Cond("$datasource", "contains", suffix),
	}
}

// SearchOwnedEntities is SearchEntities restricted to entities this integration
// owns. As in Ocean, the ownership rules are added only when q has rules.
func (c *Client) SearchOwnedEntities(ctx context.Context, q Query, include ...string) ([]Entity, error) {
	switch {
	case len(q.Rules) == 0:
	case q.Combinator == "or":
		// Appended to an "or" the ownership rules would widen the query to
		// every entity of the integration type: nest it under an "and".
		q = And(append([]Rule{q.Group()}, c.OwnershipRules()...)...)
	default:
		q.Rules = append(slices.Clip(q.Rules), c.OwnershipRules()...)
	}
	return c.SearchEntities(ctx, q, include...)
}

// datasource returns the prefix and suffix of this integration's User-Agent.
func (c *Client) datasource() (prefix, suffix string) {
	ua := c.cfg.UserAgent
	return "port-ocean/" + strings.ToLower(ua.Type) + "/", "/" + ua.Identifier + "/" + c.cfg.Feature
}

// OwnedEntities lists, page by page, every entity this integration owns that was
// last updated before `before` (zero = no time filter), following Port's cursor.
// Iteration stops after the first error, which is yielded with a nil page.
//
// include names the fields a caller needs (as in SearchEntities), sent as
// include query parameters the way Port's Kubernetes exporter does: a server
// that honours them sends pages a fraction of the size; one that ignores them
// sends whole entities. None = whole entities.
//
//	for page, err := range c.OwnedEntities(ctx, start, "identifier", "blueprint") { ... }
func (c *Client) OwnedEntities(ctx context.Context, before time.Time, include ...string) iter.Seq2[[]Entity, error] {
	return c.OwnedEntitiesPaged(ctx, before, c.cfg.OwnedEntitiesPage, include...)
}

// OwnedEntitiesPaged is OwnedEntities with pages of at most limit entities
// (≤ 0: Config.OwnedEntitiesPage): whole entities take smaller pages, so
// that a page held in memory stays small.
func (c *Client) OwnedEntitiesPaged(ctx context.Context, before time.Time, limit int, include ...string) iter.Seq2[[]Entity, error] {
	return func(yield func([]Entity, error) bool) {
		stopped := false
		err := c.OwnedEntitiesRaw(ctx, before, limit, func(body []byte) (*string, error) {
			var resp struct {
				Entities []Entity `json:"entities"`
				Next     *string  `json:"next"`
			}
			if len(bytes.TrimSpace(body)) == 0 {
				return nil, nil
			}
			if err := decodeJSON(body, &resp); err != nil {
				return nil, fmt.Errorf("decode response: %w", err)
			}
			if len(resp.Entities) > 0 && !yield(resp.Entities, nil) {
				stopped = true
				return nil, nil
			}
			return resp.Next, nil
		}, include...)
		if err != nil && !stopped {
			yield(nil, err)
		}
	}
}

// OwnedEntitiesRaw is OwnedEntitiesPaged for a caller that decodes the pages
// itself (faster than into Entities, say): read gets each response body,
// not to be kept, and returns the page's "next" cursor; nil or "" ends the
// listing, as does an error, which is returned.
//
// While read works on a page, the next one is already requested when the
// page ends with its cursor, as Port and the local Port write it
// (trailingCursor): Port prepares a page while the caller reads the last.
// The cursor read returns decides; a request made ahead for another one is
// dropped.
func (c *Client) OwnedEntitiesRaw(ctx context.Context, before time.Time, limit int, read func(body []byte) (next *string, err error), include ...string) error {
	if limit <= 0 {
		limit = c.cfg.OwnedEntitiesPage
	}
	prefix, suffix := c.datasource()
	query := datasourceQuery{Prefix: prefix, Suffix: suffix, Limit: limit}
	if !before.IsZero() {
		query.Before = formatBefore(before)
	}
	var p params
	for _, f := range include {
		p = p.add("include", f)
	}
	fetch := func(ctx context.Context, from string) ([]byte, error) {
		q := query
		q.From = from
		var page []byte
		_, err := c.do(ctx, call{
			method: http.MethodPost, path: "/blueprints/entities/datasource-entities", body: q,
			query: p, feature: true, retryable: true, read: true,
		}, &page)
		return page, err
	}
	var ahead *pageAhead
	defer func() { ahead.drop() }()
	from := ""
	page, err := fetch(ctx, from)
	for {
		if err != nil {
			return fmt.Errorf("port: list owned entities: %w", err)
		}
		if cursor, ok := trailingCursor(page); ok && cursor != "" && cursor != from {
			ahead = startPage(ctx, cursor, fetch)
		}
		next, rerr := read(page)
		bufpool.Put(page)
		if rerr != nil {
			return fmt.Errorf("port: list owned entities: %w", rerr)
		}
		if next == nil || *next == "" || *next == from {
			return nil
		}
		from = *next
		if ahead != nil && ahead.from == from {
			page, err = ahead.wait()
			ahead = nil
			continue
		}
		ahead.drop()
		ahead = nil
		page, err = fetch(ctx, from)
	}
}

// pageAhead is a listing page requested before its turn.
type pageAhead struct {
	from   string
	cancel context.CancelFunc
	done   chan struct{}
	page   []byte
	err    error
}

func startPage(ctx context.Context, from string, fetch func(context.Context, string) ([]byte, error)) *pageAhead {
	ctx, cancel := context.WithCancel(ctx)
	a := &pageAhead{from: from, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(a.done)
		a.page, a.err = fetch(ctx, from)
	}()
	return a
}

func (a *pageAhead) wait() ([]byte, error) {
	<-a.done
	a.cancel()
	return a.page, a.err
}

// drop abandons the request and waits for it to end; a nil a does nothing.
func (a *pageAhead) drop() {
	if a == nil {
		return
	}
	a.cancel()
	<-a.done
	bufpool.Put(a.page)
}

// trailingCursor reads the "next" cursor of a listing page that has it among
// the scalar members after its entities, as Port and the local Port write
// their pages, without reading the page: it walks the object's members back
// from its closing brace while they are scalars. ok is false when it meets
// anything else first (a cursor with escapes included: read decides then);
// a null cursor is "".
func trailingCursor(page []byte) (cursor string, ok bool) {
	b := trimSpace(page)
	if len(b) == 0 || b[len(b)-1] != '}' {
		return "", false
	}
	b = b[:len(b)-1]
	for {
		var value []byte
		var quoted bool
		if value, b, quoted = lastScalar(trimSpace(b)); value == nil {
			return "", false
		}
		b = trimSpace(b)
		if len(b) == 0 || b[len(b)-1] != ':' {
			return "", false
		}
		key, rest, quoted2 := lastScalar(trimSpace(b[:len(b)-1]))
		if !quoted2 {
			return "", false
		}
		if string(key) == "next" {
			switch {
			case quoted:
				return string(value), true
			case string(value) == "null":
				return "", true
			}
			return "", false
		}
		b = trimSpace(rest)
		if len(b) == 0 || b[len(b)-1] != ',' {
			return "", false // the first member, or not an object
		}
		b = b[:len(b)-1]
	}
}

// lastScalar splits the scalar b ends with from what precedes it: a string
// without escapes (its content, quoted) or a literal or number. value is nil
// when b ends with anything else.
func lastScalar(b []byte) (value, rest []byte, quoted bool) {
	if len(b) == 0 {
		return nil, b, false
	}
	if b[len(b)-1] == '"' {
		open := bytes.LastIndexByte(b[:len(b)-1], '"')
		if open < 0 || bytes.IndexByte(b[open+1:len(b)-1], '\\') >= 0 || open > 0 && b[open-1] == '\\' {
			return nil, b, false
		}
		return b[open+1 : len(b)-1], b[:open], true
	}
	i := len(b)
	for i > 0 && (b[i-1] >= 'a' && b[i-1] <= 'z' || b[i-1] >= '0' && b[i-1] <= '9' || b[i-1] == '.' || b[i-1] == '-' || b[i-1] == '+' || b[i-1] == 'E') {
		i--
	}
	if i == len(b) {
		return nil, b, false
	}
	return b[i:], b[:i], false
}

func trimSpace(b []byte) []byte { return bytes.TrimRight(b, " \t\r\n") }

type datasourceQuery struct {
	Prefix string `json:"datasource_prefix"`
	Suffix string `json:"datasource_suffix"`
	Limit  int    `json:"limit"`
	Before string `json:"before,omitempty"`
	From   string `json:"from,omitempty"`
}

// formatBefore renders an instant as RFC 3339 in UTC with microseconds, the
// precision Ocean sends.
func formatBefore(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000Z07:00")
}

func validateQuery(q Query) error {
	if q.Combinator != "and" && q.Combinator != "or" {
		return fmt.Errorf("%w: query combinator must be \"and\" or \"or\", got %q", ErrValidation, q.Combinator)
	}
	return nil
}
