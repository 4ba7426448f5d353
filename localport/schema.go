package localport

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/mail"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/ocean-go/ocean/localport/internal/query"
)

// Identifier patterns of port-api.md §1.3. Go's regexp has no lookahead, so the
// "not . or .." part is checked separately. maxLength counts characters (JSON
// Schema code points), not bytes: identifiers may hold any letter.
var (
	entityIDPattern    = regexp.MustCompile(`^[\p{L}0-9@_.+:\\/=-]+$`)
	blueprintIDPattern = regexp.MustCompile(`^[\p{L}0-9@_.+:\\/-]+$`)
	keyPattern         = regexp.MustCompile(`^[A-Za-z0-9@_=\-]+$`)
)

func checkEntityID(id string) error {
	switch {
	case id == "":
		return validationFailed("identifier must not be empty")
	case utf8.RuneCountInString(id) > 1000:
		return validationFailed("identifier is longer than 1000 characters")
	case id == "." || id == ".." || !entityIDPattern.MatchString(id):
		return validationFailed("identifier %q does not match the pattern ^(?!\\.{1,2}$)[\\p{L}0-9@_.+:\\\\/=-]+$", id)
	}
	return nil
}

func checkBlueprintID(id string) error {
	if id == "" || utf8.RuneCountInString(id) > 100 || id == "." || id == ".." || !blueprintIDPattern.MatchString(id) {
		return validationFailed("blueprint identifier %q must be 1-100 characters matching ^(?!\\.{1,2}$)[\\p{L}0-9@_.+:\\\\/-]+$", id)
	}
	return nil
}

var (
	propertyTypes = []string{"string", "number", "boolean", "object", "array"}
	formats       = []string{"date-time", "url", "email", "idn-email", "ipv4", "ipv6", "markdown", "yaml", "user", "blueprints", "team", "timer", "proto", "labeled-url"}
)

// property is one compiled entry of a blueprint's schema.properties.
type property struct {
	typ    string
	format string
	enum   []any
	items  *property // array element schema, when given
}

type relation struct {
	target   string
	many     bool
	required bool
}

// blueprint is a stored blueprint body plus its compiled schema.
type blueprint struct {
	id        string
	body      map[string]any
	props     map[string]*property
	required  []string
	relations map[string]*relation
}

// compileBlueprint validates a blueprint body and normalises the parts clients
// rely on (schema.required, relations' many/required, the *Properties maps).
func compileBlueprint(body map[string]any) (*blueprint, error) {
	id, _ := body["identifier"].(string)
	if err := checkBlueprintID(id); err != nil {
		return nil, err
	}
	if t, isString := body["title"].(string); !isString || t == "" {
		return nil, validationFailed("blueprint %q: title is required and must be a non-empty string", id)
	}
	bp := &blueprint{id: id, body: body, props: map[string]*property{}, relations: map[string]*relation{}}
	sch, isObj := body["schema"].(map[string]any)
	if !isObj {
		return nil, validationFailed("blueprint %q: schema is required and must be an object with \"properties\"", id)
	}
	rawProps, _ := sch["properties"].(map[string]any)
	if sch["properties"] != nil && rawProps == nil {
		return nil, validationFailed("blueprint %q: schema.properties must be an object", id)
	}
	if rawProps == nil {
		rawProps = map[string]any{}
		sch["properties"] = rawProps
	}
	for key, raw := range rawProps {
		p, err := compileProperty(raw, "schema.properties."+key)
		if err == nil && (len(key) > 100 || !keyPattern.MatchString(key)) {
			err = fmt.Errorf("schema.properties: key %q must match ^[A-Za-z0-9@_=\\-]+$ (max 100)", key)
		}
		if err != nil {
			return nil, validationFailed("blueprint %q: %v", id, err)
		}
		bp.props[key] = p
	}
	switch req := sch["required"].(type) {
	case nil:
		sch["required"] = []any{}
	case []any:
		for i, r := range req {
			name, isString := r.(string)
			if _, known := bp.props[name]; !isString || !known {
				return nil, validationFailed("blueprint %q: schema.required[%d] must name a property of schema.properties, got %v", id, i, r)
			}
			bp.required = append(bp.required, name)
		}
	default:
		return nil, validationFailed("blueprint %q: schema.required must be an array of property identifiers", id)
	}
	rels, _ := body["relations"].(map[string]any)
	if body["relations"] != nil && rels == nil {
		return nil, validationFailed("blueprint %q: relations must be an object", id)
	}
	if rels == nil {
		rels = map[string]any{}
		body["relations"] = rels
	}
	for key, raw := range rels {
		r, err := compileRelation(raw)
		if err == nil && (len(key) > 100 || !keyPattern.MatchString(key)) {
			err = fmt.Errorf("key must match ^[A-Za-z0-9@_=\\-]+$ (max 100)")
		}
		if err != nil {
			return nil, validationFailed("blueprint %q: relations.%s: %v", id, key, err)
		}
		if _, clash := bp.props[key]; clash {
			return nil, validationFailed("blueprint %q: %q is both a property and a relation", id, key)
		}
		bp.relations[key] = r
	}
	for _, k := range []string{"calculationProperties", "mirrorProperties", "aggregationProperties"} {
		if body[k] == nil {
			body[k] = map[string]any{}
		}
	}
	return bp, nil
}

