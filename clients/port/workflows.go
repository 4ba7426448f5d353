package port

import (
	"context"
	"encoding/json"
	"net/http"
)

// Workflow-node run statuses and results: a node run is IN_PROGRESS until it
// is COMPLETED with a result.
const (
	NodeRunInProgress = "IN_PROGRESS"
	NodeRunCompleted  = "COMPLETED"

	NodeRunSuccess   = "SUCCESS"
	NodeRunFailed    = "FAILED"
	NodeRunCancelled = "CANCELLED"
)

// Levels of a node run's log line.
const (
	LogInfo  = "INFO"
	LogWarn  = "WARN"
	LogError = "ERROR"
	LogDebug = "DEBUG"
)

// NodeRun is the run of one node of a Port workflow that an integration
// executes, like an action run, with the same executors.
type NodeRun struct {
	Identifier     string `json:"identifier"`
	NodeUID        string `json:"nodeUid,omitempty"`
	Status         string `json:"status"`
	Result         string `json:"result,omitempty"`
	InstallationID string `json:"installationId,omitempty"`
	ExternalRunID  string `json:"externalRunId,omitempty"`
	// Config says what to execute. Port sends it as "config" or inside
	// "node"; both land here.
	Config    *NodeConfig    `json:"config,omitempty"`
	Output    map[string]any `json:"output,omitempty"`
	Links     []string       `json:"links,omitempty"`
	CreatedAt string         `json:"createdAt,omitempty"`
	UpdatedAt string         `json:"updatedAt,omitempty"`
}

// NodeConfig is the integration-action configuration of a workflow node.
type NodeConfig struct {
	Type                string          `json:"type"` // INTEGRATION_ACTION
	InstallationID      string          `json:"installationId,omitempty"`
	Provider            string          `json:"integrationProvider,omitempty"`
	ActionType          string          `json:"integrationActionType,omitempty"`
	InvocationType      string          `json:"integrationInvocationType,omitempty"`
	ExecutionProperties json.RawMessage `json:"integrationActionExecutionProperties,omitempty"`
}

// UnmarshalJSON accepts Port's shapes of a node run: "id" for "identifier",
// and the config at "config" or at "node.config".
func (r *NodeRun) UnmarshalJSON(data []byte) error {
	type plain NodeRun
	var wire struct {
		plain
		ID   string `json:"id"`
		Node *struct {
			Config *NodeConfig `json:"config"`
		} `json:"node"`
	}
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*r = NodeRun(wire.plain)
	if r.Identifier == "" {
		r.Identifier = wire.ID
	}
	if r.Config == nil && wire.Node != nil {
		r.Config = wire.Node.Config
	}
	return nil
}

// ActionType is the integration action type whose executor runs the node:
// integrationActionType, or integrationInvocationType without it (as Ocean
// reads it); "" without a config.
func (r NodeRun) ActionType() string {
	if r.Config == nil {
		return ""
	}
	if r.Config.ActionType != "" {
		return r.Config.ActionType
	}
	return r.Config.InvocationType
}

// ClaimPendingNodeRuns claims up to Limit pending workflow-node runs (POST
// /v1/workflows/runs/claim-pending, same body as ClaimPendingRuns); Port hides
// them from other claims for the visibility timeout.
func (c *Client) ClaimPendingNodeRuns(ctx context.Context, req ClaimRunsRequest) ([]NodeRun, error) {
	if req.InstallationID == "" {
		req.InstallationID = c.cfg.UserAgent.Identifier
	}
	var resp struct {
		NodeRuns []NodeRun `json:"nodeRuns"`
	}
	// Safe to repeat, as the action-run claim.
	cl := call{method: http.MethodPost, path: "/workflows/runs/claim-pending", body: req, header: reserved(), retryable: true}
	if _, err := c.do(ctx, cl, &resp); err != nil {
		return nil, err
	}
	return resp.NodeRuns, nil
}

// AckNodeRun acknowledges a claimed node run: from then on it is this
// client's to execute. ErrConflict: it was acknowledged already.
func (c *Client) AckNodeRun(ctx context.Context, id string) error {
	body := map[string]string{"nodeRunIdentifier": id}
	_, err := c.do(ctx, call{method: http.MethodPatch, path: "/workflows/runs/ack", body: body, header: reserved()}, nil)
	return err
}

// NodeRunPatch is the body of PATCH /v1/workflows/nodes/runs/{id}; empty
// fields are not sent. Status COMPLETED needs a Result.
type NodeRunPatch struct {
	Status        string         `json:"status,omitempty"`
	Result        string         `json:"result,omitempty"`
	ExternalRunID string         `json:"externalRunId,omitempty"`
	Output        map[string]any `json:"output,omitempty"`
	Links         []string       `json:"links,omitempty"`
}

// PatchNodeRun updates a node run: its links and id in the external system
// while in progress, its result when completed.
func (c *Client) PatchNodeRun(ctx context.Context, id string, patch NodeRunPatch) (*NodeRun, error) {
	var resp struct {
		NodeRun *NodeRun `json:"nodeRun"`
	}
	if _, err := c.do(ctx, call{method: http.MethodPatch, path: "/workflows/nodes/runs/" + seg(id), body: patch}, &resp); err != nil {
		return nil, err
	}
	return resp.NodeRun, nil
}

// NodeRunLog is one log line of a node run.
type NodeRunLog struct {
	Level   string `json:"level"` // LogInfo, LogWarn, LogError or LogDebug
	Message string `json:"message"`
}

// PostNodeRunLogs adds log lines to a node run, shown in the workflow's run.
func (c *Client) PostNodeRunLogs(ctx context.Context, id string, logs ...NodeRunLog) error {
	body := map[string][]NodeRunLog{"logs": logs}
	_, err := c.do(ctx, call{method: http.MethodPost, path: "/workflows/nodes/runs/" + seg(id) + "/logs", body: body}, nil)
	return err
}

// NodeRunsByExternalID returns the node runs whose externalRunId is id, with
// their node's config.
func (c *Client) NodeRunsByExternalID(ctx context.Context, id string) ([]NodeRun, error) {
	q := params{}.add("external_run_id", id).add("include", "nodeConfig")
	var resp struct {
		NodeRuns []NodeRun `json:"nodeRuns"`
	}
	cl := call{method: http.MethodGet, path: "/workflows/nodes/runs", query: q, header: reserved()}
	if _, err := c.do(ctx, cl, &resp); err != nil {
		return nil, err
	}
	return resp.NodeRuns, nil
}
