package console

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
)

// Errors a Store wraps so that the console answers with the right status.
var (
	ErrNotFound = errors.New("not found")
	ErrInvalid  = errors.New("invalid")
)

// Store is what the console reads and writes.
type Store interface {
	// Blueprints lists the blueprints, by identifier, with their entity counts.
	Blueprints(ctx context.Context) ([]Blueprint, error)
	// Blueprint is one blueprint's body (ErrNotFound when it does not exist).
	Blueprint(ctx context.Context, identifier string) (map[string]any, error)
	// Entities is one page of a blueprint's entities matching a query.
	Entities(ctx context.Context, q EntityQuery) (*EntityPage, error)
	// Entity is one entity with its relations (ErrNotFound when it does not exist).
	Entity(ctx context.Context, blueprint, identifier string) (*EntityDetail, error)
	// Integrations lists the integrations as Port renders them, by identifier.
	Integrations(ctx context.Context) ([]map[string]any, error)
	// ResyncReports are the sync metrics of an integration's last resyncs,
	// newest resync first.
	ResyncReports(ctx context.Context, integrationID string) ([]ResyncReport, error)
	// Examples are the raw items last uploaded for a kind (nil when none).
	Examples(ctx context.Context, integrationID, kind string) ([]any, error)
	// SetConfig writes an integration's config as PATCH /v1/integration/{id}
	// does (a change requests a resync), on behalf of the console's user; r
	// is the console request. It returns the integration.
	SetConfig(ctx context.Context, r *http.Request, integrationID string, config map[string]any) (map[string]any, error)
}

// Access is how the console checks who may use it: the local Port's own credentials.
type Access interface {
	// ChecksCredentials reports whether credentials are configured.
	ChecksCredentials() bool
	// CheckCredentials reports whether a client id and secret are the configured ones.
	CheckCredentials(clientID, clientSecret string) bool
	// ValidToken reports whether the request carries a valid bearer token of the API.
	ValidToken(r *http.Request) bool
}

// Blueprint is a blueprint of the catalog with its entity count.
type Blueprint struct {
	Identifier string         `json:"identifier"`
	Title      string         `json:"title"`
	Icon       string         `json:"icon,omitempty"`
	Properties map[string]any `json:"properties"` // schema.properties
	Relations  map[string]any `json:"relations"`
	Entities   int            `json:"entities"`
}

// EntityQuery asks for a page of a blueprint's entities.
type EntityQuery struct {
	Blueprint string
	Query     any    // a Port search query (decoded JSON); nil matches every entity
	Sort      string // "$identifier", "$title", "$createdAt", "$updatedAt" or a property; "" = creation order
	Desc      bool
	Offset    int
	Limit     int
}

// EntityPage is a page of entities and how many match in all.
type EntityPage struct {
	Total    int              `json:"total"`
	Entities []map[string]any `json:"entities"`
}

// EntityDetail is an entity with its datasource and its relations both ways.
type EntityDetail struct {
	Entity     map[string]any `json:"entity"`
	Datasource string         `json:"datasource"`
	Outgoing   []Edge         `json:"outgoing"` // relations of the entity
	Incoming   []Edge         `json:"incoming"` // entities related to it
}

// Edge is one relation value: the entity at the other end and the relation's name.
type Edge struct {
	Relation   string `json:"relation"`
	Blueprint  string `json:"blueprint"`
	Identifier string `json:"identifier"`
}

// ResyncReport is the latest sync-metrics event of one kind of one resync.
type ResyncReport struct {
	EventID     string
	Kind        string // "{kind}-{index}", "__runtime__" or "__reconciliation__"
	First, Last time.Time
	Body        json.RawMessage
}

// Options configures a Console.
type Options struct {
	Store  Store
	Access Access
	Mapper Mapper             // nil: the playground answers 501
	Logger logrus.FieldLogger // nil = discard
}

//go:embed assets
var assets embed.FS

// Console serves the page and its API; it is an http.Handler for the paths Serves accepts.
type Console struct {
	store    Store
	access   Access
	log      logrus.FieldLogger
	sessions *sessions
	mapper   Mapper
	mux      *http.ServeMux
}

// New builds the console.
func New(o Options) *Console {
	log := o.Logger
	if log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		log = l
	}
	c := &Console{
		store: o.Store, access: o.Access, log: log, sessions: newSessions(sessionTTL),
		mapper: o.Mapper,
		mux:    http.NewServeMux(),
	}
	c.routes()
	return c
}

// Serves reports whether an escaped request path is the console's: / and /console/....
func Serves(path string) bool {
	return path == "/" || path == "/console" || strings.HasPrefix(path, "/console/")
}

func (c *Console) routes() {
	static, _ := fs.Sub(assets, "assets")
	files := http.StripPrefix("/console/assets/", http.FileServerFS(static))
	c.mux.HandleFunc("GET /{$}", c.page)
	c.mux.HandleFunc("GET /console", c.page)
	c.mux.Handle("GET /console/assets/", files)

	c.mux.HandleFunc("GET /console/api/session", c.session)
	c.mux.HandleFunc("POST /console/api/login", c.login)
	c.mux.HandleFunc("POST /console/api/logout", c.logout)
	c.mux.HandleFunc("GET /console/api/blueprints", c.api(c.blueprints))
	c.mux.HandleFunc("GET /console/api/blueprints/{bp}/entities", c.api(c.entities))
	c.mux.HandleFunc("GET /console/api/blueprints/{bp}/entities/{id}", c.api(c.entity))
	c.mux.HandleFunc("GET /console/api/integrations", c.api(c.integrations))
	c.mux.HandleFunc("GET /console/api/integrations/{id}/kinds/{kind}/examples", c.api(c.examples))
	c.mux.HandleFunc("POST /console/api/playground", c.api(c.playground))
	c.mux.HandleFunc("PUT /console/api/integrations/{id}/resources/{index}", c.api(c.saveResource))
	c.mux.HandleFunc("/console/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no console route for %s %s", r.Method, r.URL.Path)
	})
}

// ServeHTTP checks access, then serves the page, its assets or the API.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if msg := c.refused(r); msg != "" {
		writeError(w, http.StatusForbidden, "%s", msg)
		return
	}
	c.mux.ServeHTTP(w, r)
}

func (c *Console) page(w http.ResponseWriter, r *http.Request) {
	page, err := assets.ReadFile("assets/index.html")
	if err != nil {
		writeError(w, http.StatusInternalServerError, "the console page is missing: %v", err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(page)
}

// handlerFunc is an API handler: it returns the status and body, or an error.
type handlerFunc func(r *http.Request) (int, any, error)

// api requires a session when credentials are configured and writes the answer.
func (c *Console) api(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !c.authorized(r) {
			writeError(w, http.StatusUnauthorized, "log in with the local Port's client id and secret")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		status, body, err := h(r)
		if err != nil {
			status = statusOf(err)
			if status == http.StatusInternalServerError {
				c.log.WithError(err).WithField("path", r.URL.Path).Error("console: request failed")
			}
			writeError(w, status, "%s", err.Error())
			return
		}
		writeJSON(w, status, body)
	}
}

// maxBody bounds request bodies (pasted raw items included).
const maxBody = 8 << 20

// statusOf maps errors to statuses.
func statusOf(err error) int {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrInvalid):
		return http.StatusUnprocessableEntity
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, errBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, errNoMapper):
		return http.StatusNotImplemented
	}
	return http.StatusInternalServerError
}

var errBadRequest = errors.New("bad request")

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if body != nil {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(body)
	}
}

func writeError(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, map[string]string{"error": fmt.Sprintf(format, args...)})
}
