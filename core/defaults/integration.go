package defaults

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/clients/port"
)

// createIntegration creates the integration record with the mapping the origin
// calls for: the default mapping (Default), the empty mapping (Empty) or none
// (Port, which provisions it; then this waits for it).
func createIntegration(ctx context.Context, c *port.Client, p Params, origin string, res *Resources, log logrus.FieldLogger) (*port.Integration, error) {
	if p.Version == "" {
		return nil, fmt.Errorf("defaults: creating integration %s needs the integration's version", p.Identifier)
	}
	var config map[string]any
	switch origin {
	case OriginEmpty:
		config = requestMapping(nil)
	case OriginDefault:
		if res.PortAppConfig != nil {
			config = requestMapping(res.PortAppConfig)
		}
	}
	if config == nil {
		config = map[string]any{}
	}
	log.WithField("origin", origin).Info("Creating the integration in Port")
	integ, err := c.CreateIntegration(ctx, port.CreateIntegrationRequest{
		InstallationID:            p.Identifier,
		InstallationAppType:       p.Type,
		Version:                   p.Version,
		ChangelogDestination:      changelogDestination(p),
		Config:                    config,
		ActionsProcessingEnabled:  p.ActionsProcessingEnabled,
		IncrementalSyncEnabled:    p.IncrementalSyncEnabled,
		ProcessingMode:            p.ProcessingMode, // or the next start would PATCH it in
		CreatePortResourcesOrigin: origin,
		CreateResources:           origin == OriginPort,
	})
	if err != nil {
		return nil, fmt.Errorf("defaults: create integration %s: %w", p.Identifier, err)
	}
	if origin == OriginPort {
		return waitForProvisioning(ctx, c, integ, log)
	}
	return integ, nil
}

// alignIntegration PATCHes the fields Port should know about the running
// integration when any of them differs, so an unchanged restart sends nothing.
func alignIntegration(ctx context.Context, c *port.Client, p Params, integ *port.Integration, log logrus.FieldLogger) (*port.Integration, error) {
	patch := misaligned(p, integ)
	if len(patch) == 0 {
		return integ, nil
	}
	log.WithField("fields", slices.Sorted(maps.Keys(patch))).Info("Updating the integration in Port")
	// Like Ocean, send every reported field once one of them differs.
	patch["installationAppType"] = p.Type
	patch["changelogDestination"] = changelogDestination(p)
	patch["actionsProcessingEnabled"] = p.ActionsProcessingEnabled
	patch["incrementalSyncEnabled"] = p.IncrementalSyncEnabled
	if p.Version != "" {
		patch["version"] = p.Version
	}
	if p.ProcessingMode != "" {
		patch["processingMode"] = p.ProcessingMode
	}
	updated, err := c.PatchIntegration(ctx, patch)
	if err != nil {
		return nil, fmt.Errorf("defaults: update integration %s: %w", p.Identifier, err)
	}
	return updated, nil
}

// misaligned returns the reported fields whose value in Port differs from
// the running integration's, with the running values.
func misaligned(p Params, integ *port.Integration) map[string]any {
	patch := map[string]any{}
	if p.Type != "" && integ.InstallationAppType != p.Type {
		patch["installationAppType"] = p.Type
	}
	if p.Version != "" && integ.Version != p.Version {
		patch["version"] = p.Version
	}
	if cd := changelogDestination(p); !sameJSON(integ.ChangelogDestination, cd) {
		patch["changelogDestination"] = cd
	}
	if integ.ActionsProcessingEnabled != p.ActionsProcessingEnabled {
		patch["actionsProcessingEnabled"] = p.ActionsProcessingEnabled
	}
	if integ.IncrementalSyncEnabled != p.IncrementalSyncEnabled {
		patch["incrementalSyncEnabled"] = p.IncrementalSyncEnabled
	}
	if p.ProcessingMode != "" && integ.ProcessingMode != p.ProcessingMode {
		patch["processingMode"] = p.ProcessingMode
	}
	return patch
}

// provisionPoll bounds the wait for Port to provision an integration's mapping.
var provisionPoll = struct {
	tries      int
	first, max time.Duration
	factor     float64
}{tries: 30, first: 3 * time.Second, max: 30 * time.Second, factor: 1.55}

// waitForProvisioning polls the integration until Port has written its mapping.
func waitForProvisioning(ctx context.Context, c *port.Client, integ *port.Integration, log logrus.FieldLogger) (*port.Integration, error) {
	delay := provisionPoll.first
	for try := 1; ; try++ {
		if integ != nil && integ.HasConfig() {
			return integ, nil
		}
		if try > provisionPoll.tries {
			return nil, fmt.Errorf("defaults: Port did not provision the integration's mapping after %d checks", provisionPoll.tries)
		}
		log.WithField("try", try).Info("Waiting for Port to provision the integration's resources")
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("defaults: waiting for Port to provision the integration: %w", ctx.Err())
		case <-time.After(delay):
		}
		delay = min(time.Duration(float64(delay)*provisionPoll.factor), provisionPoll.max)
		var err error
		if integ, err = c.GetIntegration(ctx); err != nil {
			log.WithError(err).Warn("Could not read the integration while waiting for provisioning")
		}
	}
}

func changelogDestination(p Params) map[string]any {
	if p.ChangelogDestination == nil {
		return map[string]any{}
	}
	return p.ChangelogDestination
}

// sameJSON compares two values by their JSON form (object keys sorted); nil and
// an empty object are the same destination.
func sameJSON(a, b map[string]any) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}
