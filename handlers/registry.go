package handlers

import (
	"context"
	"iter"
	"slices"
	"sync"
)

// ResyncHandler streams the raw items of one kind in batches.
type ResyncHandler func(ctx context.Context, kind string) iter.Seq2[[]any, error]

// Hook runs at a point of the integration's life: on start, before a resync, or
// after a resync that completed without errors.
type Hook func(ctx context.Context) error

// Registry keeps what an integration registered. It is safe for concurrent use.
type Registry struct {
	mu             sync.RWMutex
	resync         kindHandlers
	incremental    kindHandlers
	start          []Hook
	resyncStart    []Hook
	resyncComplete []Hook
}

// kindHandlers are handlers registered per kind, and for every kind.
type kindHandlers struct {
	byKind  map[string][]ResyncHandler
	anyKind []ResyncHandler
}

func (k *kindHandlers) add(kind string, h ResyncHandler) {
	if kind == "" {
		k.anyKind = append(k.anyKind, h)
		return
	}
	if k.byKind == nil {
		k.byKind = map[string][]ResyncHandler{}
	}
	k.byKind[kind] = append(k.byKind[kind], h)
}

// of returns the kind-specific handlers, then the ones for every kind.
func (k *kindHandlers) any() bool { return len(k.byKind) > 0 || len(k.anyKind) > 0 }

func (k *kindHandlers) of(kind string) []ResyncHandler {
	return append(slices.Clone(k.byKind[kind]), k.anyKind...)
}

// OnResync registers h for kind; an empty kind registers it for every kind,
// after the kind-specific handlers.
func (r *Registry) OnResync(kind string, h ResyncHandler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.resync.add(kind, h)
}

// ResyncHandlers returns the handlers that produce kind: the kind-specific ones,
// then the ones registered for every kind.
func (r *Registry) ResyncHandlers(kind string) []ResyncHandler {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.resync.of(kind)
}

// OnIncrementalResync registers h to produce the items of kind changed since
// the cursor an incremental sync carries in the handler's context; an empty
// kind registers it for every kind, after the kind-specific handlers.
func (r *Registry) OnIncrementalResync(kind string, h ResyncHandler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.incremental.add(kind, h)
}

// IncrementalHandlers returns the incremental handlers of kind: the
// kind-specific ones, then the ones registered for every kind. An incremental
// sync skips the kinds that have none.
func (r *Registry) IncrementalHandlers(kind string) []ResyncHandler {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.incremental.of(kind)
}

// HasResync reports whether any resync handler is registered.
func (r *Registry) HasResync() bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.resync.any()
}

// HasIncremental reports whether any incremental handler is registered.
func (r *Registry) HasIncremental() bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.incremental.any()
}

// Kinds returns the kinds with a kind-specific resync handler, sorted.
func (r *Registry) Kinds() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	kinds := make([]string, 0, len(r.resync.byKind))
	for k := range r.resync.byKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

// OnStart, OnResyncStart and OnResyncComplete register hooks.
func (r *Registry) OnStart(h Hook)          { r.add(&r.start, h) }
func (r *Registry) OnResyncStart(h Hook)    { r.add(&r.resyncStart, h) }
func (r *Registry) OnResyncComplete(h Hook) { r.add(&r.resyncComplete, h) }

// StartHooks, ResyncStartHooks and ResyncCompleteHooks return the hooks in
// registration order.
func (r *Registry) StartHooks() []Hook          { return r.get(r.start) }
func (r *Registry) ResyncStartHooks() []Hook    { return r.get(r.resyncStart) }
func (r *Registry) ResyncCompleteHooks() []Hook { return r.get(r.resyncComplete) }

func (r *Registry) add(list *[]Hook, h Hook) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*list = append(*list, h)
}

func (r *Registry) get(list []Hook) []Hook {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Clone(list)
}
