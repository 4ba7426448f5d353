package port

import (
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/time/rate"

	"github.com/ocean-go/ocean/clients/retry"
)

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

// LocalPortHeader is what a local Port (package localport) sets to "1" on
// every answer: it has no budget to share, so the client stops rationing.
const LocalPortHeader = "X-Ocean-Local-Port"

// pacingFloor is how far below the rate given Port's headers may slow it.
const pacingFloor = 10

// pacer adapts the limiter to what answers (unless Config.FixedLimit): a
// local Port lifts it; Port's rate-limit headers slow it down (to a tenth
// at most) when the requests left in the window would not last until its
// reset at the rate given, and let it back up to that rate when they would.
type pacer struct {
	lim     *rate.Limiter
	fixed   bool
	ceiling rate.Limit // the rate given: Port's headers never raise it above
	burst   int
	local   atomic.Bool
	log     logrus.FieldLogger
}

func newPacer(lim *rate.Limiter, fixed bool, log logrus.FieldLogger) *pacer {
	return &pacer{lim: lim, fixed: fixed, ceiling: lim.Limit(), burst: lim.Burst(), log: log}
}

// observe adapts the limiter to the headers of an answer.
func (p *pacer) observe(h http.Header, now time.Time) {
	if p.fixed || h == nil || p.local.Load() {
		return
	}
	if h.Get(LocalPortHeader) == "1" {
		if p.local.CompareAndSwap(false, true) {
			p.lim.SetLimitAt(now, rate.Inf)
			p.log.Debug("A local Port answers: requests are not rate-limited")
		}
		return
	}
	remaining, err := strconv.Atoi(strings.TrimSpace(h.Get("X-Ratelimit-Remaining")))
	if err != nil || remaining < 0 {
		return
	}
	reset, ok := retry.Hint(h, now, "X-Ratelimit-Reset")
	if !ok {
		return
	}
	limit, burst := p.ceiling, p.burst
	if reset > 0 {
		// Never below a tenth of the rate given: a request waiting on the
		// limiter keeps the wait it was given when it began, so a crawl
		// would outlast the window. Past the budget, a 429 and its reset
		// hint make the client wait as long as needed.
		limit = max(p.ceiling/pacingFloor, min(limit, rate.Limit(float64(remaining)/reset.Seconds())))
		burst = max(1, min(burst, remaining))
	}
	if limit != p.lim.Limit() || burst != p.lim.Burst() {
		p.lim.SetLimitAt(now, limit)
		p.lim.SetBurstAt(now, burst)
		p.log.WithFields(logrus.Fields{"remaining": remaining, "reset": reset.Round(time.Second).String(),
			"rate": float64(limit), "burst": burst}).Debug("Pacing requests to Port's rate-limit window")
	}
}
