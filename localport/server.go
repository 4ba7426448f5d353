package localport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ocean-go/ocean/localport/console"
	"github.com/ocean-go/ocean/localport/internal/kafkapub"
	"github.com/sirupsen/logrus"
)

// Options configures a Server.
type Options struct {
	DBPath       string        // file path; "" = a private throwaway database, removed on Close
	ClientID     string        // with ClientID and ClientSecret set, credentials are checked
	ClientSecret string        // otherwise every client id and secret gets a token
	TokenTTL     time.Duration // default 3h
	OrgID        string        // default "org_local"
	FeatureFlags []string
	Logger       logrus.FieldLogger // nil = discard
	// DisableAdmin switches the /_admin routes off (they answer 404); the
	// Server's methods (InjectFault, Sinks, ...) keep working.
	DisableAdmin bool
	// Kafka, with Brokers set, publishes Port's change log of integrations
	// to the topic {OrgID}.change.log, whatever their changelogDestination
	// (each message carries it: a KAFKA listener keeps the ones for KAFKA).
	Kafka KafkaOptions
	// Mapper is the mapping engine of the console's playground (package
	// console/mapping); nil switches the playground off.
	Mapper console.Mapper
}

// KafkaOptions is where the change log goes.
type KafkaOptions struct {
	Brokers []string // host:port of the bootstrap brokers
	// Username and Password, both set, authenticate the producer with
	// SCRAM-SHA-512 over SASL_PLAINTEXT; GET /v1/kafka-credentials hands them
	// to integrations.
	Username, Password string
}

// Server is a Port-compatible API server persisted in SQLite.
type Server struct {
	opts   Options
	log    logrus.FieldLogger
	db     *db
	auth   *tokens
	faults *faults
	sinks  *sinks
	// changes publishes the change log; nil without Options.Kafka.Brokers.
	changes *kafkapub.Publisher
	api     router
	admin   router
	console *console.Console // the web console at / and /console/

	mu      sync.Mutex
	httpSrv *http.Server
	baseURL string

	closeOnce sync.Once
	conns     connTracker
	closeErr  error
}

// New opens (or creates) the database and builds the server; call Start to
// listen, or use the Server as an http.Handler.
func New(opts Options) (*Server, error) {
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 3 * time.Hour
	}
	if opts.OrgID == "" {
		opts.OrgID = "org_local"
	}
	log := opts.Logger
	if log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		log = l
	}
	if (opts.Kafka.Username == "") != (opts.Kafka.Password == "") {
		return nil, errors.New("local port: the Kafka username and password go together")
	}
	d, err := openDB(opts.DBPath)
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:   opts,
		log:    log,
		db:     d,
		auth:   newTokens(opts.ClientID, opts.ClientSecret, opts.TokenTTL),
		faults: newFaults(),
		sinks:  newSinks(),
	}
	if len(opts.Kafka.Brokers) > 0 {
		s.changes, err = kafkapub.New(kafkapub.Config{
			Brokers: opts.Kafka.Brokers, Topic: s.ChangeLogTopic(),
			Username: opts.Kafka.Username, Password: opts.Kafka.Password, Logger: log,
		})
		if err != nil {
			_ = d.close()
			return nil, fmt.Errorf("local port: %w", err)
		}
	}
	s.routes()
	s.console = newConsole(s)
	return s, nil
}

// ChangeLogTopic is the Kafka topic of the change log, {OrgID}.change.log
// ("" without Options.Kafka.Brokers).
func (s *Server) ChangeLogTopic() string {
	if len(s.opts.Kafka.Brokers) == 0 {
		return ""
	}
	return s.opts.OrgID + ".change.log"
}

// ChecksCredentials reports whether token requests must present the configured credentials.
func (s *Server) ChecksCredentials() bool { return s.auth.checks() }

// LocalPortHeader is set to "1" on every answer of a local Port.
const LocalPortHeader = "X-Ocean-Local-Port"

