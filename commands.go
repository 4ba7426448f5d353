package ocean

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ocean-go/ocean/core/defaults"
	"github.com/ocean-go/ocean/internal/lifecycle"
)

// DefaultsDock creates or aligns the integration in Port and creates its
// default resources from .port/resources, as sail does before it starts
// (whatever OCEAN__INITIALIZE_PORT_RESOURCES says: creating them is the
// point).
func (a *App) DefaultsDock(ctx context.Context) error {
	yes := true
	return a.offline(ctx, SailOptions{InitializePortResources: &yes}, a.initialize)
}

// DefaultsClean deletes the integration's default blueprints from Port (see
// defaults.CleanOptions) and, with Destroy, the integration itself.
func (a *App) DefaultsClean(ctx context.Context, o defaults.CleanOptions) error {
	return a.offline(ctx, SailOptions{}, func(ctx context.Context) error {
		res, err := defaults.Load(a.resourcesDir())
		if err != nil {
			return err
		}
		return defaults.Clean(ctx, a.client, res, o, a.log)
	})
}

// offline runs fn with the settings and a Port client, without the
// integration's HTTP server or listener.
func (a *App) offline(ctx context.Context, so SailOptions, fn func(context.Context) error) error {
	if a.started() || a.parts != nil {
		return errors.New("ocean: an App runs one command; create a new App for another")
	}
	if err := a.loadSettings(so); err != nil {
		return err
	}
	a.parts = lifecycle.New(a.log)
	defer a.parts.Stop()
	if err := a.connect(ctx); err != nil {
		return err
	}
	return fn(ctx)
}

// defaultsCommand is `defaults dock` and `defaults clean`.
func (a *App) defaultsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "defaults",
		Short: "Create or delete the integration's default resources in Port (.port/resources)",
	}
	dock := &cobra.Command{
		Use:   "dock",
		Short: "Create the integration in Port with its default blueprints, mapping, actions, scorecards and pages",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.DefaultsDock(cmd.Context()) },
	}
	var o defaults.CleanOptions
	clean := &cobra.Command{
		Use:   "clean",
		Short: "Delete the integration's default blueprints from Port (and with --destroy the integration)",
		Long: "Delete the integration's default blueprints from Port. Without --force Port refuses to delete a " +
			"blueprint that still has entities, and the command asks for confirmation first (it refuses when " +
			"not on a terminal: pass --force there).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !o.Force {
				tty := isTerminal(a.stdin()) && isTerminal(a.stdout())
				ok, err := confirm(cmd.InOrStdin(), cmd.OutOrStdout(), tty, cleanQuestion(o))
				if err != nil {
					return err
				}
				if !ok {
					return errors.New("nothing deleted")
				}
			}
			return a.DefaultsClean(cmd.Context(), o)
		},
	}
	clean.Flags().BoolVarP(&o.Force, "force", "f", false, "delete the blueprints with all their entities (no confirmation asked)")
	clean.Flags().BoolVarP(&o.Wait, "wait", "w", false, "wait until Port has deleted the entities (with --force)")
	clean.Flags().BoolVarP(&o.Destroy, "destroy", "d", false, "delete the integration too")
	cmd.AddCommand(dock, clean)
	return cmd
}

func cleanQuestion(o defaults.CleanOptions) string {
	q := "Delete the integration's default blueprints from Port"
	if o.Destroy {
		q += ", and the integration"
	}
	return q + "? Port refuses blueprints that still have entities (--force deletes those too)"
}

// errNoTerminal: a question needs a terminal to be answered.
var errNoTerminal = errors.New("not on a terminal, so nothing is asked: pass --force to confirm")

// confirm asks question on out and reads a yes or no from in; the answer is
// no unless it starts with y. Without a terminal it asks nothing and fails.
func confirm(in io.Reader, out io.Writer, tty bool, question string) (bool, error) {
	if !tty {
		return false, errNoTerminal
	}
	if _, err := fmt.Fprintf(out, "%s [y/N] ", question); err != nil {
		return false, err
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && line == "" {
		return false, nil
	}
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(line)), "y"), nil
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
