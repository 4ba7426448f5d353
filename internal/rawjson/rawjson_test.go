package rawjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/stretchr/testify/require"
)

var corpus = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e+10`, `-12.25E-3`, `123456789012345678901234567890`,
	`""`, `"plain"`, `"esc \" \\ \/ \b \f \n \r \t"`, `"\u00e9\u20ac\ud83d\ude00"`, `"é€😀"`, `"a\u2028b"`,
	` { "a" : [ 1 , 2 , { "b" : null } ] , "c" : "d" } `, `{"a":1,"a":2}`, `[[[[]]]]`, `{"":""}`,
	`{"identifier":"x","title":null,"team":["t"],"properties":{"n":1.0,"s":"<&>"},"relations":{}}`,
	// refused
	``, ` `, `{`, `}`, `[1,]`, `{"a":1,}`, `{"a"}`, `{a:1}`, `01`, `1.`, `.5`, `-`, `1e`, `+1`, `tru`, `nul`,
	`"unterminated`, "\"ctl\x01\"", `"\x"`, `"\u12"`, `"\ud800"`, `"\udc00"`, `"\ud800\u0041"`, "\"\xff\"",
	`1 2`, `{} x`, `NaN`, "\xef\xbb\xbf{}",
}

// Decode gives what encoding/json gives with UseNumber, and refuses what it
// refuses (and text it would alter: invalid UTF-8, half surrogate pairs).
func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for _, in := range corpus {
		t.Run(in, func(t *testing.T) {
			got, err := Decode([]byte(in))
			want, wantErr := stdDecode(in)
			if wantErr != nil || alters(in) {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	}
}

func stdDecode(in string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(in))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() || strings.TrimSpace(in[dec.InputOffset():]) != "" {
		return nil, ErrSyntax
	}
	return v, nil
}

// alters: encoding/json would decode the text into something else.
func alters(in string) bool {
	return !utf8.ValidString(in) || strings.Contains(in, `\ud800"`) || strings.Contains(in, `\udc00`) || strings.Contains(in, `\ud800\u0041`)
}

func TestMembersAndElements(t *testing.T) {
	var keys []string
	var values []string
	require.NoError(t, Members([]byte(` {"a" : [1, {"x":"}"}], "b\"":"s" ,"c":{}} `), func(k, v []byte) {
		keys = append(keys, string(k))
		values = append(values, string(v))
	}))
	require.Equal(t, []string{"a", `b"`, "c"}, keys)
	require.Equal(t, []string{`[1, {"x":"}"}]`, `"s"`, `{}`}, values)

	var elems []string
	require.NoError(t, Elements([]byte(`[ "a", 2 ,{"b":[]}]`), func(v []byte) { elems = append(elems, string(v)) }))
	require.Equal(t, []string{`"a"`, `2`, `{"b":[]}`}, elems)

	for _, bad := range []string{`[]`, `{"a":}`, `{"a":1`, `{"a":tru}`, `{"a":1} x`, `{"a":"\ud800"}`} {
		require.Error(t, Members([]byte(bad), func(_, _ []byte) {}), bad)
	}
	require.Error(t, Elements([]byte(`{}`), func([]byte) {}))
}

// Append writes what an encoding/json Encoder with HTML escaping off writes.
func TestAppendMatchesEncodingJSON(t *testing.T) {
	values := []any{
		nil, true, false, "", "plain", "<&>\"\\\n\r\t\b\f\x01\x1f", "é€😀", "a\u2028b\u2029", "bad\xffutf8",
		json.Number("12.50"), json.Number(""), map[string]any{"b": 1.5, "a": []any{"x", nil}, "c": map[string]any{}},
		[]any{}, []string{"t", "u"}, map[string]any(nil), []any(nil), 42, int64(-1 << 62), 3.25, 0.0, -0.0, 1e20, 1e21,
		1e-6, 1e-7, -2.5e-9, 123456789.125, 1.7976931348623157e308, 5e-324, struct {
			A string `json:"a"`
		}{"<"},
	}
	for _, v := range values {
		got, err := Append(nil, v)
		require.NoError(t, err)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		require.NoError(t, enc.Encode(v))
		require.Equal(t, strings.TrimSuffix(buf.String(), "\n"), string(got), "%#v", v)
	}
	_, err := Append(nil, json.Number("1x"))
	require.Error(t, err)
	_, err = Append(nil, math.NaN())
	require.Error(t, err, "as encoding/json refuses it")
}

func FuzzDecode(f *testing.F) {
	for _, in := range corpus {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if Members([]byte(in), func(_, _ []byte) {}) == nil && !(json.Valid([]byte(in)) && strings.TrimLeft(in, " \t\r\n")[0] == '{') {
			t.Fatalf("Members took %q, which is not one JSON object", in)
		}
		got, err := Decode([]byte(in))
		want, wantErr := stdDecode(in)
		if wantErr != nil {
			if err == nil {
				t.Fatalf("accepted %q that encoding/json refuses: %v", in, wantErr)
			}
			return
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: got %#v, want %#v", in, got, want)
		}
		if err == nil {
			require.NoError(t, Members([]byte(`{"k":`+in+`}`), func(_, _ []byte) {}))
			ordered, err := DecodeOrdered([]byte(in), func(obj map[string]any, keys []string) {
				for _, k := range keys {
					require.Contains(t, obj, k)
				}
				require.GreaterOrEqual(t, len(keys), len(obj))
			})
			require.NoError(t, err)
			require.Equal(t, got, ordered)
		}
	})
}

