package jsonorder

import (
	"encoding/json"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestUnmarshalKeepsKeyOrder(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"flat", `{"z":1,"a":2,"m":3}`, `{"z":1,"a":2,"m":3}`},
		{"nested", `{"b":{"y":1,"x":[{"q":1,"p":2}]},"a":null}`, `{"b":{"y":1,"x":[{"q":1,"p":2}]},"a":null}`},
		{"escaped keys", `{"\u00e9t\u00e9":1,"a\"b":2,"\\":3}`, `{"été":1,"a\"b":2,"\\":3}`},
		{"duplicate keeps first place, last value", `{"b":1,"a":{"d":1,"c":2},"b":{"y":0,"x":1}}`, `{"b":{"y":0,"x":1},"a":{"d":1,"c":2}}`},
		{"numbers exact", `{"n":12345678901234567890,"f":1.10}`, `{"n":12345678901234567890,"f":1.10}`},
		{"spaces", " {\n \"b\" : [ 1 , {\"d\":1, \"c\":2} ] ,\t\"a\":\"x,}]\" } ", `{"b":[1,{"d":1,"c":2}],"a":"x,}]"}`},
		{"empty", `{"b":{},"a":[]}`, `{"b":{},"a":[]}`},
		{"items alike and not", `[{"b":1,"a":2},{"a":1,"b":2},{"b":3,"a":4},{"c":0,"b":1,"a":2,"b":3}]`, `[{"b":1,"a":2},{"a":1,"b":2},{"b":3,"a":4},{"c":0,"b":3,"a":2}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := Unmarshal([]byte(tc.in))
			require.NoError(t, err)
			got, err := Marshal(v)
			require.NoError(t, err)
			require.Equal(t, tc.want, string(got))
		})
	}
}

func TestUnmarshalRejectsTrailingData(t *testing.T) {
	_, err := Unmarshal([]byte(`{"a":1} {"b":2}`))
	require.Error(t, err)
	_, err = Unmarshal([]byte(`{"a":`))
	require.Error(t, err)
}

func TestKeysWithoutRecordAreSorted(t *testing.T) {
	require.Equal(t, []string{"a", "b", "c"}, Keys(map[string]any{"c": 1, "a": 2, "b": 3}))
	require.Empty(t, Keys(map[string]any{}))
}

func TestKeysAfterChange(t *testing.T) {
	m := map[string]any{"c": 1, "a": 2, "b": 3}
	Record(m, []string{"c", "a", "b"})
	delete(m, "a")
	m["0"], m["d"] = 0, 4
	require.Equal(t, []string{"c", "b", "0", "d"}, Keys(m))
}

func TestDerive(t *testing.T) {
	src := map[string]any{"c": 1, "a": 2, "b": 3}
	Record(src, []string{"c", "a", "b"})
	dst := map[string]any{"c": 1, "b": 3, "item": 4, "0": 5}
	Derive(dst, src)
	require.Equal(t, []string{"c", "b", "0", "item"}, Keys(dst))
}

// A map at the address of a collected one must not inherit its order.
func TestCollectedOrderIsForgotten(t *testing.T) {
	for range 200 {
		v, err := Unmarshal([]byte(`{"b":1,"a":2}`))
		require.NoError(t, err)
		runtime.KeepAlive(v)
	}
	runtime.GC()
	runtime.GC()
	for range 200 {
		m := map[string]any{"b": 1, "a": 2}
		require.Equal(t, []string{"a", "b"}, Keys(m))
	}
	require.Eventually(t, func() bool {
		runtime.GC()
		n := 0
		orders.Range(func(any, any) bool { n++; return true })
		return n < 200
	}, 10_000_000_000, 10_000_000, "cleanups remove the entries of collected maps")
}

func TestAppendScalarsAndForeignValues(t *testing.T) {
	type s struct{ B, A int }
	got, err := Marshal(map[string]any{"x": []any{s{1, 2}, json.Number("1e3"), "<&>", nil, true}})
	require.NoError(t, err)
	require.Equal(t, `{"x":[{"B":1,"A":2},1e3,"<&>",null,true]}`, string(got))
	_, err = Marshal(map[string]any{"f": func() {}})
	require.Error(t, err)
}
