package resync

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/core/applier"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestSummaryTable(t *testing.T) {
	sum := &Summary{
		EventID:  "e1",
		Status:   Completed,
		Duration: 2500 * time.Millisecond,
		Kinds: []KindSummary{
			{Kind: "fake-person", Extracted: 1000, FilteredOut: 10, Created: 900, Updated: 50, Unchanged: 30, Uncompared: 10, Deleted: 3, Failed: 0, Duration: 2 * time.Second},
			{Kind: "fake-department", Index: 1, Extracted: 5, Created: 5, Failed: 1, FailedBatches: 2, Duration: 10 * time.Millisecond},
			// A second resource of fake-person: its rows are told apart by index.
			{Kind: "fake-person", Index: 2, Extracted: 4, Created: 4, Duration: 5 * time.Millisecond},
		},
		Orphaned: 2,
		Deletion: "deleted 5 stale entities",
	}
	tot := sum.Totals()
	assert.Equal(t, KindSummary{Extracted: 1009, FilteredOut: 10, Created: 909, Updated: 50, Unchanged: 30, Uncompared: 10,
		Deleted: 5, Failed: 1, FailedBatches: 2, Duration: 2500 * time.Millisecond}, tot)

	var out bytes.Buffer
	require.NoError(t, sum.WriteTable(&out))
	golden := filepath.Join("testdata", "summary.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, out.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), out.String())
}

func TestSummaryClosingLine(t *testing.T) {
	for _, tc := range []struct {
		name  string
		kinds []KindSummary
		want  string
	}{
		{"nothing failed", []KindSummary{{Kind: "a", Created: 3}}, "resync e1: completed; deleted 0 stale entities\n"},
		{"entities", []KindSummary{{Kind: "a", Failed: 1}, {Kind: "b", Failed: 2, Index: 1}},
			"resync e1: completed; 3 entities not written; deleted 0 stale entities\n"},
		{"one entity, one batch", []KindSummary{{Kind: "a", Failed: 1, FailedBatches: 1}},
			"resync e1: completed; 1 entity not written, 1 raw batch not fetched; deleted 0 stale entities\n"},
		{"batches", []KindSummary{{Kind: "a", FailedBatches: 2}},
			"resync e1: completed; 2 raw batches not fetched; deleted 0 stale entities\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			sum := &Summary{EventID: "e1", Status: Completed, Kinds: tc.kinds, Deletion: "deleted 0 stale entities"}
			require.NoError(t, sum.WriteTable(&out))
			lines := strings.SplitAfter(out.String(), "\n")
			assert.Equal(t, tc.want, lines[len(lines)-2])
		})
	}
}

func TestAttributeDeletions(t *testing.T) {
	sum := &Summary{Kinds: []KindSummary{{Kind: "team"}, {Kind: "member"}, {Kind: "member", Index: 2}}}
	attributeDeletions(sum, applier.ReconcileResult{Blueprints: []applier.BlueprintResult{
		{Blueprint: "member", Kinds: []string{"member"}, Deleted: 4, Gone: 1},
		{Blueprint: "team", Kinds: []string{"team"}, Skipped: "would delete 10 of 10 team entities (100% > threshold 90%)"},
		{Blueprint: "office", Deleted: 2},
	}})
	assert.Equal(t, []int{0, 4, 0}, []int{sum.Kinds[0].Deleted, sum.Kinds[1].Deleted, sum.Kinds[2].Deleted},
		"a blueprint's deletions count once, for the first resource of its kind")
	assert.Equal(t, 2, sum.Orphaned, "deletions in a blueprint no kind maps")
	assert.Equal(t, 6, sum.Totals().Deleted)
	assert.Equal(t, "deleted 6 stale entities (1 more were already deleted by someone else); kept team: would delete 10 of 10 team entities (100% > threshold 90%)", sum.Deletion)
}

func keys(bp string, ids ...string) []port.Key {
	out := make([]port.Key, len(ids))
	for i, id := range ids {
		out[i] = port.Key{Blueprint: bp, Identifier: id}
	}
	return out
}

