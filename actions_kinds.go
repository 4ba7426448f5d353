package ocean

import (
	"context"
	"encoding/json"

	"github.com/ocean-go/ocean/clients/port"
)

// claimedRun is a run of either kind as the processor handles it.
type claimedRun struct {
	ID         string
	Action     string // the Port action's identifier; "" for a workflow node's run
	Type       string // integration action type: which executor runs it
	Properties json.RawMessage
	report     *runReporter // set by the processor's claim
}

// runAPI is Port's API for one kind of run the actions processor executes.
type runAPI interface {
	noun() string // names the kind in log lines
	claim(ctx context.Context, req port.ClaimRunsRequest) ([]claimedRun, error)
	ack(ctx context.Context, id string) error
	log(ctx context.Context, id, level, message string) error
	link(ctx context.Context, id, link, externalID string) error
	finish(ctx context.Context, id string, succeeded bool) error
}

// actionRuns: runs of Port self-service actions (/v1/actions/runs).
type actionRuns struct{ c *port.Client }

func (actionRuns) noun() string { return "action run" }

func (a actionRuns) claim(ctx context.Context, req port.ClaimRunsRequest) ([]claimedRun, error) {
	runs, err := a.c.ClaimPendingRuns(ctx, req)
	out := make([]claimedRun, 0, len(runs))
	for _, r := range runs {
		out = append(out, claimedRun{ID: r.ID, Action: r.Action.Identifier, Type: r.Payload.ActionType, Properties: r.Payload.ExecutionProperties})
	}
	return out, err
}

func (a actionRuns) ack(ctx context.Context, id string) error { return a.c.AckRun(ctx, id) }

// log: action-run logs have no level.
func (a actionRuns) log(ctx context.Context, id, _, message string) error {
	return a.c.PostRunLog(ctx, id, port.RunLog{Message: message})
}

func (a actionRuns) link(ctx context.Context, id, link, externalID string) error {
	_, err := a.c.PatchRun(ctx, id, port.RunPatch{Link: link, ExternalRunID: externalID})
	return err
}

func (a actionRuns) finish(ctx context.Context, id string, succeeded bool) error {
	status := port.RunFailure
	if succeeded {
		status = port.RunSuccess
	}
	_, err := a.c.PatchRun(ctx, id, port.RunPatch{Status: status})
	return err
}

// nodeRuns: runs of Port workflow nodes that invoke an integration action
// (/v1/workflows/...).
type nodeRuns struct{ c *port.Client }

func (nodeRuns) noun() string { return "workflow node run" }

func (n nodeRuns) claim(ctx context.Context, req port.ClaimRunsRequest) ([]claimedRun, error) {
	runs, err := n.c.ClaimPendingNodeRuns(ctx, req)
	out := make([]claimedRun, 0, len(runs))
	for _, r := range runs {
		cr := claimedRun{ID: r.Identifier, Type: r.ActionType()}
		if r.Config != nil {
			cr.Properties = r.Config.ExecutionProperties
		}
		out = append(out, cr)
	}
	return out, err
}

func (n nodeRuns) ack(ctx context.Context, id string) error { return n.c.AckNodeRun(ctx, id) }

func (n nodeRuns) log(ctx context.Context, id, level, message string) error {
	return n.c.PostNodeRunLogs(ctx, id, port.NodeRunLog{Level: level, Message: message})
}

// link: the node run stays IN_PROGRESS, with the link among its links.
func (n nodeRuns) link(ctx context.Context, id, link, externalID string) error {
	patch := port.NodeRunPatch{Status: port.NodeRunInProgress, ExternalRunID: externalID}
	if link != "" {
		patch.Links = []string{link}
	}
	_, err := n.c.PatchNodeRun(ctx, id, patch)
	return err
}

func (n nodeRuns) finish(ctx context.Context, id string, succeeded bool) error {
	result := port.NodeRunFailed
	if succeeded {
		result = port.NodeRunSuccess
	}
	_, err := n.c.PatchNodeRun(ctx, id, port.NodeRunPatch{Status: port.NodeRunCompleted, Result: result})
	return err
}
