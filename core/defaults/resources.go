package defaults

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Resources are an integration's default Port resources, read from
// .port/resources. Objects are kept as decoded JSON (numbers as json.Number) so
// that keys this package does not know reach Port unchanged.
type Resources struct {
	Blueprints []map[string]any
	Actions    []map[string]any
	Scorecards []BlueprintScorecards
	Pages      []map[string]any
	// PortAppConfig is the default mapping; nil when the integration ships none.
	PortAppConfig map[string]any
}

func (r *Resources) empty() bool {
	return len(r.Blueprints) == 0 && len(r.Actions) == 0 && len(r.Scorecards) == 0 &&
		len(r.Pages) == 0 && r.PortAppConfig == nil
}

// BlueprintScorecards are the scorecards of one blueprint, as listed in
// scorecards.json: [{"blueprint": "service", "data": [<scorecard>, ...]}].
type BlueprintScorecards struct {
	Blueprint string           `json:"blueprint"`
	Data      []map[string]any `json:"data"`
}

// Empty reports whether there is nothing to create.
func (r *Resources) Empty() bool {
	return len(r.Blueprints) == 0 && len(r.Actions) == 0 && len(r.Scorecards) == 0 &&
		len(r.Pages) == 0 && r.PortAppConfig == nil
}

// BlueprintIDs returns the identifiers of the default blueprints, in file order.
func (r *Resources) BlueprintIDs() []string {
	ids := make([]string, len(r.Blueprints))
	for i, bp := range r.Blueprints {
		ids[i], _ = bp["identifier"].(string)
	}
	return ids
}

// The file stems Load reads; any other file in the directory is ignored.
const (
	stemBlueprints    = "blueprints"
	stemActions       = "actions"
	stemScorecards    = "scorecards"
	stemPages         = "pages"
	stemPortAppConfig = "port-app-config"
)

var knownStems = map[string]bool{
	stemBlueprints: true, stemActions: true, stemScorecards: true, stemPages: true, stemPortAppConfig: true,
}

// Load reads the default resources in dir (usually <integration>/.port/resources).
// A missing directory means no defaults. Files are named by stem (blueprints,
// actions, scorecards, pages, port-app-config) with extension .json, .yaml or
// .yml; a known stem with another extension, the same stem twice, or content of
// the wrong shape is an error naming the file.
func Load(dir string) (*Resources, error) {
	res := &Resources{}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return res, nil
	}
	if err != nil {
		return nil, fmt.Errorf("defaults: read resources directory %s: %w", dir, err)
	}
	seen := map[string]string{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		ext := filepath.Ext(name)
		stem := strings.TrimSuffix(name, ext)
		if !knownStems[stem] {
			continue
		}
		path := filepath.Join(dir, name)
		switch strings.ToLower(ext) {
		case ".json", ".yaml", ".yml":
		default:
			return nil, fmt.Errorf("defaults: %s: unsupported file type %q for %s (use .json, .yaml or .yml)", path, ext, stem)
		}
		if prev, dup := seen[stem]; dup {
			return nil, fmt.Errorf("defaults: %s: %s is also defined by %s", path, stem, prev)
		}
		seen[stem] = name
		if err := res.read(path, stem); err != nil {
			return nil, fmt.Errorf("defaults: %s: %w", path, err)
		}
	}
	return res, nil
}

// read decodes one file into the field its stem names.
func (r *Resources) read(path, stem string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	data, err = toJSON(data, filepath.Ext(path))
	if err != nil {
		return err
	}
	switch stem {
	case stemBlueprints:
		return decodeObjects(data, &r.Blueprints, "identifier")
	case stemActions:
		return decodeObjects(data, &r.Actions, "identifier")
	case stemPages:
		return decodeObjects(data, &r.Pages, "identifier")
	case stemScorecards:
		return r.readScorecards(data)
	case stemPortAppConfig:
		return r.readPortAppConfig(data)
	}
	return nil
}

func (r *Resources) readScorecards(data []byte) error {
	if err := decodeJSON(data, &r.Scorecards); err != nil {
		return fmt.Errorf(`want a list of {"blueprint": ..., "data": [...]}: %w`, err)
	}
	for i, s := range r.Scorecards {
		if s.Blueprint == "" {
			return fmt.Errorf("entry %d: missing blueprint", i)
		}
	}
	return nil
}
