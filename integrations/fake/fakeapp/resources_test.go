package fakeapp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/itchyny/gojq"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/ocean-go/ocean/core/defaults"
	"github.com/ocean-go/ocean/integrations/fake/fakeorg"
)

var portDir = filepath.Join("..", ".port")

// mappedResource is the part of a mapping resource these tests read.
type mappedResource struct {
	Kind     string `json:"kind"`
	Selector struct {
		Query string `json:"query"`
	} `json:"selector"`
	Port struct {
		Entity struct {
			Mappings struct {
				Identifier string            `json:"identifier"`
				Title      string            `json:"title"`
				Blueprint  string            `json:"blueprint"`
				Properties map[string]string `json:"properties"`
				Relations  map[string]string `json:"relations"`
			} `json:"mappings"`
		} `json:"entity"`
	} `json:"port"`
}

// load reads .port/resources the way the App does (the mapping is validated)
// and returns the blueprints by identifier and the mapping's resources.
func load(t *testing.T) (map[string]map[string]any, []mappedResource) {
	t.Helper()
	res, err := defaults.Load(filepath.Join(portDir, "resources"))
	require.NoError(t, err)
	require.NotNil(t, res.PortAppConfig)
	bps := map[string]map[string]any{}
	for _, bp := range res.Blueprints {
		bps[bp["identifier"].(string)] = bp
	}
	var mapping struct {
		Resources []mappedResource `json:"resources"`
	}
	b, err := json.Marshal(res.PortAppConfig)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &mapping))
	return bps, mapping.Resources
}

func TestMappingTargetsTheBlueprints(t *testing.T) {
	bps, resources := load(t)
	var kinds []string
	for _, r := range resources {
		kinds = append(kinds, r.Kind)
		m := r.Port.Entity.Mappings
		bpID := strings.Trim(m.Blueprint, `"`)
		bp, ok := bps[bpID]
		require.True(t, ok, "kind %s maps to blueprint %s, missing from blueprints.json", r.Kind, bpID)

		props := bp["schema"].(map[string]any)["properties"].(map[string]any)
		for name := range m.Properties {
			assert.Contains(t, props, name, "kind %s: property %s is not in blueprint %s", r.Kind, name, bpID)
		}
		rels, _ := bp["relations"].(map[string]any)
		for name := range m.Relations {
			require.Contains(t, rels, name, "kind %s: relation %s is not in blueprint %s", r.Kind, name, bpID)
			target := rels[name].(map[string]any)["target"].(string)
			assert.Contains(t, bps, target, "relation %s.%s targets a blueprint the defaults do not create", bpID, name)
		}
	}
	assert.ElementsMatch(t, []string{KindDepartment, KindPerson, KindOffice, KindTeam, KindProject}, kinds)
	assert.ElementsMatch(t, kinds, specKinds(t), "spec.yaml features list the mapped kinds")
}

func specKinds(t *testing.T) []string {
	data, err := os.ReadFile(filepath.Join(portDir, "spec.yaml"))
	require.NoError(t, err)
	var spec struct {
		Type     string `yaml:"type"`
		Features []struct {
			Resources []struct {
				Kind string `yaml:"kind"`
			} `yaml:"resources"`
		} `yaml:"features"`
	}
	require.NoError(t, yaml.Unmarshal(data, &spec))
	assert.Equal(t, "fake-integration", spec.Type)
	var kinds []string
	for _, f := range spec.Features {
		for _, r := range f.Resources {
			kinds = append(kinds, r.Kind)
		}
	}
	return kinds
}

// TestMappingEvaluates runs every mapping expression with gojq over the items
// the fake API serves, so a mapping that gojq cannot run fails here first.
func TestMappingEvaluates(t *testing.T) {
	_, resources := load(t)
	samples := map[string]any{
		KindDepartment: fakeorg.Departments,
		KindPerson:     fakeorg.Persons(fakeorg.Departments[1], 0, 20, 1),
		KindOffice:     fakeorg.Offices,
		KindTeam:       fakeorg.Teams,
		KindProject:    fakeorg.Projects,
	}
	for _, r := range resources {
		t.Run(r.Kind, func(t *testing.T) {
			m := r.Port.Entity.Mappings
			exprs := map[string]string{"selector": r.Selector.Query, "identifier": m.Identifier, "title": m.Title, "blueprint": m.Blueprint}
			for k, e := range m.Properties {
				exprs["properties."+k] = e
			}
			for k, e := range m.Relations {
				exprs["relations."+k] = e
			}
			for _, item := range rawItems(t, samples[r.Kind]) {
				for field, expr := range exprs {
					v := eval(t, expr, item)
					assert.NotNil(t, v, "%s: %s (%s) is null for %v", r.Kind, field, expr, item["id"])
				}
			}
		})
	}
}

func TestOfficeMappingUsesNestedPaths(t *testing.T) {
	_, resources := load(t)
	for _, r := range resources {
		if r.Kind != KindOffice {
			continue
		}
		item := rawItems(t, fakeorg.Offices[:1])[0]
		p := r.Port.Entity.Mappings.Properties
		assert.Equal(t, strings.ToUpper(fakeorg.Offices[0].Address.Country), eval(t, p["country"], item))
		assert.Equal(t, fakeorg.Offices[0].Address.Lines[0], eval(t, p["street"], item))
		return
	}
	t.Fatal("no fake-office resource in the mapping")
}

// rawItems turns typed items into decoded JSON, the input gojq takes.
func rawItems(t *testing.T, items any) []map[string]any {
	b, err := json.Marshal(items)
	require.NoError(t, err)
	var out []map[string]any
	require.NoError(t, json.Unmarshal(b, &out))
	require.NotEmpty(t, out)
	return out
}

func eval(t *testing.T, expr string, item map[string]any) any {
	t.Helper()
	q, err := gojq.Parse(expr)
	require.NoError(t, err, expr)
	v, ok := q.Run(item).Next()
	require.True(t, ok, expr)
	if err, isErr := v.(error); isErr {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}
