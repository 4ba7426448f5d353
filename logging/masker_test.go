package logging

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMask(t *testing.T) {
	const longSecret = "s3cr3t-value-0123456789"
	for _, tc := range []struct {
		name, in, partial, full string
	}{
		{"no secret", "synced 10 entities of kind project", "synced 10 entities of kind project", "synced 10 entities of kind project"},
		{"literal long", "token is " + longSecret + "!", "token is s3cr3t[REDACTED]!", "token is [REDACTED]!"},
		{"literal short", "id=client-id", "id=[REDACTED]", "id=[REDACTED]"},
		{"literal twice", "client-id/client-id", "[REDACTED]/[REDACTED]", "[REDACTED]/[REDACTED]"},
		{"URL password", "connecting to postgres://admin:hunter2@db:5432/app", "connecting to postgres://admin:[REDACTED]@db:5432/app", "connecting to postgres://admin:[REDACTED]@db:5432/app"},
		{"URL query secret", "GET https://api.x.com/v1?page=2&api_key=abcdef123", "GET https://api.x.com/v1?page=2&api_key=[REDACTED]", "GET https://api.x.com/v1?page=2&api_key=[REDACTED]"},
		{"URL query secret, mixed case", "GET https://api.x.com/v1?Token=abcdef123&Api_Key=xyz789", "GET https://api.x.com/v1?Token=[REDACTED]&Api_Key=[REDACTED]", "GET https://api.x.com/v1?Token=[REDACTED]&Api_Key=[REDACTED]"},
		{"bearer, odd case", "authorization: BeArer abc.def-ghi", "authorization: BeArer [REDACTED]", "authorization: BeArer [REDACTED]"},
		{"AWS key", "key AKIAIOSFODNN7EXAMPLE used", "key AKIAIO[REDACTED] used", "key [REDACTED] used"},
		{"Google key", "AIzaSyA1234567890abcdefghijklmnopqrstuv", "AIzaSy[REDACTED]", "[REDACTED]"},
		{"GitHub token", "auth ghp_abcdefghijklmnopqrstuvwxyz0123456789 ok", "auth ghp_ab[REDACTED] ok", "auth [REDACTED] ok"},
		{"bearer", "Authorization: Bearer abc.def-ghi", "Authorization: Bearer [REDACTED]", "Authorization: Bearer [REDACTED]"},
		{"basic", "authorization: basic dXNlcjpwYXNzd29yZA==", "authorization: basic dXNlcj[REDACTED]", "authorization: basic [REDACTED]"},
		{"JWT", "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghijklmnop end", "jwt eyJhbG[REDACTED] end", "jwt [REDACTED] end"},
		{"private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
			"-----BEGIN RSA PRIVATE KEY-----[REDACTED]-----END RSA PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----[REDACTED]-----END RSA PRIVATE KEY-----"},
		{"private key cut short", "key: -----BEGIN PRIVATE KEY----- MIIEowIBAAKCAQEA",
			"key: -----BEGIN PRIVATE KEY-----[REDACTED]", "key: -----BEGIN PRIVATE KEY-----[REDACTED]"},
		{"Slack token", "xoxb-1234567890-abcdefghij", "xoxb-1[REDACTED]", "[REDACTED]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMasker(longSecret, "client-id", "")
			assert.Equal(t, tc.partial, m.Mask(tc.in))
			assert.Equal(t, tc.full, m.Full().Mask(tc.in))
		})
	}
}

func TestMaskLongestSecretFirst(t *testing.T) {
	m := NewMasker("abcd", "abcdef-longer-secret-value")
	assert.Equal(t, "x abcdef[REDACTED] y [REDACTED]", m.Mask("x abcdef-longer-secret-value y abcd"))
}

func TestTooShortToBeASecret(t *testing.T) {
	m := NewMasker("t", "42", "abc")
	assert.Equal(t, "the token 42 abc", m.Mask("the token 42 abc"))
}

func TestFullSharesSecrets(t *testing.T) {
	m := NewMasker()
	full := m.Full()
	m.AddSecrets("added-later")
	assert.Equal(t, "[REDACTED]", full.Mask("added-later"))
}

func TestHasSecret(t *testing.T) {
	m := NewMasker("s3cr3t-value", "x")
	later := m.Full()
	later.AddSecrets("added/at runtime")
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"s3cr3t-value", true},
		{"prefix s3cr3t-value suffix", true},
		{"added%2Fat+runtime", true}, // URL-encoded
		{"x", false},                 // too short to be registered
		{"postgres://u:hunter2@db", false},
		{"", false},
	} {
		assert.Equal(t, tc.want, m.HasSecret(tc.in), "%q", tc.in)
	}
	assert.False(t, NewMasker().HasSecret("anything"))
}

func TestMaskJSON(t *testing.T) {
	m := NewMasker("hunter2-secret").Full()
	in := map[string]any{
		"name":   "repo",
		"token":  "hunter2-secret",
		"nested": []any{"x hunter2-secret y", map[string]any{"n": json.Number("12"), "ok": true}},
	}
	want := map[string]any{
		"name":   "repo",
		"token":  "[REDACTED]",
		"nested": []any{"x [REDACTED] y", map[string]any{"n": json.Number("12"), "ok": true}},
	}
	assert.Equal(t, want, m.MaskJSON(in))
	assert.Equal(t, "hunter2-secret", in["token"], "the input is not modified")
}

// A secret logged inside a JSON body or a URL is escaped there; it is masked
// in those forms too.
func TestMaskEncodedSecret(t *testing.T) {
	const sec = `p@ss"w/rd&x<y>=z+1 end`
	m := NewMasker(sec, "a&b&c&d&e&f&")
	for _, tc := range []struct {
		name, in, partial string
	}{
		{"JSON body", `{"password":"p@ss\"w/rd\u0026x\u003cy\u003e=z+1 end"}`, `{"password":"p@ss\"[REDACTED]"}`},
		{"JSON without HTML escaping", `{"password":"p@ss\"w/rd&x<y>=z+1 end"}`, `{"password":"p@ss\"[REDACTED]"}`},
		{"URL query", "GET https://h/x?q=p%40ss%22w%2Frd%26x%3Cy%3E%3Dz%2B1+end", "GET https://h/x?q=p%40ss[REDACTED]"},
		{"URL path", "GET https://h/p@ss%22w%2Frd&x%3Cy%3E=z+1%20end/x", "GET https://h/p@ss%2[REDACTED]/x"},
		{"short secret encoded long is hidden whole", "q=a%26b%26c%26d%26e%26f%26", "q=[REDACTED]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.partial, m.Mask(tc.in))
			assert.NotContains(t, m.Full().Mask(tc.in), "p@ss")
		})
	}
}
