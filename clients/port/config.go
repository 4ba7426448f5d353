package port

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	gocache "github.com/patrickmn/go-cache"
	"github.com/sirupsen/logrus"
	"golang.org/x/time/rate"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultBaseURL              = "https://api.getport.io"
	DefaultFeature              = "exporter"
	DefaultTimeout              = 60 * time.Second
	DefaultBulkConcurrency      = 8
	DefaultUpsertBatchMaxLength = 20      // Port's bulk-upsert maxItems
	DefaultUpsertBatchMaxBytes  = 1 << 20 // Port's request body limit (1 MiB)
	DefaultDeleteBatchMaxLength = 100     // Port's bulk-delete maxItems
	DefaultOwnedEntitiesPage    = 5000
	DefaultBlueprintCacheTTL    = 120 * time.Second
	DefaultFeatureFlagsCacheTTL = 300 * time.Second
)

// UserAgent names the integration to Port. Port records the User-Agent of the
// request that wrote an entity as the entity's datasource, which is how an
// integration later finds the entities it owns (port-api.md §2.2).
type UserAgent struct {
	Type       string // integration type, e.g. "github" (lower-cased on the wire)
	Version    string // the integration's own version
	Identifier string // the integration identifier in Port
}

// String renders port-ocean/{type}/{version}/{identifier}[/{feature}].
func (u UserAgent) String(feature string) string {
	s := "port-ocean/" + strings.ToLower(u.Type) + "/" + u.Version + "/" + u.Identifier
	if feature != "" {
		s += "/" + feature
	}
	return s
}

// Config configures a Client. Only ClientID, ClientSecret and UserAgent are
// required; zero values take the documented defaults.
type Config struct {
	BaseURL      string // default DefaultBaseURL; the client appends /v1 (a trailing /v1 is tolerated)
	ClientID     string
	ClientSecret string
	UserAgent    UserAgent
	// CoreVersion is sent as oceanCoreVersion when reading the integration; empty = omitted.
	CoreVersion string
	Feature     string // User-Agent suffix of entity calls: "exporter" (default) or "gitops"

	HTTPClient *http.Client  // default: Timeout per attempt, pooled transport
	Timeout    time.Duration // per attempt of a request, default DefaultTimeout; unused with HTTPClient
	Limiter    *rate.Limiter // proactive limit on every API call; nil = a NewLimiter of this client's own
	// FixedLimit keeps Limiter as given. By default the client lifts it when
	// a local Port answers (LocalPortHeader), and paces it to Port's
	// x-ratelimit-remaining and x-ratelimit-reset, never above its rate
	// nor below a tenth of it.
	FixedLimit bool
	// LimiterWait, when set, is told after each wait on Limiter how long the
	// request waited, by endpoint (see Endpoint).
	LimiterWait func(ctx context.Context, endpoint string, waited time.Duration)
	// Requested, when set, is told of every API request sent (each attempt),
	// by route (see Route); CountRequests counts them per operation.
	Requested func(ctx context.Context, route string)
	Retry     RetryPolicy // zero fields take the defaults of RetryPolicy

	BulkConcurrency      int // in-flight batches per UpsertEntities / DeleteEntities call
	UpsertBatchMaxLength int // entities per bulk upsert, default 20
	UpsertBatchMaxBytes  int // encoded bulk-upsert body limit, default 1 MiB
	DeleteBatchMaxLength int // identifiers per bulk delete, default 100
	OwnedEntitiesPage    int // page size of OwnedEntities, default 5000

	BlueprintCacheTTL    time.Duration // default 120 s
	FeatureFlagsCacheTTL time.Duration // Organization cache, default 300 s

	Logger logrus.FieldLogger // nil = discard

	// ReadOnly refuses, with ErrReadOnly and without sending it, every request
	// that would change something in Port: only reads (GET, searches) and the
	// token call go out. A dry run relies on it to write nothing whatever path
	// a write takes.
	ReadOnly bool
}