// ServeHTTP serves the web console (/ and /console/, see package console),
// the Port API, the ingest sinks and the /_admin routes (which need a token
// when credentials are checked, and answer 404 when Options.DisableAdmin is set).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	// Says what answers: a client need not ration its requests to a local
	// Port as it must to Port's shared budget.
	w.Header().Set(LocalPortHeader, "1")
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if p := recover(); p != nil {
			s.log.WithField("panic", p).WithField("path", r.URL.Path).Error("local port: handler panicked")
			writeError(rec, fmt.Errorf("panic: %v", p))
		}
		s.log.WithFields(logrus.Fields{
			"method": r.Method, "path": r.URL.EscapedPath(), "status": rec.status, "duration": time.Since(start),
		}).Debug("local port request")
	}()
	path := r.URL.EscapedPath()
	if console.Serves(path) {
		s.console.ServeHTTP(rec, r) // never faulted: it is how one looks at what a fault did
		return
	}
	body := trackBody(r)
	if strings.HasPrefix(path, "/_admin/") {
		if s.opts.DisableAdmin {
			fail(rec, r, body, notFound("no route for %s %s: the admin API is switched off", r.Method, path))
			return
		}
		// With credentials configured, whoever may fault or read the sinks
		// must hold a token; without, anyone gets one, so asking is moot.
		s.serve(rec, r, body, &s.admin, path, s.auth.checks())
		return
	}
	answered, drop := s.faults.intercept(rec, r, body, path)
	switch {
	case answered:
	case drop:
		dropped(w, func(w http.ResponseWriter) { s.serve(w, r, body, &s.api, path, true) })
	default:
		s.serve(rec, r, body, &s.api, path, true)
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, body *trackedBody, rt *router, path string, authenticate bool) {
	if r.ContentLength > maxBody {
		fail(w, r, body, errTooLarge)
		return
	}
	rte, params, apiErr := rt.match(r.Method, path)
	if apiErr != nil {
		fail(w, r, body, apiErr)
		return
	}
	c := &call{w: w, r: r, params: params}
	if authenticate && !rte.public {
		clientID, err := s.auth.check(r)
		if err != nil {
			fail(w, r, body, err)
			return
		}
		c.clientID = clientID
	}
	status, resp, err := rte.handle(c)
	if err != nil {
		ae := asAPIError(err)
		if ae.status >= 500 && !errors.Is(err, context.Canceled) { // canceled: the client went away
			s.log.WithError(err).WithField("path", path).Error("local port: request failed")
		}
		fail(w, r, body, ae)
		return
	}
	writeJSON(w, status, resp)
}

// Start listens on addr ("127.0.0.1:0" picks a free port) and serves in the
// background. It returns the base URL, e.g. "http://127.0.0.1:5555" (clients append /v1).
func (s *Server) Start(addr string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.httpSrv != nil {
		return "", errors.New("local port: already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("local port: listen on %s: %w", addr, err)
	}
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ConnState: s.conns.track}
	s.baseURL = "http://" + ln.Addr().String()
	srv := s.httpSrv
	go func() {
		defer func() {
			if p := recover(); p != nil {
				s.log.WithField("panic", p).Error("local port: server goroutine panicked")
			}
		}()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.WithError(err).Error("local port: serve failed")
		}
	}()
	return s.baseURL, nil
}

// URL is the base URL given by Start ("" before Start).
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// Close shuts the listener down gracefully (waiting up to 5 s for requests in
// flight), publishes the change log still queued (for up to 5 s more) and
// closes the database. It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		srv := s.httpSrv
		s.mu.Unlock()
		var errs []error
		if srv != nil {
			// Shutdown waits up to 5 s for connections a client opened but has not
			// used yet; they carry no request, so close them now.
			s.conns.closeUnused()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := srv.Shutdown(ctx); err != nil {
				errs = append(errs, fmt.Errorf("shutdown: %w", err))
				_ = srv.Close()
			}
			cancel()
		}
		if s.changes != nil {
			s.changes.Close() // logs what it could not publish
		}
		if err := s.db.close(); err != nil {
			errs = append(errs, err)
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}
