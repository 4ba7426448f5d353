package applier

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"slices"
	"strings"
	"testing"

	"github.com/ocean-go/ocean/clients/port"
)

// The listing's JSON read in place gives the snapshot encoding/json and
// digest give, entity by entity; what the reader does not read exactly goes
// through encoding/json.
func TestSnapshotRawPage(t *testing.T) {
	for _, tc := range []struct {
		name     string
		entities string // the JSON array of the page's entities
		exact    bool   // read in place, not through encoding/json
	}{
		{"plain", `[{"identifier":"a","blueprint":"person","title":"A","icon":"Git","team":"t","properties":{"name":"x","age":3},"relations":{"manager":"b"}}]`, true},
		{"numbers by value", `[{"identifier":"a","blueprint":"p","properties":{"a":1.10,"b":1e2,"c":-0,"d":123456789012345678901234567890,"e":0.5E-3,"f":[1,2.0,{"g":10}]}}]`, true},
		{"nested objects, repeated keys, nulls", `[{"identifier":"a","blueprint":"p","properties":{"o":{"z":1,"a":null,"z":2},"n":null,"r":1,"r":null,"s":[null,true,false,"x"]}}]`, true},
		{"escapes and unicode", `[{"identifier":"\u00e9\n\"q\"","blueprint":"p\/x","title":"é \ud83d\ude00","properties":{"k\u0065y":"\\ \b\f\r\t"}}]`, true},
		{"invalid UTF-8 in a string", "[{\"identifier\":\"a\xff\",\"blueprint\":\"p\",\"properties\":{\"s\":\"\xc3(\"}}]", true},
		{"absent and null fields", `[{"identifier":"a","blueprint":"p"},{"identifier":"b","blueprint":"p","title":null,"icon":null,"team":null,"properties":null,"relations":null}]`, true},
		{"teams as sets", `[{"identifier":"a","blueprint":"p","team":["y","x","y"]},{"identifier":"b","blueprint":"p","team":[]}]`, true},
		{"teams that are not sets of names", `[{"identifier":"a","blueprint":"p","team":["x",1]},{"identifier":"b","blueprint":"p","team":{"combinator":"and","rules":[]}},{"identifier":"c","blueprint":"p","team":true}]`, true},
		{"no plain identifier", `[null,{"identifier":{"combinator":"and","rules":[]},"blueprint":"p"},{"blueprint":"p"},{"identifier":7,"blueprint":"p"}]`, true},
		{"meta and other fields", ` [ {"identifier" : "a" , "blueprint":"p","createdAt":"2024","updatedBy":null,"scorecards":{"x":[1]},"$extra":1} ] `, true},
		{"a field in other case", `[{"identifier":"a","Identifier":"b","blueprint":"p"}]`, false},
		{"a repeated field", `[{"identifier":"a","blueprint":"p","title":"x","title":"y"}]`, false},
		{"a field of another type", `[{"identifier":"a","blueprint":"p","properties":[1]}]`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(`{"ok":true,"entities":` + tc.entities + `,"next":"c1"}`)
			var page struct {
				Entities []port.Entity `json:"entities"`
				Next     *string       `json:"next"`
			}
			d := json.NewDecoder(bytes.NewReader(body))
			d.UseNumber()
			decodeErr := d.Decode(&page)

			seed := maphash.MakeSeed()
			want := &snapshot{seed: seed}
			for i := range page.Entities {
				want.add(&page.Entities[i])
			}
			raw := &snapshot{seed: seed}
			next, exact := raw.addRawPage(body)
			if exact != tc.exact {
				t.Fatalf("read in place: %v, want %v", exact, tc.exact)
			}
			got := &snapshot{seed: seed}
			gotNext, err := got.addPage(body)
			if (err != nil) != (decodeErr != nil) {
				t.Fatalf("addPage error %v; encoding/json's %v", err, decodeErr)
			}
			if err != nil {
				return
			}
			if exact && (next == nil || *next != "c1") {
				t.Errorf("next = %v, want c1", next)
			}
			if gotNext == nil || *gotNext != "c1" {
				t.Errorf("addPage next = %v, want c1", gotNext)
			}
			if g, w := got.all(), want.all(); !slices.Equal(g, w) {
				t.Errorf("entries %v, want %v", g, w)
			}
		})
	}
}

// Malformed JSON is never read in place.
func TestSnapshotRawPageMalformed(t *testing.T) {
	for _, body := range []string{
		``, `{`, `{"entities":[{"identifier":"a"}]`, `{"entities":[{"identifier":"a",}]}`,
		`{"entities":[{"identifier":"a\x01"}]}`, `{"entities":[{"identifier":"\x"}]}`, `{"entities":[{"identifier":"\u12"}]}`,
		`{"entities":[{"identifier":"a","properties":{"n":01}}]}`, `{"entities":[{"identifier":"a","properties":{"n":1.}}]}`,
		`{"entities":[{"identifier":"a","properties":{"n":-}}]}`, `{"entities":[{"identifier":"a","properties":{"n":tru}}]}`,
		`{"entities":[]} x`, `{"entities":[],"next":1}`, `{"Entities":[]}`,
	} {
		s := &snapshot{seed: maphash.MakeSeed()}
		if _, ok := s.addRawPage([]byte(body)); ok {
			t.Errorf("%q read in place", body)
		}
		if strings.TrimSpace(body) == "" {
			if next, err := s.addPage([]byte(body)); err != nil || next != nil {
				t.Errorf("empty body: next %v, error %v", next, err)
			}
		}
	}
}

// all is every entry, sorted.
func (s *snapshot) all() []snapshotEntry {
	s.sort()
	var out []snapshotEntry
	for _, b := range s.buckets {
		out = append(out, b...)
	}
	return out
}

// BenchmarkSnapshotRawPage reads a listing page of 1,000 entities shaped as
// the fake integration's persons, as the snapshot of a resync does.
func BenchmarkSnapshotRawPage(b *testing.B) {
	var page bytes.Buffer
	page.WriteString(`{"ok":true,"entities":[`)
	for i := range 1000 {
		if i > 0 {
			page.WriteByte(',')
		}
		page.WriteString(`{"identifier":"person-` + strings.Repeat("7", i%5+1) + `","title":"Ada Lovelace","icon":null,"blueprint":"fake-person","team":[],` +
			`"properties":{"name":"Ada Lovelace","email":"ada@example.com","age":36,"height":1.65,"status":"WORKING","bio":"` + strings.Repeat("x", 800) +
			`","tags":["a","b"],"meta":{"n":1.5}},"relations":{"department":"hr"}}`)
	}
	page.WriteString(`],"next":"1000"}`)
	body := page.Bytes()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		s := &snapshot{seed: maphash.MakeSeed()}
		if _, ok := s.addRawPage(body); !ok {
			b.Fatal("not read in place")
		}
	}
}
