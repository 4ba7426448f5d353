// Command ocean is the ocean-go toolbox: `ocean new` creates an integration
// project, `ocean port serve` runs a local Port, `ocean port entities`,
// `blueprints` and `integrations` show what a Port (or a local Port's
// database file) holds, `ocean map` runs a mapping on sample data, `ocean
// list` lists the integrations in a directory tree, `ocean version` prints
// the version.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}

// newRootCmd builds the command tree; each command lives in its own file.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "ocean",
		Short:         "Build, run and test integrations that sync third-party systems into Port",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newPortCmd(), newVersionCmd(), newMapCmd(), newNewCmd(), newListCmd())
	return root
}
