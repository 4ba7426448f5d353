// Package oceantest runs an integration in its tests the way it runs in
// production, with nothing mocked and no Port account: its App, its own
// .port/ (spec, default blueprints, mapping), the real Port client and
// resync engine, against a local Port server in the same process over HTTP.
//
// A test starts the integration with New, giving the function that registers
// its handlers on an App (the one main calls), and then drives it:
//
//	func TestResync(t *testing.T) {
//		h := oceantest.New(t, myintegration.Setup,
//			oceantest.IntegrationConfig(map[string]any{"token": "test-token"}))
//		res, err := h.Resync(context.Background())
//		require.NoError(t, err)
//		assert.Equal(t, 3, res.Kind("repo").Created)
//		assert.Equal(t, "api", *h.Entity("repo", "api").Title)
//	}
//
// What a harness gives:
//   - Resync: a full resync now; its Result holds the summary (per kind:
//     extracted, created, updated, unchanged, deleted, failed, and the
//     errors) and the entities created, updated and deleted.
//   - Entities and Entity: what Port holds.
//   - PostWebhook and WaitWebhooks: post an event to a webhook route (with its
//     signature header), get the status and event id, and wait until the
//     events queued so far are processed.
//   - Logs, Warnings and Errors: the lines the integration logged, secrets
//     masked.
//   - InjectFault (or Port().InjectFault): make the local Port answer 429,
//     5xx, slowly or not at all on a route, e.g. the next 3 bulk upserts
//     503, to see the integration ride it out.
//
// The integration's directory is the working directory (under go test, the
// package's directory) or Dir. Its .port/ and config.yaml are read as sail
// reads them; its .env and the machine's environment are not, so a test sees
// only what it sets with Env, IntegrationConfig and Settings. The App syncs
// into the local Port whatever the settings say, listens on 127.0.0.1 on a
// free port, and resyncs only when the test asks (event listener
// WEBHOOKS_ONLY; Env may choose another). When the test ends, the App is
// stopped and checked: the test fails when it did not stop cleanly or when a
// secret of its settings appears in its logs, and the logs are printed when
// the test failed.
//
// WithPort shares one local Port between harnesses: run the integration
// again on what the first run wrote, or run replicas of it at once.
package oceantest
