package port

import (
	"context"
	"encoding/json"
	"net/http"
)

// Action-run statuses.
const (
	RunInProgress = "IN_PROGRESS"
	RunSuccess    = "SUCCESS"
	RunFailure    = "FAILURE"
)

// ActionRun is a run of a self-service action that an integration executes.
type ActionRun struct {
	ID            string          `json:"id"`
	Status        string          `json:"status"`
	StatusLabel   string          `json:"statusLabel,omitempty"`
	ExternalRunID string          `json:"externalRunId,omitempty"`
	Action        ActionRef       `json:"action"`
	Payload       ActionRunTarget `json:"payload"`
	CreatedAt     string          `json:"createdAt,omitempty"`
	UpdatedAt     string          `json:"updatedAt,omitempty"`
}

// ActionRef names the Port action a run belongs to.
type ActionRef struct {
	Identifier string `json:"identifier"`
}

// ActionRunTarget is the integration-action payload of a run: which
// installation executes it, as which action type, with which properties.
type ActionRunTarget struct {
	Type                string          `json:"type"`
	InstallationID      string          `json:"installationId"`
	ActionType          string          `json:"integrationActionType"`
	ExecutionProperties json.RawMessage `json:"integrationActionExecutionProperties,omitempty"`
}

// ClaimRunsRequest is the body of POST /v1/actions/runs/claim-pending.
type ClaimRunsRequest struct {
	InstallationID      string   `json:"installationId"` // default: the client's identifier
	Limit               int      `json:"limit"`
	VisibilityTimeoutMs int64    `json:"visibilityTimeoutMs"`
	Exclude             []string `json:"exclude,omitempty"` // action types not to claim
}

// reserved marks the calls Port reserves for integrations' action processing.
func reserved() http.Header { return http.Header{"X-Port-Reserved-Usage": {"true"}} }

// ClaimPendingRuns claims up to Limit pending runs; Port hides them from
// other claims for the visibility timeout.
func (c *Client) ClaimPendingRuns(ctx context.Context, req ClaimRunsRequest) ([]ActionRun, error) {
	if req.InstallationID == "" {
		req.InstallationID = c.cfg.UserAgent.Identifier
	}
	var resp struct {
		Runs []ActionRun `json:"runs"`
	}
	// Safe to repeat: runs of a claim whose answer was lost come back after
	// their visibility timeout.
	cl := call{method: http.MethodPost, path: "/actions/runs/claim-pending", body: req, header: reserved(), retryable: true}
	if _, err := c.do(ctx, cl, &resp); err != nil {
		return nil, err
	}
	return resp.Runs, nil
}

// AckRun acknowledges a claimed run: from then on it is this client's to
// execute. ErrConflict: it was acknowledged already (by another replica).
func (c *Client) AckRun(ctx context.Context, runID string) error {
	cl := call{method: http.MethodPatch, path: "/actions/runs/ack", body: map[string]string{"runId": runID}, header: reserved()}
	_, err := c.do(ctx, cl, nil)
	return err
}

// RunPatch is the body of PATCH /v1/actions/runs/{runId}; empty fields are not sent.
type RunPatch struct {
	Status        string `json:"status,omitempty"` // SUCCESS or FAILURE
	StatusLabel   string `json:"statusLabel,omitempty"`
	Summary       string `json:"summary,omitempty"`
	Link          string `json:"link,omitempty"`
	ExternalRunID string `json:"externalRunId,omitempty"`
}

// PatchRun updates a run: its final status, a link, its id in the external system.
func (c *Client) PatchRun(ctx context.Context, runID string, patch RunPatch) (*ActionRun, error) {
	var resp struct {
		Run *ActionRun `json:"run"`
	}
	if _, err := c.do(ctx, call{method: http.MethodPatch, path: "/actions/runs/" + seg(runID), body: patch}, &resp); err != nil {
		return nil, err
	}
	return resp.Run, nil
}

// RunLog is one log line of a run; TerminationStatus (SUCCESS or FAILURE) also finishes it.
type RunLog struct {
	Message           string `json:"message"`
	TerminationStatus string `json:"terminationStatus,omitempty"`
	StatusLabel       string `json:"statusLabel,omitempty"`
}

// PostRunLog adds a log line to a run, shown to the user who triggered it.
func (c *Client) PostRunLog(ctx context.Context, runID string, log RunLog) error {
	_, err := c.do(ctx, call{method: http.MethodPost, path: "/actions/runs/" + seg(runID) + "/logs", body: log}, nil)
	return err
}

// RunsByExternalID returns the runs whose externalRunId is id.
func (c *Client) RunsByExternalID(ctx context.Context, id string) ([]ActionRun, error) {
	q := params{}.add("version", "v2").add("external_run_id", id)
	var resp struct {
		Runs []ActionRun `json:"runs"`
	}
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/actions/runs", query: q}, &resp); err != nil {
		return nil, err
	}
	return resp.Runs, nil
}
