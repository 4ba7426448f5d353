package ocean

import "testing"

func TestMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name              string
		live, total, heap uint64
		want              int64
	}{
		{"the live heap plus headroom plus the rest", 30 * mib, 70 * mib, 62 * mib, (30 + 8 + 16) * mib},
		{"nothing live yet", 0, 10 * mib, 4 * mib, (6 + 16) * mib},
		{"heap figures above the total (sampled apart)", 5 * mib, 10 * mib, 12 * mib, (5 + 16) * mib},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := memoryLimit(tc.live, tc.total, tc.heap); got != tc.want {
				t.Errorf("memoryLimit = %d MiB, want %d MiB", got/mib, tc.want/mib)
			}
		})
	}
}
