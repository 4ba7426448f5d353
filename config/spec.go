package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ocean-go/ocean/internal/suggest"
	"github.com/ocean-go/ocean/internal/yamlpos"
)

// Spec is an integration's .port/spec.yaml. Only Configurations, Saas and
// ActionsProcessingEnabled drive framework behaviour; the rest is for Port's UI.
// The yaml tags are the keys a spec may have: any other is reported as
// unknown, with the tag it likely meant.
type Spec struct {
	Type                     string              `yaml:"type" json:"type"`
	Title                    string              `yaml:"title" json:"title,omitempty"`
	Description              string              `yaml:"description" json:"description,omitempty"`
	Icon                     string              `yaml:"icon" json:"icon,omitempty"`
	Docs                     string              `yaml:"docs" json:"docs,omitempty"`
	Features                 []Feature           `yaml:"features" json:"features,omitempty"`
	Configurations           []ConfigurationSpec `yaml:"configurations" json:"configurations,omitempty"`
	Saas                     SaasSpec            `yaml:"saas" json:"saas"`
	ActionsProcessingEnabled bool                `yaml:"actionsProcessingEnabled" json:"actionsProcessingEnabled,omitempty"`
	// InstallationDocs and FormMappingEnabled are Port's UI's, not checked here.
	InstallationDocs   any  `yaml:"installationDocs" json:"installationDocs,omitempty"`
	FormMappingEnabled bool `yaml:"formMappingEnabled" json:"formMappingEnabled,omitempty"`

	file    string   // path relative to the integration dir, for messages
	unknown []*Error // keys no field above declares
}

// Feature is one entry of spec.features.
type Feature struct {
	Type      string            `yaml:"type" json:"type"` // exporter or gitops
	Section   string            `yaml:"section" json:"section,omitempty"`
	Resources []FeatureResource `yaml:"resources" json:"resources,omitempty"`
}

// FeatureResource names a kind the integration can export.
type FeatureResource struct {
	Kind string `yaml:"kind" json:"kind"`
}

// SaasSpec says whether the integration may run as Port-hosted SaaS. Enabled
// is true unless the spec sets it to false, as in Ocean.
type SaasSpec struct {
	Enabled bool `yaml:"enabled" json:"enabled"`
	// LiveEvents and OAuthConfiguration are Port's, not checked here.
	LiveEvents         any `yaml:"liveEvents" json:"liveEvents,omitempty"`
	OAuthConfiguration any `yaml:"oauthConfiguration" json:"oauthConfiguration,omitempty"`
}

// ConfigurationSpec declares one integration setting.
type ConfigurationSpec struct {
	Name        string `yaml:"name" json:"name"`
	Type        string `yaml:"type" json:"type"`
	Required    bool   `yaml:"required" json:"required,omitempty"`
	Default     any    `yaml:"default" json:"default,omitempty"`
	Sensitive   bool   `yaml:"sensitive" json:"sensitive,omitempty"`
	Description string `yaml:"description" json:"description,omitempty"`

	line  int            // of the configuration
	lines map[string]int // of each key's value, for messages about that key
}

// where names the line of key's value (the configuration's when the key is
// absent) for messages.
func (c *ConfigurationSpec) where(file, key string) string {
	line, ok := c.lines[key]
	if !ok {
		line = c.line
	}
	return fmt.Sprintf("%s line %d", file, line)
}

// Configuration types. Ocean rejects "number" although its docs list it; it
// is accepted here as a float because integrations reasonably declare it.
var configTypes = map[string]string{
	"string":  "a string",
	"url":     "a URL",
	"integer": "an integer",
	"number":  "a number",
	"boolean": "a boolean (true/false, yes/no, on/off, 1/0)",
	"object":  "a JSON object",
	"array":   "a JSON array",
}

const configTypeList = "string, url, integer, number, boolean, object, array"

// specFiles are looked up in this order; the first found is used.
var specFiles = []string{".port/spec.json", ".port/spec.yaml", ".port/spec.yml"}

// LoadSpec reads the spec of the integration in dir ("" = current directory).
// It returns nil, nil when there is no spec file, and Errors listing every
// problem of one that is invalid. Unknown keys are not errors here (Load
// reports them).
func LoadSpec(dir string) (*Spec, error) {
	spec, errs, err := loadSpec(dir)
	if err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return spec, nil
}

