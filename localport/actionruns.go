package localport

import (
	"context"
	"net/http"
	"slices"
	"time"
)

// docActionRun documents are action runs, keyed by run id.
const docActionRun = "actionRun"

// Run statuses as Port reports them.
const (
	RunInProgress = "IN_PROGRESS"
	RunSuccess    = "SUCCESS"
	RunFailure    = "FAILURE"
)

// NewRun is what a user triggering an integration action sends: which
// installation runs it, the action and its execution properties.
type NewRun struct {
	InstallationID string `json:"installationId"`
	// Action is the Port action's identifier.
	Action string `json:"action"`
	// ActionType is the integration action type the executor is registered
	// for (integrationActionType); default: Action.
	ActionType string         `json:"integrationActionType,omitempty"`
	Properties map[string]any `json:"properties,omitempty"`
}

// Run is a stored action run, rendered as Port's ActionRun.
type Run struct {
	ID            string         `json:"id"`
	Status        string         `json:"status"`
	StatusLabel   string         `json:"statusLabel,omitempty"`
	Summary       string         `json:"summary,omitempty"`
	Link          any            `json:"link,omitempty"`
	ExternalRunID string         `json:"externalRunId,omitempty"`
	Action        map[string]any `json:"action"`
	Payload       RunPayload     `json:"payload"`
	CreatedAt     string         `json:"createdAt"`
	UpdatedAt     string         `json:"updatedAt"`
	// Logs are the run's log lines, oldest first (Port serves them apart;
	// here they ride along for inspection).
	Logs []RunLog `json:"logs"`
}

// RunPayload is the integration-action part of a run.
type RunPayload struct {
	Type           string         `json:"type"`
	InstallationID string         `json:"installationId"`
	ActionType     string         `json:"integrationActionType"`
	Properties     map[string]any `json:"integrationActionExecutionProperties"`
}

// RunLog is one line posted to a run.
type RunLog struct {
	Message           string `json:"message"`
	TerminationStatus string `json:"terminationStatus,omitempty"`
	StatusLabel       string `json:"statusLabel,omitempty"`
	CreatedAt         string `json:"createdAt"`
}

// storedRun keeps the fields Port does not render.
type storedRun struct {
	Run
	Seq          int64 `json:"seq"` // creation order, for claims
	Acked        bool  `json:"acked"`
	InvisibleTil int64 `json:"invisibleUntil"` // unix ns until which a claimed run is not claimed again
}

func (r *storedRun) unpack() Run {
	out := r.Run
	if out.Logs == nil {
		out.Logs = []RunLog{}
	}
	return out
}

// CreateRun stores a new IN_PROGRESS run for an installation, as Port does when
// a user triggers an integration action; the integration claims it next.
func (s *Server) CreateRun(nr NewRun) (Run, error) {
	return s.createRun(context.Background(), nr)
}

func (s *Server) createRun(ctx context.Context, nr NewRun) (Run, error) {
	if nr.InstallationID == "" || nr.Action == "" {
		return Run{}, invalid("installationId and action are required")
	}
	if nr.ActionType == "" {
		nr.ActionType = nr.Action
	}
	if nr.Properties == nil {
		nr.Properties = map[string]any{}
	}
	now := time.Now()
	r := storedRun{Run: Run{
		ID: "r_" + randomID(), Status: RunInProgress,
		Action:    map[string]any{"identifier": nr.Action},
		Payload:   RunPayload{Type: "INTEGRATION_ACTION", InstallationID: nr.InstallationID, ActionType: nr.ActionType, Properties: nr.Properties},
		CreatedAt: stamp(now), UpdatedAt: stamp(now), Logs: []RunLog{},
	}, Seq: now.UnixNano()}
	if err := s.db.write(ctx, func(tx *cachedTx) error { return saveDoc(ctx, tx, docActionRun, r.ID, &r) }); err != nil {
		return Run{}, err
	}
	return r.unpack(), nil
}

// GetRun returns a stored run with its logs.
func (s *Server) GetRun(id string) (Run, error) {
	r, err := loadRun(context.Background(), s.db.r, id)
	if err != nil {
		return Run{}, err
	}
	return r.unpack(), nil
}

func loadRun(ctx context.Context, q querier, id string) (*storedRun, error) {
	var r storedRun
	found, err := loadDoc(ctx, q, docActionRun, id, &r)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, notFound("Action run %q was not found", id)
	}
	return &r, nil
}

// allRuns lists the runs in creation order.
func allRuns(ctx context.Context, q querier) ([]*storedRun, error) {
	return allDocs(ctx, q, docActionRun, func(r *storedRun) int64 { return r.Seq })
}

// claimRequest is the body of POST /v1/actions/runs/claim-pending.
type claimRequest struct {
	InstallationID      string   `json:"installationId"`
	Limit               int      `json:"limit"`
	VisibilityTimeoutMs int64    `json:"visibilityTimeoutMs"`
	Exclude             []string `json:"exclude"`
}

