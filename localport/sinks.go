package localport

import (
	"encoding/json"
	"net/http"
	"sync"
)

// Sink names: the ingest URLs handed out in the integration object.
const (
	SinkLogs        = "logs"        // POST {logAttributes.ingestUrl}
	SinkSyncMetrics = "syncMetrics" // POST {metricAttributes.ingestUrl}/syncMetrics
	SinkKindMetrics = "kindMetrics" // PUT {metricAttributes.ingestUrl}/syncMetrics/resync/{eventId}/kind/{kind}
	SinkHeartbeat   = "heartbeat"   // POST {metricAttributes.ingestUrl}/heartbeat
	SinkLakehouse   = "lakehouse"   // POST {ingestAttributes.ingestUrl}/...
)

// sinkKeep bounds the payloads kept per sink.
const sinkKeep = 20

// Sink is what one ingest sink received.
type Sink struct {
	Count int               // requests received
	Last  []json.RawMessage // the newest payloads (at most 20), oldest first
}

type sinks struct {
	mu sync.Mutex
	m  map[string]*Sink
}

func newSinks() *sinks { return &sinks{m: map[string]*Sink{}} }

// Sinks returns a snapshot of what the ingest sinks received, by sink name.
func (s *Server) Sinks() map[string]Sink {
	s.sinks.mu.Lock()
	defer s.sinks.mu.Unlock()
	out := make(map[string]Sink, len(s.sinks.m))
	for name, sk := range s.sinks.m {
		out[name] = Sink{Count: sk.Count, Last: append([]json.RawMessage(nil), sk.Last...)}
	}
	return out
}

// sink accepts any body (JSON or not) and records it.
func (s *Server) sink(name string) handler {
	return func(c *call) (int, any, error) {
		data, err := c.body()
		if err != nil {
			return 0, nil, err
		}
		payload := json.RawMessage(data)
		if !json.Valid(data) {
			payload, _ = json.Marshal(string(data))
		}
		if name == SinkSyncMetrics || name == SinkKindMetrics {
			// Kept in the database too: the console shows the last resyncs after a restart.
			if err := s.recordMetrics(c.r.Context(), c.param("ingest"), c.param("event"), c.param("kind"), data); err != nil {
				return 0, nil, err
			}
		}
		s.sinks.mu.Lock()
		defer s.sinks.mu.Unlock()
		sk := s.sinks.m[name]
		if sk == nil {
			sk = &Sink{}
			s.sinks.m[name] = sk
		}
		sk.Count++
		sk.Last = append(sk.Last, payload)
		if len(sk.Last) > sinkKeep {
			sk.Last = append([]json.RawMessage(nil), sk.Last[len(sk.Last)-sinkKeep:]...)
		}
		return http.StatusOK, ok(), nil
	}
}
