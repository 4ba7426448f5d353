package port

import (
	"context"
	"errors"
	"net/http"
)

const orgCacheKey = "organization"

// Organization returns the caller's organization, cached for
// FeatureFlagsCacheTTL (feature flags are read on every resync).
func (c *Client) Organization(ctx context.Context) (*Organization, error) {
	if o, ok := c.org.Get(orgCacheKey); ok {
		return o.(*Organization), nil
	}
	var resp struct {
		Organization *Organization `json:"organization"`
	}
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/organization"}, &resp); err != nil {
		return nil, err
	}
	if resp.Organization == nil {
		return nil, errors.New("port: get organization: response has no organization")
	}
	if resp.Organization.FeatureFlags == nil {
		resp.Organization.FeatureFlags = []string{}
	}
	c.org.SetDefault(orgCacheKey, resp.Organization)
	return resp.Organization, nil
}

// KafkaCredentials returns the SASL credentials of Port's Kafka brokers. They
// are secrets: never log them.
func (c *Client) KafkaCredentials(ctx context.Context) (*KafkaCredentials, error) {
	var resp struct {
		Credentials *KafkaCredentials `json:"credentials"`
	}
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/kafka-credentials"}, &resp); err != nil {
		return nil, err
	}
	if resp.Credentials == nil {
		return nil, errors.New("port: get kafka credentials: response has no credentials")
	}
	return resp.Credentials, nil
}
