package handlers

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
)

// Errors of Signature.Verify.
var (
	ErrNoSecret         = errors.New("no webhook secret configured: every event is refused")
	ErrMissingSignature = errors.New("the signature header is missing")
	ErrBadSignature     = errors.New("the signature does not match the body")
)

// Signature checks an HMAC-SHA256 signature of the raw body, sent in Header
// as Prefix followed by the hex digest.
type Signature struct {
	Header string
	Prefix string
	Secret string
}

// GitHubSignature is GitHub's form: X-Hub-Signature-256: sha256=<hex>.
func GitHubSignature(secret string) Signature {
	return Signature{Header: "X-Hub-Signature-256", Prefix: "sha256=", Secret: secret}
}

// Sign returns the header value that signs body.
func (s Signature) Sign(body []byte) string {
	mac := hmac.New(sha256.New, []byte(s.Secret))
	mac.Write(body)
	return s.Prefix + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks the signature of body in headers, in constant time. It fails
// closed: without a secret nothing verifies.
func (s Signature) Verify(body []byte, headers http.Header) error {
	if s.Secret == "" {
		return ErrNoSecret
	}
	got := headers.Get(s.Header)
	if got == "" {
		return ErrMissingSignature
	}
	hexSum, ok := strings.CutPrefix(got, s.Prefix)
	if !ok {
		return ErrBadSignature
	}
	sum, err := hex.DecodeString(hexSum)
	if err != nil {
		return ErrBadSignature
	}
	mac := hmac.New(sha256.New, []byte(s.Secret))
	mac.Write(body)
	if !hmac.Equal(sum, mac.Sum(nil)) {
		return ErrBadSignature
	}
	return nil
}
