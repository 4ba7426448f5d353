package applier

import (
	"math"
	"testing"
)

func TestSkipReason(t *testing.T) {
	tests := []struct {
		name            string
		produced, stale int
		threshold       float64
		unresolved      int
		want            string
	}{
		{"under threshold", 90, 10, 0.9, 0, ""},
		{"at threshold", 10, 90, 0.9, 0, ""},
		{"over threshold", 50, 950, 0.9, 0, "would delete 950 of 1000 svc entities (95% > threshold 90%)"},
		{"source empty", 0, 3, 0.9, 0, "would delete 3 of 3 svc entities (100% > threshold 90%)"},
		{"threshold 1 deletes all", 0, 3, 1, 0, ""},
		{"threshold 0 never deletes", 99, 1, 0, 0, "would delete 1 of 100 svc entities but the deletion threshold is 0 (deletion disabled)"},
		{"NaN never deletes", 99, 1, math.NaN(), 0, "would delete 1 of 100 svc entities but the deletion threshold is 0 (deletion disabled)"},
		{"unresolved search identifiers", 99, 1, 1, 2, "2 svc entities with a search identifier were not written, so which entities are stale is unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := (&Applier{}).NewReconciler(Options{})
			r.unresolved["svc"] = tt.unresolved
			br := BlueprintResult{Blueprint: "svc", Produced: tt.produced, Stale: tt.stale,
				Ratio: float64(tt.stale) / float64(tt.produced+tt.stale)}
			if got := r.skipReason(br, tt.threshold); got != tt.want {
				t.Errorf("skipReason = %q, want %q", got, tt.want)
			}
		})
	}
}