func TestDecodeOrdered(t *testing.T) {
	type told struct {
		obj  map[string]any
		keys []string
	}
	var got []told
	v, err := DecodeOrdered([]byte(`[{"b":1,"a":{"y":[{"q":0,"p":1}],"x":2,"y":3},"c":{"only":1}},{"b":2,"a":0}]`),
		func(obj map[string]any, keys []string) { got = append(got, told{obj, slices.Clone(keys)}) })
	require.NoError(t, err)
	items := v.([]any)
	first, second := items[0].(map[string]any), items[1].(map[string]any)
	inner := first["a"].(map[string]any)
	// Innermost first, each once complete; one-member objects are not told.
	require.Len(t, got, 4)
	require.Equal(t, []string{"q", "p"}, got[0].keys)
	require.Equal(t, told{inner, []string{"y", "x", "y"}}, got[1])
	require.Equal(t, told{first, []string{"b", "a", "c"}}, got[2])
	require.Equal(t, told{second, []string{"b", "a"}}, got[3])

	// A key repeated across objects is one string.
	var keys []string
	for k := range first {
		keys = append(keys, k)
	}
	for k := range second {
		i := slices.Index(keys, k)
		require.Equal(t, unsafe.StringData(keys[i]), unsafe.StringData(k), k)
	}
}

// plain stops at the first byte a JSON string cannot hold as is, wherever it
// falls in a word of eight.
func TestPlain(t *testing.T) {
	for c := range 256 {
		want := c >= 0x20 && c != '"' && c != '\\' && c < 0x80
		for at := range 19 {
			s := []byte(strings.Repeat("a", at) + string(rune(0)) + strings.Repeat("b", 9))
			s[at] = byte(c)
			n := Plain(s, 0)
			if want {
				require.Equal(t, len(s), n, "byte %#x at %d", c, at)
			} else {
				require.Equal(t, at, n, "byte %#x at %d", c, at)
			}
			require.Equal(t, n, Plain(string(s), 0))
		}
	}
	require.Equal(t, 0, Plain(`xy"ab`, 2), "from an offset")
	require.Equal(t, 2, Plain(`xy"ab`, 3), "from an offset")
}

func FuzzAppendString(f *testing.F) {
	for _, in := range corpus {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		require.NoError(t, enc.Encode(in))
		require.Equal(t, strings.TrimSuffix(want.String(), "\n"), string(AppendString(nil, in)))
	})
}

// A page of a thousand raw items of about 1 KB, as a third-party API sends
// them.
var page = func() []byte {
	var b bytes.Buffer
	b.WriteString(`{"results":[`)
	for i := range 1000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"hr-%06d","name":"Ann Lee","email":"ann.lee%d@example.com","status":"WORKING","age":%d,"department":{"id":"hr","name":"hr"},"bio":%q}`,
			i, i, 20+i%80, strings.Repeat("Lorem ipsum dolor sit amet, consectetur. ", 25))
	}
	b.WriteString(`],"total":1000}`)
	return b.Bytes()
}()

func BenchmarkDecodePage(b *testing.B) {
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(page); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMembersPage splits a page into its members, skipping (checking)
// the array of items.
func BenchmarkMembersPage(b *testing.B) {
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Members(page, func(_, _ []byte) {}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendString(b *testing.B) {
	s := strings.Repeat("Lorem ipsum dolor sit amet, consectetur. ", 25)
	b.SetBytes(int64(len(s)))
	buf := make([]byte, 0, 2*len(s))
	for b.Loop() {
		buf = AppendString(buf[:0], s)
	}
}
