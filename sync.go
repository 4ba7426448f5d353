package ocean

import (
	"context"
	"errors"
	"fmt"

	"github.com/ocean-go/ocean/clients/port"
	oceanctx "github.com/ocean-go/ocean/context"
	"github.com/ocean-go/ocean/core/resync"
)

// ErrNotStarted is returned by sync operations called before the App started.
var ErrNotStarted = errors.New("ocean: the integration has not started")

// engineReady waits until the integration is initialised in Port (a webhook
// may arrive while it still is), then returns the engine.
func (a *App) engineReady(ctx context.Context) (*resync.Engine, error) {
	if !a.started() {
		return nil, ErrNotStarted
	}
	select {
	case <-a.initialized:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if a.initErr != nil {
		return nil, fmt.Errorf("ocean: the integration failed to initialise: %w", a.initErr)
	}
	return a.engine, nil
}

// SyncRawAll runs a full resync now, as if a listener had triggered it (without
// reporting resync state). A newer resync aborts it.
func (a *App) SyncRawAll(ctx context.Context) (*resync.Summary, error) {
	e, err := a.engineReady(ctx)
	if err != nil {
		return nil, err
	}
	sum, err := e.SyncRawAll(ctx, oceanctx.Manual)
	return sum, err
}

// RegisterRaw maps raw items of kind with the mapping and upserts the
// resulting entities; entities a selector now rejects are deleted if owned.
func (a *App) RegisterRaw(ctx context.Context, kind string, items []any) ([]port.Entity, error) {
	e, err := a.engineReady(ctx)
	if err != nil {
		return nil, err
	}
	return e.RegisterRaw(ctx, kind, items)
}

// UnregisterRaw maps raw items of kind and deletes the resulting entities the
// integration owns.
func (a *App) UnregisterRaw(ctx context.Context, kind string, items []any) error {
	e, err := a.engineReady(ctx)
	if err != nil {
		return err
	}
	return e.UnregisterRaw(ctx, kind, items)
}

// UpdateRawDiff applies the change between two states of raw items of kind.
func (a *App) UpdateRawDiff(ctx context.Context, kind string, before, after []any) error {
	e, err := a.engineReady(ctx)
	if err != nil {
		return err
	}
	return e.UpdateRawDiff(ctx, kind, before, after)
}

// Register upserts entities.
func (a *App) Register(ctx context.Context, entities []port.Entity) ([]port.Entity, error) {
	e, err := a.engineReady(ctx)
	if err != nil {
		return nil, err
	}
	return e.Register(ctx, entities)
}

// Unregister deletes entities the integration owns.
func (a *App) Unregister(ctx context.Context, entities []port.Entity) error {
	e, err := a.engineReady(ctx)
	if err != nil {
		return err
	}
	return e.Unregister(ctx, entities)
}

// UpdateDiff upserts after and deletes the entities only before had.
func (a *App) UpdateDiff(ctx context.Context, before, after []port.Entity) error {
	e, err := a.engineReady(ctx)
	if err != nil {
		return err
	}
	return e.UpdateDiff(ctx, before, after)
}

// Sync makes the integration's entities in Port exactly entities, deleting the
// other entities it owns (under the deletion threshold).
func (a *App) Sync(ctx context.Context, entities []port.Entity) error {
	e, err := a.engineReady(ctx)
	if err != nil {
		return err
	}
	return e.Sync(ctx, entities)
}
