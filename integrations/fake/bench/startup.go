package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/ocean-go/ocean/localport"
)

// startup measures, per event listener, how long the fake integration takes
// from its process start until /health/ready answers 200, its resident memory
// then, and once it is idle after its first resync. Port is a local Port in
// this process, so the figures leave Port's own reply times out.
func startup(bin, work string, runs int) error {
	fmt.Println("| listener | runs | ready (ms, median) | ready (ms, max) | RSS at ready (MiB) | RSS idle after a resync (MiB) |")
	fmt.Println("|---|---:|---:|---:|---:|---:|")
	for _, l := range startupListeners {
		var ready []time.Duration
		var rssReady, rssIdle int64
		for i := range runs {
			r, err := startOnce(bin, filepath.Join(work, fmt.Sprintf("startup-%s-%d", l.name, i)), l)
			if err != nil {
				return fmt.Errorf("%s, run %d: %w", l.name, i+1, err)
			}
			ready = append(ready, r.ready)
			rssReady, rssIdle = max(rssReady, r.rssReady), max(rssIdle, r.rssIdle)
		}
		sort.Slice(ready, func(i, j int) bool { return ready[i] < ready[j] })
		fmt.Printf("| %s | %d | %.1f | %.1f | %.1f | %.1f |\n", l.name, runs, ms(ready[len(ready)/2]), ms(ready[len(ready)-1]),
			mib(rssReady), mib(rssIdle))
	}
	return nil
}

// A startupListener is a listener to measure: the environment that selects
// it and what a local Port needs to serve it.
type startupListener struct {
	name string
	// setup returns the integration's extra environment; cleanup runs after
	// the process ended.
	setup func(o *localport.Options) (env []string, cleanup func(), err error)
}

var startupListeners = []startupListener{
	{name: "POLLING", setup: func(*localport.Options) ([]string, func(), error) {
		return []string{"OCEAN__EVENT_LISTENER__TYPE=POLLING"}, func() {}, nil
	}},
	{name: "KAFKA", setup: func(o *localport.Options) ([]string, func(), error) {
		// An in-process broker: the local Port publishes its change log there.
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
		if err != nil {
			return nil, nil, err
		}
		brokers := c.ListenAddrs()
		o.Kafka.Brokers = brokers
		return []string{"OCEAN__EVENT_LISTENER__TYPE=KAFKA", "OCEAN__EVENT_LISTENER__KAFKA_SECURITY_ENABLED=false",
			"OCEAN__EVENT_LISTENER__BROKERS=" + strings.Join(brokers, ",")}, c.Close, nil
	}},
}

type startResult struct {
	ready             time.Duration
	rssReady, rssIdle int64 // bytes
}

func startOnce(bin, dir string, l startupListener) (startResult, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return startResult{}, err
	}
	opts := localport.Options{DBPath: filepath.Join(dir, "port.db")}
	env, cleanup, err := l.setup(&opts)
	if err != nil {
		return startResult{}, err
	}
	defer cleanup()
	sl, stop, err := startSailing(bin, dir, opts, io.Discard, append(env, "APPLICATION__LOG_LEVEL=WARNING")...)
	if err != nil {
		return startResult{}, err
	}
	defer stop()
	var r startResult
	if err := sl.waitReady(); err != nil {
		return r, err
	}
	r.ready = time.Since(sl.started)
	srv, pid := sl.srv, sl.cmd.Process.Pid
	if r.rssReady, err = rss(pid); err != nil {
		return r, err
	}
	// Idle: the first resync has ended and the process has had time to settle.
	resynced := func() bool {
		integ, err := srv.Integration("bench")
		state, _ := integ["resyncState"].(map[string]any)
		return err == nil && state["status"] == "completed"
	}
	if err := poll(60*time.Second, 20*time.Millisecond, resynced); err != nil {
		return r, fmt.Errorf("the first resync never completed: %w", err)
	}
	time.Sleep(3 * time.Second)
	r.rssIdle, err = rss(pid)
	return r, err
}

func poll(limit, every time.Duration, done func() bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	for !done() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(every):
		}
	}
	return nil
}

func status(url string) int {
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// rss is the process's resident memory (VmRSS), in bytes.
func rss(pid int) (int64, error) { return procStatus(pid, "VmRSS:") }

// procStatus reads a kB field of /proc/PID/status, in bytes.
func procStatus(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc status", field)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func mib(b int64) float64        { return float64(b) / (1 << 20) }
