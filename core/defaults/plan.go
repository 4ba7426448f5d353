package defaults

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/clients/port"
)

// Plan says, reading Port only, what Initialize would do: one line per
// change, none when the integration and its defaults are in place. A dry run
// prints it instead of initialising. The client may be read-only.
func Plan(ctx context.Context, client *port.Client, p Params, res *Resources, log logrus.FieldLogger) ([]string, error) {
	if res == nil {
		res = &Resources{}
	}
	integ, err := existingIntegration(ctx, client, p)
	if err != nil {
		return nil, err
	}
	stored := ""
	if integ != nil {
		stored = integ.CreatePortResourcesOrigin
	}
	origin, err := resolveOrigin(ctx, client, stored, p.Origin, p.Type, log)
	if err != nil {
		return nil, err
	}

	var plan []string
	hasMapping, initialized := false, false
	if integ == nil {
		mapping := "no mapping"
		switch {
		case origin == OriginPort:
			mapping = "the mapping Port provisions"
		case origin == OriginEmpty:
			mapping = "an empty mapping"
		case res.PortAppConfig != nil:
			mapping = "the default mapping of .port/resources"
		}
		plan = append(plan, fmt.Sprintf("create the integration %s (type %s, version %s) with %s", p.Identifier, p.Type, p.Version, mapping))
		// A new integration starts with its resources uninitialised and,
		// with the Default origin, the default mapping already in place.
		hasMapping = origin == OriginDefault && res.PortAppConfig != nil
	} else {
		hasMapping, initialized = integ.HasConfig(), integ.ArePortResourcesInitialized
		if patch := misaligned(p, integ); len(patch) > 0 {
			plan = append(plan, "update the integration's "+strings.Join(slices.Sorted(maps.Keys(patch)), ", "))
		}
	}
	if initialized {
		return plan, nil
	}

	switch origin {
	case OriginEmpty:
		plan = append(plan, "set an empty mapping and mark the resources initialised")
	case OriginPort:
		plan = append(plan, "wait for Port to provision the integration's mapping")
	case OriginDefault:
		if !p.InitializePortResources || res.empty() {
			return plan, nil
		}
		ids := res.BlueprintIDs()
		if !hasMapping && res.PortAppConfig != nil {
			plan = append(plan, "write the default mapping of .port/resources")
		}
		exists, err := anyBlueprintExists(ctx, client, ids)
		if err != nil {
			return nil, err
		}
		if exists {
			plan = append(plan, "create no default resources: some default blueprints exist already")
		} else {
			plan = append(plan, createPlan(res)...)
		}
		plan = append(plan, "mark the integration's resources initialised")
	}
	return plan, nil
}

// createPlan names the default resources createResources would create.
func createPlan(res *Resources) []string {
	var plan []string
	if ids := res.BlueprintIDs(); len(ids) > 0 {
		plan = append(plan, "create the blueprints "+strings.Join(ids, ", "))
	}
	scorecards := 0
	for _, g := range res.Scorecards {
		scorecards += len(g.Data)
	}
	for _, c := range []struct {
		n    int
		what string
	}{{len(res.Actions), "actions"}, {scorecards, "scorecards"}, {len(res.Pages), "pages"}} {
		if c.n > 0 {
			plan = append(plan, fmt.Sprintf("create %d %s", c.n, c.what))
		}
	}
	return plan
}
