package port

import (
	"sync"

	"golang.org/x/time/rate"
)

// Port allows roughly 35,000 entity requests per 5 minutes per organization
// (~116 req/s). The default keeps a process under that with some room for other
// writers of the same organization, and lets short bursts through.
const (
	DefaultRateLimit rate.Limit = 100 // requests per second
	DefaultRateBurst            = 50
)

var (
	sharedOnce    sync.Once
	sharedLimiter *rate.Limiter
)

// SharedLimiter is the process-wide limiter used by every Client whose Config has
// no Limiter, so that resyncs and live events of one process share one budget.
func SharedLimiter() *rate.Limiter {
	sharedOnce.Do(func() { sharedLimiter = rate.NewLimiter(DefaultRateLimit, DefaultRateBurst) })
	return sharedLimiter
}

// SetSharedLimit changes the rate and burst of SharedLimiter; clients already
// created follow the change.
func SetSharedLimit(perSecond rate.Limit, burst int) {
	l := SharedLimiter()
	l.SetLimit(perSecond)
	l.SetBurst(burst)
}
