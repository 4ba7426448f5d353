package fakeapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/integrations/fake/fakeorg"
)

// server serves the fake API on a real listener, like the App does, and
// records the query of every call.
type server struct {
	*httptest.Server
	mu     sync.Mutex
	calls  []string
	faults []func(*gin.Context) bool // fault i answers call i instead of the API when it returns true
}

func start(t *testing.T) *server {
	t.Helper()
	gin.SetMode(gin.TestMode)
	s := &server{}
	e := gin.New()
	g := e.Group("/integration", func(c *gin.Context) {
		s.mu.Lock()
		n := len(s.calls)
		s.calls = append(s.calls, c.Request.URL.Path+"?"+c.Request.URL.RawQuery)
		var fault func(*gin.Context) bool
		if n < len(s.faults) {
			fault = s.faults[n]
		}
		s.mu.Unlock()
		if fault != nil && fault(c) {
			c.Abort()
		}
	})
	Register(g)
	s.Server = httptest.NewServer(e)
	t.Cleanup(s.Close)
	return s
}

func (s *server) client() *Client { return NewClient(s.URL+"/integration", 10*time.Second, nil) }

func (s *server) callCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.calls)
}

func (s *server) call(i int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[i]
}

func collect(t *testing.T, c *Client, cfg fakeorg.Config) (pages []int, ids []string) {
	t.Helper()
	for batch, err := range c.Persons(context.Background(), cfg) {
		require.NoError(t, err)
		pages = append(pages, len(batch))
		for _, it := range batch {
			ids = append(ids, it.(map[string]any)["id"].(string))
		}
	}
	return pages, ids
}

func TestPersonsPaging(t *testing.T) {
	tests := []struct {
		name  string
		cfg   fakeorg.Config
		pages []int
	}{
		{"defaults: 400 per department in one page", fakeorg.Config{EntityAmount: -1, EntityKBSize: -1, ThirdPartyBatchSize: -1, ThirdPartyLatencyMS: -1}, []int{400, 400, 400, 400, 400}},
		{"batches plus a remainder", fakeorg.Config{EntityAmount: 25, ThirdPartyBatchSize: 10, SingleDepartmentRun: true}, []int{10, 10, 5}},
		{"exact batches", fakeorg.Config{EntityAmount: 20, ThirdPartyBatchSize: 10, SingleDepartmentRun: true}, []int{10, 10}},
		{"batch larger than the department", fakeorg.Config{EntityAmount: 7, ThirdPartyBatchSize: 1000}, []int{7, 7, 7, 7, 7}},
		// 16 persons of 1 MiB fill a page: the client pages on by what it got.
		{"batch over the API's page cap", fakeorg.Config{EntityAmount: 40, EntityKBSize: 1024, ThirdPartyBatchSize: 1000, SingleDepartmentRun: true}, []int{16, 16, 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t)
			pages, ids := collect(t, s.client(), tt.cfg)
			assert.Equal(t, tt.pages, pages)
			assert.Equal(t, len(tt.pages), s.callCount(), "one call per page")

			// The pages add up to exactly the generated departments.
			cfg := tt.cfg.Resolved()
			var want []string
			for _, d := range cfg.Departments() {
				for _, p := range fakeorg.Persons(d, 0, cfg.EntityAmount, cfg.EntityKBSize) {
					want = append(want, p.ID)
				}
			}
			assert.Equal(t, want, ids)
		})
	}
}

func TestPersonsCarryTheirDepartmentAndSize(t *testing.T) {
	s := start(t)
	cfg := fakeorg.Config{EntityAmount: 3, EntityKBSize: 2, SingleDepartmentRun: true}
	for batch, err := range s.client().Persons(context.Background(), cfg) {
		require.NoError(t, err)
		for _, it := range batch {
			p := it.(map[string]any)
			assert.Equal(t, map[string]any{"id": "hr", "name": "hr"}, p["department"])
			assert.Greater(t, len(p["bio"].(string)), 2*1024-20)
			assert.IsType(t, json.Number(""), p["age"], "numbers decoded as json.Number")
		}
	}
}

func TestStaticKinds(t *testing.T) {
	s := start(t)
	c := s.client()
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		list func(context.Context, fakeorg.Config) ([]any, error)
		n    int
	}{
		{"departments", c.Departments, 5},
		{"offices", c.Offices, 8},
		{"teams", c.Teams, 12},
		{"projects", c.Projects, 40},
	} {
		t.Run(tt.name, func(t *testing.T) {
			items, err := tt.list(ctx, fakeorg.Config{})
			require.NoError(t, err)
			assert.Len(t, items, tt.n)
		})
	}
}

func TestLatencyIsServerSide(t *testing.T) {
	s := start(t)
	begin := time.Now()
	_, err := s.client().Teams(context.Background(), fakeorg.Config{ThirdPartyLatencyMS: 120})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(begin), 120*time.Millisecond)
	assert.Contains(t, s.call(0), "latency=120")
}

