package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log"
	"maps"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// standalone measures `sail --once` of the fake integration against a local
// Port in its own process (`ocean port serve`), as a user runs the two: per
// amount a fresh database, a first resync that creates everything and a second
// that finds nothing changed. The integration talks to Port through a proxy in
// this process that counts its requests by endpoint (the local Port keeps no
// request log). rateLimit is OCEAN__PORT__RATE_LIMIT; empty leaves the
// client's default.
func standalone(fake, ocean, work string, amounts []int, rateLimit string) error {
	type row struct {
		n     int
		label string
		r     result
		port  int64 // the local Port's peak RSS during the run, bytes
		pcpu  time.Duration
		reqs  map[string]int
	}
	var rows []row
	fmt.Println("| persons | run | wall (s) | entities/s | integration peak RSS (MiB) | Port peak RSS (MiB) | integration CPU (s) | Port CPU (s) | Port requests | requests / 1k entities | created | updated | unchanged | deleted |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, n := range amounts {
		dir := filepath.Join(work, "standalone-"+strconv.Itoa(n))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		srv, err := startPortServe(ocean, dir)
		if err != nil {
			return fmt.Errorf("%d persons: %w", n, err)
		}
		px, err := startCountingProxy(srv.url, filepath.Join(dir, "proxy.log"))
		if err != nil {
			srv.stop()
			return err
		}
		env := []string{"OCEAN__PORT__BASE_URL=" + px.url, "OCEAN__PORT__CLIENT_ID=bench", "OCEAN__PORT__CLIENT_SECRET=bench"}
		if rateLimit != "" {
			env = append(env, "OCEAN__PORT__RATE_LIMIT="+rateLimit)
		}
		for _, label := range []string{"first", "unchanged"} {
			px.take()
			srv.resetPeak()
			cpu0, _ := srv.cpu()
			r, err := sail(fake, dir, n, env...)
			if err != nil {
				px.close()
				srv.stop()
				return fmt.Errorf("%d persons, %s run: %w", n, label, err)
			}
			peak, _ := srv.peak()
			cpu1, _ := srv.cpu()
			reqs := px.take()
			rows = append(rows, row{n, label, r, peak, cpu1 - cpu0, reqs})
			total := sum(reqs)
			fmt.Printf("| %d | %s | %.2f | %.0f | %.1f | %.1f | %.1f | %.1f | %d | %.1f | %d | %d | %d | %d |\n", n, label, r.wall.Seconds(),
				float64(r.total)/r.wall.Seconds(), mib(r.maxRSS), mib(peak), r.cpu.Seconds(), (cpu1 - cpu0).Seconds(),
				total, 1000*float64(total)/float64(r.total), r.created, r.updated, r.unchanged, r.deleted)
		}
		px.close()
		srv.stop()
	}
	fmt.Println()
	fmt.Println("Port requests per 1,000 entities (and in all), by endpoint:")
	fmt.Println()
	endpoints := map[string]bool{}
	head, rule := "| endpoint |", "|---|"
	for _, rw := range rows {
		for ep := range rw.reqs {
			endpoints[ep] = true
		}
		head += fmt.Sprintf(" %d %s |", rw.n, rw.label)
		rule += "---:|"
	}
	fmt.Println(head)
	fmt.Println(rule)
	for _, ep := range slices.Sorted(maps.Keys(endpoints)) {
		line := "| `" + ep + "` |"
		for _, rw := range rows {
			line += fmt.Sprintf(" %.1f (%d) |", 1000*float64(rw.reqs[ep])/float64(rw.r.total), rw.reqs[ep])
		}
		fmt.Println(line)
	}
	return nil
}

func sum(m map[string]int) (n int) {
	for _, v := range m {
		n += v
	}
	return n
}

// portServe is `ocean port serve` running as its own process.
type portServe struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{} // closed once its log is drained
}

// listeningURL finds the base URL in the server's "listening" log line.
var listeningURL = regexp.MustCompile(`url="?(http://[^"\s]+)`)

// startPortServe starts `ocean port serve` on a free loopback port with its
// database in dir, its log in dir/port.log, and waits until it listens.
func startPortServe(ocean, dir string) (*portServe, error) {
	logFile, err := os.Create(filepath.Join(dir, "port.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(ocean, "port", "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "port.db"))
	cmd.Dir = dir
	// Should the bench die, the server goes with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	cmd.Stdout = logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	s := &portServe{cmd: cmd, done: make(chan struct{})}
	found := make(chan string, 1)
	go func() {
		defer close(s.done)
		defer logFile.Close()
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logFile, line)
			if m := listeningURL.FindStringSubmatch(line); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case s.url = <-found:
		return s, nil
	case <-s.done:
		_ = cmd.Wait()
		return nil, fmt.Errorf("ocean port serve exited before listening; see %s", logFile.Name())
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, errors.New("ocean port serve did not listen within 30 s")
	}
}

// resetPeak restarts the process's peak RSS (VmHWM) from its current RSS.
func (s *portServe) resetPeak() {
	_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.cmd.Process.Pid), []byte("5"), 0)
}

// peak is the process's peak RSS since the last resetPeak, in bytes.
func (s *portServe) peak() (int64, error) {
	return procStatus(s.cmd.Process.Pid, "VmHWM:")
}

// cpu is the user and system time the process has used, from /proc/PID/stat.
func (s *portServe) cpu() (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses and may hold
	// spaces: utime and stime are the 12th and 13th.
	_, rest, _ := strings.Cut(string(data), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(ut+st) * time.Second / clockTicks, nil
}

// clockTicks is USER_HZ, the unit of /proc times: 100 on every Linux Go
// supports.
const clockTicks = 100

// stop interrupts the server, as Ctrl-C does, and waits for it.
func (s *portServe) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	exited := make(chan struct{})
	go func() { <-s.done; _ = s.cmd.Wait(); close(exited) }()
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-exited
	}
}

// countingProxy forwards to a local Port and counts requests by endpoint.
type countingProxy struct {
	srv *http.Server
	url string
	log *os.File

	mu     sync.Mutex
	counts map[string]int
}

// startCountingProxy starts the proxy; its errors (such as a request the
// integration gave up on) go to logPath.
func startCountingProxy(target, logPath string) (*countingProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorLog = log.New(logFile, "", log.LstdFlags)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256 // as many as the integration keeps open
	rp.Transport = tr
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		logFile.Close()
		return nil, err
	}
	p := &countingProxy{url: "http://" + ln.Addr().String(), counts: map[string]int{}, log: logFile}
	p.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ep := endpoint(r.Method, r.URL.Path)
		p.mu.Lock()
		p.counts[ep]++
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 30 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// take returns the counts since the last take and starts new ones.
func (p *countingProxy) take() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.counts
	p.counts = map[string]int{}
	return c
}

func (p *countingProxy) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = p.srv.Shutdown(ctx)
	_ = p.log.Close()
}

// endpoint names a request by its route: names of blueprints, entities,
// integrations, kinds and resyncs become placeholders, so that one route
// counts once.
func endpoint(method, path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := 1; i < len(segs); i++ {
		switch prev := segs[i-1]; {
		case prev == "blueprints":
			segs[i] = "{blueprint}"
		case prev == "entities" && segs[i] != "bulk" && segs[i] != "search":
			segs[i] = "{entity}"
		case prev == "integration" || prev == "integrations":
			segs[i] = "{integration}"
		case prev == "kind" || prev == "kinds":
			segs[i] = "{kind}"
		case prev == "resync":
			segs[i] = "{resync}"
		}
	}
	return method + " /" + strings.Join(segs, "/")
}
