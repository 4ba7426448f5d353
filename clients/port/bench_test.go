package port

import (
	"context"
	"testing"
	"time"

	"github.com/ocean-go/ocean/localport/localporttest"
	"golang.org/x/time/rate"
)

// BenchmarkUpsertEntities upserts 2,000 entities of about 1 KB per operation
// into a local Port over real HTTP (the first operation creates them, the
// others update them, as a steady-state resync does).
func BenchmarkUpsertEntities(b *testing.B) {
	const n = 2000
	srv := localporttest.Start(b)
	c, _, _ := newTestClient(b, srv.URL(), func(c *Config) { c.Limiter = rate.NewLimiter(rate.Inf, 1) })
	ctx := context.Background()
	mustCreateBlueprints(b, c, "service")
	in := makeEntities("service", "bench", n, 1024)

	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		res, err := c.UpsertEntities(ctx, in, UpsertOptions{Merge: true})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "entities/s")
}
