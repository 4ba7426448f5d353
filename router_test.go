package ocean_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean"
)

func TestResponsesCarryProcessTime(t *testing.T) {
	h := newHarness(t)
	app := h.newApp("OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY", "OCEAN__PATH_PREFIX=/shop")
	app.Router().GET("/json", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"ok": true}) })
	app.Router().GET("/empty", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	app.Router().GET("/stream", func(c *gin.Context) {
		c.Header("Content-Type", "text/plain")
		c.Writer.Flush()
		_, _ = c.Writer.WriteString("chunk")
	})
	ctx, cancel := context.WithCancel(context.Background())
	zero := 0
	done := make(chan error, 1)
	go func() { done <- app.Sail(ctx, ocean.SailOptions{Port: &zero}) }()
	<-app.Ready()

	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/shop/health/live", http.StatusOK},
		{"/shop/metrics", http.StatusOK},
		{"/shop/integration/json", http.StatusOK},
		{"/shop/integration/empty", http.StatusNoContent},
		{"/shop/integration/stream", http.StatusOK},
		{"/shop/integration/missing", http.StatusNotFound},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, err := http.Get(app.URL() + tc.path)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tc.status, resp.StatusCode)
			seconds, err := strconv.ParseFloat(resp.Header.Get("X-Process-Time"), 64)
			require.NoError(t, err, "X-Process-Time is the handling time in seconds")
			assert.GreaterOrEqual(t, seconds, 0.0)
			_, err = uuid.Parse(resp.Header.Get("X-Request-ID"))
			assert.NoError(t, err, "X-Request-ID is a UUID")
		})
	}
	cancel()
	require.NoError(t, <-done)
}
