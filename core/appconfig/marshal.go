package appconfig

import (
	"bytes"
	"encoding/json"
	"maps"
)

// MarshalJSON writes the config in the camelCase form Port stores. The four
// top-level settings are always written (as Ocean's to_request does); resource
// keys only when set or different from their default. Extra keys are kept.
func (c PortAppConfig) MarshalJSON() ([]byte, error) {
	m := maps.Clone(c.Extra)
	if m == nil {
		m = map[string]any{}
	}
	m["enableMergeEntity"] = c.EnableMergeEntity
	m["deleteDependentEntities"] = c.DeleteDependentEntities
	m["createMissingRelatedEntities"] = c.CreateMissingRelatedEntities
	m["entityDeletionThreshold"] = c.EntityDeletionThreshold
	resources := c.Resources
	if resources == nil {
		resources = []ResourceConfig{}
	}
	m["resources"] = resources
	return json.Marshal(m)
}

// MarshalJSON writes one resource of the config.
func (r ResourceConfig) MarshalJSON() ([]byte, error) {
	m := maps.Clone(r.Extra)
	if m == nil {
		m = map[string]any{}
	}
	m["kind"] = r.Kind
	m["selector"] = r.Selector
	port := map[string]any{"entity": map[string]any{"mappings": r.Port.Entity.Mappings}}
	if r.Port.ItemsToParse != "" {
		port["itemsToParse"] = r.Port.ItemsToParse
	}
	if r.Port.ItemsToParseName != "" && r.Port.ItemsToParseName != DefaultItemsToParseName {
		port["itemsToParseName"] = r.Port.ItemsToParseName
	}
	if !r.Port.ItemsToParseTopLevelTransform && r.Port.ItemsToParse != "" {
		port["itemsToParseTopLevelTransform"] = false
	}
	m["port"] = port
	return json.Marshal(m)
}

// MarshalJSON writes the selector with its integration-specific keys.
func (s Selector) MarshalJSON() ([]byte, error) {
	m := maps.Clone(s.Extra)
	if m == nil {
		m = map[string]any{}
	}
	m["query"] = s.Query
	if len(s.ExportEnvVariables) > 0 {
		m["exportEnvVariables"] = s.ExportEnvVariables
	}
	return json.Marshal(m)
}

// MarshalJSON writes the keys that were set.
func (e EntityMapping) MarshalJSON() ([]byte, error) {
	m := map[string]any{"identifier": e.Identifier, "blueprint": e.Blueprint}
	if e.Title != nil {
		m["title"] = *e.Title
	}
	if e.Icon != nil {
		m["icon"] = *e.Icon
	}
	if e.Team != nil {
		m["team"] = *e.Team
	}
	if e.Properties != nil {
		m["properties"] = e.Properties
	}
	if e.Relations != nil {
		m["relations"] = e.Relations
	}
	return json.Marshal(m)
}

// MarshalJSON writes the JQ string or the search query object.
func (v MappingValue) MarshalJSON() ([]byte, error) {
	if v.Query != nil {
		return json.Marshal(v.Query)
	}
	return json.Marshal(v.JQ)
}

// MarshalJSON writes {"combinator": …, "rules": […]}.
func (q SearchQueryMapping) MarshalJSON() ([]byte, error) {
	rules := q.Rules
	if rules == nil {
		rules = []RuleMapping{}
	}
	return json.Marshal(map[string]any{"combinator": q.Combinator, "rules": rules})
}

// MarshalJSON writes a leaf rule or a nested query.
func (r RuleMapping) MarshalJSON() ([]byte, error) {
	if r.Group != nil {
		return json.Marshal(r.Group)
	}
	return json.Marshal(map[string]string{"property": r.Property, "operator": r.Operator, "value": r.Value})
}

// Decode reads the selector, integration-specific keys included, into v (a
// pointer to the integration's own selector struct with json tags).
func (s Selector) Decode(v any) error { return decodeVia(s, v) }

// Decode reads the whole resource (kind, selector, port and extra keys) into v.
func (r ResourceConfig) Decode(v any) error { return decodeVia(r, v) }

// Decode reads the whole config, integration-specific top-level keys included, into v.
func (c PortAppConfig) Decode(v any) error { return decodeVia(c, v) }

// decodeVia round-trips src through JSON into v; numbers in `any` fields stay
// json.Number so that big integers survive.
func decodeVia(src json.Marshaler, v any) error {
	data, err := src.MarshalJSON()
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}
