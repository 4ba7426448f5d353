package localport

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// More concurrent grouped writes than one group carries all return; the ones
// that fail leave nothing, the others are all written.
func TestGroupedWrites(t *testing.T) {
	d, err := openDB("")
	require.NoError(t, err)
	defer d.close()
	ctx := context.Background()
	const writes = 5 * maxGroup
	errFailed := errors.New("refused")
	var wg sync.WaitGroup
	results := make([]error, writes)
	for i := range writes {
		wg.Go(func() {
			results[i] = d.writeGrouped(ctx, func(tx *cachedTx) error {
				if err := saveDoc(ctx, tx, docCursor, fmt.Sprint(i), map[string]any{"i": i}); err != nil {
					return err
				}
				if i%7 == 0 {
					return errFailed // after writing: its savepoint must undo it
				}
				return nil
			})
		})
	}
	wg.Wait()
	for i, err := range results {
		var got map[string]any
		found, loadErr := loadDoc(ctx, d.r, docCursor, fmt.Sprint(i), &got)
		require.NoError(t, loadErr)
		if i%7 == 0 {
			assert.ErrorIs(t, err, errFailed, "write %d", i)
			assert.False(t, found, "failed write %d was kept", i)
			continue
		}
		assert.NoError(t, err, "write %d", i)
		assert.True(t, found, "write %d was lost", i)
	}
}
