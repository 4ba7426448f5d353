package port

import "golang.org/x/time/rate"

// Port allows roughly 35,000 entity requests per 5 minutes per organization
// (~116 req/s). The default keeps a process under that with some room for other
// writers of the same organization, and lets short bursts through.
const (
	DefaultRateLimit rate.Limit = 100 // requests per second
	DefaultRateBurst            = 50
)

// NewLimiter is a limiter of DefaultRateLimit and DefaultRateBurst. Clients that
// must share one budget (a resync and live events of one integration) are
// given the same limiter in Config.Limiter.
func NewLimiter() *rate.Limiter { return rate.NewLimiter(DefaultRateLimit, DefaultRateBurst) }
