package config

import (
	"strings"
	"time"
)

// Settings is the typed, validated configuration of an integration process.
// Field tags: json gives the snake_case key (as in Redacted); sensitive marks
// values that must never be logged (see Secrets).
type Settings struct {
	Port          PortSettings          `json:"port"`
	Integration   IntegrationSettings   `json:"integration"`
	EventListener EventListenerSettings `json:"event_listener"`
	Application   ApplicationSettings   `json:"application"`
	LocalPort     LocalPortSettings     `json:"local_port"`
	Metrics       MetricsSettings       `json:"metrics"`
	// ActionsProcessor executes Port's action runs.
	ActionsProcessor ActionsProcessorSettings `json:"actions_processor"`
	// LiveEvents is where accepted webhook events wait to be processed.
	LiveEvents LiveEventsSettings `json:"live_events"`

	InitializePortResources           bool          `json:"initialize_port_resources"`
	ScheduledResyncInterval           time.Duration `json:"scheduled_resync_interval"` // 0: no scheduled resync
	StatusHeartbeatInterval           time.Duration `json:"status_heartbeat_interval_seconds"`
	SendRawDataExamples               bool          `json:"send_raw_data_examples"`
	AllowEnvironmentVariablesJQAccess bool          `json:"allow_environment_variables_jq_access"`
	ClientTimeout                     time.Duration `json:"client_timeout"`
	// AllowedEnvVars are the environment variables mappings may read through
	// env and $ENV: names or globs (MY_*); none by default, and none at all
	// when AllowEnvironmentVariablesJQAccess is false. Unlike Ocean, which
	// exposes the whole environment, a mapping sees only these, and never a
	// variable holding a secret.
	AllowedEnvVars []string `json:"allowed_env_vars"`
	// CreatePortResourcesOrigin is "" (unset), Empty, Ocean, Default or Port.
	CreatePortResourcesOrigin string `json:"create_port_resources_origin"`
	// BaseURL is this integration's public URL, needed to receive webhooks.
	BaseURL                string        `json:"base_url"`
	PathPrefix             string        `json:"path_prefix"`
	EventWorkersCount      int           `json:"event_workers_count"`
	MaxEventProcessingTime time.Duration `json:"max_event_processing_seconds"`
	MaxWaitBeforeShutdown  time.Duration `json:"max_wait_seconds_before_shutdown"`
	Runtime                Runtime       `json:"runtime"`
	// ResourcesPath holds the defaults (blueprints, mapping…); relative paths
	// are resolved against the integration directory.
	ResourcesPath                     string        `json:"resources_path"`
	UpsertEntitiesBatchMaxLength      int           `json:"upsert_entities_batch_max_length"`
	UpsertEntitiesBatchMaxSizeInBytes int           `json:"upsert_entities_batch_max_size_in_bytes"`
	DeleteEntitiesMaxBatchSize        int           `json:"delete_entities_max_batch_size"`
	YieldItemsToParseBatchSize        int           `json:"yield_items_to_parse_batch_size"`
	ProcessInQueueTimeout             time.Duration `json:"process_in_queue_timeout"`
	ProcessInQueueMaxWorkers          int           `json:"process_in_queue_max_workers"`
	// MaxRequestBodySizeInBytes bounds the body of a request to the
	// integration's /integration routes (webhooks…); larger ones get a 413.
	MaxRequestBodySizeInBytes int `json:"max_request_body_size_in_bytes"`
	// Strict makes unknown keys (settings, .port/spec.yaml, the mapping)
	// errors instead of warnings.
	Strict bool `json:"strict"`

	// Spec is the integration's .port/spec.yaml, nil when it has none.
	Spec *Spec `json:"-"`
	// Warnings are non-fatal findings (obsolete settings…) for the caller to log.
	Warnings []string `json:"-"`

	raw tree
	// listenerSecrets are the event listener's values read as sensitive.
	listenerSecrets []string
}

