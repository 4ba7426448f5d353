package localport

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"
)

// docNodeRun documents are workflow-node runs, keyed by identifier.
const docNodeRun = "workflowNodeRun"

// Workflow-node run statuses and results as Port reports them.
const (
	NodeRunInProgress = "IN_PROGRESS"
	NodeRunCompleted  = "COMPLETED"

	NodeRunSuccess   = "SUCCESS"
	NodeRunFailed    = "FAILED"
	NodeRunCancelled = "CANCELLED"
)

// nodeRunLevels are the levels a node run's log line may have.
var nodeRunLevels = []string{"INFO", "WARN", "ERROR", "DEBUG"}

// NewNodeRun is what a Port workflow reaching an integration-action node
// creates: which installation runs it, as which action type, with which
// execution properties.
type NewNodeRun struct {
	InstallationID string `json:"installationId"`
	// ActionType is the integration action type the executor is registered
	// for (integrationActionType).
	ActionType string `json:"integrationActionType"`
	// NodeUID names the node in its workflow; default: a new one.
	NodeUID    string         `json:"nodeUid,omitempty"`
	Properties map[string]any `json:"properties,omitempty"`
}

// NodeRun is a stored workflow-node run, rendered as Port's node run.
type NodeRun struct {
	Identifier    string         `json:"identifier"`
	NodeUID       string         `json:"nodeUid"`
	Status        string         `json:"status"`
	Result        string         `json:"result,omitempty"`
	ExternalRunID string         `json:"externalRunId,omitempty"`
	Links         []string       `json:"links,omitempty"`
	Output        map[string]any `json:"output"`
	Config        NodeConfig     `json:"config"`
	CreatedAt     string         `json:"createdAt"`
	UpdatedAt     string         `json:"updatedAt"`
	// Logs are the run's log lines, oldest first (Port serves them apart;
	// here they ride along for inspection).
	Logs []NodeRunLog `json:"logs"`
}

// NodeConfig is the integration-action configuration of the run's node.
type NodeConfig struct {
	Type           string         `json:"type"`
	InstallationID string         `json:"installationId"`
	ActionType     string         `json:"integrationActionType"`
	Properties     map[string]any `json:"integrationActionExecutionProperties"`
}

// NodeRunLog is one line posted to a node run.
type NodeRunLog struct {
	Level     string `json:"level"`
	Message   string `json:"message"`
	CreatedAt string `json:"createdAt"`
}

// storedNodeRun keeps the fields Port does not render.
type storedNodeRun struct {
	NodeRun
	Seq          int64 `json:"seq"` // creation order, for claims
	Acked        bool  `json:"acked"`
	InvisibleTil int64 `json:"invisibleUntil"` // unix ns until which a claimed run is not claimed again
}

func (r *storedNodeRun) unpack() NodeRun {
	out := r.NodeRun
	if out.Logs == nil {
		out.Logs = []NodeRunLog{}
	}
	return out
}

// rendered is the run as Port's API shows it: without logs, the config at
// "config" (claim) or inside "node" (listing with include=nodeConfig), or not
// at all.
func (r *storedNodeRun) rendered(config string) map[string]any {
	out := map[string]any{
		"identifier": r.Identifier, "nodeUid": r.NodeUID, "status": r.Status, "output": r.Output,
		"createdAt": r.CreatedAt, "updatedAt": r.UpdatedAt,
	}
	for k, v := range map[string]string{"result": r.Result, "externalRunId": r.ExternalRunID} {
		if v != "" {
			out[k] = v
		}
	}
	if len(r.Links) > 0 {
		out["links"] = r.Links
	}
	switch config {
	case "config":
		out["config"] = r.Config
	case "node":
		out["node"] = map[string]any{"uid": r.NodeUID, "config": r.Config}
	}
	return out
}

// CreateNodeRun stores a new IN_PROGRESS node run for an installation, as
// Port does when a workflow reaches an integration-action node; the
// integration claims it next.
func (s *Server) CreateNodeRun(nr NewNodeRun) (NodeRun, error) {
	return s.createNodeRun(context.Background(), nr)
}

func (s *Server) createNodeRun(ctx context.Context, nr NewNodeRun) (NodeRun, error) {
	if nr.InstallationID == "" || nr.ActionType == "" {
		return NodeRun{}, invalid("installationId and integrationActionType are required")
	}
	if nr.NodeUID == "" {
		nr.NodeUID = "n_" + randomID()
	}
	if nr.Properties == nil {
		nr.Properties = map[string]any{}
	}
	now := time.Now()
	r := storedNodeRun{NodeRun: NodeRun{
		Identifier: "wfnr_" + randomID(), NodeUID: nr.NodeUID, Status: NodeRunInProgress, Output: map[string]any{},
		Config:    NodeConfig{Type: "INTEGRATION_ACTION", InstallationID: nr.InstallationID, ActionType: nr.ActionType, Properties: nr.Properties},
		CreatedAt: stamp(now), UpdatedAt: stamp(now), Logs: []NodeRunLog{},
	}, Seq: now.UnixNano()}
	if err := s.db.write(ctx, func(tx *cachedTx) error { return saveDoc(ctx, tx, docNodeRun, r.Identifier, &r) }); err != nil {
		return NodeRun{}, err
	}
	return r.unpack(), nil
}

