package rest

import (
	"fmt"
	"net/http"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Auth authenticates one attempt of a request. Implementations must be safe
// for concurrent use and must not log their secrets.
type Auth interface {
	Apply(req *http.Request) error
}

// Refresher is an Auth whose credentials can go stale: after a 401 the client
// calls Invalidate and replays the request once.
type Refresher interface {
	Auth
	Invalidate()
}

// Bearer sends "Authorization: Bearer token".
func Bearer(token string) Auth { return bearer{token: token} }

type bearer struct{ token string }

func (b bearer) Apply(req *http.Request) error {
	req.Header.Set("Authorization", "Bearer "+b.token)
	return nil
}

func (bearer) String() string { return "Bearer(redacted)" }

// Basic sends HTTP basic authentication (an API token as the password is the
// usual use).
func Basic(username, password string) Auth { return basic{username: username, password: password} }

type basic struct{ username, password string }

func (b basic) Apply(req *http.Request) error {
	req.SetBasicAuth(b.username, b.password)
	return nil
}

func (b basic) String() string { return fmt.Sprintf("Basic(%s, redacted)", b.username) }

// ClientCredentials fetches an OAuth2 access token with the client-credentials
// grant on first use, reuses it until shortly before it expires, and fetches a
// new one after a 401. The token request runs under the request's context (so
// it is cancelled with it) and uses oauth2.HTTPClient from that context when
// set, else http.DefaultClient: not the retrying client, whose Auth it is.
func ClientCredentials(cfg clientcredentials.Config) Refresher {
	return &oauthAuth{cfg: cfg}
}

type oauthAuth struct {
	cfg clientcredentials.Config

	mu  sync.Mutex
	tok *oauth2.Token
}

func (a *oauthAuth) Apply(req *http.Request) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	// Held across the fetch: concurrent requests share one token request.
	if !a.tok.Valid() {
		tok, err := a.cfg.Token(req.Context())
		if err != nil {
			return fmt.Errorf("oauth2 token: %w", err)
		}
		a.tok = tok
	}
	a.tok.SetAuthHeader(req)
	return nil
}

func (a *oauthAuth) Invalidate() {
	a.mu.Lock()
	a.tok = nil
	a.mu.Unlock()
}

func (a *oauthAuth) String() string {
	return fmt.Sprintf("ClientCredentials(%s, %s, redacted)", a.cfg.TokenURL, a.cfg.ClientID)
}