// POST /v1/actions/runs/claim-pending: the installation's unacknowledged
// IN_PROGRESS runs not claimed within their visibility timeout, oldest first.
func (s *Server) claimPendingRuns(c *call) (int, any, error) {
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
	claimed := []Run{}
	err = s.db.write(ctx, func(tx *cachedTx) error {
		runs, err := allRuns(ctx, tx)
		if err != nil {
			return err
		}
		now := time.Now()
		for _, r := range runs {
			if len(claimed) == req.Limit {
				break
			}
			if r.Payload.InstallationID != req.InstallationID || r.Status != RunInProgress || r.Acked ||
				r.InvisibleTil > now.UnixNano() || slices.Contains(req.Exclude, r.Payload.ActionType) {
				continue
			}
			r.InvisibleTil = now.Add(time.Duration(req.VisibilityTimeoutMs) * time.Millisecond).UnixNano()
			if err := saveDoc(ctx, tx, docActionRun, r.ID, r); err != nil {
				return err
			}
			out := r.unpack()
			out.Logs = nil // Port's claim carries no logs
			claimed = append(claimed, out)
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok("runs", claimed), nil
}

// updateRun loads, changes and saves one run in one write.
func (s *Server) updateRun(ctx context.Context, id string, change func(r *storedRun, now string) error) (*storedRun, error) {
	var r *storedRun
	err := s.db.write(ctx, func(tx *cachedTx) error {
		var err error
		if r, err = loadRun(ctx, tx, id); err != nil {
			return err
		}
		now := stamp(time.Now())
		if err := change(r, now); err != nil {
			return err
		}
		r.UpdatedAt = now
		return saveDoc(ctx, tx, docActionRun, id, r)
	})
	return r, err
}

// PATCH /v1/actions/runs/ack: 409 when the run was acknowledged already.
func (s *Server) ackRun(c *call) (int, any, error) {
	body, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	id, _ := body["runId"].(string)
	if id == "" {
		return 0, nil, invalid("runId is required")
	}
	_, err = s.updateRun(c.r.Context(), id, func(r *storedRun, _ string) error {
		if r.Acked {
			return conflict("Action run %q was already acknowledged", id)
		}
		r.Acked = true
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok(), nil
}

// PATCH /v1/actions/runs/{runId}: status, statusLabel, summary, link, externalRunId.
func (s *Server) patchRun(c *call) (int, any, error) {
	body, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	r, err := s.updateRun(c.r.Context(), c.param("runId"), func(r *storedRun, _ string) error {
		for _, k := range sortedKeys(body) {
			v := body[k]
			str, isStr := v.(string)
			switch k {
			case "status":
				if !isStr || (str != RunSuccess && str != RunFailure) {
					return invalid("status must be SUCCESS or FAILURE, got %s", compact(v))
				}
				if r.Status != RunInProgress {
					return invalid("Action run %q already finished with %s", r.ID, r.Status)
				}
				r.Status = str
			case "statusLabel", "summary", "externalRunId":
				if !isStr {
					return invalid("%s must be a string, got %s", k, compact(v))
				}
				switch k {
				case "statusLabel":
					r.StatusLabel = str
				case "summary":
					r.Summary = str
				default:
					r.ExternalRunID = str
				}
			case "link":
				r.Link = v
			default:
				return invalid("unknown action run field %q", k)
			}
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok("run", r.unpack()), nil
}

// POST /v1/actions/runs/{runId}/logs: message, optional terminationStatus
// (which finishes the run) and statusLabel.
func (s *Server) postRunLog(c *call) (int, any, error) {
	data, err := c.body()
	if err != nil {
		return 0, nil, err
	}
	var l RunLog
	if err := decodeJSON(data, &l); err != nil {
		return 0, nil, err
	}
	if l.Message == "" {
		return 0, nil, invalid("message is required")
	}
	if l.TerminationStatus != "" && l.TerminationStatus != RunSuccess && l.TerminationStatus != RunFailure {
		return 0, nil, invalid("terminationStatus must be SUCCESS or FAILURE, got %q", l.TerminationStatus)
	}
	_, err = s.updateRun(c.r.Context(), c.param("runId"), func(r *storedRun, now string) error {
		l.CreatedAt = now
		r.Logs = append(r.Logs, l)
		if l.TerminationStatus != "" && r.Status == RunInProgress {
			r.Status = l.TerminationStatus
		}
		if l.StatusLabel != "" {
			r.StatusLabel = l.StatusLabel
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, ok("runLog", l), nil
}

// GET /v1/actions/runs?external_run_id=: the runs with that external id (all without it).
func (s *Server) listRuns(c *call) (int, any, error) {
	runs, err := allRuns(c.r.Context(), s.db.r)
	if err != nil {
		return 0, nil, err
	}
	ext := c.r.URL.Query().Get("external_run_id")
	out := []Run{}
	for _, r := range runs {
		if ext == "" || r.ExternalRunID == ext {
			out = append(out, r.unpack())
		}
	}
	return http.StatusOK, ok("runs", out), nil
}

// GET /v1/actions/runs/{runId}
func (s *Server) getRun(c *call) (int, any, error) {
	r, err := loadRun(c.r.Context(), s.db.r, c.param("runId"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok("run", r.unpack()), nil
}

// POST /_admin/actions/runs: body is a NewRun; 201 with the run.
func (s *Server) adminCreateRun(c *call) (int, any, error) {
	data, err := c.body()
	if err != nil {
		return 0, nil, err
	}
	var nr NewRun
	if err := decodeJSON(data, &nr); err != nil {
		return 0, nil, err
	}
	r, err := s.createRun(c.r.Context(), nr)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, ok("run", r), nil
}
