package defaults

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/clients/port"
)

// Params describe the running integration as it should be recorded in Port.
type Params struct {
	Identifier string
	Type       string
	Version    string
	// ChangelogDestination is {} for polling/once, {"type":"KAFKA"} or
	// {"type":"WEBHOOK","url":...}; nil means {}.
	ChangelogDestination    map[string]any
	InitializePortResources bool
	// Origin is the configured createPortResourcesOrigin: "", Empty, Ocean,
	// Default or Port.
	Origin                   string
	ActionsProcessingEnabled bool
	IncrementalSyncEnabled   bool
	// ProcessingMode (ocean-core, dsp) is compared and sent only when set.
	ProcessingMode string
	// Runtime is OnPrem (also when empty) or Saas.
	Runtime string
}

// Initialize creates or aligns the integration record in Port and, the first
// time, its default resources (§12 of Ocean's behaviour):
//  1. an existing integration must have been installed for this runtime;
//  2. the origin of the defaults is resolved (see resolveOrigin);
//  3. a missing integration is created with the default mapping; an existing
//     one is PATCHed only when a reported field differs;
//  4. unless Port says its resources are initialised: Empty writes the empty
//     mapping, Port waits for Port to provision the mapping, Default writes the
//     default mapping when Port has none and creates the default blueprints,
//     actions, scorecards and pages, then marks the resources initialised (also
//     after a failed, rolled-back blueprint creation, whose error is returned).
func Initialize(ctx context.Context, client *port.Client, p Params, res *Resources, log logrus.FieldLogger) error {
	if res == nil {
		res = &Resources{}
	}
	log = log.WithField("integration", p.Identifier)

	integ, err := existingIntegration(ctx, client, p)
	if err != nil {
		return err
	}

	stored := ""
	if integ != nil {
		stored = integ.CreatePortResourcesOrigin
	}
	origin, err := resolveOrigin(ctx, client, stored, p.Origin, p.Type, log)
	if err != nil {
		return err
	}

	if integ == nil {
		integ, err = createIntegration(ctx, client, p, origin, res, log)
		if errors.Is(err, port.ErrConflict) {
			// Another instance with this identifier created it meanwhile (two
			// first starts at once); Ocean fails here, we take its record.
			log.Info("The integration was created by another instance meanwhile; using it")
			integ, err = existingIntegration(ctx, client, p)
			if err == nil && integ == nil {
				err = fmt.Errorf("defaults: integration %s was created and deleted while starting", p.Identifier)
			}
		}
	}
	if err == nil {
		integ, err = alignIntegration(ctx, client, p, integ, log)
	}
	if err != nil {
		return err
	}
	if integ.ArePortResourcesInitialized {
		return nil
	}

	switch origin {
	case OriginEmpty:
		log.Info("Resources origin is Empty: setting an empty mapping")
		return patchIntegration(ctx, client, map[string]any{
			"config":                      requestMapping(nil),
			"arePortResourcesInitialized": true,
		}, p)
	case OriginPort:
		_, err := waitForProvisioning(ctx, client, integ, log)
		return err
	case OriginDefault:
		if !p.InitializePortResources {
			return nil
		}
		return initializeDefaults(ctx, client, p, integ, res, log)
	}
	return fmt.Errorf("defaults: unknown resources origin %q", origin)
}

// existingIntegration reads the integration (nil when Port has none) and checks
// that it was installed for this runtime.
func existingIntegration(ctx context.Context, client *port.Client, p Params) (*port.Integration, error) {
	integ, err := client.GetIntegration(ctx)
	switch {
	case errors.Is(err, port.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("defaults: get integration %s: %w", p.Identifier, err)
	}
	if err := checkRuntime(p.Runtime, integ.InstallationType); err != nil {
		return nil, err
	}
	return integ, nil
}

// initializeDefaults writes the default mapping when Port has none, creates the
// default resources and marks them initialised.
func initializeDefaults(ctx context.Context, c *port.Client, p Params, integ *port.Integration, res *Resources, log logrus.FieldLogger) error {
	if res.empty() {
		// Marked initialised, the integration would never get its defaults,
		// even from a later start that has them (one run from the wrong
		// directory would leave it without a mapping for good).
		log.Warn("No default resources to create; the integration's resources stay uninitialised")
		return nil
	}
	ids := res.BlueprintIDs()
	if i := slices.Index(ids, ""); i >= 0 {
		return fmt.Errorf("defaults: blueprint %d has no identifier", i)
	}
	if !integ.HasConfig() && res.PortAppConfig != nil {
		log.Info("Writing the default mapping from .port/resources")
		if _, err := c.PatchIntegrationConfig(ctx, requestMapping(res.PortAppConfig), p.Runtime == "Saas"); err != nil {
			return fmt.Errorf("defaults: write the default mapping of %s: %w", p.Identifier, err)
		}
	}

	exists, err := anyBlueprintExists(ctx, c, ids)
	if err != nil {
		return err
	}
	var createErr error
	if exists {
		log.Info("Some default blueprints already exist; skipping creation of default resources")
	} else {
		createErr = createResources(ctx, c, res, log)
	}
	if err := patchIntegration(ctx, c, map[string]any{"arePortResourcesInitialized": true}, p); err != nil {
		return errors.Join(createErr, err)
	}
	return createErr
}

// patchIntegration PATCHes the integration, always with the running version
// (as Ocean does).
func patchIntegration(ctx context.Context, c *port.Client, body map[string]any, p Params) error {
	if p.Version != "" {
		body["version"] = p.Version
	}
	if _, err := c.PatchIntegration(ctx, body); err != nil {
		return fmt.Errorf("defaults: patch integration %s: %w", p.Identifier, err)
	}
	return nil
}
