package scaffold

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"

	ocean "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/templates"
)

// GoVersion is the go directive of generated go.mod files: the framework's.
const GoVersion = "1.26.0"

// Options say what to generate.
type Options struct {
	// Name is the integration's name ("My Tool"); its type is its slug
	// ("my-tool").
	Name string
	// Dir is where the project goes; "" = ./<slug>. It must not exist, or
	// be empty.
	Dir         string
	Description string
	// Module is the project's Go module path; "" = example.com/<slug>.
	Module string
	// Framework, when set, is a local checkout of ocean-go that the
	// project's go.mod replaces the framework's module with.
	Framework string
}

// Project is a generated project.
type Project struct {
	Dir   string
	Slug  string
	Files []string // relative to Dir, slash-separated, in generation order
}

// data is what the templates see.
type data struct {
	Slug, Title, Description, Module, GoVersion, FrameworkVersion, Framework string
}

var slugChars = regexp.MustCompile(`[^a-z0-9]+`)

// Slug is the integration type of name: lower-case letters and digits,
// words joined by "-".
func Slug(name string) string {
	return strings.Trim(slugChars.ReplaceAllString(strings.ToLower(name), "-"), "-")
}

// Generate writes the project o describes.
func Generate(o Options) (*Project, error) {
	d, err := o.data()
	if err != nil {
		return nil, err
	}
	dir := o.Dir
	if dir == "" {
		dir = d.Slug
	}
	if err := mustBeEmpty(dir); err != nil {
		return nil, err
	}
	p := &Project{Dir: dir, Slug: d.Slug}
	err = fs.WalkDir(templates.Integration, "integration", func(name string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(name, "integration/"), ".tmpl")
		text, err := render(name, d)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, text, 0o644); err != nil {
			return err
		}
		p.Files = append(p.Files, rel)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scaffold: %w", err)
	}
	return p, nil
}

func (o Options) data() (data, error) {
	slug := Slug(o.Name)
	if slug == "" {
		return data{}, errors.New("scaffold: the integration needs a name with letters or digits")
	}
	d := data{
		Slug: slug, Title: strings.TrimSpace(o.Name), Description: strings.TrimSpace(o.Description),
		Module: o.Module, GoVersion: GoVersion, FrameworkVersion: ocean.Version,
	}
	if d.Description == "" {
		d.Description = "Syncs the items of its API into Port."
	}
	if d.Module == "" {
		d.Module = "example.com/" + slug
	}
	if o.Framework != "" {
		abs, err := filepath.Abs(o.Framework)
		if err != nil {
			return data{}, fmt.Errorf("scaffold: framework checkout: %w", err)
		}
		if _, err := os.Stat(filepath.Join(abs, "go.mod")); err != nil {
			return data{}, fmt.Errorf("scaffold: %s is not a checkout of ocean-go (no go.mod)", abs)
		}
		d.Framework = filepath.ToSlash(abs)
	}
	return d, nil
}

// mustBeEmpty refuses to write over anything.
func mustBeEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("scaffold: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("scaffold: %s is not empty; choose another directory", dir)
	}
	return nil
}

// jsonString quotes s as a JSON string, which YAML reads as the same string.
func jsonString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

func render(name string, d data) ([]byte, error) {
	src, err := fs.ReadFile(templates.Integration, name)
	if err != nil {
		return nil, err
	}
	t, err := template.New(path.Base(name)).Delims("<%", "%>").Option("missingkey=error").
		Funcs(template.FuncMap{"json": jsonString}).Parse(string(src))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := t.Execute(&out, d); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
