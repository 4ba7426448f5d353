package liveevents

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocean-go/ocean/internal/kafkatest"
)

// BenchmarkQueues posts events from 16 clients and waits until every one is
// processed, Sync doing nothing: the queues' own cost per event.
func BenchmarkQueues(b *testing.B) {
	for _, queue := range []string{"memory", "kafka"} {
		b.Run(queue, func(b *testing.B) {
			var k *KafkaOptions
			if queue == "kafka" {
				c := kafkatest.Fake(b, false)
				k = kafkaOptions(c, c.Unique("bench"))
			}
			r := startBenchReplica(b, k)
			b.ResetTimer()
			var wg sync.WaitGroup
			const clients = 16
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
			for c := range clients {
				wg.Go(func() {
					for i := c; i < b.N; i += clients {
						body := fmt.Sprintf(`{"key":"key%d","n":"%d"}`, i%64, i)
						for {
							resp, err := client.Post(r.srv.URL+"/integration/hook", "application/json", strings.NewReader(body))
							if err != nil {
								b.Error(err)
								return
							}
							_, _ = io.Copy(io.Discard, resp.Body) // so that the connection is reused
							_ = resp.Body.Close()
							if resp.StatusCode == http.StatusAccepted {
								break
							}
							time.Sleep(time.Millisecond)
						}
					}
				})
			}
			wg.Wait()
			for r.count(processed) < float64(b.N) {
				time.Sleep(time.Millisecond)
			}
		})
	}
}
