package logging

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/sirupsen/logrus"
)

// BenchmarkFormat measures what masking adds to formatting one entry with a
// few typical fields.
func BenchmarkFormat(b *testing.B) {
	secrets := make([]string, 20)
	for i := range secrets {
		secrets[i] = fmt.Sprintf("registered-secret-value-%02d", i)
	}
	entry := func(l *logrus.Logger) *logrus.Entry {
		e := l.WithFields(logrus.Fields{
			"kind": "project", "count": 42, "event_id": "4f1c2a9e-6f0b-4c8e-9d55-0a1b2c3d4e5f",
			"url": "https://api.example.com/v1/projects?page=3",
		}).WithError(errors.New("request failed: 502 bad gateway"))
		e.Message = "Finished processing batch of raw items for kind project"
		e.Level = logrus.InfoLevel
		return e
	}
	for _, format := range []string{"text", "json"} {
		for _, tc := range []struct {
			name    string
			logger  func() *logrus.Logger
			secrets []string
		}{
			{"plain", func() *logrus.Logger {
				l := New(Options{Out: io.Discard, Format: format})
				l.Formatter = l.Formatter.(*maskingFormatter).inner
				return l
			}, nil},
			{"masked-no-secrets", func() *logrus.Logger { return New(Options{Out: io.Discard, Format: format}) }, nil},
			{"masked-20-secrets", func() *logrus.Logger { return New(Options{Out: io.Discard, Format: format, Secrets: secrets}) }, secrets},
		} {
			b.Run(format+"/"+tc.name, func(b *testing.B) {
				l := tc.logger()
				e := entry(l)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := l.Formatter.Format(e); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkMask measures masking one ordinary log message.
func BenchmarkMask(b *testing.B) {
	const msg = "Finished processing batch of 100 raw items for kind project in 1.2s (https://api.example.com/v1/projects?page=3)"
	secrets := make([]string, 20)
	for i := range secrets {
		secrets[i] = fmt.Sprintf("registered-secret-value-%02d", i)
	}
	for _, tc := range []struct {
		name string
		m    *Masker
	}{{"no-secrets", NewMasker()}, {"20-secrets", NewMasker(secrets...)}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if tc.m.Mask(msg) != msg {
					b.Fatal("changed")
				}
			}
		})
	}
}
