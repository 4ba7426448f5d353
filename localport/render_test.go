package localport

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// An answer copied from the stored bytes is, byte for byte, what encoding
// the projected entity gives.
func TestRenderMatchesApply(t *testing.T) {
	title := "Checkout <svc> & co"
	e := &entity{
		Identifier: "svc-1", Title: &title, Blueprint: "service", Team: []string{"platform", "ops"},
		Properties: map[string]any{"language": "go", "stars": json.Number("12.50"), "tags": []any{"a", "b"},
			"meta": map[string]any{"z": nil, "a": true}, "note": "line\nbreak\u2028"},
		Relations: map[string]any{"owner": "u1", "deps": []any{"a", "b"}},
		CreatedAt: "2026-01-01T00:00:00.000Z", CreatedBy: "me", UpdatedAt: "2026-01-02T00:00:00.000Z", UpdatedBy: "you",
	}
	body, err := e.encode()
	require.NoError(t, err)
	bare := &entity{Identifier: "bare", Blueprint: "service"}
	bareBody, err := bare.encode()
	require.NoError(t, err)

	for _, p := range []projection{
		{},
		{include: []string{"identifier", "blueprint"}},
		{include: []string{"identifier", "blueprint", "title", "icon", "team", "properties", "relations"}},
		{include: []string{"properties.language", "properties.missing", "relations.owner"}},
		{include: []string{"properties.language", "properties"}},
		{include: []string{"properties", "properties.language"}},
		{include: []string{"team.x", "title.y", "nosuch", "identifier"}},
		{exclude: []string{"properties", "createdAt"}},
		{exclude: []string{"properties.language", "relations.deps", "team.x"}},
		{include: []string{"properties.language", "properties.stars"}, exclude: []string{"properties.stars"}},
		{include: []string{"identifier"}, exclude: []string{"identifier"}},
	} {
		for _, stored := range []struct {
			e    *entity
			body string
		}{{e, body}, {bare, bareBody}} {
			got, decodable := p.plan().appendEntity(nil, []byte(stored.body), p)
			require.True(t, decodable)
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			require.NoError(t, enc.Encode(p.apply(stored.e)))
			require.Equal(t, bytes.TrimSuffix(want.Bytes(), []byte("\n")), got, "projection %+v", p)
		}
	}
}

// A body encode did not write (an older layout, keys reordered or escaped)
// is decoded and projected; one that is not an entity is refused.
func TestRenderOtherBodies(t *testing.T) {
	p := projection{include: []string{"identifier", "properties"}}
	for _, tc := range []struct {
		body, want string
		decodable  bool
	}{
		{`{"blueprint":"b","identifier":"x","properties":{"a":"\u003c"}}`, `{"identifier":"x","properties":{"a":"<"}}`, true},
		{`{"identifier":"x","title":null,"icon":null,"blueprint":"b","team":null,"properties":null,"relations":{},"createdAt":"","createdBy":"","updatedAt":"","updatedBy":""}`, `{"identifier":"x","properties":{}}`, true},
		{`{"identifier":"x","title":null,"icon":null,"blueprint":"b","team":[1],"properties":{},"relations":{},"createdAt":"","createdBy":"","updatedAt":"","updatedBy":""}`, "", false},
		{`{"identifier":`, "", false},
	} {
		got, decodable := p.plan().appendEntity(nil, []byte(tc.body), p)
		require.Equal(t, tc.decodable, decodable, tc.body)
		if decodable {
			require.JSONEq(t, tc.want, string(got))
		}
		r := &row{body: tc.body}
		require.Equal(t, tc.decodable, r.decodable(), tc.body)
	}
}