func compileProperty(raw any, path string) (*property, error) {
	obj, isObj := raw.(map[string]any)
	if !isObj {
		return nil, fmt.Errorf("%s must be an object with a \"type\"", path)
	}
	p := &property{}
	p.typ, _ = obj["type"].(string)
	if !slices.Contains(propertyTypes, p.typ) {
		return nil, fmt.Errorf("%s.type must be one of %v, got %v", path, propertyTypes, obj["type"])
	}
	if f, has := obj["format"]; has && f != nil {
		p.format, _ = f.(string)
		if !slices.Contains(formats, p.format) {
			return nil, fmt.Errorf("%s.format must be one of %v, got %v", path, formats, f)
		}
	}
	if e, has := obj["enum"]; has && e != nil {
		list, isList := e.([]any)
		if !isList {
			return nil, fmt.Errorf("%s.enum must be an array", path)
		}
		p.enum = list
	}
	if p.typ == "array" {
		if items, has := obj["items"]; has && items != nil {
			it, err := compileProperty(items, path+".items")
			if err != nil {
				return nil, err
			}
			p.items = it
		}
	}
	return p, nil
}

func compileRelation(raw any) (*relation, error) {
	obj, isObj := raw.(map[string]any)
	if !isObj {
		return nil, fmt.Errorf("must be an object with \"target\"")
	}
	r := &relation{}
	r.target, _ = obj["target"].(string)
	if r.target == "" {
		return nil, fmt.Errorf("target is required and must be a blueprint identifier")
	}
	for _, f := range []struct {
		key string
		dst *bool
	}{{"many", &r.many}, {"required", &r.required}} {
		switch v := obj[f.key].(type) {
		case nil:
			obj[f.key] = false
		case bool:
			*f.dst = v
		default:
			return nil, fmt.Errorf("%s must be a boolean", f.key)
		}
	}
	return r, nil
}

// checkValue validates one property value; null is always allowed (unset).
func (p *property) checkValue(v any) error {
	if v == nil {
		return nil
	}
	if err := p.checkType(v); err != nil {
		return err
	}
	if p.enum != nil && !slices.ContainsFunc(p.enum, func(e any) bool { return enumEqual(e, v) }) {
		return fmt.Errorf("value %s is not one of the enum values %s", compact(v), compact(p.enum))
	}
	if p.items != nil {
		for i, e := range v.([]any) {
			if err := p.items.checkValue(e); err != nil {
				return fmt.Errorf("item %d: %w", i, err)
			}
		}
	}
	return nil
}

func (p *property) checkType(v any) error {
	okType := false
	switch p.typ {
	case "string":
		_, okType = v.(string)
	case "number":
		_, okType = v.(json.Number)
	case "boolean":
		_, okType = v.(bool)
	case "object":
		_, okType = v.(map[string]any)
	case "array":
		_, okType = v.([]any)
	}
	if !okType {
		return fmt.Errorf("must be of type %s, got %s", p.typ, jsonType(v))
	}
	if s, isString := v.(string); isString {
		return checkFormat(p.format, s)
	}
	return nil
}

func checkFormat(format, s string) error {
	bad := false
	switch format {
	case "date-time":
		_, parsed := query.ParseTime(s)
		bad = !parsed
	case "url":
		u, err := url.Parse(s)
		bad = err != nil || u.Scheme == "" || u.Host == ""
	case "email", "idn-email":
		a, err := mail.ParseAddress(s)
		bad = err != nil || a.Address != s
	case "ipv4":
		ip, err := netip.ParseAddr(s)
		bad = err != nil || !ip.Is4()
	case "ipv6":
		ip, err := netip.ParseAddr(s)
		bad = err != nil || !ip.Is6()
	}
	if bad {
		return fmt.Errorf("%q is not a valid %s", s, format)
	}
	return nil
}

func jsonType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func jsonEqual(a, b any) bool { return compact(a) == compact(b) }

// enumEqual is JSON Schema's enum equality: numbers by value (1.0 is 1),
// anything else by its canonical JSON.
func enumEqual(e, v any) bool {
	x, okX := e.(json.Number)
	y, okY := v.(json.Number)
	if okX && okY {
		a, _, errA := big.ParseFloat(string(x), 10, 256, big.ToNearestEven)
		b, _, errB := big.ParseFloat(string(y), 10, 256, big.ToNearestEven)
		if errA == nil && errB == nil {
			return a.Cmp(b) == 0
		}
	}
	return jsonEqual(e, v)
}

// compact renders a value as canonical JSON (sorted keys) for messages and comparisons.
func compact(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}

// sortedKeys returns a map's keys in order, for deterministic messages.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// describeKeys lists known keys for "unknown key" messages.
func describeKeys[V any](m map[string]V) string {
	if len(m) == 0 {
		return "none"
	}
	return strings.Join(sortedKeys(m), ", ")
}
