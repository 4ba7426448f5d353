package fakeapi

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/clients/rest"
	"github.com/ocean-go/ocean/integrations/fake/fakeorg"
)

// userAgent identifies the fake integration to the fake API.
const userAgent = "ocean-go fake-integration"

// Client calls the fake API over HTTP, as an integration calls its third
// party: through a rest client that retries overloaded or failing calls.
type Client struct {
	base string
	http *http.Client
}

// NewClient returns a client of the API mounted at base (e.g.
// "http://127.0.0.1:8000/integration"); each attempt of a call gives up after
// timeout and is retried. log (nil = none) is told of the retries.
func NewClient(base string, timeout time.Duration, log logrus.FieldLogger) *Client {
	return &Client{
		base: strings.TrimRight(base, "/"),
		http: rest.New(rest.Options{AttemptTimeout: timeout, UserAgent: userAgent, Logger: log}),
	}
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
	var p struct {
		Results []any `json:"results"`
	}
	u := c.base + path + "?" + url.Values{"latency": {strconv.Itoa(cfg.ThirdPartyLatencyMS)}}.Encode()
	if _, err := rest.GetJSON(ctx, c.http, u, &p); err != nil {
		return nil, fmt.Errorf("fake API: %w", err)
	}
	return p.Results, nil
}

// Persons streams the persons of every department in cfg, one page of
// cfg.ThirdPartyBatchSize per call, up to the department's total. A failed
// page is yielded as an error and ends that department; the next department
// is still read.
func (c *Client) Persons(ctx context.Context, cfg fakeorg.Config) iter.Seq2[[]any, error] {
	cfg = cfg.Resolved()
	pager := rest.Pager{
		Client: c.http,
		// The API caps a page below large limits: the total, not a short
		// page, ends a department.
		Strategy: rest.Offset{Limit: cfg.ThirdPartyBatchSize, Total: "total"},
		Items:    "results",
	}
	query := url.Values{
		"amount":         {strconv.Itoa(cfg.EntityAmount)},
		"entity_kb_size": {strconv.Itoa(cfg.EntityKBSize)},
		"latency":        {strconv.Itoa(cfg.ThirdPartyLatencyMS)},
	}.Encode()
	return func(yield func([]any, error) bool) {
		for _, d := range cfg.Departments() {
			u := c.base + "/department/" + url.PathEscape(d.ID) + "/employees?" + query
			for batch, err := range rest.Pages[any](ctx, pager, u) {
				if err != nil {
					err = fmt.Errorf("fake API: department %s: %w", d.ID, err)
				}
				if !yield(batch, err) || (err != nil && ctx.Err() != nil) {
					return
				}
			}
		}
	}
}
