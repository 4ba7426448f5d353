package ocean_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/core/resync"
	"github.com/ocean-go/ocean/localport"
)

// `sail --once` fails (Run exits non-zero) and Port's resync state says
// failed when Port refuses entities: here every bulk upsert of members
// answers 500, and with createMissingRelatedEntities (the default) nothing
// retries them.
func TestSailOnceFailsWhenEntitiesAreNotWritten(t *testing.T) {
	h := newHarness(t)
	h.port.InjectFault(localport.Fault{Method: "POST", Path: "/v1/blueprints/member/entities/bulk", Status: 500})
	app := h.newApp()
	err := app.Execute(context.Background(), []string{"sail", "--once", "--port", "0"})
	require.ErrorContains(t, err, "3 entities could not be written to Port")
	sum := app.LastSummary()
	require.NotNil(t, sum)
	assert.Equal(t, resync.Failed, sum.Status)
	tot := sum.Totals()
	assert.Equal(t, [3]int{2, 3, 0}, [3]int{tot.Created, tot.Failed, tot.FailedBatches}, "teams written, members failed")
	assert.Equal(t, "failed", h.integration().ResyncState.Status, "the state reported to Port")
}
