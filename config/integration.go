package config

import (
	"encoding/json"
	"fmt"
	"strings"
)

// integrationConfig builds integration.config. Without a spec it is the merged
// free-form map. With one, each declared setting is looked up by its name
// (case and '_' ignored), coerced to its type or defaulted, and undeclared
// keys are dropped.
func integrationConfig(r *reader, spec *Spec, specBroken bool) map[string]any {
	e := r.root.get("integration.config")
	var given tree
	if e != nil && e.isObject() {
		given = e.sub
	}
	if spec == nil {
		// Free-form (or a broken spec, reported already): every key is the integration's.
		r.read["integration.config"] = true
		if specBroken {
			return nil
		}
		out := make(map[string]any, len(given))
		for _, c := range given {
			out[c.name] = plain(c)
		}
		return out
	}
	out := make(map[string]any, len(spec.Configurations))
	for i, c := range spec.Configurations {
		path := "integration.config." + fold(c.Name)
		r.read[path], r.names[path] = true, c.Name
		v := given[fold(c.Name)]
		if v.unset() {
			if c.Default == nil {
				if c.Required {
					r.missing("integration.config."+c.Name, configTypes[c.Type], spec.file,
						envPrefix+"INTEGRATION__CONFIG__"+strings.ToUpper(snake(c.Name)))
				}
				continue
			}
			v = &entry{val: c.Default, from: origin{
				key:   fmt.Sprintf("configurations[%d].default", i),
				where: c.where(spec.file, "default"),
			}}
		}
		if val, ok := coerceConfig(v, c.Type); ok {
			out[c.Name] = val
		} else if jerr := invalidJSON(v); jerr != nil && (c.Type == "object" || c.Type == "array") {
			r.add(v, jerr)
		} else {
			r.fail(v, configTypes[c.Type], c.Sensitive)
		}
	}
	return out
}

// coerceConfig converts a value to a spec configuration type.
func coerceConfig(e *entry, typ string) (any, bool) {
	if e.isObject() {
		if typ == "object" {
			return plain(e), true
		}
		return nil, false
	}
	switch typ {
	case "string":
		return asString(e)
	case "url":
		return asURL(e)
	case "integer":
		n, ok := asInt(e)
		return int(n), ok
	case "number":
		return asFloat(e)
	case "boolean":
		return asBool(e)
	case "object":
		return jsonContainer[map[string]any](e.val)
	case "array":
		return jsonContainer[[]any](e.val)
	}
	return nil, false
}

// jsonContainer accepts a decoded map/list as is, or decodes one from a JSON string.
func jsonContainer[T map[string]any | []any](v any) (any, bool) {
	if t, ok := v.(T); ok {
		return t, true
	}
	s, ok := v.(string)
	if !ok {
		return nil, false
	}
	var t T
	if err := json.Unmarshal([]byte(s), &t); err != nil || t == nil {
		return nil, false
	}
	return t, true
}

// DecodeIntegrationConfig decodes integration.config into a struct whose json
// tags are the spec's configuration names.
func (s *Settings) DecodeIntegrationConfig(v any) error {
	data, err := json.Marshal(s.Integration.Config)
	if err != nil {
		return fmt.Errorf("config: integration.config: %w", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("config: integration.config: decode into %T: %w", v, err)
	}
	return nil
}

// DecodeIntegrationConfig returns integration.config as a T (see
// Settings.DecodeIntegrationConfig).
func DecodeIntegrationConfig[T any](s *Settings) (T, error) {
	var t T
	err := s.DecodeIntegrationConfig(&t)
	return t, err
}
