package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Spec is an integration's .port/spec.yaml. Only Configurations, Saas and
// ActionsProcessingEnabled drive framework behaviour; the rest is for Port's UI.
type Spec struct {
	Type                     string              `yaml:"type" json:"type"`
	Title                    string              `yaml:"title" json:"title,omitempty"`
	Description              string              `yaml:"description" json:"description,omitempty"`
	Icon                     string              `yaml:"icon" json:"icon,omitempty"`
	Features                 []Feature           `yaml:"features" json:"features,omitempty"`
	Configurations           []ConfigurationSpec `yaml:"configurations" json:"configurations,omitempty"`
	Saas                     SaasSpec            `yaml:"saas" json:"saas"`
	ActionsProcessingEnabled bool                `yaml:"actionsProcessingEnabled" json:"actionsProcessingEnabled,omitempty"`

	file string // path relative to the integration dir, for messages
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
// It returns nil, nil when there is no spec file.
func LoadSpec(dir string) (*Spec, error) {
	for _, name := range specFiles {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("config: read %s: %w", name, err)
		}
		spec, cerr := parseSpec(name, data)
		if cerr != nil {
			return nil, cerr
		}
		return spec, nil
	}
	return nil, nil
}

func parseSpec(name string, data []byte) (*Spec, *Error) {
	var doc yaml.Node
	var check any // applies the parser's limits on alias expansion
	if err := yaml.Unmarshal(data, &check); err != nil {
		return nil, &Error{Source: name, Expected: "valid YAML or JSON", Got: fmt.Sprintf("%q", yamlErrText(err))}
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{Source: name, Expected: "valid YAML or JSON", Got: fmt.Sprintf("%q", yamlErrText(err))}
	}
	if len(doc.Content) == 0 || resolveAlias(doc.Content[0]).Kind != yaml.MappingNode {
		return nil, &Error{Source: name, Expected: "a mapping (type, configurations, …)"}
	}
	root := resolveAlias(doc.Content[0])
	spec := &Spec{Saas: SaasSpec{Enabled: true}, file: name}
	if err := root.Decode(spec); err != nil {
		return nil, &Error{Source: name, Expected: "the spec.yaml layout", Got: fmt.Sprintf("%q", yamlErrText(err))}
	}
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
	seen := map[string]bool{}
	for i := range spec.Configurations {
		c := &spec.Configurations[i]
		key := fmt.Sprintf("configurations[%d]", i)
		if strings.TrimSpace(c.Name) == "" {
			return nil, &Error{Key: key + ".name", Source: c.where(name, "name"), Expected: "a non-empty name"}
		}
		if seen[fold(c.Name)] {
			return nil, &Error{Key: key + ".name", Source: c.where(name, "name"), Expected: "a name used once", Got: fmt.Sprintf("%q", c.Name)}
		}
		seen[fold(c.Name)] = true
		typ := strings.ToLower(strings.TrimSpace(c.Type))
		if _, ok := configTypes[typ]; !ok {
			return nil, &Error{Key: key + ".type", Source: c.where(name, "type"), Expected: "one of " + configTypeList, Got: fmt.Sprintf("%q", c.Type)}
		}
		c.Type = typ
	}
	return spec, nil
}