// GetNodeRun returns a stored node run with its logs.
func (s *Server) GetNodeRun(id string) (NodeRun, error) {
	r, err := loadNodeRun(context.Background(), s.db.r, id)
	if err != nil {
		return NodeRun{}, err
	}
	return r.unpack(), nil
}

func loadNodeRun(ctx context.Context, q querier, id string) (*storedNodeRun, error) {
	var r storedNodeRun
	found, err := loadDoc(ctx, q, docNodeRun, id, &r)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, notFound("Workflow node run %q was not found", id)
	}
	return &r, nil
}

// allNodeRuns lists the node runs in creation order.
func allNodeRuns(ctx context.Context, q querier) ([]*storedNodeRun, error) {
	return allDocs(ctx, q, docNodeRun, func(r *storedNodeRun) int64 { return r.Seq })
}

// reservedUsage refuses a call Port reserves for integrations (claim, ack,
// listing of node runs) when it lacks x-port-reserved-usage: true.
func reservedUsage(c *call) error {
	if !strings.EqualFold(c.r.Header.Get("X-Port-Reserved-Usage"), "true") {
		return newError(http.StatusForbidden, codeForbidden, "%s %s is reserved for integrations: send x-port-reserved-usage: true", c.r.Method, c.r.URL.Path)
	}
	return nil
}

