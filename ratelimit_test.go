package ocean_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/ocean-go/ocean"
)

// Against a standalone local Port the default rate limit is lifted; a
// configured one is kept. Either way the summary counts the requests sent.
func TestRateLimitToAStandaloneLocalPort(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
		want rate.Limit
	}{
		{"default", nil, rate.Inf},
		{"configured", []string{"OCEAN__PORT__RATE_LIMIT=500"}, 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			app := h.newApp(tc.env...)
			zero := 0
			var table bytes.Buffer
			require.NoError(t, app.Sail(context.Background(), ocean.SailOptions{Once: true, Port: &zero, SummaryOut: &table}))
			assert.Equal(t, tc.want, app.Client().RateLimit())
			sum := app.LastSummary()
			require.NotNil(t, sum)
			assert.Positive(t, sum.Requests["POST /v1/blueprints/{bp}/entities/bulk"], "%v", sum.Requests)
			assert.Contains(t, table.String(), "\nPort requests: ")
		})
	}
}
