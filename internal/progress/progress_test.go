package progress

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		name string
		rows []Row
		now  time.Time
		want []string
	}{
		{"running, with its rate", []Row{{Name: "person", Extracted: 500, Mapped: 490, Written: 400, Unchanged: 90, Started: t0}}, t0.Add(2 * time.Second),
			[]string{"person        500 extracted        490 mapped        400 written         90 unchanged       250/s  running"}},
		{"done: the rate until it ended", []Row{{Name: "team", Extracted: 30, Mapped: 30, Written: 30, Started: t0, Ended: t0.Add(time.Second)}}, t0.Add(time.Hour),
			[]string{"team         30 extracted         30 mapped         30 written          0 unchanged        30/s  done"}},
		{"names padded to the longest", []Row{{Name: "a", Started: t0}, {Name: "member#1", Started: t0}}, t0,
			[]string{
				"a                 0 extracted          0 mapped          0 written          0 unchanged         0/s  running",
				"member#1          0 extracted          0 mapped          0 written          0 unchanged         0/s  running",
			}},
		{"a dry run's plan", []Row{{Name: "team", Extracted: 3, Mapped: 3, Written: 2, Unchanged: 1, Started: t0, Planned: true}}, t0.Add(time.Second),
			[]string{"team          3 extracted          3 mapped          2 to write          1 unchanged         3/s  running"}},
		{"nothing", nil, t0, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, Render(tc.rows, tc.now)) })
	}
}

// display is a Display on a buffer with a clock the test moves.
func display() (*Display, *bytes.Buffer, *time.Time) {
	var buf bytes.Buffer
	now := t0
	d := New(&buf)
	d.now = func() time.Time { return now }
	return d, &buf, &now
}

// drawn is how rows are drawn at now: each line cleared, then rewritten.
func drawn(now time.Time, rows ...Row) string {
	var b strings.Builder
	for _, l := range Render(rows, now) {
		b.WriteString(clearLine + l + "\n")
	}
	return b.String()
}

func up(n int) string { return fmt.Sprintf(cursorUp, n) }

func TestDisplay(t *testing.T) {
	team := Row{Name: "team", Started: t0}
	user := Row{Name: "user", Started: t0}
	team5 := Row{Name: "team", Extracted: 5, Mapped: 5, Written: 4, Unchanged: 1, Started: t0}
	gap := 100 * time.Millisecond
	for _, tc := range []struct {
		name  string
		steps func(d *Display, now *time.Time)
		want  string
	}{
		{"the first row is drawn at once", func(d *Display, _ *time.Time) { d.Update(team) }, drawn(t0, team)},
		{"a redraw moves up over the block", func(d *Display, now *time.Time) {
			d.Update(team)
			*now = t0.Add(gap)
			d.Update(team5)
		}, drawn(t0, team) + up(1) + drawn(t0.Add(gap), team5)},
		{"updates closer than the gap are not drawn", func(d *Display, now *time.Time) {
			d.Update(team)
			*now = t0.Add(gap / 2)
			d.Update(team5)
		}, drawn(t0, team)},
		{"a resource that ends is drawn at once", func(d *Display, now *time.Time) {
			d.Update(team)
			*now = t0.Add(gap / 2)
			ended := team5
			ended.Ended = *now
			d.Update(ended)
		}, drawn(t0, team) + up(1) + drawn(t0.Add(gap/2), Row{Name: "team", Extracted: 5, Mapped: 5, Written: 4, Unchanged: 1, Started: t0, Ended: t0.Add(gap / 2)})},
		{"a new row grows the block", func(d *Display, _ *time.Time) {
			d.Update(team)
			d.Update(user)
		}, drawn(t0, team) + up(1) + drawn(t0, team, user)},
		{"log lines go above the block", func(d *Display, _ *time.Time) {
			d.Update(team)
			d.Update(user)
			_, _ = io.WriteString(d.Writer(d.w), "a log line\n")
		}, drawn(t0, team) + up(1) + drawn(t0, team, user) +
			up(2) + clearLine + "\n" + clearLine + "\n" + up(2) + "a log line\n" + drawn(t0, team, user)},
		{"after Finish the next block starts below", func(d *Display, _ *time.Time) {
			d.Update(team)
			d.Finish()
			d.Update(user)
			_, _ = io.WriteString(d.Writer(d.w), "")
		}, drawn(t0, team) + up(1) + drawn(t0, team) + drawn(t0, user) +
			up(1) + clearLine + "\n" + up(1) + drawn(t0, user)},
		{"a log line without a block is written as is", func(d *Display, _ *time.Time) {
			_, _ = io.WriteString(d.Writer(d.w), "a log line\n")
		}, "a log line\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, buf, now := display()
			tc.steps(d, now)
			assert.Equal(t, tc.want, buf.String())
		})
	}
}
