// Command bench measures full resyncs of the fake integration: it builds the
// integration, then for each entity amount runs `sail --once` twice in a fresh
// directory (the embedded local Port, in the same process) — a first resync
// that creates everything and a second that finds nothing changed — and prints
// wall time and peak resident memory of each run.
//
//	go run ./integrations/fake/bench -amounts 10000,100000
//
// With -standalone the local Port is `ocean port serve` in its own process
// instead, and the table adds its peak memory and the requests the integration
// made to it, by endpoint (see standalone.go); OCEAN__PORT__RATE_LIMIT is 0
// unless -rate-limit says otherwise:
//
//	go run ./integrations/fake/bench -standalone -amounts 10000,100000,1000000
//
// With -startup N it measures start-up instead: N starts per event listener,
// each timed from the process start until /health/ready answers 200, with
// the resident memory then and once idle after the first resync. With
// -webhooks N it posts N signed live events instead (see webhooks.go).
//
// Persons are generated in one department (singleDepartmentRun), ~1 KB each,
// plus the 65 static departments, offices, teams and projects.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	amounts := flag.String("amounts", "10000,100000", "comma-separated persons per run")
	keep := flag.Bool("keep", false, "keep the run directories")
	startups := flag.Int("startup", 0, "instead, start the integration this many times per event listener: time to ready, idle memory")
	events := flag.Int("webhooks", 0, "instead, post this many signed webhook events: accept rate, latency to Port")
	clients := flag.Int("clients", 16, "concurrent webhook clients (with -webhooks)")
	workers := flag.Int("workers", 1, "OCEAN__EVENT_WORKERS_COUNT (with -webhooks)")
	var s standaloneFlags
	flag.BoolVar(&s.on, "standalone", false, "against a local Port in its own process (ocean port serve): its memory and the requests made to it too")
	flag.StringVar(&s.rateLimit, "rate-limit", "0", "with -standalone: OCEAN__PORT__RATE_LIMIT (requests/s, 0: off; empty: the client's default)")
	var q queueFlags
	flag.StringVar(&q.kind, "queue", "memory", "live-events queue (with -webhooks): memory or kafka")
	flag.StringVar(&q.brokers, "kafka-brokers", "", "with -queue kafka: the brokers (host:port,...); default an in-process kfake cluster")
	flag.Parse()
	if err := run(*amounts, *keep, *startups, *events, *clients, *workers, q, s); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type standaloneFlags struct {
	on        bool
	rateLimit string
}

func run(amounts string, keep bool, startups, events, clients, workers int, q queueFlags, s standaloneFlags) error {
	ns, err := parseAmounts(amounts)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "ocean-bench-")
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(work)
	}
	bin := filepath.Join(work, "fake")
	if err := build(bin, "github.com/ocean-go/ocean/integrations/fake"); err != nil {
		return fmt.Errorf("build the fake integration: %w", err)
	}
	if startups > 0 {
		return startup(bin, work, startups)
	}
	if events > 0 {
		return webhooks(bin, work, events, clients, workers, q)
	}
	if s.on {
		ocean := filepath.Join(work, "ocean")
		if err := build(ocean, "github.com/ocean-go/ocean/cmd/ocean"); err != nil {
			return fmt.Errorf("build the ocean command: %w", err)
		}
		return standalone(bin, ocean, work, ns, s.rateLimit)
	}
	fmt.Println("| persons | run | wall (s) | peak RSS (MiB) | created | updated | unchanged | deleted | entities/s |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, n := range ns {
		dir := filepath.Join(work, "run-"+strconv.Itoa(n))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for _, label := range []string{"first", "second"} {
			r, err := sail(bin, dir, n)
			if err != nil {
				return fmt.Errorf("%d persons, %s run: %w", n, label, err)
			}
			fmt.Printf("| %d | %s | %.2f | %.1f | %d | %d | %d | %d | %.0f |\n", n, label, r.wall.Seconds(),
				float64(r.maxRSS)/(1<<20), r.created, r.updated, r.unchanged, r.deleted, float64(r.total)/r.wall.Seconds())
		}
	}
	return nil
}

func parseAmounts(amounts string) ([]int, error) {
	var ns []int
	for _, a := range strings.Split(amounts, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(a))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("bad amount %q", a)
		}
		ns = append(ns, n)
	}
	return ns, nil
}

// build compiles the package pkg into bin.
func build(bin, pkg string) error {
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

type result struct {
	wall                                        time.Duration
	maxRSS                                      int64         // bytes
	cpu                                         time.Duration // user and system
	created, updated, unchanged, deleted, total int
}

// totalLine matches the summary table's total row.
var totalLine = regexp.MustCompile(`(?m)^\s*total\s+(\d+)\s+\d+\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)`)

// sail runs `sail --once` of persons in dir with env added.
func sail(bin, dir string, persons int, env ...string) (result, error) {
	cmd := exec.Command(bin, "sail", "--once", "--port", "0")
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(),
		"OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT="+strconv.Itoa(persons),
		"OCEAN__INTEGRATION__CONFIG__SINGLE_DEPARTMENT_RUN=true",
		"OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_BATCH_SIZE=1000",
		"APPLICATION__LOG_LEVEL=WARNING",
	), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return result{}, fmt.Errorf("%w\n%s", err, errOut.String())
	}
	m := totalLine.FindStringSubmatch(out.String())
	if m == nil {
		return result{}, fmt.Errorf("no summary in output:\n%s", out.String())
	}
	atoi := func(s string) int { v, _ := strconv.Atoi(s); return v }
	r := result{wall: wall, total: atoi(m[1]), created: atoi(m[2]), updated: atoi(m[3]), unchanged: atoi(m[4]), deleted: atoi(m[5])}
	r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss * 1024 // Linux reports kilobytes
	}
	return r, nil
}
