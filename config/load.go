package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// LoadOptions says where settings come from.
type LoadOptions struct {
	// Dir is the integration directory holding .env, config.yaml and
	// .port/spec.yaml; "" is the current directory.
	Dir string
	// Environ is the process environment as KEY=value; nil means os.Environ().
	Environ []string
	// Overrides win over every other source. Keys are snake_case and nested,
	// e.g. {"event_listener": {"type": "ONCE"}}.
	Overrides map[string]any
	// DefaultType and DefaultVersion are the integration's type and version as
	// its code declares them; settings may override both.
	DefaultType, DefaultVersion string
	// Listeners are the event listener types the caller runs, each with the
	// reader of its own keys (nil: it has none). Any of Ocean's types is
	// accepted; one of these that Ocean does not know is accepted too.
	Listeners map[ListenerType]ListenerReader
}

// objectPaths are settings that are objects: a string given for one (from env
// usually) is decoded as JSON, then deep-merged like any other object.
var objectPaths = []string{"port", "integration", "event_listener", "application", "local_port", "integration.config"}

// Load reads, merges and validates the settings of the integration in
// opts.Dir. Sources, highest priority first: opts.Overrides; the process
// environment; the .env file; config.yaml; defaults. Every invalid or missing
// value is reported at once, as Errors (one *Error each, in the order the
// settings are read). A key no setting reads is a warning in
// Settings.Warnings, naming the key it likely meant; with the strict setting
// (sail --strict) it is an error.
func Load(opts LoadOptions) (*Settings, error) {
	environ := opts.Environ
	if environ == nil {
		environ = os.Environ()
	}
	spec, errs, err := loadSpec(opts.Dir)
	if err != nil {
		return nil, err
	}
	specBroken := len(errs) > 0
	var dotenv []envVar
	if data, err := readOptional(opts.Dir, ".env"); err != nil {
		return nil, err
	} else if data != nil {
		var perrs Errors
		dotenv, perrs = parseDotenv(string(data))
		errs = append(errs, perrs...)
	}
	procEnv := parseEnviron(environ)
	root := tree{}
	if data, err := readOptional(opts.Dir, "config.yaml"); err != nil {
		return nil, err
	} else if data != nil {
		yt, perrs := yamlTree("config.yaml", data, lookupFunc(dotenv, procEnv))
		errs = append(errs, perrs...)
		if yt != nil {
			root = yt
		}
	}
	et, warnings := envTree(dotenv, procEnv)
	ot := fromPlain(opts.Overrides, nil, origin{where: "override"})
	for _, src := range []tree{root, et, ot} {
		errs = append(errs, expandObjects(src)...)
	}
	merge(root, et)
	merge(root, ot)

	s, r := readSettings(root, spec, specBroken, opts)
	errs = append(errs, r.errs...)
	unknown := r.unknownKeys()
	if spec != nil {
		unknown = append(unknown, spec.unknown...)
	}
	for _, u := range unknown {
		if s.Strict && u.Other == "" {
			errs = append(errs, u)
		} else {
			warnings = append(warnings, u.warning())
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	s.Warnings = append(warnings, s.Warnings...)
	return s, nil
}

func readOptional(dir, name string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", name, err)
	}
	return data, nil
}

// expandObjects decodes JSON strings given for object settings and drops
// empty ones, so that sources deep-merge object by object.
func expandObjects(t tree) Errors {
	var errs Errors
	for _, path := range objectPaths {
		parent, key := t, path
		if i := strings.LastIndexByte(path, '.'); i >= 0 {
			p := t.get(path[:i])
			if p == nil || !p.isObject() {
				continue
			}
			parent, key = p.sub, path[i+1:]
		}
		e := parent[key]
		if e == nil || e.isObject() {
			continue
		}
		if e.unset() {
			delete(parent, key)
			continue
		}
		m, ok := jsonContainer[map[string]any](e.val)
		if !ok {
			if jerr := invalidJSON(e); jerr != nil {
				errs = append(errs, jerr)
			} else {
				// Never quoted: a malformed JSON object may well hold credentials.
				errs = append(errs, &Error{Key: e.from.key, Source: e.from.where, Expected: "an object (JSON when given as a string)", Sensitive: true})
			}
			delete(parent, key) // reported: not read again as a setting
			continue
		}
		e.sub, e.val = fromPlain(m.(map[string]any), strings.Split(path, "."), e.from), nil
	}
	return errs
}

// readSettings reads the typed settings; the reader holds the errors and the
// keys read. A broken spec (reported already) checks no integration config.
func readSettings(root tree, spec *Spec, specBroken bool, opts LoadOptions) (*Settings, *reader) {
	r := newReader(root)
	for _, p := range objectPaths {
		r.object(p)
	}
	s := &Settings{Spec: spec, raw: root}

	s.Port = PortSettings{
		ClientID:              r.secret("port.client_id"),
		ClientSecret:          r.secret("port.client_secret"),
		BaseURL:               r.url("port.base_url", "https://api.getport.io", false),
		PortAppConfigCacheTTL: r.duration("port.port_app_config_cache_ttl", 60*time.Second, time.Second, true),
		FeatureFlagsCacheTTL:  r.duration("port.feature_flags_cache_ttl_seconds", 300*time.Second, time.Second, false),
		BlueprintCacheTTL:     r.duration("port.blueprint_cache_ttl_seconds", 120*time.Second, time.Second, false),
		RateLimit:             r.number("port.rate_limit", 100),
		RateBurst:             r.count("port.rate_burst", 100, 1),
		RateLimitSet:          r.get("port.rate_limit") != nil,
	}
	if (s.Port.ClientID == "") != (s.Port.ClientSecret == "") && !r.failed("port.client_id") && !r.failed("port.client_secret") {
		missing := "port.client_secret"
		if s.Port.ClientID == "" {
			missing = "port.client_id"
		}
		other := map[string]string{"port.client_id": "port.client_secret", "port.client_secret": "port.client_id"}[missing]
		r.missing(missing, "a string", other, envName(missing))
	}

	typ := strings.ToLower(r.str("integration.type", ""))
	if typ == "" {
		typ = strings.ToLower(opts.DefaultType)
	}
	if typ == "" && spec != nil {
		typ = strings.ToLower(spec.Type)
	}
	if typ == "" && !r.failed("integration.type") {
		r.missing("integration.type", "a string", "the integration (ocean.WithType)", envName("integration.type"))
	}
	s.Integration = IntegrationSettings{
		Identifier:              r.str("integration.identifier", strings.ToLower("my-"+typ+"-integration")),
		Type:                    typ,
		Version:                 r.str("integration.version", opts.DefaultVersion),
		Config:                  integrationConfig(r, spec, specBroken),
		IncrementalSyncEnabled:  r.boolean("integration.incremental_sync_enabled", false),
		IncrementalSyncInterval: r.duration("integration.incremental_sync_interval", 15*time.Minute, time.Minute, true),
	}
	if s.Integration.Version == "" && !r.failed("integration.version") { // Port's User-Agent and integration need it
		r.missing("integration.version", "a string", "the integration (ocean.WithVersion)", envName("integration.version"))
	}
	if iv := s.Integration.IncrementalSyncInterval; iv != 15*time.Minute && iv != 30*time.Minute && iv != time.Hour {
		r.fail(root.get("integration.incremental_sync_interval"), "15, 30 or 60 minutes", false)
	}

	s.EventListener = readListener(r, opts.Listeners, &s.listenerSecrets)
	// Deliberately unlike Ocean (always 8000): a ONCE run serves only itself
	// (its resync handlers may call its own routes), so without a port given
	// it takes a free one instead of failing when 8000 is taken.
	port := 8000
	if s.EventListener.Type == ListenerOnce {
		port = 0
	}
	s.Application = ApplicationSettings{
		LogLevel:          readLogLevel(r),
		Port:              r.port("application.port", port),
		EnableHTTPLogging: r.boolean("application.enable_http_logging", true),
	}
	// The local Port's data lives where the user runs the integration (./.ocean),
	// not inside the integration's source directory.
	s.LocalPort = LocalPortSettings{Dir: r.str("local_port.dir", ".ocean")}

	s.Metrics = readMetrics(r)
	s.ActionsProcessor = readActionsProcessor(r)
	var liveWarnings []string
	s.LiveEvents, liveWarnings = readLiveEvents(r)
	s.Warnings = append(s.Warnings, liveWarnings...)
	if !s.Metrics.Enabled && s.Metrics.WebhookURL != "" {
		s.Warnings = append(s.Warnings, envName("metrics.webhook_url")+" is ignored unless "+envName("metrics.enabled")+" is true")
	}
	s.InitializePortResources = r.boolean("initialize_port_resources", true)
	s.ScheduledResyncInterval = r.duration("scheduled_resync_interval", 0, time.Minute, true)
	s.StatusHeartbeatInterval = r.duration("status_heartbeat_interval_seconds", 10*time.Second, time.Second, true)
	s.SendRawDataExamples = r.boolean("send_raw_data_examples", true)
	s.AllowEnvironmentVariablesJQAccess = r.boolean("allow_environment_variables_jq_access", true)
	s.AllowedEnvVars = readAllowedEnvVars(r)
	s.ClientTimeout = r.duration("client_timeout", 60*time.Second, time.Second, true)
	s.CreatePortResourcesOrigin = r.oneOf("create_port_resources_origin", "", "Empty", "Ocean", "Default", "Port")
	s.BaseURL = r.url("base_url", "", false)
	s.PathPrefix = strings.Trim(r.str("path_prefix", ""), "/")
	// The live-events manager: workers per webhook path, and the bound on one
	// event's processing, retries included.
	s.EventWorkersCount = r.count("event_workers_count", 1, 1)
	s.MaxEventProcessingTime = r.duration("max_event_processing_seconds", 90*time.Second, time.Second, false)
	s.MaxWaitBeforeShutdown = r.duration("max_wait_seconds_before_shutdown", 5*time.Second, time.Second, false)
	s.Runtime = Runtime(r.oneOf("runtime", string(RuntimeOnPrem), string(RuntimeOnPrem), string(RuntimeSaas)))
	s.ResourcesPath = inDir(opts.Dir, r.str("resources_path", ".port/resources"))
	s.UpsertEntitiesBatchMaxLength = r.count("upsert_entities_batch_max_length", 20, 1)
	s.UpsertEntitiesBatchMaxSizeInBytes = r.count("upsert_entities_batch_max_size_in_bytes", 1<<20, 1)
	s.DeleteEntitiesMaxBatchSize = r.count("delete_entities_max_batch_size", 1000, 1)
	s.YieldItemsToParseBatchSize = r.count("yield_items_to_parse_batch_size", 200, 1)
	s.ProcessInQueueTimeout = r.duration("process_in_queue_timeout", 120*time.Second, time.Second, true)
	s.ProcessInQueueMaxWorkers = r.count("process_in_queue_max_workers", cpuLimit(cgroupCPUMax), 1)
	// Ocean has no such limit: its webhook routes read any body whole.
	s.MaxRequestBodySizeInBytes = r.count("max_request_body_size_in_bytes", 4<<20, 1)

	if s.Runtime == RuntimeSaas && (spec == nil || !spec.Saas.Enabled) && !specBroken {
		r.fail(root.get("runtime"), "OnPrem: .port/spec.yaml does not enable saas", false)
	}
	s.Strict = r.boolean("strict", false)
	return s, r
}

// readMetrics reads METRICS__*: enabled needs a webhook to push to (a
// webhook alone is not used, as in Ocean).
func readMetrics(r *reader) MetricsSettings {
	m := MetricsSettings{
		Enabled:    r.boolean("metrics.enabled", false),
		WebhookURL: r.url("metrics.webhook_url", "", true),
	}
	if m.Enabled && m.WebhookURL == "" && !r.failed("metrics.webhook_url") {
		r.missing("metrics.webhook_url", "a URL", "metrics.enabled", envName("metrics.webhook_url"))
	}
	return m
}

var logLevels = []string{"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}

func readLogLevel(r *reader) string {
	if e := r.get("application.log_level"); e != nil {
		if s, ok := e.val.(string); ok && strings.EqualFold(strings.TrimSpace(s), "WARN") {
			return "WARNING"
		}
	}
	return r.oneOf("application.log_level", "INFO", logLevels...)
}

// readAllowedEnvVars reads the names of the environment variables mappings
// may read; each may be a glob (path.Match syntax: MY_*).
func readAllowedEnvVars(r *reader) []string {
	const key, expected = "allowed_env_vars", "a comma-separated list of variable names or globs (MY_*)"
	names := r.list(key, expected, false)
	for _, n := range names {
		if _, err := path.Match(n, ""); err != nil {
			e := r.root.get(key)
			// The bad glob, not the whole list.
			r.add(e, &Error{Key: e.from.key, Source: e.from.where, Expected: expected, Got: gotText(n)})
			return nil
		}
	}
	return names
}

// inDir resolves a relative path against the integration directory.
func inDir(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}
