package main

import (
	"fmt"

	"github.com/spf13/cobra"

	framework "github.com/ocean-go/ocean"
)

// currentVersion is the version of ocean-go this binary was built from: the
// module version Go recorded (go install of a release), else framework.Version.
func currentVersion() string { return framework.FrameworkVersion() }

func newVersionCmd() *cobra.Command {
	var short bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version of ocean",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			if short {
				fmt.Fprintln(cmd.OutOrStdout(), currentVersion())
				return
			}
			fmt.Fprintln(cmd.OutOrStdout(), "ocean", currentVersion())
		},
	}
	// Ocean's `ocean version -s`, for scripts.
	cmd.Flags().BoolVarP(&short, "short", "s", false, "print only the version number")
	return cmd
}
