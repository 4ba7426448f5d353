package retry_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/ocean-go/ocean/clients/retry"
)

func ExamplePolicy_Wait() {
	p := retry.Policy{BaseDelay: time.Second, Jitter: -1}.WithDefaults()
	now := time.Now()

	// A 429 that says when to come back is honoured, up to MaxDelay.
	fmt.Println(p.Wait(1, http.Header{"Retry-After": {"7"}}, now))
	// A reset given as a UNIX epoch is a point in time.
	reset := fmt.Sprint(now.Add(30 * time.Second).Unix())
	fmt.Println(p.Wait(1, http.Header{"X-Ratelimit-Reset": {reset}}, now).Round(time.Second) <= 30*time.Second)
	// Without a hint: exponential backoff.
	fmt.Println(p.Wait(1, nil, now), p.Wait(3, nil, now))
	// Output:
	// 7s
	// true
	// 1s 4s
}
