package fakeapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ocean-go/ocean/integrations/fake/fakeorg"
)

// userAgent identifies the fake integration to the fake API.
const userAgent = "ocean-go fake-integration"

// Client calls the fake API over HTTP.
type Client struct {
	base string
	http *http.Client
}

// NewClient returns a client of the API mounted at base (e.g.
// "http://127.0.0.1:8000/integration"); each call gives up after timeout.
func NewClient(base string, timeout time.Duration) *Client {
	return &Client{base: strings.TrimRight(base, "/"), http: &http.Client{Timeout: timeout}}
}

// Departments, Offices, Teams and Projects list the static kinds, each waiting
// the configured third-party latency.
func (c *Client) Departments(ctx context.Context, cfg fakeorg.Config) ([]any, error) {
	return c.static(ctx, "/departments", cfg)
}

func (c *Client) Offices(ctx context.Context, cfg fakeorg.Config) ([]any, error) {
	return c.static(ctx, "/offices", cfg)
}

func (c *Client) Teams(ctx context.Context, cfg fakeorg.Config) ([]any, error) {
	return c.static(ctx, "/teams", cfg)
}

func (c *Client) Projects(ctx context.Context, cfg fakeorg.Config) ([]any, error) {
	return c.static(ctx, "/projects", cfg)
}

func (c *Client) static(ctx context.Context, path string, cfg fakeorg.Config) ([]any, error) {
	cfg = cfg.Resolved()
	p, err := c.get(ctx, path, url.Values{"latency": {strconv.Itoa(cfg.ThirdPartyLatencyMS)}})
	if err != nil {
		return nil, err
	}
	return p.Results, nil
}

// Persons streams the persons of every department in cfg, one page of
// cfg.ThirdPartyBatchSize per call. A failed page is yielded as an error and
// ends that department; the next department is still read.
func (c *Client) Persons(ctx context.Context, cfg fakeorg.Config) iter.Seq2[[]any, error] {
	cfg = cfg.Resolved()
	return func(yield func([]any, error) bool) {
		for _, d := range cfg.Departments() {
			for offset := 0; offset < cfg.EntityAmount; {
				p, err := c.get(ctx, "/department/"+url.PathEscape(d.ID)+"/employees", url.Values{
					"amount":         {strconv.Itoa(cfg.EntityAmount)},
					"limit":          {strconv.Itoa(min(cfg.ThirdPartyBatchSize, cfg.EntityAmount-offset))},
					"offset":         {strconv.Itoa(offset)},
					"entity_kb_size": {strconv.Itoa(cfg.EntityKBSize)},
					"latency":        {strconv.Itoa(cfg.ThirdPartyLatencyMS)},
				})
				if err == nil && len(p.Results) == 0 {
					err = fmt.Errorf("fake API: department %s: empty page at offset %d of %d", d.ID, offset, cfg.EntityAmount)
				}
				if err != nil {
					if !yield(nil, err) || ctx.Err() != nil {
						return
					}
					break
				}
				if !yield(p.Results, nil) {
					return
				}
				offset += len(p.Results)
			}
		}
	}
}

// page is the body of every fake API answer.
type page struct {
	Results []any `json:"results"`
	Total   int   `json:"total"`
}

func (c *Client) get(ctx context.Context, path string, q url.Values) (*page, error) {
	u := c.base + path + "?" + q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("fake API: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fake API: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("fake API: GET %s: %s: %s", u, resp.Status, strings.TrimSpace(string(body)))
	}
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	var p page
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("fake API: GET %s: decode answer: %w", u, err)
	}
	return &p, nil
}
