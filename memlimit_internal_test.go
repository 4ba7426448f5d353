package ocean

import (
	"context"
	"os"
	rtmetrics "runtime/metrics"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name              string
		live, total, heap uint64
		want              int64
	}{
		{"the live heap plus headroom plus the rest", 30 * mib, 70 * mib, 62 * mib, (30 + 8 + 16) * mib},
		{"nothing live yet: the floor", 0, 10 * mib, 4 * mib, 48 * mib},
		{"a small heap: the floor", 20 * mib, 40 * mib, 30 * mib, 48 * mib},
		{"heap figures above the total (sampled apart)", 40 * mib, 10 * mib, 12 * mib, (40 + 16) * mib},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := memoryLimit(tc.live, tc.total, tc.heap); got != tc.want {
				t.Errorf("memoryLimit = %d MiB, want %d MiB", got/mib, tc.want/mib)
			}
		})
	}
}

// While the limit is kept GOGC is raised, and it is restored after.
func TestLimitMemoryRaisesGOGCUntilStopped(t *testing.T) {
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		if _, set := os.LookupEnv(env); set {
			t.Skipf("%s is set: the runtime is left as the user set it", env)
		}
	}
	gogc := func() int64 { // read without setting it
		s := []rtmetrics.Sample{{Name: "/gc/gogc:percent"}}
		rtmetrics.Read(s)
		return int64(s[0].Value.Uint64())
	}
	before := gogc()
	stop := limitMemory(context.Background())
	require.Equal(t, int64(raisedGCPercent), gogc())
	stop()
	require.Eventually(t, func() bool { return gogc() == before }, 10*time.Second, time.Millisecond)

	// Two Apps of one process: the last one to stop restores it.
	first, second := raiseGCPercent(), raiseGCPercent()
	first()
	require.Equal(t, int64(raisedGCPercent), gogc(), "raised while a limit is kept")
	second()
	require.Equal(t, before, gogc())
}
