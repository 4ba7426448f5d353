package ocean

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/sirupsen/logrus"

	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/internal/httpbody"
)

// gin's mode is process-wide: it is set once, here, rather than by each App
// (two Apps in one process must not change each other's state). Release mode
// keeps gin's debug lines out of the integration's logs unless GIN_MODE asks.
func init() {
	if os.Getenv(gin.EnvGinMode) == "" {
		gin.SetMode(gin.ReleaseMode)
	}
}

// newRouter builds the integration's gin engine: recovery and request logging,
// health endpoints and Prometheus metrics. Integration routes go under
// /integration (App.Router), their bodies bounded by bodyLimit.
func newRouter(a *App) *gin.Engine {
	r := gin.New()
	r.Use(gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, err any) {
		a.Logger().WithField("path", c.Request.URL.Path).Errorf("Request handler panicked: %v", err)
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"ok": false, "error": "internal_error", "message": "Internal server error"})
	}))
	r.Use(requestLog(a))
	health := func(check string) gin.HandlerFunc {
		return func(c *gin.Context) {
			c.JSON(http.StatusOK, gin.H{"status": "healthy", "check": check, "core_version": FrameworkVersion()})
		}
	}
	r.GET("/health/live", health("live"))
	r.GET("/health/ready", func(c *gin.Context) {
		if reason := a.notReady(); reason != "" {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unhealthy", "check": "ready", "reason": reason, "core_version": FrameworkVersion()})
			return
		}
		health("ready")(c)
	})
	metrics := gin.WrapH(promhttp.HandlerFor(a.metrics.registry, promhttp.HandlerOpts{}))
	r.GET("/metrics", metrics)
	r.GET("/metrics/", metrics)
	return r
}

// bodyLimit bounds the body of a request to the integration's routes to
// OCEAN__MAX_REQUEST_BODY_SIZE_IN_BYTES, declared (Content-Length) or not
// (chunked): the route gets the body read into memory, or is not called and
// the client gets a 413.
func bodyLimit(a *App) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := c.Request
		if r.Body == nil || r.Body == http.NoBody {
			c.Next()
			return
		}
		limit := int64(a.settings.MaxRequestBodySizeInBytes)
		if r.ContentLength > limit {
			tooLarge(c, limit, false)
			return
		}
		var body bytes.Buffer
		if r.ContentLength > 0 {
			body.Grow(int(r.ContentLength))
		}
		n, err := body.ReadFrom(io.LimitReader(r.Body, limit+1))
		if err != nil {
			c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"ok": false, "error": "invalid_body",
				"message": fmt.Sprintf("Could not read the request body: %v", err)})
			return
		}
		if n > limit {
			tooLarge(c, limit, true)
			return
		}
		r.Body = io.NopCloser(&body)
		c.Next()
	}
}

// tooLarge answers 413 and closes the connection, once the rest of the body
// is out of the client's way (see httpbody); began says whether it was read.
func tooLarge(c *gin.Context, limit int64, began bool) {
	httpbody.Discard(c.Writer, c.Request, began)
	c.Header("Connection", "close")
	c.AbortWithStatusJSON(http.StatusRequestEntityTooLarge, gin.H{"ok": false, "error": "payload_too_large",
		"message": fmt.Sprintf("Request body is too large (limit is %d bytes, OCEAN__MAX_REQUEST_BODY_SIZE_IN_BYTES)", limit)})
}

// requestLog logs every request (health and metrics at DEBUG) and sets
// X-Request-ID (a fresh UUID, also in the log line) and X-Process-Time
// (seconds), as Ocean does.
func requestLog(a *App) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		id := uuid.NewString()
		c.Header("X-Request-ID", id)
		w := &timedWriter{ResponseWriter: c.Writer, start: start}
		c.Writer = w
		c.Next()
		w.stamp() // a response without body is written after the middleware
		elapsed := time.Since(start)
		path := c.Request.URL.Path
		entry := a.Logger().WithFields(logrus.Fields{
			"method": c.Request.Method, "path": path, "status": c.Writer.Status(), "seconds": elapsed.Seconds(), "request_id": id,
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

// timedWriter sets X-Process-Time just before the headers go out: set after
// the handler, it would come too late for every response with a body.
type timedWriter struct {
	gin.ResponseWriter
	start time.Time
}

func (w *timedWriter) stamp() {
	if !w.Written() {
		w.Header().Set("X-Process-Time", strconv.FormatFloat(time.Since(w.start).Seconds(), 'f', -1, 64))
	}
}

func (w *timedWriter) WriteHeaderNow() { w.stamp(); w.ResponseWriter.WriteHeaderNow() }

func (w *timedWriter) Write(b []byte) (int, error) { w.stamp(); return w.ResponseWriter.Write(b) }

func (w *timedWriter) WriteString(s string) (int, error) {
	w.stamp()
	return w.ResponseWriter.WriteString(s)
}

func (w *timedWriter) Flush() { w.stamp(); w.ResponseWriter.Flush() }

// Unwrap gives http.ResponseController the connection's writer.
func (w *timedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
