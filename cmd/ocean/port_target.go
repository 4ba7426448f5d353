package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/sirupsen/logrus"
	"github.com/spf13/pflag"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/localport"
)

// The settings an integration reads its Port from (config/doc.go).
const (
	envPortURL          = "OCEAN__PORT__BASE_URL"
	envPortClientID     = "OCEAN__PORT__CLIENT_ID"
	envPortClientSecret = "OCEAN__PORT__CLIENT_SECRET"
)

// defaultPortURL is where `ocean port serve` listens by default.
const defaultPortURL = "http://127.0.0.1:5555"

// anyCredential is sent to a Port that was given no credentials: a local
// Port without --client-id accepts any, but the client needs some.
const anyCredential = "ocean-cli"

// portTarget is the Port that `ocean port entities|blueprints|integrations`
// read: a running one (URL and credentials), or a database file served
// in-process for the time of the command.
type portTarget struct {
	url, clientID, clientSecret string
	db                          string
}

func (t *portTarget) addFlags(f *pflag.FlagSet) {
	// Defaults from the environment are resolved when the command runs, so
	// that --help never prints a secret.
	f.StringVar(&t.url, "url", "", "base `URL` of the Port to read (default $"+envPortURL+", else "+defaultPortURL+")")
	f.StringVar(&t.clientID, "client-id", "", "client id (default $"+envPortClientID+")")
	f.StringVar(&t.clientSecret, "client-secret", "", "client secret (default $"+envPortClientSecret+")")
	f.StringVar(&t.db, "db", "", "read the local Port database `FILE` instead of a running Port (a server may have it open)")
}

// portConn is an open target: a read-only client, and what to close after.
type portConn struct {
	client *port.Client
	where  string // the URL or the database file, for messages
	srv    *localport.Server
}

func (c *portConn) Close() error {
	if c.srv == nil {
		return nil
	}
	return c.srv.Close()
}

// open connects to the target. The client is read-only: these commands look
// at a catalog, they never change it.
func (t *portTarget) open() (*portConn, error) {
	url, id, secret := t.url, t.clientID, t.clientSecret
	if t.db != "" {
		if url != "" {
			return nil, errors.New("--db and --url go apart: read a database file or a running Port")
		}
		if id != "" || secret != "" {
			return nil, errors.New("--db reads the file itself: --client-id and --client-secret are for a running Port (--url)")
		}
		return t.openDB()
	}
	url = cmp.Or(url, os.Getenv(envPortURL), defaultPortURL)
	id = cmp.Or(id, os.Getenv(envPortClientID))
	secret = cmp.Or(secret, os.Getenv(envPortClientSecret))
	if (id == "") != (secret == "") {
		return nil, errors.New("--client-id and --client-secret go together (or " + envPortClientID + " and " + envPortClientSecret + ")")
	}
	if id == "" {
		id, secret = anyCredential, anyCredential
	}
	c, err := newReadClient(url, id, secret)
	if err != nil {
		return nil, err
	}
	return &portConn{client: c, where: url}, nil
}

// openDB serves the database file on a loopback port of its own. SQLite in
// WAL mode lets it read while another process (`ocean port serve`, sail)
// writes; the read-only client sends no write.
func (t *portTarget) openDB() (*portConn, error) {
	// A typo must not leave an empty database behind: the local Port
	// creates the file it is given.
	info, err := os.Stat(t.db)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("--db %s: no such file (nothing was created; `ocean port serve` and sail write one, by default .ocean/port.db)", t.db)
	case err != nil:
		return nil, fmt.Errorf("--db: %w", err)
	case info.IsDir():
		return nil, fmt.Errorf("--db %s is a directory, not a database file", t.db)
	case info.Size() == 0:
		return nil, fmt.Errorf("--db %s is empty: not a local Port database", t.db)
	}
	quiet := logrus.New()
	quiet.SetOutput(io.Discard)
	srv, err := localport.New(localport.Options{DBPath: t.db, Logger: quiet, DisableAdmin: true})
	if err != nil {
		return nil, fmt.Errorf("--db %s: %w", t.db, err)
	}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		_ = srv.Close()
		return nil, fmt.Errorf("--db %s: %w", t.db, err)
	}
	c, err := newReadClient(url, anyCredential, anyCredential)
	if err != nil {
		_ = srv.Close()
		return nil, err
	}
	return &portConn{client: c, where: t.db, srv: srv}, nil
}

func newReadClient(url, id, secret string) (*port.Client, error) {
	return port.New(port.Config{
		BaseURL: url, ClientID: id, ClientSecret: secret,
		UserAgent: port.UserAgent{Type: "ocean-cli", Version: currentVersion(), Identifier: "ocean-port-cli"},
		ReadOnly:  true,
		// A person is waiting: a Port that is down is said at once.
		Retry: port.RetryPolicy{MaxRetries: 2},
	})
}

// explain turns the errors a newcomer meets into what to do about them.
func (c *portConn) explain(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, port.ErrBadCredentials):
		return fmt.Errorf("the Port at %s rejected the client credentials: check --client-id and --client-secret (or %s and %s)",
			c.where, envPortClientID, envPortClientSecret)
	}
	if _, isAPI := errors.AsType[*port.APIError](err); !isAPI {
		if _, isNet := errors.AsType[net.Error](err); isNet {
			return fmt.Errorf("cannot reach a Port at %s (start one with `ocean port serve`, point --url or %s at it, or read a database file with --db): %w",
				c.where, envPortURL, err)
		}
	}
	return err
}
