package port

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// The ingest sinks are absolute URLs Port hands out in the integration object
// (logAttributes, metricAttributes). They carry the same Authorization and
// User-Agent as API calls, skip the API rate limiter, and only the PUT is
// retried (port-api.md §4.8). Errors are returned for the caller to log.

// LogRecord is one log line shipped to Port.
type LogRecord struct {
	Message   string         `json:"message"`
	Level     string         `json:"level"`     // INFO, WARNING, ERROR, DEBUG
	Timestamp string         `json:"timestamp"` // RFC 3339 with microseconds
	Extra     map[string]any `json:"extra,omitempty"`
}

// PostLogs ships log records to logAttributes.ingestUrl.
func (c *Client) PostLogs(ctx context.Context, ingestURL string, logs []LogRecord) error {
	if logs == nil {
		logs = []LogRecord{}
	}
	return c.ingest(ctx, http.MethodPost, ingestURL, "", map[string]any{"logs": logs})
}

// PostSyncMetrics posts {"syncKindsMetrics": kindsMetrics} to
// {metricAttributes.ingestUrl}/syncMetrics.
func (c *Client) PostSyncMetrics(ctx context.Context, ingestURL string, kindsMetrics any) error {
	return c.ingest(ctx, http.MethodPost, ingestURL, "/syncMetrics", map[string]any{"syncKindsMetrics": kindsMetrics})
}

// PutKindMetrics puts {"syncKindMetrics": kindMetrics} to
// {metricAttributes.ingestUrl}/syncMetrics/resync/{eventID}/kind/{kindIdentifier}.
func (c *Client) PutKindMetrics(ctx context.Context, ingestURL, eventID, kindIdentifier string, kindMetrics any) error {
	if eventID == "" || kindIdentifier == "" {
		return fmt.Errorf("%w: kind metrics need an event id and a kind identifier", ErrValidation)
	}
	suffix := "/syncMetrics/resync/" + seg(eventID) + "/kind/" + seg(kindIdentifier)
	return c.ingest(ctx, http.MethodPut, ingestURL, suffix, map[string]any{"syncKindMetrics": kindMetrics})
}

// PostHeartbeat tells Port the event eventID is alive
// ({metricAttributes.ingestUrl}/heartbeat).
func (c *Client) PostHeartbeat(ctx context.Context, ingestURL, eventID string) error {
	return c.ingest(ctx, http.MethodPost, ingestURL, "/heartbeat", map[string]string{"eventId": eventID})
}

func (c *Client) ingest(ctx context.Context, method, ingestURL, suffix string, body any) error {
	u, err := url.Parse(ingestURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: ingest url %q must be an absolute http(s) URL", ErrValidation, ingestURL)
	}
	target := strings.TrimRight(ingestURL, "/") + suffix
	_, err = c.do(ctx, call{method: method, path: target, abs: true, body: body, noLimit: true}, nil)
	return err
}
