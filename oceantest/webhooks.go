package oceantest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// WebhookAnswer is what the App's webhook route answered.
type WebhookAnswer struct {
	Status  int    // 202 once queued; 400, 401, 404, 413, 503 (see ocean.App.AddWebhookProcessor)
	EventID string // the event's id, under which its processing is logged (event_id)
	Error   string // the error code of a refusal, e.g. "unauthorized"
	Message string // why it was refused
}

// PostWebhook posts body to the webhook path (as given to
// AddWebhookProcessor, e.g. "/webhook") with headers given as "Name: value"
// (a signature, say) and returns the answer. A 202 means the event is
// queued: WaitWebhooks waits until it is processed.
func (h *Harness) PostWebhook(path string, body []byte, headers ...string) WebhookAnswer {
	h.t.Helper()
	url := h.URL() + h.app.Router().BasePath() + "/" + strings.TrimLeft(path, "/")
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		h.t.Fatalf("oceantest: webhook request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	for _, hd := range headers {
		name, value, ok := strings.Cut(hd, ":")
		if !ok {
			h.t.Fatalf(`oceantest: header %q is not "Name: value"`, hd)
		}
		req.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	resp, err := h.http.Do(req)
	if err != nil {
		h.t.Fatalf("oceantest: post webhook: %v", err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("oceantest: read the webhook answer: %v", err)
	}
	var answer struct {
		EventID string `json:"eventId"`
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(data, &answer) // a 413 from the body limit may not be JSON
	return WebhookAnswer{Status: resp.StatusCode, EventID: answer.EventID, Error: answer.Error, Message: answer.Message}
}

// WaitWebhooks waits until every webhook event the App queued so far is
// processed, successfully or not (a failure is logged, see Errors), by the
// App's own counters (ocean_webhook_events_total on /metrics). With the Kafka
// queue, it counts the events this App processed: for replicas sharing
// events, wait on what Port holds instead. The test fails after the
// harness's Timeout.
func (h *Harness) WaitWebhooks() {
	h.t.Helper()
	accepted := h.webhookCounts(outcomeAccepted)
	deadline := time.Now().Add(h.opts.timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		done := h.webhookCounts(outcomeProcessed, outcomeFailed)
		pending := 0
		for path, n := range accepted {
			pending += max(0, n-done[path])
		}
		if pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("oceantest: %d webhook events still unprocessed after %s", pending, h.opts.timeout)
		}
		<-tick.C
	}
}

// Outcomes of ocean_webhook_events_total.
const (
	outcomeAccepted  = "accepted"
	outcomeProcessed = "processed"
	outcomeFailed    = "failed"
)

// webhookCounts sums ocean_webhook_events_total of outcomes, by path.
func (h *Harness) webhookCounts(outcomes ...string) map[string]int {
	h.t.Helper()
	fams, err := h.metrics()
	if err != nil {
		h.t.Fatalf("oceantest: read /metrics: %v", err)
	}
	out := map[string]int{}
	fam := fams["ocean_webhook_events_total"]
	if fam == nil {
		return out // no event yet
	}
	for _, m := range fam.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for _, o := range outcomes {
			if labels["outcome"] == o {
				out[labels["path"]] += int(m.GetCounter().GetValue())
			}
		}
	}
	return out
}

func (h *Harness) metrics() (map[string]*dto.MetricFamily, error) {
	resp, err := h.http.Get(h.URL() + "/metrics")
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	return p.TextToMetricFamilies(resp.Body)
}
