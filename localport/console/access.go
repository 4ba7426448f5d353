package console

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// sessionCookie holds the session of a logged-in user.
const sessionCookie = "ocean_console_session"

// sessionTTL is how long a session lasts.
const sessionTTL = 12 * time.Hour

// sessions are kept in memory: after a restart the user logs in again.
type sessions struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]time.Time // session id → expiry
}

func newSessions(ttl time.Duration) *sessions {
	return &sessions{ttl: ttl, m: map[string]time.Time{}}
}

func (s *sessions) open() (id string, expires time.Time) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	id, expires = hex.EncodeToString(b), time.Now().Add(s.ttl)
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, exp := range s.m {
		if time.Now().After(exp) {
			delete(s.m, k)
		}
	}
	s.m[id] = expires
	return id, expires
}

func (s *sessions) valid(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.m[id]
	return ok && time.Now().Before(exp)
}

func (s *sessions) close(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}

// refused says why a request may not reach the console at all ("" = it may).
func (c *Console) refused(r *http.Request) string {
	if !c.access.ChecksCredentials() {
		// Open without a login: only this machine may use it, under a loopback
		// name (a foreign page rebinding its own name to 127.0.0.1 is refused).
		if !loopbackAddr(r.RemoteAddr) {
			return "this local Port has no credentials, so its console answers on loopback only; " +
				"start it with a client id and secret (ocean port serve --client-id --client-secret) to open it to the network"
		}
		if !loopbackHost(r.Host) {
			return fmt.Sprintf("this local Port has no credentials, so its console answers only under a loopback address (127.0.0.1 or localhost), not %q", r.Host)
		}
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return ""
	}
	// A change comes from the console's own page: a JSON body (a form of a
	// foreign page cannot send one without a CORS preflight, never granted)
	// and, when the browser says where from, this origin.
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return "requests that change something must send Content-Type: application/json"
	}
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host && o != "https://"+r.Host {
		return fmt.Sprintf("cross-origin request from %q refused", o)
	}
	return ""
}

func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// authorized: no credentials configured, a valid session, or a valid API token.
func (c *Console) authorized(r *http.Request) bool {
	if !c.access.ChecksCredentials() {
		return true
	}
	if ck, err := r.Cookie(sessionCookie); err == nil && c.sessions.valid(ck.Value) {
		return true
	}
	return r.Header.Get("Authorization") != "" && c.access.ValidToken(r)
}

// GET /console/api/session
func (c *Console) session(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]bool{"credentials": c.access.ChecksCredentials(), "loggedIn": c.authorized(r)})
}

// POST /console/api/login
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "the body must be {\"clientId\",\"clientSecret\"}")
		return
	}
	if !c.access.ChecksCredentials() {
		writeError(w, http.StatusBadRequest, "this local Port has no credentials: the console is open on loopback without a login")
		return
	}
	if !c.access.CheckCredentials(body.ClientID, body.ClientSecret) {
		// Who tried is worth a line; the secret never is.
		c.log.WithField("clientId", body.ClientID).Warn("console: login refused")
		writeError(w, http.StatusUnauthorized, "invalid client id or client secret")
		return
	}
	id, expires := c.sessions.open()
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: id, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
	w.WriteHeader(http.StatusNoContent)
}

// POST /console/api/logout
func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(sessionCookie); err == nil {
		c.sessions.close(ck.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
}
