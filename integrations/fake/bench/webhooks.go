package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/ocean-go/ocean/localport"
)

// webhookSecret signs the benchmark's events.
const webhookSecret = "bench-webhook-secret-0123456789"

// webhooks measures live events: signed upserts of distinct persons posted to
// the fake integration's /integration/webhook by concurrent clients (which
// retry while the queue is full, so the rate is the sustained one), with the
// rate at which they are accepted (202) and, for a sample, the time from
// sending the request until the entity is in Port. Port is a local Port in
// this process. With the Kafka queue, the events go through a topic of 12
// partitions on the given brokers, or on a kfake cluster in this process.
func webhooks(bin, work string, events, clients, workers int, q queueFlags) error {
	queueEnv, stopQueue, err := q.env()
	if err != nil {
		return err
	}
	defer stopQueue()
	dir := filepath.Join(work, "webhooks")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	logs, err := os.Create(filepath.Join(dir, "integration.log"))
	if err != nil {
		return err
	}
	defer logs.Close()
	sl, stop, err := startSailing(bin, dir, localport.Options{DBPath: filepath.Join(dir, "port.db")}, logs,
		append(queueEnv, "OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY", "OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET="+webhookSecret,
			"OCEAN__EVENT_WORKERS_COUNT="+strconv.Itoa(workers), "APPLICATION__LOG_LEVEL=ERROR",
			// Port's rate limit would bound the figures: this measures the
			// integration, not the limit.
			"OCEAN__PORT__RATE_LIMIT=0")...)
	if err != nil {
		return err
	}
	defer stop()
	if err := sl.waitReady(); err != nil {
		return err
	}
	srv, base := sl.srv, sl.base

	// Every 100th event is timed until its entity is in Port.
	const sampleEvery = 100
	var (
		mu      sync.Mutex
		sentAt  = map[string]time.Time{}
		refused int
		wg      sync.WaitGroup
	)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; i < events; i += clients {
				id := fmt.Sprintf("wh-%d", i)
				body := personEvent(id)
				at := time.Now()
				ok := post(client, base+"/integration/webhook", body)
				mu.Lock()
				if !ok {
					refused++
				} else if i%sampleEvery == 0 {
					sentAt[id] = at
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	accepted := time.Since(start)

	var latencies []time.Duration
	for len(sentAt) > 0 {
		for id, at := range sentAt {
			if _, _, err := srv.Entity("fake-person", id); err == nil {
				latencies = append(latencies, time.Since(at))
				delete(sentAt, id)
			}
		}
		if time.Since(start) > 5*time.Minute {
			return fmt.Errorf("%d sampled events never reached Port", len(sentAt))
		}
		time.Sleep(2 * time.Millisecond)
	}
	if refused > 0 {
		return fmt.Errorf("%d of %d events were not accepted", refused, events)
	}
	slices.Sort(latencies)
	pct := func(p float64) time.Duration { return latencies[int(p*float64(len(latencies)-1))] }
	fmt.Println("| queue | events | clients | workers | accepted/s | request → entity p50 (ms) | p99 (ms) | max (ms) |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|")
	fmt.Printf("| %s | %d | %d | %d | %.0f | %.1f | %.1f | %.1f |\n", q.kind, events, clients, workers, float64(events)/accepted.Seconds(),
		ms(pct(0.5)), ms(pct(0.99)), ms(latencies[len(latencies)-1]))
	return nil
}

// post sends one signed event, again while the queue is full (503), as a
// webhook sender retries; it reports whether the event was accepted.
func post(client *http.Client, url string, body []byte) bool {
	for {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("X-Ocean-Signature-256", "sha256="+sign(body))
		resp, err := client.Do(req)
		if err != nil {
			return false
		}
		// Read to the end, so that the connection is reused.
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			return resp.StatusCode == http.StatusAccepted
		}
		time.Sleep(time.Millisecond)
	}
}

func personEvent(id string) []byte {
	return fmt.Appendf(nil, `{"action":"upsert","kind":"fake-person","items":[{"id":%q,"email":"%s@bench.test","name":"Person %s",`+
		`"status":"WORKING","age":30,"department":{"id":"hr","name":"hr"}}]}`, id, id, id)
}

func sign(body []byte) string {
	m := hmac.New(sha256.New, []byte(webhookSecret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// queueFlags choose the live-events queue of the benchmark.
type queueFlags struct{ kind, brokers string }

// env is the integration's environment for the queue, and what stops what
// it started.
func (q queueFlags) env() ([]string, func(), error) {
	switch q.kind {
	case "memory":
		return nil, func() {}, nil
	case "kafka":
	default:
		return nil, nil, fmt.Errorf("unknown queue %q (memory or kafka)", q.kind)
	}
	stop := func() {}
	brokers := q.brokers
	if brokers == "" {
		c, err := kfake.NewCluster(kfake.NumBrokers(1))
		if err != nil {
			return nil, nil, fmt.Errorf("start kfake: %w", err)
		}
		stop, brokers = c.Close, strings.Join(c.ListenAddrs(), ",")
	}
	return []string{"OCEAN__LIVE_EVENTS__QUEUE=KAFKA", "OCEAN__LIVE_EVENTS__KAFKA__BROKERS=" + brokers,
		"OCEAN__LIVE_EVENTS__KAFKA__TOPIC=bench-" + strconv.FormatInt(time.Now().UnixNano(), 36)}, stop, nil
}
