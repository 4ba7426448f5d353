package applier

import (
	"math"
	"testing"
)

func TestSkipReason(t *testing.T) {
	mapped := []string{"svc"}
	tests := []struct {
		name            string
		produced, stale int // of the blueprint svc
		kinds           []string
		all             [2]int // produced and stale of the whole integration; zero: svc's
		threshold       float64
		unresolved      int
		want            string
	}{
		{"under threshold", 90, 10, mapped, [2]int{}, 0.9, 0, ""},
		{"at threshold", 10, 90, mapped, [2]int{}, 0.9, 0, ""},
		{"over threshold", 50, 950, mapped, [2]int{}, 0.9, 0, "would delete 950 of 1000 svc entities (95% > threshold 90%)"},
		{"source empty, other blueprints large", 0, 3, mapped, [2]int{97, 3}, 0.9, 0, "would delete 3 of 3 svc entities (100% > threshold 90%)"},
		{"kind removed from the mapping, others large", 0, 3, nil, [2]int{97, 3}, 0.9, 0, ""},
		{"kind removed from the mapping, alone", 0, 3, nil, [2]int{}, 0.9, 0, "would delete 3 of the integration's 3 entities (100% > threshold 90%)"},
		{"under its own threshold, over the integration's", 80, 20, mapped, [2]int{80, 80}, 0.25, 0, "would delete 80 of the integration's 160 entities (50% > threshold 25%)"},
		{"threshold 1 deletes all", 0, 3, mapped, [2]int{}, 1, 0, ""},
		{"threshold 0 never deletes", 99, 1, mapped, [2]int{}, 0, 0, "would delete 1 of 100 svc entities but the deletion threshold is 0 (deletion disabled)"},
		{"NaN never deletes", 99, 1, mapped, [2]int{}, math.NaN(), 0, "would delete 1 of 100 svc entities but the deletion threshold is 0 (deletion disabled)"},
		{"unresolved search identifiers", 99, 1, mapped, [2]int{}, 1, 2, "2 svc entities with a search identifier were not written, so which entities are stale is unknown"},
	}
	ratio := func(produced, stale int) float64 { return float64(stale) / float64(produced+stale) }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := (&Applier{}).NewReconciler(Options{})
			r.unresolved["svc"] = tt.unresolved
			br := BlueprintResult{Blueprint: "svc", Kinds: tt.kinds, Produced: tt.produced, Stale: tt.stale, Ratio: ratio(tt.produced, tt.stale)}
			all := BlueprintResult{Produced: tt.produced, Stale: tt.stale, Ratio: br.Ratio}
			if tt.all != [2]int{} {
				all = BlueprintResult{Produced: tt.all[0], Stale: tt.all[1], Ratio: ratio(tt.all[0], tt.all[1])}
			}
			if got := r.skipReason(br, all, tt.threshold); got != tt.want {
				t.Errorf("skipReason = %q, want %q", got, tt.want)
			}
		})
	}
}
