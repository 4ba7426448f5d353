package oceantest

import (
	"bytes"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// LogLine is one line the integration logged, secrets masked as in its
// output.
type LogLine struct {
	Time    time.Time
	Level   logrus.Level
	Message string
	Fields  map[string]string // the structured fields, as printed ("error" among them)
}

// String is the line as the integration printed it, roughly: level, message, fields.
func (l LogLine) String() string {
	var b strings.Builder
	b.WriteString(strings.ToUpper(l.Level.String()))
	b.WriteString(" ")
	b.WriteString(l.Message)
	for _, k := range slices.Sorted(maps.Keys(l.Fields)) {
		b.WriteString(" " + k + "=" + strconv.Quote(l.Fields[k]))
	}
	return b.String()
}

// Logs are the lines the integration logged so far, at the log level of its
// settings (INFO unless Env sets APPLICATION__LOG_LEVEL).
func (h *Harness) Logs() []LogLine { return parseLogs(h.logs.String()) }

// LogOutput is the integration's log output so far, as it printed it.
func (h *Harness) LogOutput() string { return h.logs.String() }

// Errors are the lines logged at ERROR or above.
func (h *Harness) Errors() []LogLine { return h.logsAtLeast(logrus.ErrorLevel) }

// Warnings are the lines logged at WARNING or above, errors included.
func (h *Harness) Warnings() []LogLine { return h.logsAtLeast(logrus.WarnLevel) }

func (h *Harness) logsAtLeast(level logrus.Level) []LogLine {
	var out []LogLine
	for _, l := range h.Logs() {
		if l.Level <= level { // logrus levels grow as severity falls
			out = append(out, l)
		}
	}
	return out
}

// logBuffer collects the App's log output; it is written from many goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// parseLogs reads logrus's text format, one entry a line:
// time="..." level=warning msg="..." key=value key="quoted value".
func parseLogs(text string) []LogLine {
	var out []LogLine
	for line := range strings.Lines(text) {
		line = strings.TrimRight(line, "\n")
		if line == "" {
			continue
		}
		l := LogLine{Level: logrus.InfoLevel, Fields: map[string]string{}} // a line without a level is no error
		for k, v := range logfmt(line) {
			switch k {
			case "time":
				l.Time, _ = time.ParseInLocation("2006-01-02 15:04:05.000", v, time.Local) // the logger prints local time
			case "level":
				l.Level, _ = logrus.ParseLevel(v)
			case "msg":
				l.Message = v
			default:
				l.Fields[k] = v
			}
		}
		out = append(out, l)
	}
	return out
}

// logfmt yields the key=value pairs of a line; a quoted value is Go-quoted.
func logfmt(line string) func(yield func(k, v string) bool) {
	return func(yield func(k, v string) bool) {
		for rest := strings.TrimLeft(line, " "); rest != ""; rest = strings.TrimLeft(rest, " ") {
			key, after, ok := strings.Cut(rest, "=")
			if !ok {
				return
			}
			var val string
			if strings.HasPrefix(after, `"`) {
				q, err := strconv.QuotedPrefix(after)
				if err != nil {
					return
				}
				val, _ = strconv.Unquote(q)
				rest = after[len(q):]
			} else {
				end := strings.IndexByte(after, ' ')
				if end < 0 {
					end = len(after)
				}
				val, rest = after[:end], after[end:]
			}
			if !yield(key, val) {
				return
			}
		}
	}
}
