package defaults

import (
	"context"

	"github.com/sirupsen/logrus"

	"github.com/ocean-go/ocean/clients/port"
)

// createResources creates the default blueprints, then the actions, scorecards
// and pages. Only a blueprint failure is an error (after its rollback); the
// rest is optional decoration, so its failures are logged.
func createResources(ctx context.Context, c *port.Client, res *Resources, log logrus.FieldLogger) error {
	if err := createBlueprints(ctx, c, res.Blueprints, log); err != nil {
		return err
	}
	for _, a := range res.Actions {
		if _, err := c.CreateAction(ctx, a); err != nil {
			log.WithError(err).WithField("action", a["identifier"]).Warn("Could not create a default action")
		}
	}
	for _, group := range res.Scorecards {
		for _, sc := range group.Data {
			if _, err := c.CreateScorecard(ctx, group.Blueprint, sc); err != nil {
				log.WithError(err).WithFields(logrus.Fields{"blueprint": group.Blueprint, "scorecard": sc["identifier"]}).
					Warn("Could not create a default scorecard")
			}
		}
	}
	for _, pg := range res.Pages {
		if _, err := c.CreatePage(ctx, pg); err != nil {
			log.WithError(err).WithField("page", pg["identifier"]).Warn("Could not create a default page")
		}
	}
	return nil
}