// PortSettings configures the Port API client. Without credentials the
// framework talks to the embedded local Port.
type PortSettings struct {
	ClientID              string        `json:"client_id" sensitive:"true"`
	ClientSecret          string        `json:"client_secret" sensitive:"true"`
	BaseURL               string        `json:"base_url"` // without trailing "/"; the API is {BaseURL}/v1
	PortAppConfigCacheTTL time.Duration `json:"port_app_config_cache_ttl"`
	FeatureFlagsCacheTTL  time.Duration `json:"feature_flags_cache_ttl_seconds"`
	BlueprintCacheTTL     time.Duration `json:"blueprint_cache_ttl_seconds"`
	// RateLimit is the sustained requests per second to Port (0: unlimited);
	// RateBurst the requests allowed at once. RateLimitSet says RateLimit
	// was configured rather than defaulted: only a default adapts (a local
	// Port lifts it, Port's rate-limit headers pace it).
	RateLimit    float64 `json:"rate_limit"`
	RateBurst    int     `json:"rate_burst"`
	RateLimitSet bool    `json:"-"`
}

// HasCredentials reports whether Port machine credentials are configured.
func (p PortSettings) HasCredentials() bool { return p.ClientID != "" && p.ClientSecret != "" }

// IntegrationSettings identifies the integration and holds its own settings.
type IntegrationSettings struct {
	Identifier string `json:"identifier"`
	Type       string `json:"type"`
	Version    string `json:"version"`
	// Config is validated and typed by .port/spec.yaml when there is one,
	// keyed by the spec's names; see DecodeIntegrationConfig.
	Config                  map[string]any `json:"config"`
	IncrementalSyncEnabled  bool           `json:"incremental_sync_enabled"`
	IncrementalSyncInterval time.Duration  `json:"incremental_sync_interval"`
}

// ApplicationSettings are process settings (APPLICATION__ prefix).
type ApplicationSettings struct {
	LogLevel string `json:"log_level"` // DEBUG, INFO, WARNING, ERROR or CRITICAL
	// Port is the HTTP port; 0 is a free one (the default of a ONCE run).
	Port              int  `json:"port"`
	EnableHTTPLogging bool `json:"enable_http_logging"`
}

// MetricsSettings push the resync metric events also sent to Port to a
// webhook of the user's (METRICS__*).
type MetricsSettings struct {
	Enabled bool `json:"enabled"`
	// WebhookURL receives each event as a JSON POST; it may carry a token.
	WebhookURL string `json:"webhook_url" sensitive:"true"`
}

// LocalPortSettings configures the embedded local Port.
type LocalPortSettings struct {
	Dir string `json:"dir"`
}

// Runtime says where the integration runs.
type Runtime string

// Runtimes.
const (
	RuntimeOnPrem Runtime = "OnPrem"
	RuntimeSaas   Runtime = "Saas"
)

// MappingEnv is the allowlist of environment variables mappings may read:
// AllowedEnvVars, or none when AllowEnvironmentVariablesJQAccess is false.
func (s *Settings) MappingEnv() []string {
	if !s.AllowEnvironmentVariablesJQAccess {
		return nil
	}
	return s.AllowedEnvVars
}

// DeleteBatchSize is the bulk-delete batch actually used: Port accepts at most
// 100 entities per bulk delete whatever DeleteEntitiesMaxBatchSize says.
func (s *Settings) DeleteBatchSize() int {
	return min(s.DeleteEntitiesMaxBatchSize, 100)
}

// Lookup returns a merged raw setting by its snake_case dotted path (for
// settings without a typed field), e.g. Lookup("metrics.webhook_url").
func (s *Settings) Lookup(path string) (any, bool) {
	var canon []string
	cur := s.raw
	var e *entry
	for _, seg := range strings.Split(path, ".") {
		if cur == nil {
			return nil, false
		}
		k := canonKey(canon, seg)
		if e = cur[k]; e == nil {
			return nil, false
		}
		canon = append(canon, k)
		cur = e.sub
	}
	if e == nil {
		return nil, false
	}
	return plain(e), true
}