// POST /v1/workflows/runs/claim-pending: the installation's unacknowledged
// IN_PROGRESS node runs not claimed within their visibility timeout, oldest
// first; exclude lists action types not to claim.
func (s *Server) claimPendingNodeRuns(c *call) (int, any, error) {
	if err := reservedUsage(c); err != nil {
		return 0, nil, err
	}
	data, err := c.body()
	if err != nil {
		return 0, nil, err
	}
	var req claimRequest
	if err := decodeJSON(data, &req); err != nil {
		return 0, nil, err
	}
	if req.InstallationID == "" || req.Limit < 1 || req.VisibilityTimeoutMs < 1 {
		return 0, nil, invalid("installationId, a positive limit and a positive visibilityTimeoutMs are required")
	}
	ctx := c.r.Context()
	claimed := []map[string]any{}
	err = s.db.write(ctx, func(tx *cachedTx) error {
		runs, err := allNodeRuns(ctx, tx)
		if err != nil {
			return err
		}
		now := time.Now()
		for _, r := range runs {
			if len(claimed) == req.Limit {
				break
			}
			if r.Config.InstallationID != req.InstallationID || r.Status != NodeRunInProgress || r.Acked ||
				r.InvisibleTil > now.UnixNano() || slices.Contains(req.Exclude, r.Config.ActionType) {
				continue
			}
			r.InvisibleTil = now.Add(time.Duration(req.VisibilityTimeoutMs) * time.Millisecond).UnixNano()
			if err := saveDoc(ctx, tx, docNodeRun, r.Identifier, r); err != nil {
				return err
			}
			claimed = append(claimed, r.rendered("config"))
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok("nodeRuns", claimed), nil
}

// updateNodeRun loads, changes and saves one node run in one write.
func (s *Server) updateNodeRun(ctx context.Context, id string, change func(r *storedNodeRun, now string) error) (*storedNodeRun, error) {
	var r *storedNodeRun
	err := s.db.write(ctx, func(tx *cachedTx) error {
		var err error
		if r, err = loadNodeRun(ctx, tx, id); err != nil {
			return err
		}
		now := stamp(time.Now())
		if err := change(r, now); err != nil {
			return err
		}
		r.UpdatedAt = now
		return saveDoc(ctx, tx, docNodeRun, id, r)
	})
	return r, err
}

// PATCH /v1/workflows/runs/ack: 409 when the node run was acknowledged already.
func (s *Server) ackNodeRun(c *call) (int, any, error) {
	if err := reservedUsage(c); err != nil {
		return 0, nil, err
	}
	body, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	id, _ := body["nodeRunIdentifier"].(string)
	if id == "" {
		return 0, nil, invalid("nodeRunIdentifier is required")
	}
	_, err = s.updateNodeRun(c.r.Context(), id, func(r *storedNodeRun, _ string) error {
		if r.Acked {
			return conflict("Workflow node run %q was already acknowledged", id)
		}
		r.Acked = true
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok(), nil
}

// PATCH /v1/workflows/nodes/runs/{id}: status IN_PROGRESS, or COMPLETED with
// a result (once); externalRunId, output, links.
func (s *Server) patchNodeRun(c *call) (int, any, error) {
	body, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	status, hasStatus := body["status"]
	result, hasResult := body["result"]
	switch {
	case hasStatus && status != NodeRunInProgress && status != NodeRunCompleted:
		return 0, nil, invalid("status must be IN_PROGRESS or COMPLETED, got %s", compact(status))
	case status == NodeRunCompleted && !hasResult:
		return 0, nil, invalid("a COMPLETED node run needs a result")
	case hasResult && status != NodeRunCompleted:
		return 0, nil, invalid("result is only set with status COMPLETED")
	case hasResult && result != NodeRunSuccess && result != NodeRunFailed && result != NodeRunCancelled:
		return 0, nil, invalid("result must be SUCCESS, FAILED or CANCELLED, got %s", compact(result))
	}
	r, err := s.updateNodeRun(c.r.Context(), c.param("id"), func(r *storedNodeRun, _ string) error {
		if r.Status == NodeRunCompleted {
			return invalid("Workflow node run %q already completed with %s", r.Identifier, r.Result)
		}
		for _, k := range sortedKeys(body) {
			v := body[k]
			switch k {
			case "status":
				r.Status = v.(string)
			case "result":
				r.Result = v.(string)
			case "externalRunId":
				str, isStr := v.(string)
				if !isStr {
					return invalid("externalRunId must be a string, got %s", compact(v))
				}
				r.ExternalRunID = str
			case "output":
				obj, isObj := v.(map[string]any)
				if !isObj {
					return invalid("output must be an object, got %s", compact(v))
				}
				r.Output = obj
			case "links":
				links, err := stringList(v)
				if err != nil {
					return err
				}
				r.Links = links
			default:
				return invalid("unknown workflow node run field %q", k)
			}
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok("nodeRun", r.rendered("")), nil
}

func stringList(v any) ([]string, error) {
	list, isList := v.([]any)
	if !isList {
		return nil, invalid("links must be an array of strings, got %s", compact(v))
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		str, isStr := item.(string)
		if !isStr {
			return nil, invalid("links must be an array of strings, got %s", compact(v))
		}
		out = append(out, str)
	}
	return out, nil
}

// POST /v1/workflows/nodes/runs/{id}/logs: {"logs": [{"level", "message"}]} → 201.
func (s *Server) postNodeRunLogs(c *call) (int, any, error) {
	data, err := c.body()
	if err != nil {
		return 0, nil, err
	}
	var req struct {
		Logs []NodeRunLog `json:"logs"`
	}
	if err := decodeJSON(data, &req); err != nil {
		return 0, nil, err
	}
	if len(req.Logs) == 0 {
		return 0, nil, invalid("logs must hold at least one line")
	}
	for _, l := range req.Logs {
		if l.Message == "" {
			return 0, nil, invalid("every log line needs a message")
		}
		if !slices.Contains(nodeRunLevels, l.Level) {
			return 0, nil, invalid("level must be one of %s, got %q", strings.Join(nodeRunLevels, ", "), l.Level)
		}
	}
	_, err = s.updateNodeRun(c.r.Context(), c.param("id"), func(r *storedNodeRun, now string) error {
		for _, l := range req.Logs {
			l.CreatedAt = now
			r.Logs = append(r.Logs, l)
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, ok(), nil
}

// GET /v1/workflows/nodes/runs?external_run_id=&include=nodeConfig: the node
// runs with that external id (all without it); their node's config only
// with include=nodeConfig.
func (s *Server) listNodeRuns(c *call) (int, any, error) {
	if err := reservedUsage(c); err != nil {
		return 0, nil, err
	}
	runs, err := allNodeRuns(c.r.Context(), s.db.r)
	if err != nil {
		return 0, nil, err
	}
	q := c.r.URL.Query()
	ext, config := q.Get("external_run_id"), ""
	if slices.Contains(strings.Split(q.Get("include"), ","), "nodeConfig") {
		config = "node"
	}
	out := []map[string]any{}
	for _, r := range runs {
		if ext == "" || r.ExternalRunID == ext {
			out = append(out, r.rendered(config))
		}
	}
	return http.StatusOK, ok("nodeRuns", out), nil
}

// GET /v1/workflows/nodes/runs/{id}: the node run with its config and logs.
func (s *Server) getNodeRun(c *call) (int, any, error) {
	r, err := loadNodeRun(c.r.Context(), s.db.r, c.param("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok("nodeRun", r.unpack()), nil
}

// POST /_admin/workflows/nodes/runs: body is a NewNodeRun; 201 with the node run.
func (s *Server) adminCreateNodeRun(c *call) (int, any, error) {
	data, err := c.body()
	if err != nil {
		return 0, nil, err
	}
	var nr NewNodeRun
	if err := decodeJSON(data, &nr); err != nil {
		return 0, nil, err
	}
	r, err := s.createNodeRun(c.r.Context(), nr)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, ok("nodeRun", r), nil
}
