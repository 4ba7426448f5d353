package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ocean-go/ocean/internal/bufpool"
)

// Page is one fetched page, as a Strategy sees it to choose the next. Its
// body is kept only during Next: Field's answers are copies.
type Page struct {
	URL    *url.URL    // the page's request URL
	Header http.Header // the answer's headers
	Items  int         // how many items it held
	body   []byte
	top    map[string]json.RawMessage // the body's members, when split
	tree   any                        // the decoded body, for pages of raw objects
}

// Field returns the raw JSON value at a dot-separated path of the page's body
// ("meta.next_cursor"); false when it is absent. The empty path is the body.
func (p Page) Field(path string) (json.RawMessage, bool) {
	if p.tree == nil {
		raw, ok := lookup(p.body, p.top, path)
		if path == "" {
			raw = bytes.Clone(raw) // the body itself, lent until Next returns
		}
		return raw, ok
	}
	v, ok := walkTree(p.tree, path)
	if !ok {
		return nil, false
	}
	b, err := json.Marshal(v)
	return b, err == nil
}

// Strategy walks an API's pages. First sets the first page's parameters on
// u; Next returns the URL of the page after p, or nil after the last one.
type Strategy interface {
	First(u *url.URL)
	Next(p Page) (*url.URL, error)
}

// Pager reads the pages of one list.
type Pager struct {
	Client   *http.Client // nil = http.DefaultClient; New gives retries
	Strategy Strategy     // nil = Link{}
	// Items is the dot path of the items array in a page's body; "" = the
	// body is the array.
	Items string
	// Header is sent with every page.
	Header http.Header
}

// Pages streams the items of every page from rawURL on, one batch per page, in
// the shape a resync handler returns: Pages[any] feeds handlers directly (raw
// objects decoded with json.Number), Pages[T] through handlers.Stream. A
// failed page is yielded as (nil, err) and ends the list: the next page is not
// known. It stops when ctx is done or the consumer stops.
func Pages[T any](ctx context.Context, p Pager, rawURL string) iter.Seq2[[]T, error] {
	return func(yield func([]T, error) bool) {
		u, err := url.Parse(rawURL)
		if err != nil {
			yield(nil, fmt.Errorf("rest: invalid URL: %w", withoutURL(err)))
			return
		}
		s := p.Strategy
		if s == nil {
			s = Link{}
		}
		s.First(u)
		for u != nil {
			items, page, err := fetchPage[T](ctx, p, u)
			if err != nil {
				yield(nil, err)
				return
			}
			if len(items) > 0 && !yield(items, nil) {
				bufpool.Put(page.body)
				return
			}
			next, err := s.Next(page)
			bufpool.Put(page.body)
			if err == nil && next != nil && next.String() == u.String() {
				err = fmt.Errorf("the next page is the same page")
			}
			if err != nil {
				yield(nil, fmt.Errorf("rest: GET %s: %w", Redact(u), err))
				return
			}
			u = next
		}
	}
}

func fetchPage[T any](ctx context.Context, p Pager, u *url.URL) ([]T, Page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, Page{}, fmt.Errorf("rest: %w", withoutURL(err))
	}
	for k, v := range p.Header {
		req.Header[k] = v
	}
	body, hdr, err := fetch(p.Client, req)
	if err != nil {
		return nil, Page{}, err
	}
	if _, raw := any((*T)(nil)).(*any); raw {
		defer bufpool.Put(body) // the decoded tree holds copies
		return rawPage[T](u, hdr, body, p.Items)
	}
	items, page, err := typedPage[T](u, hdr, body, p.Items)
	if err != nil {
		bufpool.Put(body)
	}
	return items, page, err
}