func TestSummaryPlan(t *testing.T) {
	sum := &Summary{
		EventID: "e1", Status: Completed, DryRun: true,
		Kinds: []KindSummary{
			{Kind: "person", Blueprint: "person", Extracted: 9, Unchanged: 1,
				Created: 7, CreatedKeys: keys("person", "a", "b", "c", "d", "e"),
				Updated: 1, UpdatedKeys: keys("person", "f"),
				Deleted: 2, DeletedKeys: keys("person", "x", "y")},
			{Kind: "team", Index: 1, Extracted: 2, FilteredOut: 2},
		},
		Orphaned: 1, OrphanedKeys: keys("office", "old"),
		Deletion: "would delete 3 stale entities",
	}
	var out bytes.Buffer
	require.NoError(t, sum.WritePlan(&out))
	golden := filepath.Join("testdata", "plan.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, out.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), out.String())
}

func TestAttributeDeletionsOfADryRunNamesThem(t *testing.T) {
	sum := &Summary{DryRun: true, Kinds: []KindSummary{{Kind: "member"}}}
	attributeDeletions(sum, applier.ReconcileResult{Blueprints: []applier.BlueprintResult{
		{Blueprint: "member", Kinds: []string{"member"}, Deleted: 2, DeletedKeys: keys("member", "a", "b")},
		{Blueprint: "office", Deleted: 1, DeletedKeys: keys("office", "o")},
	}})
	assert.Equal(t, keys("member", "a", "b"), sum.Kinds[0].DeletedKeys)
	assert.Equal(t, keys("office", "o"), sum.OrphanedKeys)
	assert.Equal(t, "would delete 3 stale entities", sum.Deletion)
}

func TestSummaryPlanClosingLine(t *testing.T) {
	for _, tc := range []struct {
		name     string
		deletion string
		kinds    []KindSummary
		want     string
	}{
		{"deletions", "would delete 2 stale entities", []KindSummary{{Kind: "a", Deleted: 2}},
			"dry run e1: completed; would create 0, update 0, delete 2; nothing was written to Port\n"},
		{"a kept blueprint", "would delete 0 stale entities; kept team: would delete 10 of 10 team entities (100% > threshold 90%)",
			[]KindSummary{{Kind: "team"}},
			"dry run e1: completed; would create 0, update 0, delete 0; kept team: would delete 10 of 10 team entities (100% > threshold 90%); nothing was written to Port\n"},
		{"a failed kind", "nothing deleted: some kinds failed", []KindSummary{{Kind: "a", Created: 1, FailedBatches: 1}},
			"dry run e1: failed; would create 1, update 0, delete 0; 1 raw batch not fetched; nothing deleted: some kinds failed; nothing was written to Port\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status := Completed
			if tc.kinds[0].FailedBatches > 0 {
				status = Failed
			}
			var out bytes.Buffer
			sum := &Summary{EventID: "e1", Status: status, DryRun: true, Kinds: tc.kinds, Deletion: tc.deletion}
			require.NoError(t, sum.WritePlan(&out))
			lines := strings.SplitAfter(out.String(), "\n")
			assert.Equal(t, tc.want, lines[len(lines)-2])
		})
	}
}

func TestRequestsLine(t *testing.T) {
	for _, tc := range []struct {
		name    string
		byRoute map[string]int
		want    string
	}{
		{"none", map[string]int{}, "Port requests: 0"},
		{"by decreasing count, short names", map[string]int{
			"POST /v1/entities/search": 5, "POST /v1/blueprints/{bp}/entities/bulk": 50,
			"POST /v1/blueprints/entities/datasource-entities": 2,
		}, "Port requests: 57 (bulk upsert 50, search 5, owned listing 2)"},
		{"a route without a short name", map[string]int{"GET /v1/migrations/{id}": 1, "GET /v1/organization": 1},
			"Port requests: 2 (GET /v1/migrations/{id} 1, organization 1)"},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, RequestsLine(tc.byRoute)) })
	}
}

// The requests line follows the closing line when the requests were counted.
func TestSummaryTableEndsWithTheRequests(t *testing.T) {
	var out bytes.Buffer
	sum := &Summary{EventID: "e1", Status: Completed, Kinds: []KindSummary{{Kind: "a", Created: 3}},
		Deletion: "deleted 0 stale entities", Requests: map[string]int{"POST /v1/blueprints/{bp}/entities/bulk": 1}}
	require.NoError(t, sum.WriteTable(&out))
	lines := strings.SplitAfter(out.String(), "\n")
	assert.Equal(t, "resync e1: completed; deleted 0 stale entities\n", lines[len(lines)-3])
	assert.Equal(t, "Port requests: 1 (bulk upsert 1)\n", lines[len(lines)-2])
}
