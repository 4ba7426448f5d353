package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/ocean-go/ocean/core/appconfig"
)

// Resource is one resource of an integration's mapping, as YAML to edit.
type Resource struct {
	Index int    `json:"index"`
	Kind  string `json:"kind"`
	YAML  string `json:"yaml"`
}

// GET /console/api/integrations
func (c *Console) integrations(r *http.Request) (int, any, error) {
	ctx := r.Context()
	all, err := c.store.Integrations(ctx)
	if err != nil {
		return 0, nil, err
	}
	out := make([]map[string]any, 0, len(all))
	for _, integ := range all {
		id, _ := integ["identifier"].(string)
		reports, err := c.store.ResyncReports(ctx, id)
		if err != nil {
			return 0, nil, err
		}
		resources, err := resourcesOf(integ)
		if err != nil {
			return 0, nil, err
		}
		view := map[string]any{}
		for k, v := range integ {
			view[k] = v
		}
		view["resources"] = resources
		view["resyncs"] = resyncsOf(reports)
		out = append(out, view)
	}
	return http.StatusOK, map[string]any{"integrations": out}, nil
}

// resourcesOf lists config.resources as YAML.
func resourcesOf(integ map[string]any) ([]Resource, error) {
	config, _ := integ["config"].(map[string]any)
	list, _ := config["resources"].([]any)
	out := make([]Resource, 0, len(list))
	for i, res := range list {
		y, err := toYAML(res)
		if err != nil {
			return nil, fmt.Errorf("render resource %d: %w", i, err)
		}
		m, _ := res.(map[string]any)
		kind, _ := m["kind"].(string)
		out = append(out, Resource{Index: i, Kind: kind, YAML: y})
	}
	return out, nil
}

// GET /console/api/integrations/{id}/kinds/{kind}/examples
func (c *Console) examples(r *http.Request) (int, any, error) {
	ex, err := c.store.Examples(r.Context(), r.PathValue("id"), r.PathValue("kind"))
	if err != nil {
		return 0, nil, err
	}
	if ex == nil {
		ex = []any{}
	}
	return http.StatusOK, map[string]any{"examples": ex}, nil
}

