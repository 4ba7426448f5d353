package main

import (
	"math"
	"os"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTuneServeGCLeavesWhatTheUserSet(t *testing.T) {
	for _, tc := range []struct {
		name               string
		env                map[string]string
		wantPercentChanged bool
		wantLimitChanged   bool
	}{
		{name: "nothing set", wantPercentChanged: true, wantLimitChanged: true},
		{name: "GOGC set", env: map[string]string{"GOGC": "100"}, wantLimitChanged: true},
		{name: "GOMEMLIMIT set", env: map[string]string{"GOMEMLIMIT": "1GiB"}, wantPercentChanged: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"GOGC", "GOMEMLIMIT"} {
				v, set := tc.env[k]
				t.Setenv(k, v) // restored after the test, then unset below if not wanted
				if !set {
					os.Unsetenv(k)
				}
			}
			const percent, limit = 77, math.MaxInt64 - 1
			oldPercent := debug.SetGCPercent(percent)
			oldLimit := debug.SetMemoryLimit(limit)
			t.Cleanup(func() {
				debug.SetGCPercent(oldPercent)
				debug.SetMemoryLimit(oldLimit)
			})

			tuneServeGC()

			gotPercent := debug.SetGCPercent(percent)
			gotLimit := debug.SetMemoryLimit(limit)
			if tc.wantPercentChanged {
				assert.Equal(t, serveGCPercent, gotPercent)
			} else {
				assert.Equal(t, percent, gotPercent)
			}
			if tc.wantLimitChanged {
				assert.EqualValues(t, serveMemoryLimit, gotLimit)
			} else {
				assert.EqualValues(t, limit, gotLimit)
			}
		})
	}
}
