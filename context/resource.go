package context

import (
	stdctx "context"
	"fmt"
	"time"

	"github.com/ocean-go/ocean/core/appconfig"
)

// Resource is the resource config (one entry of the mapping's resources) being
// processed, and its position in the mapping.
type Resource struct {
	Config *appconfig.ResourceConfig
	Index  int
}

// Label is the resource's name in metrics and logs: "kind-index", as in Ocean.
func (r Resource) Label() string { return fmt.Sprintf("%s-%d", r.Config.Kind, r.Index) }

type resourceKey struct{}

// WithResource returns a context carrying the resource being processed.
func WithResource(ctx stdctx.Context, rc *appconfig.ResourceConfig, index int) stdctx.Context {
	return stdctx.WithValue(ctx, resourceKey{}, Resource{Config: rc, Index: index})
}

// ResourceFrom returns the resource carried by ctx.
func ResourceFrom(ctx stdctx.Context) (Resource, bool) {
	r, ok := ctx.Value(resourceKey{}).(Resource)
	return r, ok
}

type integrationConfigKey struct{}

// WithIntegrationConfig returns a context carrying the integration's typed
// configuration (what .port/spec.yaml declares), for handlers to read.
func WithIntegrationConfig(ctx stdctx.Context, cfg any) stdctx.Context {
	return stdctx.WithValue(ctx, integrationConfigKey{}, cfg)
}

// IntegrationConfig returns the configuration stored by WithIntegrationConfig.
func IntegrationConfig(ctx stdctx.Context) any { return ctx.Value(integrationConfigKey{}) }

type cursorKey struct{}

// WithCursor returns a context carrying the incremental-sync cursor of the
// resource being processed: the instant its previous successful sync started.
func WithCursor(ctx stdctx.Context, cursor time.Time) stdctx.Context {
	return stdctx.WithValue(ctx, cursorKey{}, cursor)
}

// CursorFrom returns the cursor stored by WithCursor; false outside an
// incremental sync.
func CursorFrom(ctx stdctx.Context) (time.Time, bool) {
	c, ok := ctx.Value(cursorKey{}).(time.Time)
	return c, ok
}
