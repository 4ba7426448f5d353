package appconfig

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/ocean-go/ocean/internal/pyvalue"
	"github.com/ocean-go/ocean/internal/suggest"
)

// Parse reads a port app config from YAML or JSON, applies Ocean's defaults and
// validates it. A *ValidationError lists every problem with its path.
//
// Top-level keys may be camelCase or snake_case (camelCase wins when both are
// given); nested keys are camelCase, as in Ocean.
//
// Keys it does not know are ignored, as in Ocean, and listed in
// PortAppConfig.Unknown with the key they likely meant: every unknown key
// below port (a misspelt propertes: or itemToParse:), and those of the
// top level, the resources and their selectors (where integrations add keys
// of their own) that are close to a known one.
func Parse(data []byte) (*PortAppConfig, error) {
	return parse(data, false)
}

// ParseStrict is Parse with the unknown keys as problems of the
// *ValidationError.
func ParseStrict(data []byte) (*PortAppConfig, error) {
	return parse(data, true)
}

func parse(data []byte, strict bool) (*PortAppConfig, error) {
	tree, err := readTree(data)
	if err != nil {
		return nil, fmt.Errorf("port app config: %w", err)
	}
	var d decoder
	c := d.config(tree)
	problems := d.problems
	if strict {
		problems = append(problems, d.unknown...)
	}
	if len(problems) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	c.Unknown = d.unknown
	return c, nil
}

// UnmarshalJSON parses data as Parse does, so a config can sit inside other JSON.
func (c *PortAppConfig) UnmarshalJSON(data []byte) error {
	p, err := Parse(data)
	if err != nil {
		return err
	}
	*c = *p
	return nil
}

// decoder turns a decoded document into the typed model, collecting problems
// and unknown keys.
type decoder struct{ problems, unknown []Problem }

func (d *decoder) fail(path, format string, args ...any) {
	d.problems = append(d.problems, Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) object(path string, v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		d.fail(path, "must be an object, got %s", typeName(v))
	}
	return m, ok
}

// field is a declared key of an object: its name, an optional alternative
// spelling (used only when name is absent) and its reader, which gets nil
// when the key is missing.
type field struct {
	name, alias string
	read        func(path string, v any)
}

// read runs the readers of the declared keys in order and returns the other
// keys, the integration's own: only those close to a declared key are
// reported as unknown (likely a slip).
func (d *decoder) read(path string, m map[string]any, fs ...field) (extra map[string]any) {
	return d.readObject(path, m, fs, false)
}

// readClosed reads an object whose keys are all declared: every other key
// is reported as unknown.
func (d *decoder) readClosed(path string, m map[string]any, fs ...field) {
	d.readObject(path, m, fs, true)
}

