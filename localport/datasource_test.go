package localport_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDatasourceEntities(t *testing.T) {
	srv, c := start(t)
	catalog(c)
	write := func(ua string, idents ...string) {
		c.ua = ua
		for _, id := range idents {
			upsert(c, "service", map[string]any{"identifier": id})
		}
	}
	write("port-ocean/github/0.1.0/gh-1/exporter", "g1", "g2", "g3", "g4", "g5")
	write("port-ocean/github/0.2.0/gh-2/exporter", "other-instance")
	write("port-ocean/gitlab/0.1.0/gh-1/exporter", "other-type")
	write("port-ocean/github/0.1.0/gh-1/gitops", "other-feature")
	time.Sleep(5 * time.Millisecond)
	cut := time.Now().UTC()
	time.Sleep(5 * time.Millisecond)
	write("port-ocean/github/0.3.0/gh-1/exporter", "g2", "g6") // g2 rewritten after the cut, by a newer version

	_, ds, err := srv.Entity("service", "g2")
	require.NoError(t, err)
	assert.Equal(t, "port-ocean/github/0.3.0/gh-1/exporter", ds, "last writer wins")

	path := "/v1/blueprints/entities/datasource-entities"
	owned := map[string]any{"datasource_prefix": "port-ocean/github/", "datasource_suffix": "/gh-1/exporter"}
	with := func(extra map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range owned {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}

	body := c.must(200, "POST", path, owned)
	assert.Equal(t, []string{"g1", "g2", "g3", "g4", "g5", "g6"}, ids(body))
	assert.Nil(t, body["next"])

	for name, before := range map[string]string{
		"port form":   cut.Format("2006-01-02T15:04:05.000Z"),
		"python form": cut.Format("2006-01-02T15:04:05.000000+00:00"),
	} {
		t.Run("before "+name, func(t *testing.T) {
			body := c.must(200, "POST", path, with(map[string]any{"before": before}))
			assert.Equal(t, []string{"g1", "g3", "g4", "g5"}, ids(body))
		})
	}

	t.Run("paging", func(t *testing.T) {
		var all []string
		var cursor any
		pages := 0
		for {
			req := with(map[string]any{"limit": 2})
			if cursor != nil {
				req["from"] = cursor
			}
			body := c.must(200, "POST", path, req)
			all = append(all, ids(body)...)
			pages++
			if cursor = body["next"]; cursor == nil {
				break
			}
			require.Less(t, pages, 10, "paging does not end")
		}
		assert.Equal(t, []string{"g1", "g2", "g3", "g4", "g5", "g6"}, all)
		assert.Equal(t, 3, pages)
	})

	t.Run("include", func(t *testing.T) {
		body := c.must(200, "POST", path+"?include=identifier&include=blueprint", owned)
		require.Len(t, body["entities"], 6)
		for _, e := range body["entities"].([]any) {
			assert.ElementsMatch(t, []string{"identifier", "blueprint"}, keysOf(e.(map[string]any)))
		}
	})

	for _, bad := range []map[string]any{
		{"datasource_prefix": "x"},
		with(map[string]any{"limit": 0}),
		with(map[string]any{"limit": "5"}),
		with(map[string]any{"before": "not a date"}),
		with(map[string]any{"from": 5}),
	} {
		t.Run(fmt.Sprint(bad), func(t *testing.T) {
			c.with(t).must(422, "POST", path, bad)
		})
	}
	// A cursor this route did not give is refused, not read as the first page.
	for _, from := range []string{"abc", "0", "-2", "007", "+3", "3.0", " 3", "99999999999999999999"} {
		t.Run("from "+from, func(t *testing.T) {
			resp := c.with(t).must(400, "POST", path, with(map[string]any{"limit": 2, "from": from}))
			assert.Equal(t, "invalid_cursor", resp["error"])
			assert.Contains(t, resp["message"], fmt.Sprintf("from %q is not a cursor this route returned as next", from))
		})
	}
}

func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
