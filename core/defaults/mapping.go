package defaults

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/core/appconfig"
)

func (r *Resources) readPortAppConfig(data []byte) error {
	var m map[string]any
	if err := decodeJSON(data, &m); err != nil {
		return fmt.Errorf("want a port app config object: %w", err)
	}
	if m == nil {
		return errors.New("empty port app config")
	}
	if _, err := appconfig.Parse(data); err != nil {
		return err // it says "invalid port app config" itself
	}
	r.PortAppConfig = m
	return nil
}

// mappingDefaults are the top-level keys Ocean always sends with a mapping
// (PortAppConfig.to_request), filled in when the file leaves them out.
var mappingDefaults = map[string]any{
	"deleteDependentEntities":      true,
	"createMissingRelatedEntities": true,
	"enableMergeEntity":            true,
	"entityDeletionThreshold":      0.9,
	"resources":                    []any{},
}

// requestMapping returns m with the defaulted top-level keys filled in;
// integration-specific keys are kept. A nil m gives the empty mapping.
func requestMapping(m map[string]any) map[string]any {
	out := maps.Clone(mappingDefaults)
	maps.Copy(out, m)
	return out
}

// ApplyMappingFile writes the default mapping to Port when it differs from
// Port's copy, and reports whether it did. It is for the embedded local Port,
// where the file is the only place a user edits the mapping; against Port,
// Port's copy (edited in its UI) wins, as in Ocean.
func ApplyMappingFile(ctx context.Context, c *port.Client, res *Resources) (bool, error) {
	if res == nil || res.PortAppConfig == nil {
		return false, nil
	}
	integ, err := c.GetIntegration(ctx)
	if err != nil {
		return false, fmt.Errorf("defaults: get integration: %w", err)
	}
	want := requestMapping(res.PortAppConfig)
	var have map[string]any
	if integ.HasConfig() {
		if err := decodeJSON(integ.Config, &have); err != nil {
			return false, fmt.Errorf("defaults: the integration's mapping: %w", err)
		}
	}
	if sameJSON(have, want) {
		return false, nil
	}
	if _, err := c.PatchIntegrationConfig(ctx, want, false); err != nil {
		return false, fmt.Errorf("defaults: write the mapping: %w", err)
	}
	return true, nil
}
