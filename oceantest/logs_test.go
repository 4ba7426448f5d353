package oceantest

import (
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
)

func TestParseLogs(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		want []LogLine
	}{
		{"empty", "", nil},
		{"fields, quoted and bare",
			`time="2026-12-06 21:40:19.123" level=warning msg="Webhook event rejected" error="bad \"sig\"" status=401` + "\n",
			[]LogLine{{
				Time: time.Date(2026, 12, 6, 21, 40, 19, 123e6, time.Local), Level: logrus.WarnLevel,
				Message: "Webhook event rejected", Fields: map[string]string{"error": `bad "sig"`, "status": "401"},
			}}},
		{"two lines, a newline escaped in the message",
			"level=info msg=\"a\\nb\"\nlevel=error msg=c\n",
			[]LogLine{
				{Level: logrus.InfoLevel, Message: "a\nb", Fields: map[string]string{}},
				{Level: logrus.ErrorLevel, Message: "c", Fields: map[string]string{}},
			}},
		{"no level is no error", "msg=plain\n", []LogLine{{Level: logrus.InfoLevel, Message: "plain", Fields: map[string]string{}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, parseLogs(tc.text))
		})
	}
}

func TestLogLineString(t *testing.T) {
	l := LogLine{Level: logrus.WarnLevel, Message: "Retrying", Fields: map[string]string{"status": "503", "path": "/v1/x"}}
	assert.Equal(t, `WARNING Retrying path="/v1/x" status="503"`, l.String())
}
