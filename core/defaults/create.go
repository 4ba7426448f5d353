package defaults

import (
	"context"
	"errors"

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
		_, err := c.CreateAction(ctx, a)
		warnFailure(log.WithField("action", a["identifier"]), err, "Could not create a default action")
	}
	for _, group := range res.Scorecards {
		for _, sc := range group.Data {
			_, err := c.CreateScorecard(ctx, group.Blueprint, sc)
			warnFailure(log.WithFields(logrus.Fields{"blueprint": group.Blueprint, "scorecard": sc["identifier"]}), err,
				"Could not create a default scorecard")
		}
	}
	for _, pg := range res.Pages {
		_, err := c.CreatePage(ctx, pg)
		warnFailure(log.WithField("page", pg["identifier"]), err, "Could not create a default page")
	}
	return nil
}

// warnFailure logs a failed creation; one that exists already (made by another
// instance starting at the same time, or by hand) is no failure.
func warnFailure(log logrus.FieldLogger, err error, msg string) {
	switch {
	case errors.Is(err, port.ErrConflict):
		log.Debug("Already exists")
	case err != nil:
		log.WithError(err).Warn(msg)
	}
}
