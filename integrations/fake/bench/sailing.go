package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/ocean-go/ocean/localport"
)

// sailing is the fake integration sailing as its own process against a local
// Port served by this one, as a user runs it.
type sailing struct {
	srv     *localport.Server
	cmd     *exec.Cmd
	base    string    // the integration's HTTP server
	started time.Time // when its process started
}

// startSailing starts a local Port with opts, then bin sailing against it in dir
// with env added, its output to out. stop ends the process, then the Port.
func startSailing(bin, dir string, opts localport.Options, out io.Writer, env ...string) (s *sailing, stop func(), err error) {
	srv, err := localport.New(opts)
	if err != nil {
		return nil, nil, err
	}
	if _, err := srv.Start("127.0.0.1:0"); err != nil {
		_ = srv.Close()
		return nil, nil, err
	}
	port, err := freePort()
	if err != nil {
		_ = srv.Close()
		return nil, nil, err
	}
	cmd := exec.Command(bin, "sail", "--port", strconv.Itoa(port))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append(env,
		"OCEAN__PORT__BASE_URL="+srv.URL(), "OCEAN__PORT__CLIENT_ID=bench", "OCEAN__PORT__CLIENT_SECRET=bench",
		"OCEAN__INTEGRATION__IDENTIFIER=bench")...)
	cmd.Stdout, cmd.Stderr = out, out
	s = &sailing{srv: srv, cmd: cmd, base: fmt.Sprintf("http://127.0.0.1:%d", port), started: time.Now()}
	if err := cmd.Start(); err != nil {
		_ = srv.Close()
		return nil, nil, err
	}
	return s, func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		_ = srv.Close()
	}, nil
}

// waitReady waits until /health/ready answers 200.
func (s *sailing) waitReady() error {
	if err := poll(30*time.Second, time.Millisecond, func() bool { return status(s.base+"/health/ready") == http.StatusOK }); err != nil {
		return fmt.Errorf("never ready: %w", err)
	}
	return nil
}

// freePort is a port nothing listens on now, for the integration's --port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