// loadSpec is LoadSpec with the spec's problems apart from a failure to read it.
func loadSpec(dir string) (*Spec, Errors, error) {
	for _, name := range specFiles {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("config: read %s: %w", name, err)
		}
		spec, errs := parseSpec(name, data)
		if len(errs) > 0 {
			return nil, errs, nil
		}
		return spec, nil, nil
	}
	return nil, nil, nil
}

func parseSpec(name string, data []byte) (*Spec, Errors) {
	var doc yaml.Node
	var check any // applies the parser's limits on alias expansion
	if err := yaml.Unmarshal(data, &check); err != nil {
		return nil, yamlErrors(name, "valid YAML or JSON", data, err)
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlErrors(name, "valid YAML or JSON", data, err)
	}
	if len(doc.Content) == 0 || resolveAlias(doc.Content[0]).Kind != yaml.MappingNode {
		return nil, Errors{{Source: name, Expected: "a mapping (type, configurations, …)"}}
	}
	root := resolveAlias(doc.Content[0])
	spec := &Spec{Saas: SaasSpec{Enabled: true}, file: name}
	if err := root.Decode(spec); err != nil {
		var errs Errors
		for _, p := range yamlpos.Problems(data, err) {
			errs = append(errs, &Error{Source: fmt.Sprintf("%s line %d", name, p.Line), Expected: "the spec.yaml layout", Got: fmt.Sprintf("%q", p.Msg)})
		}
		return nil, errs
	}
	spec.unknown = unknownNodeKeys(name, root, reflect.TypeFor[Spec](), "")
	// Walk the nodes again to know the lines of each configuration and of its
	// keys' values for later messages.
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "configurations" {
			for j, c := range resolveAlias(root.Content[i+1]).Content {
				if j >= len(spec.Configurations) {
					break
				}
				cs := &spec.Configurations[j]
				cs.line = c.Line
				c = resolveAlias(c)
				for k := 0; k+1 < len(c.Content); k += 2 {
					if cs.lines == nil {
						cs.lines = map[string]int{}
					}
					cs.lines[c.Content[k].Value] = resolveAlias(c.Content[k+1]).Line
				}
			}
		}
	}
	var errs Errors
	seen := map[string]bool{}
	for i := range spec.Configurations {
		c := &spec.Configurations[i]
		key := fmt.Sprintf("configurations[%d]", i)
		switch {
		case strings.TrimSpace(c.Name) == "":
			errs = append(errs, &Error{Key: key + ".name", Source: c.where(name, "name"), Expected: "a non-empty name"})
		case seen[fold(c.Name)]:
			errs = append(errs, &Error{Key: key + ".name", Source: c.where(name, "name"), Expected: "a name used once", Got: fmt.Sprintf("%q", c.Name)})
		}
		seen[fold(c.Name)] = true
		typ := strings.ToLower(strings.TrimSpace(c.Type))
		if _, ok := configTypes[typ]; !ok {
			errs = append(errs, &Error{Key: key + ".type", Source: c.where(name, "type"), Expected: "one of " + configTypeList, Got: fmt.Sprintf("%q", c.Type)})
		}
		c.Type = typ
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return spec, nil
}

// unknownNodeKeys reports the keys of a mapping node that the yaml tags of
// struct type t do not declare, and those of its nested structs and lists of
// structs; a field of type any is opaque.
func unknownNodeKeys(file string, n *yaml.Node, t reflect.Type, path string) []*Error {
	n = resolveAlias(n)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		var out []*Error
		for i, c := range n.Content {
			out = append(out, unknownNodeKeys(file, c, t.Elem(), fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	case t.Kind() != reflect.Struct || n.Kind != yaml.MappingNode:
		return nil
	}
	fields := map[string]reflect.Type{}
	var names []string
	for f := range t.Fields() {
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if f.IsExported() && tag != "" && tag != "-" {
			fields[tag] = f.Type
			names = append(names, tag)
		}
	}
	var out []*Error
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		key := k.Value
		if path != "" {
			key = path + "." + k.Value
		}
		ft, ok := fields[k.Value]
		if !ok {
			u := &Error{Key: key, Source: fmt.Sprintf("%s line %d", file, k.Line), Unknown: true}
			if c, ok := suggest.Nearest(k.Value, names); ok {
				u.Suggestion = c
				if path != "" {
					u.Suggestion = path + "." + c
				}
			}
			out = append(out, u)
			continue
		}
		out = append(out, unknownNodeKeys(file, n.Content[i+1], ft, key)...)
	}
	return out
}
