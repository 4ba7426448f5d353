package localport

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"
)

// tokens issues and checks bearer tokens. They live in memory: after a
// restart clients get a 401 and fetch a new one, as they would from Port.
type tokens struct {
	clientID, secret string
	ttl              time.Duration

	mu     sync.Mutex
	issued map[string]grant
	active map[string]string // client id → its unexpired token
}

type grant struct {
	clientID string
	expires  time.Time
}

func newTokens(clientID, secret string, ttl time.Duration) *tokens {
	return &tokens{clientID: clientID, secret: secret, ttl: ttl, issued: map[string]grant{}, active: map[string]string{}}
}

// checks reports whether credentials are verified (both configured).
func (t *tokens) checks() bool { return t.clientID != "" && t.secret != "" }

// issue returns a JWT-shaped token whose payload carries "isMachine": true
// (Ocean reads it, unverified, to enable its actions processor). As Port does,
// a client id has one active token at a time: asking again before it expires
// returns the same token with its remaining lifetime (until its last quarter).
func (t *tokens) issue(clientID string) (token string, expiresIn int) {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	for tok, g := range t.issued {
		if now.After(g.expires) {
			delete(t.issued, tok)
			delete(t.active, g.clientID)
		}
	}
	if tok, ok := t.active[clientID]; ok {
		// Reused while a quarter of its life is left: a client renewing just
		// before expiry gets a fresh token rather than seconds of the old one
		// (which stays valid until it expires).
		if left := t.issued[tok].expires.Sub(now); left > t.ttl/4 {
			return tok, int(math.Ceil(left.Seconds()))
		}
	}

	exp := now.Add(t.ttl)
	enc := base64.RawURLEncoding
	payload, _ := json.Marshal(map[string]any{"clientId": clientID, "isMachine": true, "iat": now.Unix(), "exp": exp.Unix()})
	token = enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc.EncodeToString(payload) + "." + randomID()
	t.issued[token] = grant{clientID: clientID, expires: exp}
	t.active[clientID] = token
	return token, int(math.Ceil(t.ttl.Seconds()))
}

// check returns the client id of the request's bearer token.
func (t *tokens) check(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	scheme, token, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", newError(http.StatusUnauthorized, codeUnauthorized, "missing bearer token: send Authorization: Bearer <token from POST /v1/auth/access_token>")
	}
	t.mu.Lock()
	g, known := t.issued[strings.TrimSpace(token)]
	t.mu.Unlock()
	switch {
	case !known:
		return "", newError(http.StatusUnauthorized, codeUnauthorized, "invalid token")
	case time.Now().After(g.expires):
		return "", newError(http.StatusUnauthorized, codeUnauthorized, "token expired")
	}
	return g.clientID, nil
}

// POST /v1/auth/access_token
func (s *Server) accessToken(c *call) (int, any, error) {
	body, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	id, idOK := body["clientId"].(string)
	secret, secretOK := body["clientSecret"].(string)
	if !idOK || !secretOK || id == "" {
		return 0, nil, invalid("clientId and clientSecret are required strings")
	}
	if s.auth.checks() {
		idMatch := subtle.ConstantTimeCompare([]byte(id), []byte(s.auth.clientID)) == 1
		secretMatch := subtle.ConstantTimeCompare([]byte(secret), []byte(s.auth.secret)) == 1
		if !idMatch || !secretMatch {
			return 0, nil, newError(http.StatusUnauthorized, codeUnauthorized, "invalid client id or client secret")
		}
	}
	token, expiresIn := s.auth.issue(id)
	return http.StatusOK, ok("accessToken", token, "expiresIn", expiresIn, "tokenType", "Bearer"), nil
}

// randomID is 16 random hex characters.
func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
