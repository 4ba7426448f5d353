package ocean

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ocean-go/ocean/config"
	"github.com/ocean-go/ocean/internal/lifecycle"
)

// An eventListener is one OCEAN__EVENT_LISTENER__TYPE. Each registers itself
// from its own file (listener_*.go) with registerListener, which also declares
// and reads its own OCEAN__EVENT_LISTENER__* keys.
type eventListener struct {
	// options reads the listener's own keys into its settings, found in
	// a.settings.EventListener.Options (nil: it has none).
	options config.ListenerReader
	// changelog is the changelog destination reported to Port: where Port
	// sends resync requests (nil: {}, the listener asks Port itself).
	changelog func(a *App) map[string]any
	// check refuses, before anything binds a port or calls Port, settings this
	// listener cannot run with (nil: none).
	check func(a *App) error
	// routes registers the listener's HTTP routes before the server serves
	// (nil: none).
	routes func(a *App)
	// build returns the listening runnable, once the integration is
	// initialised; it calls ready when it listens (for /health/ready).
	build func(ctx context.Context, a *App, ready func()) (lifecycle.Runnable, error)
}

var eventListeners = map[config.ListenerType]eventListener{}

func registerListener(t config.ListenerType, l eventListener) {
	if _, dup := eventListeners[t]; dup {
		panic("ocean: event listener " + string(t) + " registered twice")
	}
	eventListeners[t] = l
}

// listenerReaders are the registered types and the readers of their keys, for config.Load.
func listenerReaders() map[config.ListenerType]config.ListenerReader {
	readers := make(map[config.ListenerType]config.ListenerReader, len(eventListeners))
	for t, l := range eventListeners {
		readers[t] = l.options
	}
	return readers
}

// changelogDestination is what the integration tells Port about where to
// send resync requests.
func (a *App) changelogDestination() map[string]any {
	if l, ok := eventListeners[a.settings.EventListener.Type]; ok && l.changelog != nil {
		return l.changelog(a)
	}
	return map[string]any{}
}

// listenerOf is the registered listener of the settings' type, or an error
// that says what to set instead.
func (a *App) listenerOf() (eventListener, error) {
	t := a.settings.EventListener.Type
	if l, ok := eventListeners[t]; ok {
		return l, nil
	}
	var have []string
	for name := range eventListeners {
		have = append(have, string(name))
	}
	slices.Sort(have)
	return eventListener{}, fmt.Errorf("the %s event listener is not available in ocean-go: set OCEAN__EVENT_LISTENER__TYPE to one of %s",
		t, strings.Join(have, ", "))
}
