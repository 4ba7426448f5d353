package fakeapp

import (
	"context"
	"iter"

	ocean "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/handlers"
	"github.com/ocean-go/ocean/integrations/fake/fakeapi"
	"github.com/ocean-go/ocean/integrations/fake/fakeorg"
)

// The kinds the fake integration exports.
const (
	KindDepartment = "fake-department"
	KindPerson     = "fake-person"
	KindOffice     = "fake-office"
	KindTeam       = "fake-team"
	KindProject    = "fake-project"
)

// Setup registers the fake integration on app.
func Setup(app *ocean.App) {
	fakeapi.Register(app.Router())
	f := &fake{app: app}
	app.OnResync(KindDepartment, f.list((*fakeapi.Client).Departments))
	app.OnResync(KindOffice, f.list((*fakeapi.Client).Offices))
	app.OnResync(KindTeam, f.list((*fakeapi.Client).Teams))
	app.OnResync(KindProject, f.list((*fakeapi.Client).Projects))
	app.OnResync(KindPerson, f.persons)
	app.AddWebhookProcessor("/webhook", personHook{})
}

type fake struct{ app *ocean.App }

// client calls the API on the App's server, known only once it runs. The
// server strips OCEAN__PATH_PREFIX before routing, so the calls carry it.
func (f *fake) client() *fakeapi.Client {
	base := f.app.URL()
	if prefix := f.app.Settings().PathPrefix; prefix != "" {
		base += "/" + prefix
	}
	// OCEAN__CLIENT_TIMEOUT bounds each call to the third-party API.
	return fakeapi.NewClient(base+f.app.Router().BasePath(), f.app.Settings().ClientTimeout, f.app.Logger())
}

func (f *fake) list(fetch func(*fakeapi.Client, context.Context, fakeorg.Config) ([]any, error)) handlers.ResyncHandler {
	return handlers.List(func(ctx context.Context, _ string) ([]any, error) {
		cfg, err := ocean.IntegrationConfig[fakeorg.Config](ctx)
		if err != nil {
			return nil, err
		}
		return fetch(f.client(), ctx, cfg)
	})
}

// persons streams the persons page by page; no department is ever held whole.
func (f *fake) persons(ctx context.Context, _ string) iter.Seq2[[]any, error] {
	cfg, err := ocean.IntegrationConfig[fakeorg.Config](ctx)
	if err != nil {
		return func(yield func([]any, error) bool) { yield(nil, err) }
	}
	return f.client().Persons(ctx, cfg)
}
