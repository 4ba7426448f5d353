package ocean

import (
	"errors"
	"sync/atomic"

	"github.com/sirupsen/logrus"
)

// LocalPort is a Port-compatible server the App runs in-process when no Port
// credentials are configured, and syncs into.
type LocalPort interface {
	// URL is the base URL the Port client talks to (it appends /v1).
	URL() string
	// Close stops the server: it finishes the requests in flight and keeps
	// its data.
	Close() error
}

// LocalPortOptions are what the App gives a LocalPortStarter.
type LocalPortOptions struct {
	// Dir holds the server's data (OCEAN__LOCAL_PORT__DIR, default .ocean).
	Dir string
	// Logger is the App's logger: secrets masked, lines kept out of Port's log sink.
	Logger logrus.FieldLogger
}

// LocalPortStarter starts a LocalPort listening on the loopback interface.
type LocalPortStarter func(LocalPortOptions) (LocalPort, error)

// EmbeddedLocalPortImport is the package that registers the embedded local
// Port: an integration imports it for its side effect to sync without a Port
// account.
const EmbeddedLocalPortImport = "github.com/ocean-go/ocean/localport/embedded"

// ErrNoLocalPort is the start-up error of an App with neither Port
// credentials nor a registered LocalPort.
var ErrNoLocalPort = errors.New(`no Port credentials and no embedded local Port: set OCEAN__PORT__CLIENT_ID ` +
	`and OCEAN__PORT__CLIENT_SECRET, or add import _ "` + EmbeddedLocalPortImport + `" to the integration's main package`)

// localPortStarter is registered from an init function, so a pointer read at
// start-up sees it; atomic keeps a registration from a test race-free too.
var localPortStarter atomic.Pointer[LocalPortStarter]

// RegisterLocalPort makes start the LocalPort of every App without Port
// credentials, as database/sql drivers register: the local Port's server and
// its SQLite database are linked only into binaries that import a package
// calling it (EmbeddedLocalPortImport does so in its init). A second
// registration replaces the first.
func RegisterLocalPort(start LocalPortStarter) {
	if start == nil {
		panic("ocean: RegisterLocalPort with a nil starter")
	}
	localPortStarter.Store(&start)
}