func TestServerRejectsBadRequests(t *testing.T) {
	s := start(t)
	for _, tt := range []struct {
		path string
		code int
	}{
		{"/integration/department/nope/employees", http.StatusNotFound},
		{"/integration/department/hr/employees?limit=ten", http.StatusBadRequest},
		{"/integration/teams?latency=soon", http.StatusBadRequest},
		{"/integration/department/hr/employees?amount=5&offset=10", http.StatusOK},
		{"/integration/department/hr/employees?limit=1&entity_kb_size=1024", http.StatusOK},
		// Over Port's 1 MiB body limit: refused before a bio is generated
		// (a huge size exhausted memory; 2^53 overflowed into a panic).
		{"/integration/department/hr/employees?limit=1&entity_kb_size=1025", http.StatusBadRequest},
		{"/integration/department/hr/employees?limit=1&entity_kb_size=1099511627776", http.StatusBadRequest},
		{"/integration/department/hr/employees?limit=1&entity_kb_size=9007199254740992", http.StatusBadRequest},
	} {
		resp, err := http.Get(s.URL + tt.path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, tt.code, resp.StatusCode, tt.path)
	}
}

// A page holds at most 16 MiB of bios: a larger limit is clamped, as real
// APIs clamp their page sizes (limit=300000 took 1.2 GB), and the answer says
// the page size it used.
func TestServerCapsPageSize(t *testing.T) {
	s := start(t)
	for _, tt := range []struct {
		query string
		n     int
	}{
		{"amount=1000000&limit=300000", 16384},
		{"amount=1000000&limit=16384", 16384},
		{"amount=1000&limit=1000&entity_kb_size=64", 256},
		{"amount=1000&limit=1000&entity_kb_size=1024", 16},
		{"amount=1000&limit=10&entity_kb_size=1024", 10},
	} {
		t.Run(tt.query, func(t *testing.T) {
			resp, err := http.Get(s.URL + "/integration/department/hr/employees?" + tt.query)
			require.NoError(t, err)
			defer resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Positive(t, resp.ContentLength, "a page declares its length")
			var p struct {
				Results []json.RawMessage `json:"results"`
				Limit   int               `json:"limit"`
			}
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&p))
			assert.Len(t, p.Results, tt.n)
			assert.Equal(t, tt.n, p.Limit)
		})
	}
}

func TestPersonsReportFailedPages(t *testing.T) {
	s := start(t)
	c := NewClient(s.URL+"/elsewhere", time.Second, nil)
	var errs int
	for batch, err := range c.Persons(context.Background(), fakeorg.Config{EntityAmount: 10}) {
		assert.Nil(t, batch)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "404")
		errs++
	}
	assert.Equal(t, 5, errs, "one error per department, then the next department")
}

// The client is a third-party client: overload and failures of the API are
// retried, and the persons arrive complete.
func TestPersonsSurviveFaults(t *testing.T) {
	status := func(code int, header ...string) func(*gin.Context) bool {
		return func(c *gin.Context) bool {
			for i := 0; i+1 < len(header); i += 2 {
				c.Header(header[i], header[i+1])
			}
			c.Status(code)
			return true
		}
	}
	hang := func(c *gin.Context) bool { <-c.Request.Context().Done(); return true }
	tests := []struct {
		name    string
		faults  []func(*gin.Context) bool
		timeout time.Duration
		calls   int // three pages and the retries
	}{
		{"429 with Retry-After", []func(*gin.Context) bool{status(429, "Retry-After", "1")}, 10 * time.Second, 4},
		{"503 twice, then OK", []func(*gin.Context) bool{nil, status(503), status(503)}, 10 * time.Second, 5},
		{"a timed-out call", []func(*gin.Context) bool{nil, nil, hang}, 2 * time.Second, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t)
			s.faults = tt.faults
			cfg := fakeorg.Config{EntityAmount: 25, ThirdPartyBatchSize: 10, SingleDepartmentRun: true}
			var n int
			for batch, err := range NewClient(s.URL+"/integration", tt.timeout, nil).Persons(context.Background(), cfg) {
				require.NoError(t, err)
				n += len(batch)
			}
			assert.Equal(t, 25, n)
			assert.Equal(t, tt.calls, s.callCount())
		})
	}
}

func TestPersonsReportAnEmptyPageBeforeTheTotal(t *testing.T) {
	s := start(t)
	s.faults = []func(*gin.Context) bool{nil, func(c *gin.Context) bool {
		c.JSON(http.StatusOK, gin.H{"results": []any{}, "total": 25})
		return true
	}}
	var errs []error
	for _, err := range s.client().Persons(context.Background(), fakeorg.Config{EntityAmount: 25, ThirdPartyBatchSize: 10, SingleDepartmentRun: true}) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "fake API: department hr:")
	assert.Contains(t, errs[0].Error(), "empty page at offset 10 of 25")
}

func TestPersonsStopWhenTheConsumerStops(t *testing.T) {
	s := start(t)
	for range s.client().Persons(context.Background(), fakeorg.Config{EntityAmount: 100, ThirdPartyBatchSize: 10}) {
		break
	}
	assert.Equal(t, 1, s.callCount())
}
