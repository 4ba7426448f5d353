package port

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOwnedEntitiesPaging(t *testing.T) {
	const page = 250
	env := newEnv(t, nil, func(c *Config) { c.OwnedEntitiesPage = page })
	ctx := context.Background()
	mustCreateBlueprints(t, env.c, "service", "repo")

	// Entities of another integration and of the gitops feature are not ours.
	other, _, _ := newTestClient(t, env.srv.URL(), func(c *Config) { c.UserAgent.Identifier = "someone-else" })
	gitops, _, _ := newTestClient(t, env.srv.URL(), func(c *Config) { c.Feature = "gitops" })
	for _, w := range []struct {
		c  *Client
		es []Entity
	}{
		{env.c, makeEntities("service", "mine", 800, 50)},
		{env.c, makeEntities("repo", "mine", 301, 50)},
		{other, makeEntities("service", "theirs", 40, 50)},
		{gitops, makeEntities("service", "git", 10, 50)},
	} {
		res, err := w.c.UpsertEntities(ctx, w.es, UpsertOptions{})
		require.NoError(t, err)
		for _, r := range res {
			require.NoError(t, r.Err)
		}
	}

	time.Sleep(5 * time.Millisecond)
	cut := time.Now()
	time.Sleep(5 * time.Millisecond)
	// Rewritten after the cut: excluded by `before`.
	_, err := env.c.UpsertEntities(ctx, makeEntities("service", "mine", 100, 60), UpsertOptions{})
	require.NoError(t, err)

	tests := []struct {
		name      string
		before    time.Time
		wantTotal int
		wantPages int
	}{
		{"all", time.Time{}, 1101, 5},
		{"updated before the cut", cut, 1001, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[Key]bool{}
			pages := 0
			for got, err := range env.c.OwnedEntities(ctx, tt.before) {
				require.NoError(t, err)
				require.LessOrEqual(t, len(got), page)
				pages++
				for _, e := range got {
					k := e.Key()
					require.False(t, seen[k], "entity %s listed twice", k)
					require.True(t, strings.HasPrefix(k.Identifier, "mine-"), k.String())
					seen[k] = true
				}
			}
			assert.Len(t, seen, tt.wantTotal)
			assert.Equal(t, tt.wantPages, pages)
		})
	}

	t.Run("only the included fields", func(t *testing.T) {
		n := 0
		for got, err := range env.c.OwnedEntities(ctx, time.Time{}, "identifier", "blueprint") {
			require.NoError(t, err)
			for _, e := range got {
				require.NotEmpty(t, e.Blueprint)
				require.Nil(t, e.Properties, "properties were not asked for")
				n++
			}
		}
		assert.Equal(t, 1101, n)
	})

	t.Run("pages of a size of the caller's", func(t *testing.T) {
		before := env.rec.count("POST", "/datasource-entities", 0)
		n := 0
		for got, err := range env.c.OwnedEntitiesPaged(ctx, time.Time{}, 500, "identifier") {
			require.NoError(t, err)
			require.LessOrEqual(t, len(got), 500)
			n += len(got)
		}
		assert.Equal(t, 1101, n)
		assert.Equal(t, before+3, env.rec.count("POST", "/datasource-entities", 0))
	})

	t.Run("the next page is requested while the caller reads one", func(t *testing.T) {
		before := env.rec.count("POST", "/datasource-entities", 0)
		pages := 0
		err := env.c.OwnedEntitiesRaw(ctx, time.Time{}, 500, func(body []byte) (*string, error) {
			var p struct{ Next *string }
			if err := json.Unmarshal(body, &p); err != nil {
				return nil, err
			}
			if pages++; pages == 1 {
				assert.Eventually(t, func() bool { return env.rec.count("POST", "/datasource-entities", 0) == before+2 },
					10*time.Second, time.Millisecond, "the second page was not requested during the first one's read")
			}
			return p.Next, nil
		}, "identifier")
		require.NoError(t, err)
		assert.Equal(t, 3, pages)
		assert.Equal(t, before+3, env.rec.count("POST", "/datasource-entities", 0), "each page requested once")
	})

	// Stopping early ends the iteration: the page requested ahead, if any, is
	// dropped, and no other is requested.
	before := env.rec.count("POST", "/datasource-entities", 0)
	for range env.c.OwnedEntities(ctx, time.Time{}) {
		break
	}
	assert.LessOrEqual(t, env.rec.count("POST", "/datasource-entities", 0), before+2)
}

