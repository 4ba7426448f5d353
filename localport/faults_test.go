package localport_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ocean-go/ocean/localport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaults(t *testing.T) {
	srv, c := start(t)
	catalog(c)
	bulk := "/v1/blueprints/service/entities/bulk?upsert=true"
	one := map[string]any{"entities": []any{map[string]any{"identifier": "x"}}}

	t.Run("429 with Retry-After, count, no write", func(t *testing.T) {
		defer srv.ClearFaults()
		srv.InjectFault(localport.Fault{Method: "POST", Path: "/v1/blueprints/*/entities/bulk", Status: 429, RetryAfter: 1500 * time.Millisecond, Count: 2})
		for range 2 {
			r := c.do("POST", bulk, one)
			assert.Equal(t, 429, r.status)
			assert.Equal(t, "2", r.header.Get("Retry-After"))
			assert.Equal(t, "rate_limit_exceeded", r.body["error"])
			e, _, err := srv.Entity("service", "x")
			require.NoError(t, err)
			assert.Nil(t, e, "a fault must not perform the write")
		}
		c.must(200, "GET", "/v1/blueprints/service", nil) // other paths unaffected
		c.must(200, "POST", bulk, one)                    // the count is used up
	})

	t.Run("5xx on a method only", func(t *testing.T) {
		defer srv.ClearFaults()
		srv.InjectFault(localport.Fault{Method: "GET", Status: 503})
		assert.Equal(t, "injected_fault", c.must(503, "GET", "/v1/organization", nil)["error"])
		c.must(200, "POST", bulk, one)
	})

	t.Run("latency only", func(t *testing.T) {
		defer srv.ClearFaults()
		srv.InjectFault(localport.Fault{Path: "/v1/organization", Latency: 150 * time.Millisecond})
		start := time.Now()
		c.must(200, "GET", "/v1/organization", nil)
		assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond)
	})

	t.Run("latency honours cancellation", func(t *testing.T) {
		defer srv.ClearFaults()
		srv.InjectFault(localport.Fault{Latency: time.Minute, Status: 503})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL()+"/v1/organization", nil)
		start := time.Now()
		_, err := http.DefaultClient.Do(req)
		require.Error(t, err)
		assert.Less(t, time.Since(start), 5*time.Second)
	})

	t.Run("fraction", func(t *testing.T) {
		defer srv.ClearFaults()
		srv.InjectFault(localport.Fault{Path: "/v1/organization", Status: 502, Fraction: 0.5})
		failed := 0
		for range 200 {
			if status, _ := c.call("GET", "/v1/organization", nil); status == 502 {
				failed++
			}
		}
		assert.InDelta(t, 100, failed, 40)
	})

	t.Run("max body bytes", func(t *testing.T) {
		defer srv.ClearFaults()
		srv.InjectFault(localport.Fault{Path: "/v1/blueprints/*/entities/bulk", MaxBodyBytes: 1000})
		c.must(200, "POST", bulk, one)
		resp := c.must(413, "POST", bulk, bigBody(2000))
		assert.Equal(t, "payload_too_large", resp["error"])
	})

	t.Run("drop response: the write lands, the answer is lost", func(t *testing.T) {
		defer srv.ClearFaults()
		srv.InjectFault(localport.Fault{Method: "POST", Path: "/v1/blueprints/*/entities/bulk", DropResponse: true, Count: 1})
		body := strings.NewReader(`{"entities":[{"identifier":"lost"}]}`)
		req, _ := http.NewRequest("POST", srv.URL()+bulk, body)
		req.Header.Set("Authorization", "Bearer "+c.token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		require.Error(t, err, "the connection closes without an answer")
		e, _, err := srv.Entity("service", "lost")
		require.NoError(t, err)
		assert.NotNil(t, e, "the write was carried out")
		r := c.must(200, "POST", bulk, map[string]any{"entities": []any{map[string]any{"identifier": "lost"}}})
		assert.Equal(t, false, r["entities"].([]any)[0].(map[string]any)["created"], "a resend finds it created")
	})

	t.Run("admin route", func(t *testing.T) {
		defer srv.ClearFaults()
		admin := &client{t: t, base: srv.URL(), ua: testUA} // admin routes need no token
		id := admin.must(200, "POST", "/_admin/faults", []byte(`{"path":"/v1/organization","status":502,"count":1,"retryAfter":"1s"}`))["id"]
		assert.NotEmpty(t, id)
		r := c.do("GET", "/v1/organization", nil)
		assert.Equal(t, 502, r.status)
		assert.Equal(t, "1", r.header.Get("Retry-After"))
		c.must(200, "GET", "/v1/organization", nil)

		admin.must(200, "POST", "/_admin/faults", []byte(`{"path":"/v1/organization","latency":120}`))
		start := time.Now()
		c.must(200, "GET", "/v1/organization", nil)
		assert.GreaterOrEqual(t, time.Since(start), 120*time.Millisecond, "numbers are milliseconds")
		admin.must(200, "DELETE", "/_admin/faults", nil)
		start = time.Now()
		c.must(200, "GET", "/v1/organization", nil)
		assert.Less(t, time.Since(start), 100*time.Millisecond)

		for _, bad := range []string{`{"fraction":2}`, `{"latency":"soon"}`, `{"status":42}`, `{"path":"["}`, `{"dropResponse":true,"status":500}`, `[`} {
			resp := admin.must(422, "POST", "/_admin/faults", []byte(bad))
			assert.True(t, strings.HasPrefix(resp["message"].(string), "invalid fault"), bad)
		}
	})
}
