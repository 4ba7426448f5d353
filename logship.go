package ocean

import (
	"context"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/internal/lifecycle"
	"github.com/ocean-go/ocean/logging"
)

// startLogShipping ships the integration's logs, masked, to the integration's
// logAttributes.ingestUrl (APPLICATION__ENABLE_HTTP_LOGGING, on by default),
// from the moment the integration exists in Port until it stops; the last
// lines are flushed at shutdown within MAX_WAIT_SECONDS_BEFORE_SHUTDOWN.
func (a *App) startLogShipping(ctx context.Context) {
	if !a.settings.Application.EnableHTTPLogging {
		return
	}
	local := a.log.WithField(logging.LocalOnly, true)
	url, _, err := a.sinks.get(ctx, a.client)
	if err != nil {
		local.WithError(err).Warn("Not shipping logs to Port")
		return
	}
	if url == "" {
		local.Debug("Not shipping logs to Port: the integration has no logAttributes.ingestUrl")
		return
	}
	hostname, _ := os.Hostname()
	sh, err := logging.NewShipper(logging.ShipperOptions{
		Send: func(ctx context.Context, rs []logging.Record) error {
			logs := make([]port.LogRecord, len(rs))
			for i, r := range rs {
				logs[i] = port.LogRecord{Message: r.Message, Level: r.Level, Timestamp: r.Timestamp, Extra: r.Extra}
			}
			return a.client.PostLogs(ctx, url, logs)
		},
		Masker: logging.MaskerOf(a.log).Full(),
		Flush:  a.settings.MaxWaitBeforeShutdown,
		Extra:  map[string]any{"hostname": hostname, "instance": uuid.NewString()},
		Log:    a.log,
	})
	if err != nil {
		local.WithError(err).Warn("Not shipping logs to Port")
		return
	}
	a.log.AddHook(sh)
	a.parts.Go(ctx, "log shipping", lifecycle.Func(sh.Run), a.settings.MaxWaitBeforeShutdown+time.Second)
}
