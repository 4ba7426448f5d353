package processor

import (
	"testing"

	"github.com/itchyny/gojq"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Expected outputs are jq 1.8.2's.
func TestKeyOrderBuiltins(t *testing.T) {
	const in = `{"z":1,"a":{"y":2,"x":3},"m":null}`
	for _, tc := range []struct{ query, want string }{
		{`keys_unsorted`, `["z","a","m"]`},
		{`to_entries|map(.key)`, `["z","a","m"]`},
		{`with_entries(.value |= tostring)`, `{"z":"1","a":"{\"y\":2,\"x\":3}","m":"null"}`},
		{`[{key:"b",value:1},{key:"a",value:2},{key:"b",value:3}]|from_entries`, `{"b":3,"a":2}`},
		{`tojson`, `"{\"z\":1,\"a\":{\"y\":2,\"x\":3},\"m\":null}"`},
		{`"\(.a)"`, `"{\"y\":2,\"x\":3}"`},
		{`@html "<\(.a)>"`, `"<{&quot;y&quot;:2,&quot;x&quot;:3}>"`},
		{`.a|@base64`, `"eyJ5IjoyLCJ4IjozfQ=="`},
		{`[.a, {c:1, b:2}]|add`, `{"y":2,"x":3,"c":1,"b":2}`},
		{`{q:1,p:2}|add`, `3`},
		{`add(.a, {w:0})`, `{"y":2,"x":3,"w":0}`},
		{`.a + {w:0, y:9}`, `{"y":9,"x":3,"w":0}`},
		{`{b:1} + .a`, `{"b":1,"y":2,"x":3}`},
		{`del(.a)`, `{"z":1,"m":null}`},
		{`del(.z)`, `{"a":{"y":2,"x":3},"m":null}`},
		{`map_values(. // 0)`, `{"z":1,"a":{"y":2,"x":3},"m":0}`},
		{`walk(if type == "number" then . + 1 else . end)`, `{"z":2,"a":{"y":3,"x":4},"m":null}`},
		{`{z, a: .a.x, "b c": 1}`, `{"z":1,"a":3,"b c":1}`},
		{`.a as $v | {z: 0, $v}`, `{"z":0,"v":{"y":2,"x":3}}`},
		{`[paths]`, `[["z"],["a"],["a","y"],["a","x"],["m"]]`},
		{`.a|tojson|fromjson|keys_unsorted`, `["y","x"]`},
		{`.a|to_entries|max_by(.value)|.key`, `"x"`},
		{`.a|to_entries|min_by(.value)|.key`, `"y"`},
		{`"x" + "-" + (.z|tostring)`, `"x-1"`},
		{`[(1,2) + (10,20)]`, `[11,12,21,22]`},
		{`def to_entries: "mine"; to_entries`, `"mine"`},
	} {
		t.Run(tc.query, func(t *testing.T) {
			p := New(Options{})
			v, err := decodeJSON([]byte(in))
			require.NoError(t, err)
			got, err := runAll(p, tc.query, v)
			require.NoError(t, err)
			want, err := decodeJSON([]byte(tc.want))
			require.NoError(t, err)
			w, err := orderedCanonical(want)
			require.NoError(t, err)
			assert.Equal(t, []string{string(w)}, got)
		})
	}
}

// .[] over an object cannot be replaced (it is also a path expression): it
// keeps gojq's sorted order, a documented deviation.
func TestKeyOrderIterationStaysSorted(t *testing.T) {
	v, err := decodeJSON([]byte(`{"b":1,"a":2}`))
	require.NoError(t, err)
	got, err := runAll(New(Options{}), `[.[]]`, v)
	require.NoError(t, err)
	assert.Equal(t, []string{`[2,1]`}, got)
}

func TestMayBeObject(t *testing.T) {
	for src, want := range map[string]bool{
		`.a + .b`:                   true,
		`.name + "-" + .id`:         false,
		`(.id | tostring) + .x`:     false,
		`{a: 1} + .b`:               true,
		`.a + 1`:                    false,
		`"\(.a)" + .b`:              false,
		`[.a] + .b`:                 false,
		`(.a | tojson) + (.b + .c)`: false,
		`(.a // {}) + (.b // {})`:   true,
		`.metadata.labels + .sel`:   true,
		`if .x then {} else {} end`: true,
		`.a + .b | ascii_downcase`:  false,
		`.a + .b | .c`:              true,
	} {
		q, err := gojq.Parse(src)
		require.NoError(t, err)
		assert.Equal(t, want, mayBeObject(q), src)
	}
}
