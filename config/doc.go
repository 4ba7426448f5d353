// Package config loads, merges and validates the settings of an integration.
//
// # Sources
//
// Highest priority first; objects are deep-merged, so a source overrides only
// the keys it sets:
//
//  1. LoadOptions.Overrides (what `sail --once` sets), snake_case nested keys.
//  2. The process environment, then the .env file of the integration directory.
//     Names are case-insensitive: OCEAN__A__B sets a.b. A variable for an object
//     may hold JSON (OCEAN__EVENT_LISTENER='{"type":"KAFKA"}'); nested variables
//     refine it. APPLICATION__X sets application.x.
//  3. config.yaml of the integration directory, camelCase keys. A value
//     "{{ from env NAME }}" is the env var NAME (process env, then .env); the key
//     is dropped when NAME is unset. Any other provider is an error.
//  4. The defaults below.
//
// A key no setting reads (OCEAN__EVENT_LISTNER__TYPE, eventListener.intreval,
// a spec.yaml key or an integration config key the spec does not declare) is
// a warning in Settings.Warnings naming the known key it likely meant; with
// OCEAN__STRICT (sail --strict) it is an error. The known keys are the ones
// read: a setting is declared by reading it, so a new one is known at once.
// A key that only another event listener type reads is ignored with a
// warning, even when strict. Unknown keys stay readable with
// Settings.Lookup. Booleans accept
// true/false, yes/no, on/off, 1/0 in any case. Durations are a number in the
// unit shown or a Go duration ("90s", "2m"). An empty env value means "use the
// default". OCEAN__PROCESS_EXECUTION_MODE is obsolete: it is ignored with a warning.
//
// # Settings
//
//	env (config.yaml key)                              default                     field
//	OCEAN__PORT__CLIENT_ID (port.clientId)             none: local Port            Port.ClientID (sensitive)
//	OCEAN__PORT__CLIENT_SECRET (port.clientSecret)     none: local Port            Port.ClientSecret (sensitive)
//	OCEAN__PORT__BASE_URL                              https://api.getport.io      Port.BaseURL
//	OCEAN__PORT__PORT_APP_CONFIG_CACHE_TTL             60 (s, integer)             Port.PortAppConfigCacheTTL
//	OCEAN__PORT__FEATURE_FLAGS_CACHE_TTL_SECONDS       300 (s)                     Port.FeatureFlagsCacheTTL
//	OCEAN__PORT__BLUEPRINT_CACHE_TTL_SECONDS           120 (s)                     Port.BlueprintCacheTTL
//	OCEAN__PORT__RATE_LIMIT                            100 (requests/s, 0: off;    Port.RateLimit
//	                                                   unset: none to a local
//	                                                   Port, paced by Port's
//	                                                   rate-limit headers)
//	OCEAN__PORT__RATE_BURST                            100                         Port.RateBurst
//	OCEAN__INTEGRATION__IDENTIFIER                     my-{type}-integration       Integration.Identifier
//	OCEAN__INTEGRATION__TYPE                           LoadOptions.DefaultType,    Integration.Type (lower-cased)
//	                                                   else spec type
//	OCEAN__INTEGRATION__VERSION                        LoadOptions.DefaultVersion  Integration.Version
//	OCEAN__INTEGRATION__CONFIG__<NAME>                 spec defaults               Integration.Config
//	OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED       false                       Integration.IncrementalSyncEnabled
//	OCEAN__INTEGRATION__INCREMENTAL_SYNC_INTERVAL      15 (min: 15, 30 or 60)      Integration.IncrementalSyncInterval
//	OCEAN__EVENT_LISTENER__TYPE                        POLLING                     EventListener.Type
//	OCEAN__EVENT_LISTENER__SHOULD_RESYNC               true (false: *_ONLY)        EventListener.ShouldResync
//	OCEAN__EVENT_LISTENER__SHOULD_PROCESS_WEBHOOKS     true (false: ONCE,          EventListener.ShouldProcessWebhooks
//	                                                   ACTIONS_ONLY)
//	OCEAN__EVENT_LISTENER__SHOULD_RUN_ACTIONS          true (false: ONCE,          EventListener.ShouldRunActions
//	                                                   WEBHOOKS_ONLY)
//	OCEAN__EVENT_LISTENER__RESYNC_ON_START             true (POLLING)              Options, listener_polling.go
//	OCEAN__EVENT_LISTENER__INTERVAL                    60 (s, integer; POLLING)    Options, listener_polling.go
//	OCEAN__EVENT_LISTENER__BROKERS                     Port's brokers (KAFKA)      Options, listener_kafka.go (comma list
//	                                                                               or JSON array)
//	OCEAN__EVENT_LISTENER__SECURITY_PROTOCOL           SASL_SSL (KAFKA)            Options, listener_kafka.go
//	OCEAN__EVENT_LISTENER__AUTHENTICATION_MECHANISM    SCRAM-SHA-512 (KAFKA)       Options, listener_kafka.go
//	OCEAN__EVENT_LISTENER__KAFKA_SECURITY_ENABLED      true (KAFKA)                Options, listener_kafka.go
//	OCEAN__EVENT_LISTENER__CONSUMER_POLL_TIMEOUT       1 (s, integer; KAFKA)       Options, listener_kafka.go
//	OCEAN__EVENT_LISTENER__APP_HOST                    required (URL; WEBHOOK)     Options, listener_webhook.go
//	                                                                               (sensitive)
//	OCEAN__INITIALIZE_PORT_RESOURCES                   true                        InitializePortResources
//	OCEAN__SCHEDULED_RESYNC_INTERVAL                   none (min, integer)         ScheduledResyncInterval
//	OCEAN__STATUS_HEARTBEAT_INTERVAL_SECONDS           10 (s, integer)             StatusHeartbeatInterval
//	OCEAN__SEND_RAW_DATA_EXAMPLES                      true                        SendRawDataExamples
//	OCEAN__ALLOW_ENVIRONMENT_VARIABLES_JQ_ACCESS       true (false: no env at all) AllowEnvironmentVariablesJQAccess
//	OCEAN__ALLOWED_ENV_VARS (allowedEnvVars)           none: env and $ENV are {}   AllowedEnvVars (comma list or JSON
//	                                                                               array; globs: MY_*)
//	OCEAN__CLIENT_TIMEOUT                              60 (s, integer)             ClientTimeout
//	OCEAN__CREATE_PORT_RESOURCES_ORIGIN                none (Empty, Ocean,         CreatePortResourcesOrigin
//	                                                   Default, Port)
//	OCEAN__BASE_URL                                    none (URL)                  BaseURL
//	OCEAN__PATH_PREFIX                                 none                        PathPrefix (without slashes)
//	OCEAN__EVENT_WORKERS_COUNT                         1 (workers per webhook      EventWorkersCount
//	                                                   path)
//	OCEAN__MAX_EVENT_PROCESSING_SECONDS                90 (s, per live event)      MaxEventProcessingTime
//	OCEAN__LIVE_EVENTS__QUEUE                          MEMORY (or KAFKA; not in    LiveEvents.Queue
//	                                                   Ocean)
//	OCEAN__LIVE_EVENTS__KAFKA__BROKERS                 none (KAFKA: required)      LiveEvents.Kafka.Brokers
//	OCEAN__LIVE_EVENTS__KAFKA__TOPIC                   ocean.{type}.{identifier}   LiveEvents.Kafka.Topic
//	                                                   .live-events
//	OCEAN__LIVE_EVENTS__KAFKA__DEAD_LETTER_TOPIC       {topic}.dead-letter         LiveEvents.Kafka.DeadLetterTopic
//	OCEAN__LIVE_EVENTS__KAFKA__GROUP_ID                {topic}                     LiveEvents.Kafka.GroupID
//	OCEAN__LIVE_EVENTS__KAFKA__PARTITIONS              12 (topics created when     LiveEvents.Kafka.Partitions
//	                                                   missing; >= replicas)
//	OCEAN__LIVE_EVENTS__KAFKA__REPLICATION_FACTOR      -1 (the brokers' default)   LiveEvents.Kafka.ReplicationFactor
//	OCEAN__LIVE_EVENTS__KAFKA__SECURITY_PROTOCOL       PLAINTEXT (SASL_PLAINTEXT,  LiveEvents.Kafka.SecurityProtocol
//	                                                   SASL_SSL, SSL)
//	OCEAN__LIVE_EVENTS__KAFKA__AUTHENTICATION_MECHANISM SCRAM-SHA-512 (SCRAM-SHA-256, LiveEvents.Kafka.AuthenticationMechanism
//	                                                   PLAIN)
//	OCEAN__LIVE_EVENTS__KAFKA__USERNAME                none                        LiveEvents.Kafka.Username
//	OCEAN__LIVE_EVENTS__KAFKA__PASSWORD                none                        LiveEvents.Kafka.Password (sensitive)
//	OCEAN__METRICS__ENABLED                            false (true needs the URL)  Metrics.Enabled
//	OCEAN__METRICS__WEBHOOK_URL                        none (URL)                  Metrics.WebhookURL (sensitive)
//	OCEAN__MAX_WAIT_SECONDS_BEFORE_SHUTDOWN            5 (s)                       MaxWaitBeforeShutdown
//	OCEAN__ACTIONS_PROCESSOR__ENABLED                  false (ACTIONS_ONLY: runs   ActionsProcessor.Enabled
//	                                                   actions regardless)
//	OCEAN__ACTIONS_PROCESSOR__WORKERS_COUNT            3                           ActionsProcessor.WorkersCount
//	OCEAN__ACTIONS_PROCESSOR__POLL_CHECK_INTERVAL_SECONDS 10 (s)                   ActionsProcessor.PollInterval
//	OCEAN__ACTIONS_PROCESSOR__VISIBILITY_TIMEOUT_MS    60000 (1..600000)           ActionsProcessor.VisibilityTimeout
//	OCEAN__ACTIONS_PROCESSOR__RUNS_BUFFER_HIGH_WATERMARK 300 (1..1000)             ActionsProcessor.HighWatermark
//	OCEAN__ACTIONS_PROCESSOR__RUN_TIMEOUT_SECONDS      300 (s; not in Ocean)       ActionsProcessor.RunTimeout
//	OCEAN__ACTIONS_PROCESSOR__MAX_RUNS_BUFFER_UTIL_PCT_PER_ACTION  refused when set: no runs are buffered
//	OCEAN__RUNTIME                                     OnPrem (or Saas)            Runtime
//	OCEAN__RESOURCES_PATH                              .port/resources             ResourcesPath
//	OCEAN__UPSERT_ENTITIES_BATCH_MAX_LENGTH            20                          UpsertEntitiesBatchMaxLength
//	OCEAN__UPSERT_ENTITIES_BATCH_MAX_SIZE_IN_BYTES     1048576                     UpsertEntitiesBatchMaxSizeInBytes
//	OCEAN__DELETE_ENTITIES_MAX_BATCH_SIZE              1000 (used: at most 100)    DeleteEntitiesMaxBatchSize
//	OCEAN__YIELD_ITEMS_TO_PARSE_BATCH_SIZE             200                         YieldItemsToParseBatchSize
//	OCEAN__PROCESS_IN_QUEUE_TIMEOUT                    120 (s, integer)            ProcessInQueueTimeout
//	OCEAN__PROCESS_IN_QUEUE_MAX_WORKERS                cgroup CPU limit, else CPUs ProcessInQueueMaxWorkers
//	OCEAN__MAX_REQUEST_BODY_SIZE_IN_BYTES              4194304 (4 MiB)             MaxRequestBodySizeInBytes (/integration
//	                                                                               routes; 413 beyond)
//	OCEAN__LOCAL_PORT__DIR                             .ocean                      LocalPort.Dir
//	OCEAN__STRICT                                      false (sail --strict)       Strict (unknown keys are errors)
//	APPLICATION__LOG_LEVEL                             INFO                        Application.LogLevel
//	APPLICATION__PORT                                  8000 (ONCE: 0, a free port) Application.Port
//	APPLICATION__ENABLE_HTTP_LOGGING                   true                        Application.EnableHTTPLogging
//
// The keys of one listener type (Options, listener_<type>.go) are declared and
// read by that listener, in its own file of package ocean, through
// ListenerKeys: LoadOptions.Listeners registers each type with its reader,
// called for the chosen type only, and EventListener.Options holds the
// result. The type is one of Ocean's (accepted even with no reader, then it
// has no options) or another registered type.
//
// A relative ResourcesPath is resolved against the integration directory (one
// that does not exist falls back to .port/resources, as in Ocean); a
// relative LocalPort.Dir against the working directory (the local Port's data
// lives where the integration runs). Unlike Ocean, overrides (CLI flags) win over
// APPLICATION__ variables.
//
// # Environment in mappings
//
// Ocean lets JQ mappings read the whole process environment through env and
// $ENV; here they read only the variables AllowedEnvVars names (exact names
// or path.Match globs, case-sensitive), so that a mapping cannot copy a
// database URL or a token into Port. Even an allowed variable is left out
// when its value holds a secret (Settings.Secrets, or one registered with the
// logger). OCEAN__ALLOW_ENVIRONMENT_VARIABLES_JQ_ACCESS=false closes env
// entirely, as in Ocean.
//
// # Integration config and .port/spec.yaml
//
// With a spec (.port/spec.json, spec.yaml or spec.yml), each configuration is
// found by its name with case and '_' ignored (OCEAN__INTEGRATION__CONFIG__API_TOKEN
// is apiToken), coerced to its type (string, url, integer, number, boolean,
// object, array; objects and arrays may be JSON strings), defaulted, or
// reported missing when required. Undeclared keys are dropped. Without a spec
// the config is free-form, keys from env in camelCase. DecodeIntegrationConfig
// turns it into a struct.
//
// # Errors and secrets
//
// Load fails with Errors: every problem at once, one *Error line each (found
// by errors.As), naming the key as written, its source (with its line for
// .env, config.yaml and spec.yaml, YAML syntax errors included) and what was
// expected; a value that starts like JSON ({ or [) where an object or
// list is expected but does not parse is reported as invalid JSON, with the
// byte offset of the fault. Sensitive values (see Settings.Secrets) never
// appear in an error; Settings.Redacted is the effective config fit for a log
// line.
package config
