// Command fake is the fake integration: it imports a generated fake
// organisation into Port. Without Port credentials it syncs into the embedded
// local Port, so `go run ./integrations/fake sail --once` is the quick start.
package main

import (
	"os"
	"path/filepath"
	"runtime"

	ocean "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/integrations/fake/fakeapp"
	// Without Port credentials, sync into the embedded local Port.
	_ "github.com/ocean-go/ocean/localport/embedded"
)

// version is reported to Port as the integration's version; the image build
// sets it with -ldflags "-X main.version=...".
var version = "0.1.0"

func main() {
	app := ocean.New(
		ocean.WithType("fake-integration"),
		ocean.WithVersion(version),
		ocean.WithDir(integrationDir()),
	)
	fakeapp.Setup(app)
	app.Run()
}

// integrationDir is the directory holding .port/: the working directory when
// it has one (a built image), else this source directory, so that `go run`
// works from the repository root.
func integrationDir() string {
	if _, err := os.Stat(".port"); err == nil {
		return "."
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		dir := filepath.Dir(file)
		if _, err := os.Stat(filepath.Join(dir, ".port")); err == nil {
			return dir
		}
	}
	return "."
}
