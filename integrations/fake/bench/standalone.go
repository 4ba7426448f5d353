package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"net"
	"net/http/httputil"
	"net/textproto"
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

// countingProxy forwards TCP connections to a local Port and counts the
// requests on them by endpoint. It reads only what it must of each request
// (its head, to count it and find where its body ends) and copies the rest
// as bytes, answers untouched (spliced by the kernel): a reverse proxy
// decoding and re-encoding 100 MB of bodies took a second of the same two
// cores the runs measured.
type countingProxy struct {
	ln     net.Listener
	target string // host:port
	url    string
	log    *log.Logger
	file   *os.File // log's

	mu     sync.Mutex
	counts map[string]int
	conns  sync.WaitGroup
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		logFile.Close()
		return nil, err
	}
	p := &countingProxy{ln: ln, target: u.Host, url: "http://" + ln.Addr().String(), counts: map[string]int{},
		log: log.New(logFile, "", log.LstdFlags), file: logFile}
	go p.accept()
	return p, nil
}

func (p *countingProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.conns.Add(1)
		go func() {
			defer p.conns.Done()
			p.forward(c.(*net.TCPConn))
		}()
	}
}

// forward relays one client connection to the Port.
func (p *countingProxy) forward(client *net.TCPConn) {
	defer client.Close()
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		p.log.Print(err)
		return
	}
	server := s.(*net.TCPConn)
	defer server.Close()
	answered := make(chan struct{})
	go func() {
		defer close(answered)
		_, _ = io.Copy(client, server)
		_ = client.CloseWrite()
	}()
	if err := p.requests(bufio.NewReaderSize(client, 64<<10), server); err != nil && !errors.Is(err, io.EOF) {
		p.log.Print(err)
	}
	_ = server.CloseWrite()
	<-answered
}

// requests copies requests from r to w, counting each.
func (p *countingProxy) requests(r *bufio.Reader, w io.Writer) error {
	tr := textproto.NewReader(r)
	for {
		line, err := tr.ReadLine()
		if err != nil {
			return err
		}
		method, rest, _ := strings.Cut(line, " ")
		target, _, _ := strings.Cut(rest, " ")
		path, _, _ := strings.Cut(target, "?")
		head, err := tr.ReadMIMEHeader()
		if err != nil {
			return err
		}
		p.mu.Lock()
		p.counts[endpoint(method, path)]++
		p.mu.Unlock()

		var buf bytes.Buffer
		buf.WriteString(line + "\r\n")
		for k, vs := range head {
			for _, v := range vs {
				buf.WriteString(k + ": " + v + "\r\n")
			}
		}
		buf.WriteString("\r\n")
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
		switch {
		case strings.EqualFold(head.Get("Transfer-Encoding"), "chunked"):
			cw := httputil.NewChunkedWriter(w)
			if _, err := io.Copy(cw, httputil.NewChunkedReader(r)); err != nil {
				return err
			}
			if err := cw.Close(); err != nil {
				return err
			}
			if _, err := io.WriteString(w, "\r\n"); err != nil { // no trailers
				return err
			}
			if _, err := tr.ReadMIMEHeader(); err != nil { // the request's trailers
				return err
			}
		case head.Get("Content-Length") != "":
			n, err := strconv.ParseInt(head.Get("Content-Length"), 10, 64)
			if err != nil {
				return fmt.Errorf("%s %s: Content-Length %q", method, path, head.Get("Content-Length"))
			}
			if _, err := io.CopyN(w, r, n); err != nil {
				return err
			}
		}
	}
}

// take returns the counts since the last take and starts new ones.
func (p *countingProxy) take() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.counts
	p.counts = map[string]int{}
	return c
}

// close stops accepting and waits for the open connections, which the
// integration closed when it exited.
func (p *countingProxy) close() {
	_ = p.ln.Close()
	done := make(chan struct{})
	go func() { p.conns.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		p.log.Print("connections still open after 5 s; left behind")
	}
	_ = p.file.Close()
}

// endpoint names a request by its route: names of blueprints, entities,
// integrations, kinds and resyncs become placeholders, so that one route
// counts once.
func endpoint(method, path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := 1; i < len(segs); i++ {
		switch prev := segs[i-1]; {
		case prev == "blueprints" && !(segs[i] == "entities" && i+1 < len(segs) && segs[i+1] == "datasource-entities"):
			segs[i] = "{blueprint}"
		case prev == "entities" && segs[i] != "bulk" && segs[i] != "search" && segs[i] != "datasource-entities":
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
