package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ocean-go/ocean/localport"
	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
)

func newPortCmd() *cobra.Command {
	port := &cobra.Command{
		Use:   "port",
		Short: "Work with a local Port-compatible API server",
	}
	port.AddCommand(newPortServeCmd())
	return port
}

func newPortServeCmd() *cobra.Command {
	var (
		addr  string
		opts  localport.Options
		debug bool
		admin bool
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve a local Port API persisted in SQLite",
		Long: `Serve a Port-compatible REST API (the routes integrations use) persisted in SQLite.
Point an integration at it with its Port base URL (the client appends /v1).
Without --client-id and --client-secret every client id and secret gets a token,
so anyone who can reach --addr can read and write the catalog: keep it on a
loopback address, or set both. With them, the admin API (/_admin: fault
injection, sinks, resync requests) needs a token too; --admin=false removes it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log := logrus.New()
			log.SetOutput(cmd.ErrOrStderr())
			if debug {
				log.SetLevel(logrus.DebugLevel)
			}
			opts.Logger = log
			opts.DisableAdmin = !admin
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
	return cmd
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
