package ocean

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/sirupsen/logrus"

	oceanctx "github.com/ocean-go/ocean/context"
)

// newRouter builds the integration's gin engine: recovery and request logging,
// health endpoints and Prometheus metrics. Integration routes go under
// /integration (App.Router).
func newRouter(a *App) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, err any) {
		a.Logger().WithField("path", c.Request.URL.Path).Errorf("Request handler panicked: %v", err)
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"ok": false, "error": "internal_error", "message": "Internal server error"})
	}))
	r.Use(requestLog(a))
	health := func(check string) gin.HandlerFunc {
		return func(c *gin.Context) {
			c.JSON(http.StatusOK, gin.H{"status": "healthy", "check": check, "core_version": Version})
		}
	}
	r.GET("/health/live", health("live"))
	r.GET("/health/ready", health("ready"))
	metrics := gin.WrapH(promhttp.HandlerFor(a.metrics.registry, promhttp.HandlerOpts{}))
	r.GET("/metrics", metrics)
	r.GET("/metrics/", metrics)
	return r
}

// requestLog logs every request (health and metrics at DEBUG) and sets
// X-Process-Time.
func requestLog(a *App) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		elapsed := time.Since(start)
		c.Writer.Header().Set("X-Process-Time", elapsed.String())
		path := c.Request.URL.Path
		entry := a.Logger().WithFields(logrus.Fields{
			"method": c.Request.Method, "path": path, "status": c.Writer.Status(), "seconds": elapsed.Seconds(),
		})
		if strings.HasPrefix(path, "/health") || strings.HasPrefix(path, "/metrics") {
			entry.Debug("Request")
			return
		}
		entry.Info("Request")
	}
}

// withEvent runs requests to the integration's routes inside an HTTP-request
// event, so sync operations called from a route (RegisterRaw, ...) know their
// event. It sits below the path prefix, so it sees /integration routes however
// they are mounted (Ocean checks the literal prefix and misses them).
func (a *App) withEvent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/integration" && !strings.HasPrefix(r.URL.Path, "/integration/") {
			next.ServeHTTP(w, r)
			return
		}
		ctx, ev := a.events.Begin(r.Context(), oceanctx.HTTPRequest, oceanctx.Request, nil)
		defer a.events.End(ev)
		ctx = oceanctx.WithIntegrationConfig(ctx, a.settings.Integration.Config)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
