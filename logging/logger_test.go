package logging

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const secret = "very-secret-client-value-42"

type creds struct {
	User  string
	Token string
}

type stringer struct{ s string }

func (s stringer) String() string { return s.s }

type nilErr struct{}

func (*nilErr) Error() string { panic("nil receiver") }

func TestLoggerMasks(t *testing.T) {
	for _, tc := range []struct {
		name string
		log  func(l *logrus.Logger)
	}{
		{"message", func(l *logrus.Logger) { l.Infof("using %s", secret) }},
		{"nested struct in message", func(l *logrus.Logger) { l.Infof("creds: %+v", &creds{"u", secret}) }},
		{"string field", func(l *logrus.Logger) { l.WithField("token", secret).Info("hi") }},
		{"error field", func(l *logrus.Logger) { l.WithError(fmt.Errorf("auth with %s: %w", secret, io.EOF)).Error("failed") }},
		{"struct field", func(l *logrus.Logger) { l.WithField("creds", creds{"u", secret}).Info("hi") }},
		{"pointer field", func(l *logrus.Logger) { l.WithField("creds", &creds{"u", secret}).Info("hi") }},
		{"map field", func(l *logrus.Logger) {
			l.WithField("headers", map[string]string{"Authorization": "Bearer xyz"}).Info("hi")
		}},
		{"slice field", func(l *logrus.Logger) { l.WithField("args", []any{1, secret}).Info("hi") }},
		{"bytes field", func(l *logrus.Logger) { l.WithField("body", []byte(secret)).Info("hi") }},
		{"stringer field", func(l *logrus.Logger) { l.WithField("s", stringer{secret}).Info("hi") }},
		{"URL password field", func(l *logrus.Logger) { l.WithField("dsn", "mongodb://app:"+secret+"@db").Info("hi") }},
		{"pattern in message", func(l *logrus.Logger) { l.Warn("token ghp_abcdefghijklmnopqrstuvwxyz0123456789") }},
		{"entry reused", func(l *logrus.Logger) {
			e := l.WithField("k", secret)
			e.Info("one")
			e.Info("two")
		}},
	} {
		for _, format := range []string{"text", "json"} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				var out bytes.Buffer
				l := New(Options{Out: &out, Format: format, Secrets: []string{secret}})
				tc.log(l)
				require.NotEmpty(t, out.String())
				assert.NotContains(t, out.String(), secret)
				assert.NotContains(t, out.String(), "xyz")
				assert.NotContains(t, out.String(), "ghp_abcdefghijklmnopqrstuvwxyz0123456789")
				assert.Contains(t, out.String(), Redaction)
			})
		}
	}
}

func TestLoggerKeepsOrdinaryFields(t *testing.T) {
	var out bytes.Buffer
	l := New(Options{Out: &out, Format: "json", Secrets: []string{secret}})
	l.WithFields(logrus.Fields{"kind": "project", "count": 3, "obj": creds{"u", "t"}, "err": (*nilErr)(nil)}).Info("synced")
	s := out.String()
	assert.Contains(t, s, `"kind":"project"`)
	assert.Contains(t, s, `"count":3`)
	assert.Contains(t, s, `"obj":{"User":"u","Token":"t"}`, "structs without secrets stay structured")
	assert.NotContains(t, s, Redaction)
}

func TestMaskFull(t *testing.T) {
	var out bytes.Buffer
	l := New(Options{Out: &out, Secrets: []string{secret}, MaskFull: true})
	l.Info(secret)
	assert.NotContains(t, out.String(), secret[:6])
	assert.Contains(t, out.String(), Redaction)
}

func TestAddSecretsConcurrently(t *testing.T) {
	var out syncBuffer
	l := New(Options{Out: &out, Format: "json"})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range 200 {
				l.WithField("n", i).Infof("worker %d", g)
			}
		}()
		go func() {
			defer wg.Done()
			for i := range 50 {
				AddSecrets(l, fmt.Sprintf("runtime-secret-%d-%d", g, i))
			}
		}()
	}
	wg.Wait()
	out.Reset()
	l.Infof("late %s", "runtime-secret-3-49")
	assert.NotContains(t, out.String(), "runtime-secret-3-49")
}

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Reset()
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]logrus.Level{
		"": logrus.InfoLevel, "info": logrus.InfoLevel, "DEBUG": logrus.DebugLevel, "Warning": logrus.WarnLevel,
		"WARN": logrus.WarnLevel, "ERROR": logrus.ErrorLevel, "CRITICAL": logrus.FatalLevel, "trace": logrus.TraceLevel,
	} {
		got, err := ParseLevel(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := ParseLevel("LOUD")
	assert.EqualError(t, err, `unknown log level "LOUD"`)
}

func TestNewReportsBadOptions(t *testing.T) {
	var out bytes.Buffer
	l := New(Options{Out: &out, Level: "LOUD", Format: "xml"})
	assert.Equal(t, logrus.InfoLevel, l.GetLevel())
	assert.Contains(t, out.String(), `unknown log format \"xml\", using text`)
	assert.Contains(t, out.String(), `unknown log level \"LOUD\", using INFO`)
	assert.Nil(t, MaskerOf(logrus.New()))
	AddSecrets(logrus.New(), "ignored") // not built by New: no-op, no panic
}

func TestPanickingErrorField(t *testing.T) {
	var out bytes.Buffer
	l := New(Options{Out: &out})
	var err error = (*nilErr)(nil)
	assert.NotPanics(t, func() { l.WithError(err).Info("x") })
	assert.Contains(t, out.String(), "error=\"<nil>\"")
}
