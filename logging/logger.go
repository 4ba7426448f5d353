package logging

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
)

// Options configure New.
type Options struct {
	// Level is DEBUG, INFO (default), WARNING, ERROR or CRITICAL, any case.
	Level string
	// Format is "text" (default) or "json".
	Format string
	// Out defaults to os.Stdout.
	Out io.Writer
	// Secrets are literal values to mask, typically config.Settings.Secrets().
	Secrets []string
	// MaskFull hides secrets whole instead of keeping 6 characters of long ones;
	// use it for logs that leave the machine.
	MaskFull bool
}

// New returns a logger that masks secrets in messages and field values.
// Hooks run before formatting and see unmasked entries: a hook that ships
// logs must mask with MaskerOf(logger).Full().
func New(opts Options) *logrus.Logger {
	l := logrus.New()
	l.SetOutput(opts.Out)
	if opts.Out == nil {
		l.SetOutput(os.Stdout)
	}
	var inner logrus.Formatter = &logrus.TextFormatter{FullTimestamp: true, TimestampFormat: "2006-01-02 15:04:05.000"}
	var problems []string
	switch strings.ToLower(opts.Format) {
	case "", "text":
	case "json":
		inner = &logrus.JSONFormatter{TimestampFormat: time.RFC3339Nano}
	default:
		problems = append(problems, fmt.Sprintf("unknown log format %q, using text", opts.Format))
	}
	masker := NewMasker(opts.Secrets...)
	if opts.MaskFull {
		masker = masker.Full()
	}
	l.SetFormatter(&maskingFormatter{inner: inner, masker: masker})

	level, err := ParseLevel(opts.Level)
	if err != nil {
		problems = append(problems, err.Error()+", using INFO")
	}
	l.SetLevel(level)
	for _, p := range problems {
		l.Warn(p)
	}
	return l
}

// ParseLevel maps Ocean's level names (and logrus' own) to a logrus level;
// "" is INFO.
func ParseLevel(s string) (logrus.Level, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "", "INFO":
		return logrus.InfoLevel, nil
	case "TRACE":
		return logrus.TraceLevel, nil
	case "DEBUG":
		return logrus.DebugLevel, nil
	case "WARNING", "WARN":
		return logrus.WarnLevel, nil
	case "ERROR":
		return logrus.ErrorLevel, nil
	case "CRITICAL", "FATAL":
		return logrus.FatalLevel, nil
	}
	return logrus.InfoLevel, fmt.Errorf("unknown log level %q", s)
}

// MaskerOf returns the masker of a logger made by New, or nil.
func MaskerOf(l *logrus.Logger) *Masker {
	if f, ok := l.Formatter.(*maskingFormatter); ok {
		return f.masker
	}
	return nil
}

// AddSecrets registers more secrets to mask on a logger made by New, e.g.
// a token obtained at runtime. It is safe to call while the logger is in use.
func AddSecrets(l *logrus.Logger, secrets ...string) {
	if m := MaskerOf(l); m != nil {
		m.AddSecrets(secrets...)
	}
}