// typedPage decodes a page of items of type T; the page keeps the body for
// Next.
func typedPage[T any](u *url.URL, hdr http.Header, body []byte, path string) ([]T, Page, error) {
	// Members are split once: the items, a total and a cursor are all looked
	// up in the same, possibly large, body.
	var top map[string]json.RawMessage
	if b := bytes.TrimSpace(body); len(b) > 0 && b[0] == '{' {
		if err := json.Unmarshal(b, &top); err != nil {
			return nil, Page{}, fmt.Errorf("rest: GET %s: decode answer: %w", Redact(u), err)
		}
	}
	raw, ok := lookup(body, top, path)
	if !ok {
		return nil, Page{}, fmt.Errorf("rest: GET %s: the answer has no %q", Redact(u), path)
	}
	var items []T
	if err := decode(raw, &items); err != nil {
		return nil, Page{}, fmt.Errorf("rest: GET %s: decode items: %w", Redact(u), err)
	}
	return items, Page{URL: u, Header: hdr, Items: len(items), body: body, top: top}, nil
}

// rawPage reads a page of raw objects (T is any) in one decoding of the body:
// pages can be large, and raw objects are what decoding gives. The page does
// not keep the body: its fields are read from the tree.
func rawPage[T any](u *url.URL, hdr http.Header, body []byte, path string) ([]T, Page, error) {
	var tree any
	if err := decode(body, &tree); err != nil {
		return nil, Page{}, fmt.Errorf("rest: GET %s: decode answer: %w", Redact(u), err)
	}
	v, ok := walkTree(tree, path)
	if !ok {
		return nil, Page{}, fmt.Errorf("rest: GET %s: the answer has no %q", Redact(u), path)
	}
	var items []T
	switch list := v.(type) {
	case nil:
	case []any:
		items = any(list).([]T)
	default:
		return nil, Page{}, fmt.Errorf("rest: GET %s: decode items: %q is not an array", Redact(u), path)
	}
	return items, Page{URL: u, Header: hdr, Items: len(items), tree: tree}, nil
}

// walkTree walks a dot path of decoded JSON objects.
func walkTree(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	for _, key := range strings.Split(path, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = obj[key]; !ok {
			return nil, false
		}
	}
	return v, true
}

// lookup walks a dot path of JSON objects; top is body's members, if split.
func lookup(body []byte, top map[string]json.RawMessage, path string) (json.RawMessage, bool) {
	if path == "" {
		return body, len(bytes.TrimSpace(body)) > 0
	}
	keys := strings.Split(path, ".")
	raw, ok := top[keys[0]]
	if !ok {
		return nil, false
	}
	for _, key := range keys[1:] {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, false
		}
		if raw, ok = obj[key]; !ok {
			return nil, false
		}
	}
	return raw, true
}

// with returns a copy of u with query parameter k set to v.
func with(u *url.URL, k, v string) *url.URL {
	c := *u
	q := c.Query()
	q.Set(k, v)
	c.RawQuery = q.Encode()
	return &c
}

func set(u *url.URL, k, v string) { *u = *with(u, k, v) }

