package defaults

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/clients/port"
)

// Origins of an integration's default resources (createPortResourcesOrigin).
const (
	OriginEmpty   = "Empty"   // no defaults: an empty mapping, no blueprints
	OriginDefault = "Default" // the integration creates .port/resources itself
	OriginPort    = "Port"    // Port provisions blueprints and mapping
	OriginOcean   = "Ocean"   // legacy name of Default
)

// provisionedDefaultsFlag is the organization feature flag that lets Port
// provision an integration's defaults.
const provisionedDefaultsFlag = "USE_PROVISIONED_DEFAULTS"

// resolveOrigin decides where the defaults come from: the integration's stored
// origin if it has one, else the configured one. Port (or nothing configured)
// needs Port's support for the type and the organization's feature flag;
// without them the integration falls back to Default.
func resolveOrigin(ctx context.Context, c *port.Client, stored, configured, typ string, log logrus.FieldLogger) (string, error) {
	if stored != "" {
		if stored == OriginOcean {
			return OriginDefault, nil
		}
		return stored, nil
	}
	switch configured {
	case OriginEmpty, OriginDefault:
		return configured, nil
	case OriginOcean:
		log.Warnf("createPortResourcesOrigin %q is deprecated, use %q", OriginOcean, OriginDefault)
		return OriginDefault, nil
	case OriginPort, "":
		ok, err := canProvision(ctx, c, typ)
		if err != nil {
			return "", err
		}
		if ok {
			return OriginPort, nil
		}
		if configured == OriginPort {
			log.Warnf("Port cannot provision defaults for integration type %q; creating them from .port/resources", typ)
		}
		return OriginDefault, nil
	}
	return "", fmt.Errorf("defaults: unknown createPortResourcesOrigin %q (want %s, %s, %s or %s)",
		configured, OriginEmpty, OriginDefault, OriginPort, OriginOcean)
}

func canProvision(ctx context.Context, c *port.Client, typ string) (bool, error) {
	types, err := c.ProvisionEnabled(ctx)
	if err != nil {
		return false, fmt.Errorf("defaults: list provision-enabled integration types: %w", err)
	}
	if !slices.Contains(types, typ) {
		return false, nil
	}
	org, err := c.Organization(ctx)
	if err != nil {
		return false, fmt.Errorf("defaults: read organization feature flags: %w", err)
	}
	return org.HasFlag(provisionedDefaultsFlag), nil
}

// checkRuntime refuses to run an existing integration under another runtime:
// a Saas runtime needs a Saas* installation type, any other needs an exact match.
func checkRuntime(runtime, installationType string) error {
	if runtime == "" {
		runtime = "OnPrem"
	}
	if installationType == "" {
		installationType = "OnPrem"
	}
	ok := installationType == runtime
	if runtime == "Saas" {
		ok = strings.HasPrefix(installationType, "Saas")
	}
	if !ok {
		return fmt.Errorf("defaults: the integration is installed as %q and cannot run with runtime %q", installationType, runtime)
	}
	return nil
}