// Client is a typed Port REST client. It is safe for concurrent use; create one
// per integration and share it.
type Client struct {
	cfg     Config
	apiURL  string // BaseURL + "/v1"
	http    *http.Client
	limiter *rate.Limiter
	pacer   *pacer
	retry   RetryPolicy
	log     logrus.FieldLogger
	auth    *authenticator

	uaPlain   string // User-Agent without feature
	uaFeature string // User-Agent of entity calls

	blueprints *gocache.Cache
	org        *gocache.Cache

	// entitySize is about what the last UpsertEntities encoded per entity,
	// to size the next one's buffer.
	entitySize atomic.Int64
}

// New validates cfg, applies defaults and returns a Client. No request is made
// until the first call.
func New(cfg Config) (*Client, error) {
	var problems []error
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		problems = append(problems, errors.New("client id and client secret are required"))
	}
	if cfg.UserAgent.Type == "" || cfg.UserAgent.Version == "" || cfg.UserAgent.Identifier == "" {
		problems = append(problems, errors.New("user agent type, version and identifier are required"))
	}
	if strings.Contains(cfg.Feature, "/") {
		problems = append(problems, fmt.Errorf("feature %q must not contain '/'", cfg.Feature))
	}
	base, err := normalizeBaseURL(cfg.BaseURL)
	if err != nil {
		problems = append(problems, err)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("port: invalid config: %w", errors.Join(problems...))
	}
	cfg.BaseURL = base
	if cfg.Feature == "" {
		cfg.Feature = DefaultFeature
	}
	setDefault(&cfg.Timeout, DefaultTimeout)
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = defaultHTTPClient(cfg.Timeout)
	}
	if cfg.Limiter == nil {
		cfg.Limiter = NewLimiter()
	}
	cfg.Retry = cfg.Retry.withDefaults()
	setDefault(&cfg.BulkConcurrency, DefaultBulkConcurrency)
	setDefault(&cfg.UpsertBatchMaxLength, DefaultUpsertBatchMaxLength)
	setDefault(&cfg.UpsertBatchMaxBytes, DefaultUpsertBatchMaxBytes)
	setDefault(&cfg.DeleteBatchMaxLength, DefaultDeleteBatchMaxLength)
	setDefault(&cfg.OwnedEntitiesPage, DefaultOwnedEntitiesPage)
	setDefault(&cfg.BlueprintCacheTTL, DefaultBlueprintCacheTTL)
	setDefault(&cfg.FeatureFlagsCacheTTL, DefaultFeatureFlagsCacheTTL)
	if cfg.Logger == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		cfg.Logger = l
	}

	c := &Client{
		cfg:       cfg,
		apiURL:    base + "/v1",
		http:      cfg.HTTPClient,
		limiter:   cfg.Limiter,
		retry:     cfg.Retry,
		log:       cfg.Logger.WithField("component", "port-client"),
		uaPlain:   cfg.UserAgent.String(""),
		uaFeature: cfg.UserAgent.String(cfg.Feature),
		// No janitor goroutine: expired items are checked on read and overwritten on refill.
		blueprints: gocache.New(cfg.BlueprintCacheTTL, 0),
		org:        gocache.New(cfg.FeatureFlagsCacheTTL, 0),
	}
	c.pacer = newPacer(cfg.Limiter, cfg.FixedLimit, c.log)
	c.auth = newAuthenticator(c)
	return c, nil
}

// RateLimit is the rate, in requests per second, the client now sends at
// most (rate.Inf: no limit); see Config.FixedLimit.
func (c *Client) RateLimit() rate.Limit { return c.limiter.Limit() }

// UserAgent returns the User-Agent the client sends, with its entity-call feature
// when withFeature is true.
func (c *Client) UserAgent(withFeature bool) string {
	if withFeature {
		return c.uaFeature
	}
	return c.uaPlain
}

func normalizeBaseURL(raw string) (string, error) {
	if raw == "" {
		return DefaultBaseURL, nil
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("base url %q must be an absolute http(s) URL", raw)
	}
	s := strings.TrimRight(u.String(), "/")
	return strings.TrimSuffix(s, "/v1"), nil
}

func defaultHTTPClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 100
	t.MaxIdleConnsPerHost = 50
	t.MaxConnsPerHost = 100
	// Room for a whole bulk body behind the headers: a body that overflows
	// the buffer is copied through a fresh buffer of up to 32 KiB per request.
	t.WriteBufferSize = 64 << 10
	return &http.Client{Timeout: timeout, Transport: t}
}

func setDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}
