package handlers

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSignatureVerify(t *testing.T) {
	body := []byte(`{"action":"opened"}`)
	gh := GitHubSignature("s3cret")
	signed := http.Header{"X-Hub-Signature-256": {gh.Sign(body)}}
	for _, tc := range []struct {
		name    string
		sig     Signature
		body    []byte
		headers http.Header
		want    error
	}{
		{"valid", gh, body, signed, nil},
		{"GitHub's documented example", GitHubSignature("It's a Secret to Everybody"), []byte("Hello, World!"),
			http.Header{"X-Hub-Signature-256": {"sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"}}, nil},
		{"another body", gh, []byte(`{"action":"closed"}`), signed, ErrBadSignature},
		{"another secret", GitHubSignature("other"), body, signed, ErrBadSignature},
		{"no secret fails closed", GitHubSignature(""), body, signed, ErrNoSecret},
		{"no header", gh, body, http.Header{}, ErrMissingSignature},
		{"no prefix", gh, body, http.Header{"X-Hub-Signature-256": {gh.Sign(body)[len("sha256="):]}}, ErrBadSignature},
		{"not hex", gh, body, http.Header{"X-Hub-Signature-256": {"sha256=zz"}}, ErrBadSignature},
		{"custom header", Signature{Header: "X-Sig", Secret: "k"}, body,
			http.Header{"X-Sig": {Signature{Secret: "k"}.Sign(body)}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorIs(t, tc.sig.Verify(tc.body, tc.headers), tc.want)
		})
	}
}

func TestRetryPolicyDelay(t *testing.T) {
	p := DefaultRetryPolicy
	for n, want := range []string{"1s", "2s", "4s", "8s", "16s", "30s", "30s"} {
		assert.Equal(t, want, p.Delay(n).String(), "retry %d", n)
	}
}

func TestIsRetryable(t *testing.T) {
	err := Retryable(http.ErrHandlerTimeout)
	assert.True(t, IsRetryable(err))
	assert.ErrorIs(t, err, http.ErrHandlerTimeout)
	assert.False(t, IsRetryable(http.ErrHandlerTimeout))
}
