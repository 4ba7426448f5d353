package port

import (
	"context"
	"net/http"
)

// ListBlueprints returns every blueprint of the organization (GET
// /v1/blueprints), in Port's order. It neither reads nor fills the blueprint
// cache: a listing is for looking at the catalog, not for the write path.
func (c *Client) ListBlueprints(ctx context.Context) ([]*Blueprint, error) {
	var resp struct {
		Blueprints []*Blueprint `json:"blueprints"`
	}
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/blueprints", feature: true}, &resp); err != nil {
		return nil, err
	}
	return resp.Blueprints, nil
}

// ListIntegrations returns every integration of the organization (GET
// /v1/integration, Port's "Get all integrations"), whatever the client's own
// identifier.
func (c *Client) ListIntegrations(ctx context.Context) ([]*Integration, error) {
	var resp struct {
		Integrations []*Integration `json:"integrations"`
	}
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/integration"}, &resp); err != nil {
		return nil, err
	}
	return resp.Integrations, nil
}
