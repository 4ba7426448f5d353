package console_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// chromium is the browser of the browser test. It skips only outside CI: in
// CI a missing browser fails the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed: CI installs it (apt-get install -y chromium)")
	}
	t.Skip("chromium is not installed")
	return ""
}

// artifacts is where the test keeps its screenshot: $OCEAN_TEST_ARTIFACTS or a temporary directory.
func artifacts(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("OCEAN_TEST_ARTIFACTS"); dir != "" {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		return dir
	}
	return t.TempDir()
}

// A user finds an entity by search, opens it, follows a relation, and tries
// a mapping edit in the playground, in a real browser.
func TestConsoleInABrowser(t *testing.T) {
	exe := chromium(t)
	srv := filled(t, "30")
	base := srv.URL()
	_, body := do(t, http.DefaultClient, "GET", base+"/console/api/integrations", nil)
	integID := body["integrations"].([]any)[0].(map[string]any)["identifier"].(string)

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()))...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTimeout()

	text := func(sel string) string {
		v, err := chromedp.Run(ctx, chromedp.Text(sel))
		require.NoError(t, err, sel)
		return v
	}
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/#/bp/fake-person"),
		poll(`(document.querySelector("#results-status")||{textContent:""}).textContent.startsWith("Showing")`),
		chromedp.SendKeys(`#search`, "hr-000003"),
		chromedp.Click(`form[role=search] button[type=submit]`),
		poll(`(document.querySelector("#results-status")||{}).textContent === "Showing 1–1 of 1 entities."`),
	))
	status := text(`#results-status`)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(`tbody a[data-entity="hr-000003"]`),
		poll(`location.hash === "#/entity/fake-person/hr-000003" && !!document.querySelector("main dl") && !!document.querySelector('main table a[data-entity="hr"]')`),
	))
	title := text(`#title`)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(`main table a[data-entity="hr"]`),
		// The department's page lists the person among the entities related to it.
		poll(`location.hash === "#/entity/fake-department/hr" && !!document.querySelector('main table a[data-entity="hr-000003"]')`),
		chromedp.Navigate(base+"/#/playground/"+integID+"/1"),
		poll(`!!document.querySelector("#report-summary")`),
		void(chromedp.Evaluate[any](`(() => {
			const r = document.querySelector("#resource");
			r.value = r.value.replace("title: .name", "title: '\"CHANGED \" + .name'");
			r.dispatchEvent(new Event("input"));
			return true;
		})()`)),
		poll(`document.querySelector("#entities").textContent.includes("CHANGED ")`),
	))
	report, entities := text(`#report-summary`), text(`#entities`)
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(80))
	require.NoError(t, err)
	require.Equal(t, "Showing 1–1 of 1 entities.", status)
	require.NotEmpty(t, title)
	require.Contains(t, report, "failed")
	require.True(t, strings.Contains(entities, `"title": "CHANGED `), entities)

	path := filepath.Join(artifacts(t), "console-playground.jpg")
	require.NoError(t, os.WriteFile(path, shot, 0o644))
	t.Logf("screenshot: %s", path)
}

// poll waits until a JavaScript expression is truthy.
func poll(expr string) chromedp.Action[chromedp.Void] { return void(chromedp.Poll[any](expr)) }

// void drops an action's value, to run it among others with chromedp.Do.
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}