func TestTrailingCursor(t *testing.T) {
	tests := []struct {
		page   string
		cursor string
		ok     bool
	}{
		{`{"ok":true,"entities":[],"next":"abc"}`, "abc", true},
		{"{\"ok\":true,\"entities\":[] ,\n \"next\" : \"abc\" }\n", "abc", true},
		{`{"ok":true,"entities":[],"next":null}`, "", true},
		{`{"next":"abc"}`, "abc", true},
		{`{"entities":[],"next":"abc","ok":true}`, "abc", true},    // the local Port's order
		{`{"next":"abc","entities":[],"ok":true}`, "", false},      // before the entities
		{`{"ok":true,"entities":[{"next":"x"}]}`, "", false},       // nested
		{`{"ok":true,"x":"a,\"next\":\"abc"}`, "", false},          // inside a string
		{`{"ok":true,"x":"a\\","next":"abc"}`, "abc", true},        // after an escaped backslash
		{`{"ok":true,"entities":[],"next":"a\u0062c"}`, "", false}, // escapes: read decides
		{`{"ok":true,"entities":[],"xnext":"abc"}`, "", false},     // another key
		{`{"ok":true,"entities":[],"next":"abc"`, "", false},       // cut
		{`{"ok":true,"entities":[],"next":42}`, "", false},         // not a cursor
		{``, "", false},
	}
	for _, tt := range tests {
		cursor, ok := trailingCursor([]byte(tt.page))
		if cursor != tt.cursor || ok != tt.ok {
			t.Errorf("trailingCursor(%s) = %q, %v; want %q, %v", tt.page, cursor, ok, tt.cursor, tt.ok)
		}
	}
}

func TestSearchEntities(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	mustCreateBlueprints(t, env.c, "service")
	other, _, _ := newTestClient(t, env.srv.URL(), func(c *Config) { c.UserAgent.Identifier = "someone-else" })
	_, err := env.c.UpsertEntities(ctx, makeEntities("service", "mine", 5, 50), UpsertOptions{})
	require.NoError(t, err)
	_, err = other.UpsertEntities(ctx, makeEntities("service", "theirs", 5, 50), UpsertOptions{})
	require.NoError(t, err)

	byBP := And(Cond("$blueprint", "=", "service"))
	tests := []struct {
		name    string
		search  func() ([]Entity, error)
		wantIDs int
		check   func(t *testing.T, e Entity)
	}{
		{"all owners", func() ([]Entity, error) { return env.c.SearchEntities(ctx, byBP) }, 10,
			func(t *testing.T, e Entity) { assert.Nil(t, e.Properties, "default include: blueprint and identifier") }},
		{"owned only", func() ([]Entity, error) { return env.c.SearchOwnedEntities(ctx, byBP) }, 5, nil},
		{"include properties.n", func() ([]Entity, error) {
			return env.c.SearchOwnedEntities(ctx, And(Cond("$identifier", "in", []string{"mine-00001", "mine-00002"})), "identifier", "properties.n")
		}, 2, func(t *testing.T, e Entity) {
			assert.Contains(t, e.Properties, "n")
			assert.NotContains(t, e.Properties, "payload")
			_, isNum := e.Properties["n"].(json.Number)
			assert.True(t, isNum)
		}},
		{"no rules: ownership not added (as Ocean)", func() ([]Entity, error) { return env.c.SearchOwnedEntities(ctx, And()) }, 10, nil},
		{"owned only, or query", func() ([]Entity, error) {
			return env.c.SearchOwnedEntities(ctx, Or(Cond("$identifier", "=", "mine-00001"), Cond("$identifier", "=", "theirs-00001")))
		}, 1, func(t *testing.T, e Entity) { assert.Equal(t, "mine-00001", e.Identifier) }},
		{"empty nested group is sent with its rules", func() ([]Entity, error) {
			return env.c.SearchEntities(ctx, And(Cond("$blueprint", "=", "service"), Or().Group()))
		}, 0, nil},
		{"nil value is sent as null", func() ([]Entity, error) {
			return env.c.SearchEntities(ctx, And(Cond("$blueprint", "=", "service"), Cond("$title", "=", nil)))
		}, 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.search()
			require.NoError(t, err)
			assert.Len(t, got, tt.wantIDs)
			for _, e := range got {
				if tt.check != nil {
					tt.check(t, e)
				}
			}
		})
	}
	for _, ex := range env.rec.all() {
		if strings.HasSuffix(ex.Path, "/entities/search") {
			assert.True(t, strings.HasPrefix(ex.Query, "exclude_calculated_properties=true&include="), ex.Query)
		}
	}

	_, err = env.c.SearchEntities(ctx, Query{Combinator: "xor"})
	assert.ErrorIs(t, err, ErrValidation)
	_, err = env.c.SearchEntities(ctx, And(Cond("$identifier", "bogusOperator", "x")))
	assert.ErrorIs(t, err, ErrValidation, "Port's 422 maps to ErrValidation")
}
