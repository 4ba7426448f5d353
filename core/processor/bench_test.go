package processor

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// fakePersonMapping is the mapping of Ocean's fake integration.
const fakePersonMapping = `
resources:
- kind: fake-person
  selector: {query: 'true'}
  port:
    entity:
      mappings:
        identifier: .id
        title: .name
        blueprint: '"fake-person"'
        properties: {email: .email, age: .age, department: .department.name, bio: .bio, status: .status}
        relations: {department: .department.id}
`

// fakePeople returns n person items of about 1 KB each, decoded as raw data is.
func fakePeople(b *testing.B, n int) []any {
	docs := make([]string, n)
	bio := strings.Repeat("Writes integrations and reads catalogs. ", 22)
	for i := range docs {
		docs[i] = fmt.Sprintf(`{"id": "person-%d", "name": "Person %d", "email": "person%d@example.com", "age": %d,
			"department": {"id": "dep-%d", "name": "Department %d"}, "bio": %q, "status": "WORKING"}`,
			i, i, i, 20+i%50, i%7, i%7, bio)
	}
	return items(b, docs...)
}

func BenchmarkProcessFakePerson(b *testing.B) {
	in := fakePeople(b, 1000)
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			m := compileYAML(b, New(Options{Workers: workers}), fakePersonMapping)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if r := m.Process(context.Background(), in, false); len(r.Passed) != len(in) {
					b.Fatalf("passed %d of %d", len(r.Passed), len(in))
				}
			}
			perSec := float64(b.N*len(in)) / b.Elapsed().Seconds()
			b.ReportMetric(perSec, "entities/s")
			b.ReportMetric(perSec/float64(workers), "entities/s/worker")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(in)), "ns/entity")
		})
	}
}

// BenchmarkRegex measures one regex builtin call per item: a pattern RE2
// runs (gojq's engine behind the prelude) and one that needs regexp2.
func BenchmarkRegex(b *testing.B) {
	p := New(Options{})
	for _, bc := range []struct{ name, query string }{
		{"re2", `.login | gsub("\\["; "-")`},
		{"look-ahead", `.login | gsub("\\](?=[^$])"; "-")`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			code, err := p.compile(bc.query)
			if err != nil {
				b.Fatal(err)
			}
			in := map[string]any{"login": "dependabot[bot]"}
			for b.Loop() {
				if _, _, err := first(context.Background(), code, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
