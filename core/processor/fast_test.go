package processor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWalkIsGojqIndexing checks that a walked path gives what gojq gives on
// every shape of input; where walk declines, the field runs in gojq.
func TestWalkIsGojqIndexing(t *testing.T) {
	paths := []string{
		`.`, `.a`, `.a.b`, `.a[0]`, `.a[-1]`, `.a[-9]`, `.a[5]`, `.list[1].name`,
		`.["x y"]`, `.a["b"]`, `.a.[0]`, `.["\u0041"]`, `.["a]b"]`, `.[0]`, `._x9`,
		`.n.m`, `.s[0]`, `.s.x`,
	}
	inputs := []string{
		`null`, `"text"`, `3`, `true`, `[1, 2, 3]`, `[{"name": "n"}]`,
		`{"a": {"b": 1, "0": 2}, "x y": 3, "A": 4, "a]b": 5, "_x9": 6, "s": "str", "n": 1.5,
		  "list": [{"name": "first"}, {"name": "second"}]}`,
		`{"a": [10, 20, 30]}`, `{"a": null}`, `{"a": "str"}`, `{"a": [[1]]}`,
	}
	p := New(Options{})
	for _, path := range paths {
		steps, ok := p.parsePath(path)
		require.True(t, ok, path)
		code, err := p.compile(path)
		require.NoError(t, err, path)
		for _, in := range inputs {
			item := items(t, in)[0]
			want, _, wantErr := first(context.Background(), code, item)
			got, walked := walk(item, steps)
			if walked {
				assert.NoError(t, wantErr, "%s on %s", path, in)
				assert.Equal(t, want, got, "%s on %s", path, in)
			}
		}
	}
}

func TestParsePathDeclines(t *testing.T) {
	p := New(Options{})
	for _, path := range []string{`.a[99999999999999999999]`, `.a[`, `.a.`} {
		_, ok := p.parsePath(path)
		assert.False(t, ok, path)
	}
}

// TestFieldErrorsOfWalkedPaths checks that a path walk cannot follow runs in
// gojq: its value (a character of a string) or its error, for that field only.
func TestFieldErrorsOfWalkedPaths(t *testing.T) {
	m := compileYAML(t, New(Options{}), resource("true", `        identifier: .id
        blueprint: '"bp"'
        properties: {name: .name, first: .name.first, tag: ".tags[0]", letter: ".name[0]"}
`))
	require.True(t, m.bounded)
	r := process(t, m, false, `{"id": "a", "name": "Ann", "tags": {"x": 1}}`)
	require.Len(t, r.Passed, 1)
	e := r.Passed[0]
	assert.Equal(t, "Ann", e.Properties["name"])
	assert.Nil(t, e.Properties["first"])
	assert.Nil(t, e.Properties["tag"])
	assert.Equal(t, "A", e.Properties["letter"])
	assert.Contains(t, r.FieldErrors["properties.first"], "expected an object")
	assert.Contains(t, r.FieldErrors["properties.tag"], "expected an array")
	assert.NotContains(t, r.FieldErrors, "properties.name")
}

// FuzzWalk checks walked paths against gojq on arbitrary paths and inputs.
func FuzzWalk(f *testing.F) {
	f.Add(`.a.b`, `{"a": {"b": 1}}`)
	f.Add(`.a[-1]`, `{"a": [1, 2]}`)
	f.Add(`.["x\"y"][0]`, `{"x\"y": ["z"]}`)
	f.Add(`.[2]`, `"text"`)
	p := New(Options{})
	f.Fuzz(func(t *testing.T, path, doc string) {
		if !pathRE.MatchString(path) {
			return
		}
		item, err := decodeJSON([]byte(doc))
		if err != nil {
			return
		}
		code, err := p.compile(path)
		if err != nil {
			return
		}
		steps, ok := p.parsePath(path)
		if !ok {
			return
		}
		want, _, wantErr := first(context.Background(), code, item)
		if got, walked := walk(item, steps); walked {
			require.NoError(t, wantErr, "%s on %s", path, doc)
			require.Equal(t, want, got, "%s on %s", path, doc)
		}
	})
}
