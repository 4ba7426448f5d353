package port

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/ocean-go/ocean/clients/retry"
)

// GetBlueprint returns a blueprint, served from a cache for BlueprintCacheTTL.
// The result is shared: treat it as read-only.
func (c *Client) GetBlueprint(ctx context.Context, id string) (*Blueprint, error) {
	if id == "" {
		return nil, fmt.Errorf("%w: blueprint identifier is empty", ErrValidation)
	}
	if bp, ok := c.blueprints.Get(id); ok {
		return bp.(*Blueprint), nil
	}
	var resp struct {
		Blueprint *Blueprint `json:"blueprint"`
	}
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/blueprints/" + seg(id), feature: true}, &resp); err != nil {
		return nil, err
	}
	if resp.Blueprint == nil {
		return nil, fmt.Errorf("port: GET blueprint %s: response has no blueprint", id)
	}
	c.blueprints.SetDefault(id, resp.Blueprint)
	return resp.Blueprint, nil
}

// InvalidateBlueprints empties the blueprint cache.
func (c *Client) InvalidateBlueprints() { c.blueprints.Flush() }

// CreateBlueprint creates a blueprint (a Blueprint or any JSON-encodable body)
// and returns Port's copy.
func (c *Client) CreateBlueprint(ctx context.Context, bp any) (*Blueprint, error) {
	var resp struct {
		Blueprint *Blueprint `json:"blueprint"`
	}
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/blueprints", body: bp, feature: true}, &resp); err != nil {
		return nil, err
	}
	if resp.Blueprint != nil {
		c.blueprints.Delete(resp.Blueprint.Identifier)
	}
	return resp.Blueprint, nil
}

// PatchBlueprint updates a blueprint with a partial or full body.
func (c *Client) PatchBlueprint(ctx context.Context, id string, patch any) (*Blueprint, error) {
	if id == "" {
		return nil, fmt.Errorf("%w: blueprint identifier is empty", ErrValidation)
	}
	defer c.blueprints.Delete(id)
	var resp struct {
		Blueprint *Blueprint `json:"blueprint"`
	}
	if _, err := c.do(ctx, call{method: http.MethodPatch, path: "/blueprints/" + seg(id), body: patch, feature: true}, &resp); err != nil {
		return nil, err
	}
	return resp.Blueprint, nil
}

// DeleteBlueprint deletes a blueprint (Port refuses while it has entities).
func (c *Client) DeleteBlueprint(ctx context.Context, id string) error {
	if id == "" {
		return fmt.Errorf("%w: blueprint identifier is empty", ErrValidation)
	}
	defer c.blueprints.Delete(id)
	_, err := c.do(ctx, call{method: http.MethodDelete, path: "/blueprints/" + seg(id), feature: true}, nil)
	return err
}

// DeleteAllEntities starts the asynchronous deletion of every entity of a
// blueprint (and of the blueprint with deleteBlueprint) and returns the
// migration to follow with WaitMigration.
func (c *Client) DeleteAllEntities(ctx context.Context, bp string, deleteBlueprint bool) (migrationID string, err error) {
	if bp == "" {
		return "", fmt.Errorf("%w: blueprint identifier is empty", ErrValidation)
	}
	if deleteBlueprint {
		defer c.blueprints.Delete(bp)
	}
	var resp struct {
		MigrationID string `json:"migrationId"`
	}
	_, err = c.do(ctx, call{
		method: http.MethodDelete, path: "/blueprints/" + seg(bp) + "/all-entities",
		query: params{}.addBool("delete_blueprint", deleteBlueprint), feature: true,
	}, &resp)
	return resp.MigrationID, err
}

// GetMigration reads a migration.
func (c *Client) GetMigration(ctx context.Context, id string) (*Migration, error) {
	if id == "" {
		return nil, fmt.Errorf("%w: migration id is empty", ErrValidation)
	}
	var resp struct {
		Migration *Migration `json:"migration"`
	}
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/migrations/" + seg(id)}, &resp); err != nil {
		return nil, err
	}
	if resp.Migration == nil {
		return nil, fmt.Errorf("port: GET migration %s: response has no migration", id)
	}
	return resp.Migration, nil
}

// WaitMigration polls a migration every `every` (default 5 s) until it reaches
// a final status, and returns it.
func (c *Client) WaitMigration(ctx context.Context, id string, every time.Duration) (*Migration, error) {
	if every <= 0 {
		every = 5 * time.Second
	}
	for {
		m, err := c.GetMigration(ctx, id)
		if err != nil {
			return nil, err
		}
		if m.Done() {
			return m, nil
		}
		if err := retry.Sleep(ctx, every); err != nil {
			return nil, err
		}
	}
}

// CreateScorecard creates a scorecard on a blueprint and returns Port's copy.
func (c *Client) CreateScorecard(ctx context.Context, bp string, scorecard any) (map[string]any, error) {
	if bp == "" {
		return nil, fmt.Errorf("%w: blueprint identifier is empty", ErrValidation)
	}
	return c.create(ctx, "/blueprints/"+seg(bp)+"/scorecards", "scorecard", scorecard)
}

// CreatePage creates a catalog page and returns Port's copy (nil when Port
// sends none).
func (c *Client) CreatePage(ctx context.Context, page any) (map[string]any, error) {
	return c.create(ctx, "/pages", "page", page)
}

// DeletePage deletes a catalog page.
func (c *Client) DeletePage(ctx context.Context, id string) error {
	if id == "" {
		return fmt.Errorf("%w: page identifier is empty", ErrValidation)
	}
	_, err := c.do(ctx, call{method: http.MethodDelete, path: "/pages/" + seg(id)}, nil)
	return err
}

// CreateAction creates a self-service action and returns Port's copy.
func (c *Client) CreateAction(ctx context.Context, action any) (map[string]any, error) {
	return c.create(ctx, "/actions", "action", action)
}

// create POSTs body to path and returns the object under key in the answer.
func (c *Client) create(ctx context.Context, path, key string, body any) (map[string]any, error) {
	if body == nil {
		return nil, fmt.Errorf("%w: %s body is empty", ErrValidation, key)
	}
	var resp map[string]any
	if _, err := c.do(ctx, call{method: http.MethodPost, path: path, body: body}, &resp); err != nil {
		return nil, err
	}
	obj, _ := resp[key].(map[string]any)
	return obj, nil
}
