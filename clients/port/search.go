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
func (c *Client) OwnedEntitiesRaw(ctx context.Context, before time.Time, limit int, read func(body []byte) (next *string, err error), include ...string) error {
	if limit <= 0 {
		limit = c.cfg.OwnedEntitiesPage
	}
	prefix, suffix := c.datasource()
	body := datasourceQuery{Prefix: prefix, Suffix: suffix, Limit: limit}
	if !before.IsZero() {
		body.Before = formatBefore(before)
	}
	var p params
	for _, f := range include {
		p = p.add("include", f)
	}
	for {
		var page []byte
		if _, err := c.do(ctx, call{
			method: http.MethodPost, path: "/blueprints/entities/datasource-entities", body: body,
			query: p, feature: true, retryable: true, read: true,
		}, &page); err != nil {
			return fmt.Errorf("port: list owned entities: %w", err)
		}
		next, err := read(page)
		if err != nil {
			return fmt.Errorf("port: list owned entities: %w", err)
		}
		if next == nil || *next == "" || *next == body.From {
			return nil
		}
		body.From = *next
	}
}

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
