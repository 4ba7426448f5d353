package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/console/mapping"
	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
)

func newPortCmd() *cobra.Command {
	port := &cobra.Command{
		Use:   "port",
		Short: "Work with a local Port-compatible API server",
		Long: `Serve a local Port, and look at what was synced into one.

Look at what was synced: after sail (or ` + "`go run ./integrations/fake sail --once`" + `),
	ocean port blueprints --db .ocean/port.db
	ocean port entities --db .ocean/port.db --blueprint fake-person
	ocean port integrations --db .ocean/port.db
read the database file the embedded local Port wrote, even while a server
has it open. Without --db they ask a running Port: --url (default
$` + envPortURL + `, else ` + defaultPortURL + `), with
--client-id and --client-secret when it checks them. Add --output json for
scripts.`,
	}
	port.AddCommand(newPortServeCmd(), newPortEntitiesCmd(), newPortBlueprintsCmd(), newPortIntegrationsCmd())
	return port
}

func newPortServeCmd() *cobra.Command {
	var (
		addr             string
		opts             localport.Options
		debug            bool
		admin            bool
		kafkaBrokers     []string
		kafkaCredentials string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve a local Port API persisted in SQLite",
		Long: `Serve a Port-compatible REST API (the routes integrations use) persisted in SQLite.
Point an integration at it with its Port base URL (the client appends /v1).
Without --client-id and --client-secret every client id and secret gets a token,
so anyone who can reach --addr can read and write the catalog: keep it on a
loopback address, or set both. With them, the admin API (/_admin: fault
injection, sinks, resync requests) needs a token too; --admin=false removes it.

With --kafka-brokers HOST:PORT[,...] it publishes Port's change log to the
topic {org}.change.log (--org-id; auto-created), so an integration with the
KAFKA event listener can run against it: every create, update and delete of an
integration (diff.before / diff.after as GET /v1/integration/{id} returns them)
and every resync request (action RESYNC). A resync-state PATCH gives
updatedAt == resyncState.updatedAt, so listeners ignore their own reports.
Publishing never holds up the API: messages are queued (10,000 at most) and
retried while the broker is down. --kafka-credentials USER:PASS authenticates
with SCRAM-SHA-512 over SASL_PLAINTEXT and is what GET /v1/kafka-credentials
hands to integrations (without it that route answers 404). The password is
never logged, but a command line is visible to other users of this machine.

The server collects garbage at GOGC=400 with a soft memory limit of 64 MiB
(GOMEMLIMIT) unless the environment sets either: its garbage is short-lived
request data, and the limit keeps the heap bounded.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log := logrus.New()
			log.SetOutput(cmd.ErrOrStderr())
			if debug {
				log.SetLevel(logrus.DebugLevel)
			}
			opts.Logger = log
			opts.DisableAdmin = !admin
			kafka, err := kafkaOptions(kafkaBrokers, kafkaCredentials)
			if err != nil {
				return err
			}
			opts.Kafka = kafka
			tuneServeGC()
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return servePort(ctx, log, addr, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:5555", "address to listen on")
	f.StringVar(&opts.DBPath, "db", "./.ocean/port.db", "SQLite database file (created if missing)")
	f.StringVar(&opts.ClientID, "client-id", "", "client id to require (with --client-secret)")
	f.StringVar(&opts.ClientSecret, "client-secret", "", "client secret to require (with --client-id)")
	f.DurationVar(&opts.TokenTTL, "token-ttl", 3*time.Hour, "lifetime of issued access tokens")
	f.StringSliceVar(&opts.FeatureFlags, "feature-flag", nil, "organization feature flag to advertise (repeatable)")
	f.BoolVar(&debug, "debug", false, "log every request")
	f.BoolVar(&admin, "admin", true, "serve the admin API under /_admin (fault injection, sinks, resync requests)")
	f.StringVar(&opts.OrgID, "org-id", "org_local", "organization id (GET /v1/organization; the change-log topic is {org-id}.change.log)")
	f.StringSliceVar(&kafkaBrokers, "kafka-brokers", nil, "Kafka brokers HOST:PORT[,...] to publish the change log to")
	f.StringVar(&kafkaCredentials, "kafka-credentials", "", "USER:PASS for the Kafka brokers (SCRAM-SHA-512), served at /v1/kafka-credentials")
	return cmd
}

// kafkaOptions checks the --kafka-* flags. Errors never repeat the
// credentials: they hold a password.
func kafkaOptions(brokers []string, credentials string) (localport.KafkaOptions, error) {
	var k localport.KafkaOptions
	for _, b := range brokers {
		host, port, err := net.SplitHostPort(strings.TrimSpace(b))
		n, perr := strconv.Atoi(port)
		if err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
			return k, fmt.Errorf("--kafka-brokers: %q is not HOST:PORT", b)
		}
		k.Brokers = append(k.Brokers, net.JoinHostPort(host, port))
	}
	if credentials == "" {
		return k, nil
	}
	if len(k.Brokers) == 0 {
		return k, fmt.Errorf("--kafka-credentials needs --kafka-brokers")
	}
	user, pass, found := strings.Cut(credentials, ":")
	if !found || user == "" || pass == "" {
		return k, fmt.Errorf("--kafka-credentials must be USER:PASS with both parts non-empty")
	}
	k.Username, k.Password = user, pass
	return k, nil
}

// serveReadyKey marks a context value: a channel that receives the base URL
// once `port serve` listens, so a caller that runs the command in-process on
// port 0 learns where it went.
type serveReadyKey struct{}

// withServeReady returns a context that makes `port serve` send its base URL on ready.
func withServeReady(ctx context.Context, ready chan<- string) context.Context {
	return context.WithValue(ctx, serveReadyKey{}, ready)
}

// servePort runs the server until ctx is done, then shuts it down gracefully.
func servePort(ctx context.Context, log *logrus.Logger, addr string, opts localport.Options) error {
	if (opts.ClientID == "") != (opts.ClientSecret == "") {
		return fmt.Errorf("--client-id and --client-secret go together")
	}
	opts.Mapper = mapping.New() // the console's playground
	srv, err := localport.New(opts)
	if err != nil {
		return err
	}
	url, err := srv.Start(addr)
	if err != nil {
		_ = srv.Close()
		return err
	}
	credentials := "accepts any client id and secret"
	if srv.ChecksCredentials() {
		credentials = "checks client credentials"
	}
	log.WithFields(logrus.Fields{"url": url, "database": opts.DBPath, "credentials": credentials, "admin": !opts.DisableAdmin}).
		Infof("Local Port listening on %s (API at %s/v1); it %s", url, url, credentials)
	log.WithField("url", srv.ConsoleURL()).Infof("console: %s", srv.ConsoleURL())
	if topic := srv.ChangeLogTopic(); topic != "" {
		brokers := strings.Join(opts.Kafka.Brokers, ",")
		log.WithFields(logrus.Fields{"topic": topic, "brokers": brokers, "sasl": opts.Kafka.Username != ""}).
			Infof("Publishing Port's change log to %s on %s", topic, brokers)
	}
	if !srv.ChecksCredentials() && !loopback(url) {
		log.WithField("url", url).Warnf("The local Port listens beyond this machine (%s) without credentials: anyone on the network "+
			"can read and write its catalog and, through /_admin, make it fail every request. "+
			"Set --client-id and --client-secret, or listen on 127.0.0.1", strings.TrimPrefix(url, "http://"))
	}
	if ready, _ := ctx.Value(serveReadyKey{}).(chan<- string); ready != nil {
		select {
		case ready <- url:
		case <-ctx.Done():
		}
	}
	<-ctx.Done()
	log.Info("Shutting down the local Port")
	return srv.Close()
}

// loopback reports whether a server's base URL (as Start returns it: the
// address it listens on) is reachable from this machine only.
func loopback(baseURL string) bool {
	host, _, err := net.SplitHostPort(strings.TrimPrefix(baseURL, "http://"))
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
