package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Row is the progress of one resource of the mapping.
type Row struct {
	Name      string // kind, or kind#index when a kind appears twice
	Extracted int    // raw items the handlers produced
	Mapped    int    // entities the mapping produced
	Written   int    // entities written (or, Planned, that would be)
	Unchanged int    // entities equal to Port's copy, not written
	Started   time.Time
	Ended     time.Time // zero while the resource runs
	Planned   bool      // a dry run: Written counts entities to write
}

// ANSI control sequences of the live display.
const (
	cursorUp  = "\x1b[%dA" // move the cursor n lines up
	clearLine = "\r\x1b[2K"
)

// Render returns the lines of rows at now, names padded to one width.
func Render(rows []Row, now time.Time) []string {
	width := 0
	for _, r := range rows {
		width = max(width, len(r.Name))
	}
	lines := make([]string, len(rows))
	for i, r := range rows {
		end, state := now, "running"
		if !r.Ended.IsZero() {
			end, state = r.Ended, "done"
		}
		rate := 0.0
		if secs := end.Sub(r.Started).Seconds(); secs > 0.001 && !r.Started.IsZero() {
			rate = float64(r.Extracted) / secs
		}
		written := "written"
		if r.Planned {
			written = "to write"
		}
		lines[i] = fmt.Sprintf("%-*s  %9d extracted  %9d mapped  %9d %s  %9d unchanged  %8.0f/s  %s",
			width, r.Name, r.Extracted, r.Mapped, r.Written, written, r.Unchanged, rate, state)
	}
	return lines
}

// Display keeps the rows of one resync and redraws them in place on w.
// It is safe for concurrent use.
type Display struct {
	mu     sync.Mutex
	w      io.Writer
	now    func() time.Time
	minGap time.Duration // between redraws of a running resource
	rows   []Row
	drawn  int       // lines of the block on the screen
	last   time.Time // of the last redraw
}

// New returns a Display drawing on w (a terminal) at most every 100 ms, and
// at once when a resource starts or ends.
func New(w io.Writer) *Display {
	return &Display{w: w, now: time.Now, minGap: 100 * time.Millisecond}
}

// Update sets the row named r.Name (added below the others the first time)
// and redraws when due.
func (d *Display) Update(r Row) {
	d.mu.Lock()
	defer d.mu.Unlock()
	i := 0
	for i < len(d.rows) && d.rows[i].Name != r.Name {
		i++
	}
	added := i == len(d.rows)
	if added {
		d.rows = append(d.rows, r)
	} else {
		d.rows[i] = r
	}
	if now := d.now(); added || !r.Ended.IsZero() || now.Sub(d.last) >= d.minGap {
		d.draw(now)
	}
}

// Finish draws the rows a last time and leaves them on the screen: what is
// written next goes below, and the next Update starts a new block.
func (d *Display) Finish() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.rows) > 0 {
		d.draw(d.now())
	}
	d.rows, d.drawn = nil, 0
}

// Writer returns a writer to w (the log output) that keeps the block below
// what it writes: the block is cleared, the bytes written, the block drawn
// again.
func (d *Display) Writer(w io.Writer) io.Writer { return above{d: d, w: w} }

type above struct {
	d *Display
	w io.Writer
}

func (a above) Write(p []byte) (int, error) {
	d := a.d
	d.mu.Lock()
	defer d.mu.Unlock()
	d.clear()
	n, err := a.w.Write(p)
	if len(d.rows) > 0 {
		d.draw(d.now())
	}
	return n, err
}

// clear erases the block and leaves the cursor where it began.
func (d *Display) clear() {
	if d.drawn == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, cursorUp, d.drawn)
	for range d.drawn {
		b.WriteString(clearLine + "\n")
	}
	fmt.Fprintf(&b, cursorUp, d.drawn)
	_, _ = io.WriteString(d.w, b.String())
	d.drawn = 0
}

// draw replaces the block with the current rows.
func (d *Display) draw(now time.Time) {
	var b strings.Builder
	if d.drawn > 0 {
		fmt.Fprintf(&b, cursorUp, d.drawn)
	}
	for _, line := range Render(d.rows, now) {
		b.WriteString(clearLine + line + "\n")
	}
	_, _ = io.WriteString(d.w, b.String())
	d.drawn, d.last = len(d.rows), now
}
