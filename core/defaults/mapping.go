package defaults

import (
	"errors"
	"fmt"
	"maps"

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
		return fmt.Errorf("invalid port app config: %w", err)
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
