package port

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// The integration calls act on the integration named by UserAgent.Identifier.

func (c *Client) integrationPath() string { return "/integration/" + seg(c.cfg.UserAgent.Identifier) }

type integrationResponse struct {
	Integration *Integration `json:"integration"`
}

func (r *integrationResponse) get(op string) (*Integration, error) {
	if r.Integration == nil {
		return nil, fmt.Errorf("port: %s: response has no integration", op)
	}
	return r.Integration, nil
}

// GetIntegration reads the integration; ErrNotFound when it does not exist yet.
func (c *Client) GetIntegration(ctx context.Context) (*Integration, error) {
	q := params{}.addIf("oceanCoreVersion", c.cfg.CoreVersion).addBool("isPolling", false)
	var resp integrationResponse
	if _, err := c.do(ctx, call{method: http.MethodGet, path: c.integrationPath(), query: q}, &resp); err != nil {
		return nil, err
	}
	return resp.get("get integration")
}

// CreateIntegrationRequest is the body of POST /v1/integration.
type CreateIntegrationRequest struct {
	InstallationID            string         `json:"installationId"` // default: the client's identifier
	InstallationAppType       string         `json:"installationAppType"`
	Version                   string         `json:"version"`
	ChangelogDestination      map[string]any `json:"changelogDestination"` // nil = {}
	Config                    any            `json:"config"`               // port app config; nil = {}
	ActionsProcessingEnabled  bool           `json:"actionsProcessingEnabled"`
	IncrementalSyncEnabled    bool           `json:"incrementalSyncEnabled"`
	ProcessingMode            string         `json:"processingMode,omitempty"` // ocean-core, dsp
	CreatePortResourcesOrigin string         `json:"createPortResourcesOrigin,omitempty"`
	Title                     *string        `json:"title,omitempty"`
	// CreateResources asks Port to provision blueprints and mapping itself
	// (query integration_modes=create_resources, origin "Port").
	CreateResources bool `json:"-"`
}

// CreateIntegration creates the integration. Not retried: a lost answer must
// not turn into a duplicate.
func (c *Client) CreateIntegration(ctx context.Context, body CreateIntegrationRequest) (*Integration, error) {
	if body.InstallationID == "" {
		body.InstallationID = c.cfg.UserAgent.Identifier
	}
	if body.ChangelogDestination == nil {
		body.ChangelogDestination = map[string]any{}
	}
	if body.Config == nil {
		body.Config = map[string]any{}
	}
	var q params
	if body.CreateResources {
		q = q.add("integration_modes", "create_resources")
	}
	var resp integrationResponse
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/integration", query: q, body: body}, &resp); err != nil {
		return nil, err
	}
	return resp.get("create integration")
}

// PatchIntegration updates integration fields (installationAppType, version,
// config, arePortResourcesInitialized, changelogDestination, ...). The body is
// sent as given.
func (c *Client) PatchIntegration(ctx context.Context, patch map[string]any) (*Integration, error) {
	if patch == nil {
		patch = map[string]any{}
	}
	var resp integrationResponse
	if _, err := c.do(ctx, call{method: http.MethodPatch, path: c.integrationPath(), body: patch}, &resp); err != nil {
		return nil, err
	}
	return resp.get("patch integration")
}

// PatchIntegrationConfig replaces the port app config. skipResync asks Port not
// to trigger a resync for this change (sent by SaaS installations).
func (c *Client) PatchIntegrationConfig(ctx context.Context, config any, skipResync bool) (*Integration, error) {
	var h http.Header
	if skipResync {
		h = http.Header{"X-Skip-Resync": {"true"}}
	}
	var resp integrationResponse
	if _, err := c.do(ctx, call{
		method: http.MethodPatch, path: c.integrationPath() + "/config",
		body: map[string]any{"config": config}, header: h,
	}, &resp); err != nil {
		return nil, err
	}
	return resp.get("patch integration config")
}

var resyncStatuses = map[string]bool{"running": true, "completed": true, "failed": true, "aborted": true}

// PatchResyncState reports the resync status; Port answers with the integration
// whose resyncState.updatedAt is the new baseline for resync requests.
func (c *Client) PatchResyncState(ctx context.Context, state ResyncState) (*Integration, error) {
	if !resyncStatuses[state.Status] {
		return nil, fmt.Errorf("%w: resync status %q is not running, completed, failed or aborted", ErrValidation, state.Status)
	}
	state.UpdatedAt = "" // set by Port
	var resp integrationResponse
	if _, err := c.do(ctx, call{method: http.MethodPatch, path: c.integrationPath() + "/resync-state", body: state}, &resp); err != nil {
		return nil, err
	}
	return resp.get("patch resync state")
}

// GetResyncRequest returns the pending manual resync request, nil when none.
func (c *Client) GetResyncRequest(ctx context.Context) (*ResyncRequest, error) {
	var resp struct {
		Request *ResyncRequest `json:"request"`
	}
	if _, err := c.do(ctx, call{method: http.MethodGet, path: c.integrationPath() + "/resync-request"}, &resp); err != nil {
		return nil, err
	}
	return resp.Request, nil
}

// DeleteIntegration deletes the integration.
func (c *Client) DeleteIntegration(ctx context.Context) error {
	_, err := c.do(ctx, call{method: http.MethodDelete, path: c.integrationPath()}, nil)
	return err
}

// PostKindExamples uploads raw-data examples of a kind for the mapping UI.
func (c *Client) PostKindExamples(ctx context.Context, kind string, examples []any) error {
	if kind == "" {
		return fmt.Errorf("%w: kind is empty", ErrValidation)
	}
	if examples == nil {
		examples = []any{}
	}
	_, err := c.do(ctx, call{
		method: http.MethodPost, path: c.integrationPath() + "/kinds/" + seg(kind) + "/examples",
		body: map[string]any{"examples": examples},
	}, nil)
	return err
}

// ProvisionEnabled lists the integration types Port can provision defaults for.
func (c *Client) ProvisionEnabled(ctx context.Context) ([]string, error) {
	var resp struct {
		Integrations []string `json:"integrations"`
	}
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/integration/provision-enabled"}, &resp); err != nil {
		return nil, err
	}
	return resp.Integrations, nil
}

// GetCursor reads the incremental-sync cursor of a resource; "" when none.
func (c *Client) GetCursor(ctx context.Context, kind string, index int) (string, error) {
	var resp struct {
		Cursor *struct {
			Primary string `json:"primary"`
		} `json:"cursor"`
	}
	if _, err := c.do(ctx, call{method: http.MethodGet, path: c.integrationPath() + "/cursor", query: cursorParams(kind, index)}, &resp); err != nil {
		if errors.Is(err, ErrNotFound) {
			return "", nil
		}
		return "", err
	}
	if resp.Cursor == nil {
		return "", nil
	}
	return resp.Cursor.Primary, nil
}

// PutCursor stores the incremental-sync cursor of a resource, creating it when
// Port does not know it yet.
func (c *Client) PutCursor(ctx context.Context, kind string, index int, primary string) error {
	cl := call{
		method: http.MethodPut, path: c.integrationPath() + "/cursor", query: cursorParams(kind, index),
		body: map[string]string{"primary": primary},
	}
	_, err := c.do(ctx, cl, nil)
	if errors.Is(err, ErrNotFound) {
		cl.method = http.MethodPost
		_, err = c.do(ctx, cl, nil)
	}
	return err
}

func cursorParams(kind string, index int) params {
	return params{}.add("kind", kind).add("index", strconv.Itoa(index))
}
