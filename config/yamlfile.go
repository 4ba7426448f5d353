package config

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// providerRef matches a value that starts with "{{ from <provider> <arg> }}".
var providerRef = regexp.MustCompile(`^\{\{\s*from\s+([A-Za-z0-9]+)\s+(.*?)\s*\}\}`)

// yamlTree parses config.yaml (name is used in messages). Keys are turned into
// settings keys by canonKey; "{{ from env X }}" values are replaced by the env
// var X, or dropped when X is unset.
func yamlTree(name string, data []byte, lookup func(string) (string, bool)) (tree, *Error) {
	// Decoding to values first applies the parser's limits on alias
	// expansion, which the node walk below would not.
	var check any
	if err := yaml.Unmarshal(data, &check); err != nil {
		return nil, &Error{Source: name, Expected: "valid YAML", Got: fmt.Sprintf("%q", yamlErrText(err))}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{Source: name, Expected: "valid YAML", Got: fmt.Sprintf("%q", yamlErrText(err))}
	}
	if len(doc.Content) == 0 {
		return tree{}, nil
	}
	root := resolveAlias(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return tree{}, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, &Error{Source: fmt.Sprintf("%s line %d", name, root.Line), Expected: "a mapping of settings"}
	}
	y := yamlReader{file: name, lookup: lookup}
	return y.mapping(root, nil, nil)
}

type yamlReader struct {
	file   string
	lookup func(string) (string, bool)
}

func (y yamlReader) mapping(n *yaml.Node, written, canon []string) (tree, *Error) {
	t := tree{}
	var merged []tree
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], resolveAlias(n.Content[i+1])
		if kn.Tag == "!!merge" {
			m, err := y.mergeKey(vn, written, canon)
			if err != nil {
				return nil, err
			}
			merged = append(merged, m...)
			continue
		}
		name := kn.Value
		path := append(append([]string(nil), written...), name)
		k := canonKey(canon, name)
		o := origin{key: strings.Join(path, "."), where: fmt.Sprintf("%s line %d", y.file, vn.Line)}
		e := &entry{name: name, from: o}
		switch vn.Kind {
		case yaml.MappingNode:
			sub, err := y.mapping(vn, path, append(append([]string(nil), canon...), k))
			if err != nil {
				return nil, err
			}
			e.sub = sub
		case yaml.ScalarNode:
			if vn.Tag == "!!str" {
				if m := providerRef.FindStringSubmatch(vn.Value); m != nil {
					if m[1] != "env" {
						return nil, &Error{Key: o.key, Source: o.where, Expected: `a value or "{{ from env NAME }}" (the only provider is env)`, Got: fmt.Sprintf("%q", m[0])}
					}
					v, ok := y.lookup(m[2])
					if !ok {
						continue
					}
					e.val = v
					break
				}
			}
			var v any
			if err := vn.Decode(&v); err != nil {
				return nil, &Error{Key: o.key, Source: o.where, Expected: "a YAML value", Got: fmt.Sprintf("%q", vn.Value)}
			}
			e.val, e.text = v, vn.Value
		default:
			var v any
			if err := vn.Decode(&v); err != nil {
				return nil, &Error{Key: o.key, Source: o.where, Expected: "a YAML value"}
			}
			e.val = v
		}
		t[k] = e
	}
	// Keys written in the mapping win over merged ones; earlier merged
	// mappings win over later ones, as YAML says.
	for _, m := range merged {
		for k, e := range m {
			if t[k] == nil {
				t[k] = e
			}
		}
	}
	return t, nil
}

// mergeKey reads the mapping or list of mappings of a merge key (<<: *base),
// as if their keys were written where the merge key is.
func (y yamlReader) mergeKey(vn *yaml.Node, written, canon []string) ([]tree, *Error) {
	srcs := []*yaml.Node{vn}
	if vn.Kind == yaml.SequenceNode {
		srcs = vn.Content
	}
	var out []tree
	for _, src := range srcs {
		if src = resolveAlias(src); src.Kind != yaml.MappingNode {
			continue // the YAML check in yamlTree already rejects these
		}
		m, err := y.mapping(src, written, canon)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// yamlErrText keeps the parser's own words without its "yaml: " prefix.
func yamlErrText(err error) string {
	return strings.TrimPrefix(err.Error(), "yaml: ")
}
