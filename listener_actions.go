package ocean

import (
	"context"
	"errors"

	"github.com/ocean-go/ocean/config"
	"github.com/ocean-go/ocean/internal/lifecycle"
)

// ACTIONS_ONLY: no resync, no webhooks; the integration executes Port's action
// runs and workflow-node runs with the executors registered by OnAction.
func init() {
	registerListener(config.ListenerActionsOnly, eventListener{
		check: func(a *App) error {
			if !a.settings.EventListener.ShouldRunActions {
				return errors.New("the ACTIONS_ONLY event listener with OCEAN__EVENT_LISTENER__SHOULD_RUN_ACTIONS=false would do nothing")
			}
			if len(a.actions.snapshot()) == 0 {
				return errors.New("the ACTIONS_ONLY event listener needs an action executor: register one with OnAction")
			}
			return nil
		},
		build: func(_ context.Context, a *App, ready func()) (lifecycle.Runnable, error) {
			p := a.newActionsProcessor()
			return lifecycle.Func(func(ctx context.Context) error {
				ready()
				return p.Start(ctx)
			}), nil
		},
	})
}

// startActionsBeside runs the actions processor beside an event listener other
// than ACTIONS_ONLY, when OCEAN__ACTIONS_PROCESSOR__ENABLED and executors exist.
func (a *App) startActionsBeside(ctx context.Context) {
	s := a.settings
	if s.EventListener.Type == config.ListenerActionsOnly {
		return
	}
	if !a.runsActions() {
		if s.ActionsProcessor.Enabled && s.EventListener.ShouldRunActions {
			a.log.Warn("OCEAN__ACTIONS_PROCESSOR__ENABLED is true but no action executor is registered (OnAction): action runs are not executed")
		}
		return
	}
	a.parts.Go(ctx, "actions processor", a.newActionsProcessor(), a.listenerStopBound())
	a.log.WithField("poll_interval", s.ActionsProcessor.PollInterval.String()).Info("Executing action runs")
}