// readObject reports the undeclared keys (all of them, or those close to a
// declared one), then runs the readers of the declared keys, so that unknown
// keys come in document order with the problems below them.
func (d *decoder) readObject(path string, m map[string]any, fs []field, all bool) (extra map[string]any) {
	used := make(map[string]bool, 2*len(fs))
	names := make([]string, 0, 2*len(fs))
	for _, f := range fs {
		used[f.name] = true // the alias is ignored when both are given
		names = append(names, f.name)
		if f.alias != "" {
			used[f.alias] = true
			names = append(names, f.alias)
		}
	}
	for _, k := range sortedKeys(m) {
		if used[k] {
			continue
		}
		if extra == nil {
			extra = map[string]any{}
		}
		extra[k] = m[k]
		meant, ok := suggest.Nearest(k, names)
		switch {
		case ok:
			d.unknown = append(d.unknown, Problem{Path: join(path, k), Msg: fmt.Sprintf("unknown key; did you mean %s?", meant)})
		case all:
			d.unknown = append(d.unknown, Problem{Path: join(path, k), Msg: "unknown key"})
		}
	}
	for _, f := range fs {
		key := f.name
		v, ok := m[key]
		if !ok && f.alias != "" {
			if av, aok := m[f.alias]; aok {
				key, v, ok = f.alias, av, true
			}
		}
		f.read(join(path, key), v)
	}
	return extra
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (d *decoder) config(tree any) *PortAppConfig {
	c := New()
	m, ok := d.object("", tree)
	if !ok {
		return c
	}
	c.Extra = d.read("", m,
		field{"enableMergeEntity", "enable_merge_entity", d.boolInto(&c.EnableMergeEntity)},
		field{"deleteDependentEntities", "delete_dependent_entities", d.boolInto(&c.DeleteDependentEntities)},
		field{"createMissingRelatedEntities", "create_missing_related_entities", d.boolInto(&c.CreateMissingRelatedEntities)},
		field{"entityDeletionThreshold", "entity_deletion_threshold", func(path string, v any) {
			if v == nil {
				return
			}
			var text string
			switch x := v.(type) {
			case json.Number:
				text = string(x)
			case string: // pydantic reads "0.5" as 0.5
				text = strings.TrimSpace(x)
			}
			f, err := strconv.ParseFloat(text, 64)
			if err != nil {
				d.fail(path, "must be a number, got %s", typeName(v))
				return
			}
			if f < 0 || f > 1 {
				d.fail(path, "must be between 0 and 1, got %s", text)
				return
			}
			c.EntityDeletionThreshold = f
		}},
		field{"resources", "", func(path string, v any) {
			if v == nil {
				return
			}
			l, ok := v.([]any)
			if !ok {
				d.fail(path, "must be a list, got %s", typeName(v))
				return
			}
			c.Resources = make([]ResourceConfig, len(l))
			for i, r := range l {
				d.resource(fmt.Sprintf("%s[%d]", path, i), r, &c.Resources[i])
			}
		}},
	)
	return c
}

func (d *decoder) resource(path string, v any, r *ResourceConfig) {
	m, ok := d.object(path, v)
	if !ok {
		return
	}
	r.Extra = d.read(path, m,
		field{"kind", "", d.requiredString(&r.Kind)},
		field{"selector", "", d.requiredObject(func(path string, m map[string]any) { d.selector(path, m, &r.Selector) })},
		field{"port", "", d.requiredObject(func(path string, m map[string]any) { d.port(path, m, &r.Port) })},
	)
}

func (d *decoder) selector(path string, m map[string]any, s *Selector) {
	s.Extra = d.read(path, m,
		field{"query", "", d.requiredString(&s.Query)},
		field{"exportEnvVariables", "", func(path string, v any) {
			if v == nil {
				return
			}
			l, ok := v.([]any)
			if !ok {
				d.fail(path, "must be a list of strings, got %s", typeName(v))
				return
			}
			s.ExportEnvVariables = make([]string, 0, len(l))
			for i, e := range l {
				str, ok := e.(string)
				if !ok {
					d.fail(fmt.Sprintf("%s[%d]", path, i), "must be a string, got %s", typeName(e))
					continue
				}
				s.ExportEnvVariables = append(s.ExportEnvVariables, str)
			}
		}},
	)
}

func (d *decoder) port(path string, m map[string]any, p *PortResource) {
	p.ItemsToParseName = DefaultItemsToParseName
	p.ItemsToParseTopLevelTransform = true
	// Ocean ignores undeclared keys below port; so do we, reporting them.
	d.readClosed(path, m,
		field{"itemsToParse", "", d.optionalString(func(_, s string) { p.ItemsToParse = s })},
		field{"itemsToParseName", "", d.optionalString(func(path, s string) {
			if s == "" {
				d.fail(path, "must not be empty")
				return
			}
			p.ItemsToParseName = s
		})},
		field{"itemsToParseTopLevelTransform", "", d.boolInto(&p.ItemsToParseTopLevelTransform)},
		field{"entity", "", d.requiredObject(func(path string, e map[string]any) {
			d.readClosed(path, e, field{"mappings", "", d.requiredObject(func(path string, m map[string]any) {
				d.mappings(path, m, &p.Entity.Mappings)
			})})
		})},
	)
}

func (d *decoder) mappings(path string, m map[string]any, e *EntityMapping) {
	d.readClosed(path, m,
		field{"identifier", "", func(path string, v any) {
			if v == nil {
				d.fail(path, "required")
				return
			}
			mv, ok := d.mappingValue(path, v)
			if ok && mv.Query == nil && mv.JQ == "" {
				d.fail(path, "must not be empty")
				return
			}
			e.Identifier = mv
		}},
		field{"blueprint", "", d.requiredString(&e.Blueprint)},
		field{"title", "", d.optionalString(func(_, s string) { e.Title = &s })},
		field{"icon", "", d.optionalString(func(_, s string) { e.Icon = &s })},
		field{"team", "", func(path string, v any) {
			if v == nil {
				return
			}
			if mv, ok := d.mappingValue(path, v); ok {
				e.Team = &mv
			}
		}},
		field{"properties", "", func(path string, v any) {
			if v == nil {
				return
			}
			pm, ok := d.object(path, v)
			if !ok {
				return
			}
			e.Properties = make(map[string]string, len(pm))
			for _, k := range sortedKeys(pm) {
				s, ok := jqText(pm[k])
				if !ok {
					d.fail(join(path, k), "must be a JQ string, got %s", typeName(pm[k]))
					continue
				}
				e.Properties[k] = s
			}
		}},
		field{"relations", "", func(path string, v any) {
			if v == nil {
				return
			}
			rm, ok := d.object(path, v)
			if !ok {
				return
			}
			e.Relations = make(map[string]MappingValue, len(rm))
			for _, k := range sortedKeys(rm) {
				if mv, ok := d.mappingValue(join(path, k), rm[k]); ok {
					e.Relations[k] = mv
				}
			}
		}},
	)
}

// jqText is a property mapping as JQ: a string, or a number or boolean
// written unquoted (priority: 1), which is that constant. Ocean's pydantic
// turns numbers into their text too (booleans into "True", which jq rejects).
func jqText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return string(x), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// mappingValue reads a JQ string or a search query object.
func (d *decoder) mappingValue(path string, v any) (MappingValue, bool) {
	switch x := v.(type) {
	case string:
		return MappingValue{JQ: x}, true
	case map[string]any:
		q, ok := d.searchQuery(path, x)
		return MappingValue{Query: q}, ok
	}
	d.fail(path, "must be a JQ string or a search query object, got %s", typeName(v))
	return MappingValue{}, false
}

func (d *decoder) searchQuery(path string, m map[string]any) (*SearchQueryMapping, bool) {
	before := len(d.problems)
	q := &SearchQueryMapping{}
	d.readClosed(path, m,
		field{"combinator", "", d.requiredString(&q.Combinator)},
		field{"rules", "", func(path string, v any) {
			if v == nil {
				d.fail(path, "required")
				return
			}
			l, ok := v.([]any)
			if !ok {
				d.fail(path, "must be a list, got %s", typeName(v))
				return
			}
			q.Rules = make([]RuleMapping, len(l))
			for i, rv := range l {
				d.rule(fmt.Sprintf("%s[%d]", path, i), rv, &q.Rules[i])
			}
		}},
	)
	return q, len(d.problems) == before
}

func (d *decoder) rule(path string, v any, r *RuleMapping) {
	m, ok := d.object(path, v)
	if !ok {
		return
	}
	_, hasComb := m["combinator"]
	_, hasRules := m["rules"]
	if hasComb || hasRules {
		r.Group, _ = d.searchQuery(path, m)
		return
	}
	d.readClosed(path, m,
		field{"property", "", d.requiredString(&r.Property)},
		field{"operator", "", d.requiredString(&r.Operator)},
		field{"value", "", d.requiredString(&r.Value)},
	)
}

func (d *decoder) requiredString(dst *string) func(string, any) {
	return func(path string, v any) {
		s, ok := v.(string)
		switch {
		case v == nil:
			d.fail(path, "required")
		case !ok:
			d.fail(path, "must be a string, got %s", typeName(v))
		case s == "":
			d.fail(path, "must not be empty")
		default:
			*dst = s
		}
	}
}

func (d *decoder) optionalString(set func(path, s string)) func(string, any) {
	return func(path string, v any) {
		if v == nil {
			return
		}
		s, ok := v.(string)
		if !ok {
			d.fail(path, "must be a string, got %s", typeName(v))
			return
		}
		set(path, s)
	}
}

func (d *decoder) requiredObject(read func(path string, m map[string]any)) func(string, any) {
	return func(path string, v any) {
		if v == nil {
			d.fail(path, "required")
			return
		}
		if m, ok := d.object(path, v); ok {
			read(path, m)
		}
	}
}

func sortedKeys(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}

func (d *decoder) boolInto(dst *bool) func(string, any) {
	return func(path string, v any) {
		if v == nil {
			return
		}
		b, ok := asBool(v)
		if !ok {
			d.fail(path, "must be a boolean, got %s", typeName(v))
			return
		}
		*dst = b
	}
}

// asBool reads a boolean as Ocean's pydantic does: also "true"/"false" (and
// yes/no, on/off, 1/0) as strings, and the numbers 1 and 0.
func asBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case json.Number:
		switch x {
		case "1":
			return true, true
		case "0":
			return false, true
		}
	case string:
		return pyvalue.Bool(x)
	}
	return false, false
}
