package console

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// keyOrder puts the keys of a mapping in the order people write them; other
// keys follow, sorted.
var keyOrder = []string{"kind", "selector", "query", "port", "itemsToParse", "entity", "mappings",
	"identifier", "title", "icon", "blueprint", "team", "properties", "relations"}

// toYAML renders decoded JSON as YAML, mapping keys in keyOrder.
func toYAML(v any) (string, error) {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return "", err
	}
	order(&n)
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return "", err
	}
	return b.String(), enc.Close()
}

func order(n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		type pair struct{ k, v *yaml.Node }
		pairs := make([]pair, 0, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			pairs = append(pairs, pair{n.Content[i], n.Content[i+1]})
		}
		rank := func(k string) int {
			if i := slices.Index(keyOrder, k); i >= 0 {
				return i
			}
			return len(keyOrder)
		}
		slices.SortStableFunc(pairs, func(a, b pair) int {
			return cmp.Or(cmp.Compare(rank(a.k.Value), rank(b.k.Value)), cmp.Compare(a.k.Value, b.k.Value))
		})
		n.Content = n.Content[:0]
		for _, p := range pairs {
			n.Content = append(n.Content, p.k, p.v)
		}
	}
	for _, c := range n.Content {
		order(c)
	}
}

// fromYAML decodes YAML (or JSON) into what encoding/json would decode the
// same document to: objects with string keys.
func fromYAML(src string) (any, error) {
	var v any
	if err := yaml.Unmarshal([]byte(src), &v); err != nil {
		return nil, fmt.Errorf("%w: the mapping is not valid YAML: %v", ErrInvalid, err)
	}
	v, err := jsonable(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	// Round trip: numbers and the like become what the config's JSON holds.
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	var out any
	return out, json.Unmarshal(data, &out)
}

func jsonable(v any) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Collect(maps.Keys(v)) {
			c, err := jsonable(v[k])
			if err != nil {
				return nil, err
			}
			v[k] = c
		}
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			ks, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("mapping key %v is not a string", k)
			}
			c, err := jsonable(e)
			if err != nil {
				return nil, err
			}
			out[ks] = c
		}
		return out, nil
	case []any:
		for i := range v {
			c, err := jsonable(v[i])
			if err != nil {
				return nil, err
			}
			v[i] = c
		}
	}
	return v, nil
}