// PUT /console/api/integrations/{id}/resources/{index} {"resource": YAML}:
// the resource replaces the one at index in the integration's config.
func (c *Console) saveResource(r *http.Request) (int, any, error) {
	var body struct {
		Resource string `json:"resource"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return 0, nil, fmt.Errorf("%w: the body must be {\"resource\": YAML text}: %v", errBadRequest, err)
	}
	res, _, err := parseResource(body.Resource)
	if err != nil {
		return 0, nil, err
	}
	ctx, id := r.Context(), r.PathValue("id")
	all, err := c.store.Integrations(ctx)
	if err != nil {
		return 0, nil, err
	}
	var integ map[string]any
	for _, i := range all {
		if i["identifier"] == id {
			integ = i
		}
	}
	if integ == nil {
		return 0, nil, fmt.Errorf("%w: integration %q", ErrNotFound, id)
	}
	config := map[string]any{}
	if old, ok := integ["config"].(map[string]any); ok {
		for k, v := range old {
			config[k] = v
		}
	}
	list, _ := config["resources"].([]any)
	index, err := strconv.Atoi(r.PathValue("index"))
	if err != nil || index < 0 || index >= len(list) {
		return 0, nil, fmt.Errorf("%w: resource index %q: the mapping of %q has %d resources", ErrNotFound, r.PathValue("index"), id, len(list))
	}
	list = append([]any(nil), list...)
	list[index] = res
	config["resources"] = list
	saved, err := c.store.SetConfig(ctx, r, id, config)
	if err != nil {
		return 0, nil, err
	}
	c.log.WithFields(map[string]any{"integration": id, "resource": index}).Info("console: mapping saved")
	return http.StatusOK, map[string]any{"integration": saved}, nil
}

// parseResource reads one resource of a mapping from YAML and checks it as
// `ocean map` checks a mapping: an unknown key is an error.
func parseResource(src string) (any, *appconfig.ResourceConfig, error) {
	res, err := fromYAML(src)
	if err != nil {
		return nil, nil, err
	}
	if _, isObj := res.(map[string]any); !isObj {
		return nil, nil, fmt.Errorf("%w: a resource is a mapping with kind, selector and port", ErrInvalid)
	}
	data, err := json.Marshal(map[string]any{"resources": []any{res}})
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	cfg, err := appconfig.ParseStrict(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if len(cfg.Resources) != 1 {
		return nil, nil, fmt.Errorf("%w: want one resource", ErrInvalid)
	}
	return res, &cfg.Resources[0], nil
}

// Resync is one resync as its sync metrics tell it.
type Resync struct {
	EventID string        `json:"eventId"`
	Status  string        `json:"status"` // syncing, completed, failed, aborted
	Start   time.Time     `json:"start"`
	End     *time.Time    `json:"end"` // nil while it runs
	Deleted *float64      `json:"deleted"`
	Kinds   []KindOutcome `json:"kinds"`
}

// KindOutcome is what a resync did with one resource. Ocean's metrics count
// created and updated entities together as loaded, unchanged ones as skipped;
// ocean-go integrations report created and updated apart too.
type KindOutcome struct {
	Identifier string             `json:"identifier"` // "{kind}-{index}"
	Kind       string             `json:"kind"`
	Index      int                `json:"index"`
	Blueprint  string             `json:"blueprint,omitempty"`
	Status     string             `json:"status"`
	Errors     []string           `json:"errors"` // what failed the kind (ocean-go integrations send them)
	Counts     map[string]float64 `json:"counts"` // extracted, transformed, filteredOut, loaded, created, updated, unchanged, failed
}

// Ocean's metric kinds other than a resource's.
const (
	runtimeKind        = "__runtime__"
	reconciliationKind = "__reconciliation__"
)

// syncEvent is the part of Ocean's sync-metrics event the console reads.
type syncEvent struct {
	Kind      string         `json:"kind"`
	KindIndex int            `json:"kindIndex"`
	SyncState string         `json:"syncState"`
	Blueprint *string        `json:"blueprint"`
	Metrics   map[string]any `json:"metrics"`
	Errors    []string       `json:"errors"`
}

// countPaths are where the counts sit in a kind's metrics:
// phase → object_count_type → outcome → object_count.
var countPaths = []struct{ name, phase, outcome string }{
	{"extracted", "extract", "raw_extracted"},
	{"transformed", "transform", "transformed"},
	{"filteredOut", "transform", "filtered_out"},
	{"loaded", "load", "loaded"},
	{"created", "load", "created"}, // ocean-go's split of loaded
	{"updated", "load", "updated"},
	{"unchanged", "load", "skipped"},
	{"failed", "", ""}, // extract, transform and load failures together
}

func objectCount(metrics map[string]any, phase, outcome string) (float64, bool) {
	v, ok := dig(metrics, "phase", phase, "object_count_type", outcome, "object_count").(float64)
	return v, ok
}

func dig(v any, path ...string) any {
	for _, k := range path {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// resyncsOf groups the reports (newest resync first) into resyncs.
func resyncsOf(reports []ResyncReport) []Resync {
	out := []Resync{}
	byEvent := map[string]int{}
	for _, rep := range reports {
		i, seen := byEvent[rep.EventID]
		if !seen {
			i = len(out)
			byEvent[rep.EventID] = i
			out = append(out, Resync{EventID: rep.EventID, Status: "syncing", Start: rep.First, Kinds: []KindOutcome{}})
		}
		rs := &out[i]
		if rep.First.Before(rs.Start) {
			rs.Start = rep.First
		}
		var ev syncEvent
		if json.Unmarshal(rep.Body, &ev) != nil {
			continue
		}
		switch rep.Kind {
		case runtimeKind:
			rs.Status = ev.SyncState
			if ev.SyncState != "syncing" {
				end := rep.Last
				rs.End = &end
			}
		case reconciliationKind:
			if n, ok := objectCount(ev.Metrics, "delete", "deleted"); ok {
				rs.Deleted = &n
			}
		default:
			k := KindOutcome{Identifier: rep.Kind, Kind: ev.Kind, Index: ev.KindIndex, Status: ev.SyncState, Errors: ev.Errors, Counts: map[string]float64{}}
			if k.Errors == nil {
				k.Errors = []string{}
			}
			if ev.Blueprint != nil {
				k.Blueprint = *ev.Blueprint
			}
			for _, p := range countPaths {
				if p.phase != "" {
					if n, ok := objectCount(ev.Metrics, p.phase, p.outcome); ok {
						k.Counts[p.name] = n
					}
					continue
				}
				for _, phase := range []string{"extract", "transform", "load"} {
					if n, ok := objectCount(ev.Metrics, phase, "failed"); ok {
						k.Counts["failed"] += n
					}
				}
			}
			rs.Kinds = append(rs.Kinds, k)
		}
	}
	return out
}
