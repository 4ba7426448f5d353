package config

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ocean-go/ocean/internal/yamlpos"
)

// providerRef matches a value that starts with "{{ from <provider> <arg> }}".
var providerRef = regexp.MustCompile(`^\{\{\s*from\s+([A-Za-z0-9]+)\s+(.*?)\s*\}\}`)

// yamlTree parses config.yaml (name is used in messages). Keys are turned into
// settings keys by canonKey; "{{ from env X }}" values are replaced by the env
// var X, or dropped when X is unset. A document that is not YAML gives no
// tree; a bad value is reported and left out, the rest is read.
func yamlTree(name string, data []byte, lookup func(string) (string, bool)) (tree, Errors) {
	// Decoding to values first applies the parser's limits on alias
	// expansion, which the node walk below would not.
	var check any
	if err := yaml.Unmarshal(data, &check); err != nil {
		return nil, yamlErrors(name, "valid YAML", data, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlErrors(name, "valid YAML", data, err)
	}
	if len(doc.Content) == 0 {
		return tree{}, nil
	}
	root := resolveAlias(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return tree{}, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, Errors{{Source: fmt.Sprintf("%s line %d", name, root.Line), Expected: "a mapping of settings"}}
	}
	y := &yamlReader{file: name, lookup: lookup}
	return y.mapping(root, nil, nil), y.errs
}

// yamlErrors reports a document the parser refused, each fault at its line.
func yamlErrors(name, expected string, data []byte, err error) Errors {
	var errs Errors
	for _, p := range yamlpos.Problems(data, err) {
		source := name
		if p.Line > 0 {
			source = fmt.Sprintf("%s line %d", name, p.Line)
		}
		errs = append(errs, &Error{Source: source, Expected: expected, Got: fmt.Sprintf("%q", p.Msg)})
	}
	return errs
}

type yamlReader struct {
	file   string
	lookup func(string) (string, bool)
	errs   Errors
}

func (y *yamlReader) mapping(n *yaml.Node, written, canon []string) tree {
	t := tree{}
	var merged []tree
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], resolveAlias(n.Content[i+1])
		if kn.Tag == "!!merge" {
			merged = append(merged, y.mergeKey(vn, written, canon)...)
			continue
		}
		name := kn.Value
		path := append(append([]string(nil), written...), name)
		k := canonKey(canon, name)
		line := vn.Line
		if vn.Kind != yaml.ScalarNode {
			line = kn.Line // a block's first line is below its key
		}
		o := origin{key: strings.Join(path, "."), where: fmt.Sprintf("%s line %d", y.file, line)}
		e := &entry{name: name, from: o}
		switch vn.Kind {
		case yaml.MappingNode:
			e.sub = y.mapping(vn, path, append(append([]string(nil), canon...), k))
		case yaml.ScalarNode:
			if vn.Tag == "!!str" {
				if m := providerRef.FindStringSubmatch(vn.Value); m != nil {
					if m[1] != "env" {
						y.errs = append(y.errs, &Error{Key: o.key, Source: o.where, Expected: `a value or "{{ from env NAME }}" (the only provider is env)`, Got: fmt.Sprintf("%q", m[0])})
						continue
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
				y.errs = append(y.errs, &Error{Key: o.key, Source: o.where, Expected: "a YAML value", Got: fmt.Sprintf("%q", vn.Value)})
				continue
			}
			e.val, e.text = v, vn.Value
		default:
			var v any
			if err := vn.Decode(&v); err != nil {
				y.errs = append(y.errs, &Error{Key: o.key, Source: o.where, Expected: "a YAML value"})
				continue
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
	return t
}

// mergeKey reads the mapping or list of mappings of a merge key (<<: *base),
// as if their keys were written where the merge key is.
func (y *yamlReader) mergeKey(vn *yaml.Node, written, canon []string) []tree {
	srcs := []*yaml.Node{vn}
	if vn.Kind == yaml.SequenceNode {
		srcs = vn.Content
	}
	var out []tree
	for _, src := range srcs {
		if src = resolveAlias(src); src.Kind != yaml.MappingNode {
			continue // the YAML check in yamlTree already rejects these
		}
		out = append(out, y.mapping(src, written, canon))
	}
	return out
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}
