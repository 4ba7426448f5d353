package appconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/ocean-go/ocean/internal/yamlpos"
)

// maxNodes bounds the values a document may expand to, so that YAML aliases
// cannot blow up memory ("billion laughs").
const maxNodes = 1 << 20

// readTree decodes a JSON or YAML document into JSON-shaped values: map[string]any,
// []any, string, bool, nil and json.Number (numbers keep their exact text).
func readTree(data []byte) (any, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, errors.New("empty document")
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		v, jerr := readJSON(trimmed)
		if jerr == nil {
			return v, nil
		}
		// A YAML flow mapping ({a: 1}) also starts with a brace; JSON followed
		// by garbage is not YAML either (the YAML parser would accept it).
		if v, yerr := readYAML(data); yerr == nil && !errors.Is(jerr, errTrailing) {
			return v, nil
		}
		return nil, fmt.Errorf("invalid JSON: %w", jerr)
	}
	v, err := readYAML(data)
	if err != nil {
		return nil, fmt.Errorf("invalid YAML: %w", err)
	}
	return v, nil
}

var errTrailing = errors.New("unexpected data after the top-level value")

func readJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errTrailing
	}
	return v, nil
}

func readYAML(data []byte) (any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlpos.Error(data, err) // the parser's line is often that of the enclosing block
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, errors.New("empty document")
	}
	c := yamlConv{budget: maxNodes}
	return c.value(doc.Content[0], 0)
}

type yamlConv struct{ budget int }

func (c *yamlConv) value(n *yaml.Node, depth int) (any, error) {
	c.budget--
	if c.budget < 0 || depth > 10000 {
		return nil, errors.New("document too large (alias expansion?)")
	}
	switch n.Kind {
	case yaml.AliasNode:
		return c.value(n.Alias, depth+1)
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.value(n.Content[0], depth+1)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			v, err := c.value(e, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		return c.mapping(n, depth)
	case yaml.ScalarNode:
		return scalar(n)
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

func (c *yamlConv) mapping(n *yaml.Node, depth int) (map[string]any, error) {
	out := make(map[string]any, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, vn := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			if err := c.merge(out, vn, depth); err != nil {
				return nil, err
			}
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("line %d: mapping keys must be strings", k.Line)
		}
		v, err := c.value(vn, depth+1)
		if err != nil {
			return nil, err
		}
		out[k.Value] = v
	}
	return out, nil
}

// merge applies a YAML merge key (<<: *anchor or a list of them); explicit
// keys of the mapping win, as in YAML.
func (c *yamlConv) merge(out map[string]any, n *yaml.Node, depth int) error {
	v, err := c.value(n, depth+1)
	if err != nil {
		return err
	}
	srcs := []any{v}
	if l, ok := v.([]any); ok {
		srcs = l
	}
	for _, s := range srcs {
		m, ok := s.(map[string]any)
		if !ok {
			return fmt.Errorf("line %d: merge key needs a mapping", n.Line)
		}
		for k, v := range m {
			if _, set := out[k]; !set {
				out[k] = v
			}
		}
	}
	return nil
}

func scalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return b, nil
	case "!!int", "!!float":
		if json.Valid([]byte(n.Value)) {
			return json.Number(n.Value), nil
		}
		var f float64 // 0x10, 1_000, .inf and the like
		if err := n.Decode(&f); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("line %d: %s is not a JSON number", n.Line, n.Value)
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
	}
	return n.Value, nil
}