func intParam(u *url.URL, k string, def int) int {
	if n, err := strconv.Atoi(u.Query().Get(k)); err == nil {
		return n
	}
	return def
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// PageNumber numbers pages: ?page=1&per_page=Size, then page=2, ... until a
// page holds fewer than Size items (or none, when Size is 0: the API's own
// page size is then unknown).
type PageNumber struct {
	Param     string // default "page"
	SizeParam string // default "per_page"; sent only when Size > 0
	Size      int
	ZeroBased bool // the first page is page 0, not 1
}

// First asks for the first page.
func (s PageNumber) First(u *url.URL) {
	start := 1
	if s.ZeroBased {
		start = 0
	}
	set(u, or(s.Param, "page"), strconv.Itoa(start))
	if s.Size > 0 {
		set(u, or(s.SizeParam, "per_page"), strconv.Itoa(s.Size))
	}
}

// Next asks for the following page number, unless p was short.
func (s PageNumber) Next(p Page) (*url.URL, error) {
	if p.Items == 0 || (s.Size > 0 && p.Items < s.Size) {
		return nil, nil
	}
	param := or(s.Param, "page")
	return with(p.URL, param, strconv.Itoa(intParam(p.URL, param, 1)+1)), nil
}

// Offset pages by item offset: ?offset=0&limit=Limit, then offset=Limit, ...
// With Total (the dot path of the list's size in the body) it stops at the
// total, which is right for APIs that cap a page below the limit asked for,
// and an empty page before the total is an error (the list would be silently
// cut short, and a resync would delete what it missed). Without Total it
// stops at a page of fewer than Limit items.
type Offset struct {
	OffsetParam string // default "offset"
	LimitParam  string // default "limit"; sent only when Limit > 0
	Limit       int
	Total       string
}

// First asks for the items from offset 0.
func (s Offset) First(u *url.URL) {
	set(u, or(s.OffsetParam, "offset"), "0")
	if s.Limit > 0 {
		set(u, or(s.LimitParam, "limit"), strconv.Itoa(s.Limit))
	}
}

// Next asks for the items after p's, unless p ended the list.
func (s Offset) Next(p Page) (*url.URL, error) {
	param := or(s.OffsetParam, "offset")
	offset := intParam(p.URL, param, 0)
	next := offset + p.Items
	if s.Total != "" {
		raw, ok := p.Field(s.Total)
		var total int
		if !ok || json.Unmarshal(raw, &total) != nil {
			return nil, fmt.Errorf("the answer has no number at %q", s.Total)
		}
		if next >= total {
			return nil, nil
		}
		if p.Items == 0 {
			return nil, fmt.Errorf("empty page at offset %d of %d", offset, total)
		}
	} else if p.Items == 0 || (s.Limit > 0 && p.Items < s.Limit) {
		return nil, nil
	}
	return with(p.URL, param, strconv.Itoa(next)), nil
}

// Cursor follows a cursor in the body: Token is the dot path of the next
// page's token, sent as ?cursor=token; an absent, null or empty token ends
// the list. A token that is an absolute http(s) URL is fetched as is (APIs
// that return "next": "https://...").
type Cursor struct {
	Param     string // default "cursor"
	Token     string // dot path of the next token, e.g. "meta.next_cursor"; default "next"
	SizeParam string // sent with Size when both are set
	Size      int
}

// First sets the page size; the first page takes no cursor.
func (s Cursor) First(u *url.URL) {
	if s.SizeParam != "" && s.Size > 0 {
		set(u, s.SizeParam, strconv.Itoa(s.Size))
	}
}

// Next follows p's cursor.
func (s Cursor) Next(p Page) (*url.URL, error) {
	raw, ok := p.Field(or(s.Token, "next"))
	if !ok {
		return nil, nil
	}
	var token any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&token); err != nil {
		return nil, fmt.Errorf("cursor at %q: %w", or(s.Token, "next"), err)
	}
	var v string
	switch t := token.(type) {
	case nil:
		return nil, nil
	case string:
		v = t
	case json.Number:
		v = t.String()
	default:
		return nil, fmt.Errorf("cursor at %q is neither a string nor a number", or(s.Token, "next"))
	}
	if v == "" {
		return nil, nil
	}
	if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
		return url.Parse(v)
	}
	return with(p.URL, or(s.Param, "cursor"), v), nil
}

// Link follows the Link header's rel="next" (RFC 8288; GitHub, GitLab), resolved
// against the page's URL, until a page has none.
type Link struct{}

// First leaves the URL as it is.
func (Link) First(*url.URL) {}

// Next follows p's rel="next" link.
func (Link) Next(p Page) (*url.URL, error) {
	for _, h := range p.Header.Values("Link") {
		if target, ok := nextLink(h); ok {
			ref, err := url.Parse(target)
			if err != nil {
				return nil, fmt.Errorf("link rel=next: %w", err)
			}
			return p.URL.ResolveReference(ref), nil
		}
	}
	return nil, nil
}

// nextLink finds the target of rel="next" in one Link header value:
// <https://api/x?page=2>; rel="next", <https://api/x?page=9>; rel="last".
func nextLink(h string) (string, bool) {
	for _, part := range strings.Split(h, ",") {
		target, params, ok := strings.Cut(part, ";")
		target = strings.TrimSpace(target)
		if !ok || !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
			continue
		}
		for _, param := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(param), "=")
			if !strings.EqualFold(strings.TrimSpace(k), "rel") {
				continue
			}
			for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(v), `"`)) {
				if strings.EqualFold(rel, "next") {
					return target[1 : len(target)-1], true
				}
			}
		}
	}
	return "", false
}
