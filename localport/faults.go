package localport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"path"
	"strconv"
	"sync"
	"time"
)

// Fault makes matching requests fail or slow down, to exercise client retries.
// A fault that answers with a status does so before routing: the request has
// no effect, so a client retry is the only way its write lands. A DropResponse
// fault does the opposite: the request is carried out, then the connection is
// closed without an answer, as when a response is lost on the way back.
//
// In JSON (POST /_admin/faults), retryAfter and latency are Go duration
// strings ("1s", "250ms") or numbers of milliseconds.
type Fault struct {
	Method       string        `json:"method,omitempty"`       // "" = any
	Path         string        `json:"path,omitempty"`         // path.Match glob on the escaped request path, "*" matches one segment, e.g. "/v1/blueprints/*/entities/bulk"; "" = any
	Status       int           `json:"status,omitempty"`       // e.g. 429, 502, 503; 0 = no status (latency only)
	RetryAfter   time.Duration `json:"retryAfter,omitempty"`   // sets Retry-After (whole seconds, at least 1) when > 0
	Latency      time.Duration `json:"latency,omitempty"`      // delay before answering (ends early when the client goes away)
	Count        int           `json:"count,omitempty"`        // apply to the next Count matching requests; 0 = unlimited
	Fraction     float64       `json:"fraction,omitempty"`     // probability per matching request; 0 = always
	MaxBodyBytes int64         `json:"maxBodyBytes,omitempty"` // > 0: answer 413 when the body is larger (only larger bodies match)
	DropResponse bool          `json:"dropResponse,omitempty"` // handle the request, then close the connection unanswered
}

// UnmarshalJSON accepts durations as Go duration strings or milliseconds.
func (f *Fault) UnmarshalJSON(data []byte) error {
	type plain Fault
	var raw struct {
		plain
		RetryAfter json.RawMessage `json:"retryAfter"`
		Latency    json.RawMessage `json:"latency"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*f = Fault(raw.plain)
	var err error
	if f.RetryAfter, err = parseDuration(raw.RetryAfter, "retryAfter"); err != nil {
		return err
	}
	f.Latency, err = parseDuration(raw.Latency, "latency")
	return err
}

func parseDuration(raw json.RawMessage, field string) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("%s: %q is not a Go duration such as \"1s\" or \"250ms\"", field, s)
		}
		return d, nil
	}
	var ms float64
	if err := json.Unmarshal(raw, &ms); err != nil {
		return 0, fmt.Errorf("%s must be a duration string or a number of milliseconds", field)
	}
	return time.Duration(ms * float64(time.Millisecond)), nil
}

func (f Fault) validate() error {
	switch {
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return fmt.Errorf("status must be 0 or an HTTP status, got %d", f.Status)
	case f.Fraction < 0 || f.Fraction > 1:
		return fmt.Errorf("fraction must be between 0 and 1, got %v", f.Fraction)
	case f.Count < 0 || f.MaxBodyBytes < 0 || f.Latency < 0 || f.RetryAfter < 0:
		return fmt.Errorf("count, maxBodyBytes, latency and retryAfter must not be negative")
	case f.DropResponse && (f.Status != 0 || f.MaxBodyBytes > 0):
		return fmt.Errorf("dropResponse answers nothing: it cannot have a status or maxBodyBytes")
	}
	if _, err := path.Match(f.Path, "/"); err != nil {
		return fmt.Errorf("path %q is not a valid glob: %v", f.Path, err)
	}
	return nil
}

type activeFault struct {
	id        string
	Fault     Fault
	remaining int // with Fault.Count > 0
}

type faults struct {
	mu   sync.Mutex
	list []*activeFault
	seq  int
}

func newFaults() *faults { return &faults{} }

// InjectFault adds a fault and returns its id. Faults are tried in the order
// they were added; the first that fires answers the request.
func (s *Server) InjectFault(f Fault) string {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.seq++
	id := "fault-" + strconv.Itoa(s.faults.seq)
	s.faults.list = append(s.faults.list, &activeFault{id: id, Fault: f, remaining: f.Count})
	return id
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.list = nil
}

// pick returns the fault that fires for this request, consuming one of its uses.
func (fs *faults) pick(r *http.Request, escapedPath string, size int64) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, af := range fs.list {
		f := af.Fault
		if f.Method != "" && f.Method != r.Method {
			continue
		}
		if f.Path != "" {
			if matched, _ := path.Match(f.Path, escapedPath); !matched {
				continue
			}
		}
		if f.MaxBodyBytes > 0 && size <= f.MaxBodyBytes {
			continue
		}
		if f.Fraction > 0 && rand.Float64() >= f.Fraction {
			continue
		}
		if f.Count > 0 {
			af.remaining--
			if af.remaining <= 0 {
				fs.list = append(fs.list[:i:i], fs.list[i+1:]...)
			}
		}
		return f, true
	}
	return Fault{}, false
}

// intercept applies the first firing fault; it reports whether it answered
// and, when it did not, whether the response must be dropped (see dropped).
func (fs *faults) intercept(w http.ResponseWriter, r *http.Request, body *trackedBody, escapedPath string) (answered, drop bool) {
	fs.mu.Lock()
	none, needSize := len(fs.list) == 0, false
	for _, af := range fs.list {
		needSize = needSize || af.Fault.MaxBodyBytes > 0
	}
	fs.mu.Unlock()
	if none {
		return false, false
	}
	var size int64
	if needSize {
		size = bodySize(r) // read outside the lock: a slow upload must not stall other requests
	}
	f, fired := fs.pick(r, escapedPath, size)
	if !fired {
		return false, false
	}
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return true, false
		}
	}
	if f.DropResponse {
		return false, true
	}
	status := f.Status
	if status == 0 && f.MaxBodyBytes > 0 {
		status = http.StatusRequestEntityTooLarge
	}
	if status == 0 {
		return false, false
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(f.RetryAfter.Seconds())))))
	}
	var err *apiError
	switch status {
	case http.StatusTooManyRequests:
		err = newError(status, codeRateLimited, "Rate limit exceeded (injected fault)")
	case http.StatusRequestEntityTooLarge:
		err = newError(status, codeTooLarge, "Request body is too large (limit is %d bytes, injected fault)", f.MaxBodyBytes)
	default:
		err = newError(status, codeInjected, "Injected fault: status %d", status)
	}
	fail(w, r, body, err)
	return true, false
}

// dropped runs serve with its answer discarded, then closes the client's
// connection without a response.
func dropped(w http.ResponseWriter, serve func(http.ResponseWriter)) {
	serve(discard{header: http.Header{}})
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil { // the server speaks HTTP/1.1 only: not expected
		writeError(w, fmt.Errorf("drop the response: %w", err))
		return
	}
	_ = conn.Close()
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}

// bodySize is the request body's length; without a Content-Length it buffers
// up to the 1 MiB limit (plus one byte) and puts the bytes back for the handler.
func bodySize(r *http.Request) int64 {
	if r.ContentLength >= 0 || r.Body == nil {
		return max(r.ContentLength, 0)
	}
	data, _ := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), r.Body))
	return int64(len(data))
}
