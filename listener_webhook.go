package ocean

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ocean-go/ocean/config"
	"github.com/ocean-go/ocean/internal/lifecycle"
)

// webhookOptions are the WEBHOOK listener's own keys.
type webhookOptions struct {
	// AppHost is the integration's public URL, where Port calls /resync.
	AppHost string `json:"app_host"`
}

// WEBHOOK: Port calls POST {app_host}/resync (the changelog destination the
// integration registered) and the resync runs; the request is answered when
// it ends. WEBHOOKS_ONLY: no resyncs at all, the integration serves its routes
// (its webhooks) only.
func init() {
	registerListener(config.ListenerWebhook, eventListener{
		options: func(k config.ListenerKeys) any {
			return webhookOptions{AppHost: k.Sensitive().URL("app_host", true)}
		},
		changelog: func(a *App) map[string]any {
			host := a.settings.EventListener.Options.(webhookOptions).AppHost
			return map[string]any{"type": string(config.ListenerWebhook), "url": host + "/resync"}
		},
		routes: func(a *App) { a.router.POST("/resync", a.resyncRoute) },
		build:  idle,
	})
	registerListener(config.ListenerWebhooksOnly, eventListener{build: idle})
}

// idle listens through the HTTP server: it is ready at once and runs until the App stops.
func idle(_ context.Context, _ *App, ready func()) (lifecycle.Runnable, error) {
	return lifecycle.Func(func(ctx context.Context) error {
		ready()
		<-ctx.Done()
		return nil
	}), nil
}

// resyncRoute runs a listener resync for POST /resync and answers when it ends,
// as Ocean does. Before the integration is initialised it answers 503.
func (a *App) resyncRoute(c *gin.Context) {
	if !a.listening.Load() {
		c.JSON(http.StatusServiceUnavailable, gin.H{"ok": false, "error": "not_ready",
			"message": "The integration is starting; retry once /health/ready answers 200"})
		return
	}
	a.log.Info("Port requested a resync (WEBHOOK)")
	// The resync belongs to the App, not to the request: a client that hangs
	// up does not abort it; the App stopping does.
	sum, err := a.printedResync(a.runCtx, a.fullResync)
	status := http.StatusOK
	if err != nil {
		status = http.StatusInternalServerError
	}
	body := gin.H{"ok": err == nil}
	if sum != nil {
		body["status"], body["eventId"] = sum.Status, sum.EventID
	}
	if err != nil {
		body["message"] = a.masked(err).Error()
	}
	c.JSON(status, body)
}
