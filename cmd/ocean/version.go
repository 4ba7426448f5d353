package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = ""

// currentVersion falls back to the module version recorded by go install, then "dev".
func currentVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

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
