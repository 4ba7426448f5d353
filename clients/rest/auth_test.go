package rest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/ocean-go/ocean/clients/rest"
)

func TestStaticAuth(t *testing.T) {
	for _, tt := range []struct {
		name string
		auth rest.Auth
		want string
	}{
		{"bearer", rest.Bearer("abc"), "Bearer abc"},
		{"basic", rest.Basic("me@example.com", "api-token"), "Basic bWVAZXhhbXBsZS5jb206YXBpLXRva2Vu"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			_, err := rest.GetJSON(context.Background(), rest.New(rest.Options{Auth: tt.auth}), a.URL, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.want, a.calls()[0].auth)
			assert.NotContains(t, fmt.Sprint(tt.auth), "abc", "printing an Auth shows no secret")
			assert.NotContains(t, fmt.Sprint(tt.auth), "api-token")
		})
	}
}

// oauthServer is a token endpoint and an API that accepts only its latest token.
type oauthServer struct {
	*httptest.Server
	tokens atomic.Int32 // tokens issued
	asked  atomic.Int32 // token requests
	mu     sync.Mutex
	valid  string
	revoke bool // the next API call answers 401 and drops the token
}

func newOAuthServer(t *testing.T) *oauthServer {
	s := &oauthServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		s.asked.Add(1)
		id, secret, _ := r.BasicAuth()
		if r.ParseForm() != nil || r.Form.Get("grant_type") != "client_credentials" || id != "client" || secret != "s3cret" {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		n := s.tokens.Add(1)
		s.mu.Lock()
		s.valid = fmt.Sprintf("token-%d", n)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": s.valid, "token_type": "Bearer", "expires_in": 3600})
	})
	mux.HandleFunc("GET /api", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		ok := r.Header.Get("Authorization") == "Bearer "+s.valid && !s.revoke
		if s.revoke {
			s.revoke, s.valid = false, ""
		}
		s.mu.Unlock()
		if !ok {
			http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func TestClientCredentials(t *testing.T) {
	s := newOAuthServer(t)
	client := rest.New(rest.Options{Retry: fast, Auth: rest.ClientCredentials(clientcredentials.Config{
		ClientID: "client", ClientSecret: "s3cret", TokenURL: s.URL + "/token",
	})})
	ctx := context.Background()

	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := rest.GetJSON(ctx, client, s.URL+"/api", nil)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 1, s.tokens.Load(), "concurrent requests share one token")

	s.mu.Lock()
	s.revoke = true
	s.mu.Unlock()
	_, err := rest.GetJSON(ctx, client, s.URL+"/api", nil)
	require.NoError(t, err, "a 401 fetches a new token and replays the request")
	assert.EqualValues(t, 2, s.tokens.Load())
}

func TestClientCredentialsRefused(t *testing.T) {
	s := newOAuthServer(t)
	auth := rest.ClientCredentials(clientcredentials.Config{ClientID: "client", ClientSecret: "wrong-secret", TokenURL: s.URL + "/token",
		AuthStyle: oauth2.AuthStyleInHeader}) // one token request per attempt; auto-detection tries two
	_, err := rest.GetJSON(context.Background(), rest.New(rest.Options{Retry: fast, Auth: auth}), s.URL+"/api", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "oauth2 token")
	assert.NotContains(t, err.Error(), "wrong-secret")
	assert.NotContains(t, fmt.Sprint(auth), "wrong-secret")
	assert.Zero(t, s.tokens.Load())
	assert.EqualValues(t, 1, s.asked.Load(), "refused credentials are not retried")
}
