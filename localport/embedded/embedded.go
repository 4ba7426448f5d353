package embedded

import (
	"errors"
	"os"
	"path/filepath"

	ocean "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/console/mapping"
)

func init() { ocean.RegisterLocalPort(start) }

// start opens (or creates) the local Port's database in o.Dir and serves it
// on a free loopback port.
func start(o ocean.LocalPortOptions) (ocean.LocalPort, error) {
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, err
	}
	srv, err := localport.New(localport.Options{DBPath: filepath.Join(o.Dir, "port.db"), Logger: o.Logger, Mapper: mapping.New()})
	if err != nil {
		return nil, err
	}
	if _, err := srv.Start("127.0.0.1:0"); err != nil {
		return nil, errors.Join(err, srv.Close())
	}
	return srv, nil
}
