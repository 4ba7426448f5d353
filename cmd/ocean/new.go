package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ocean-go/ocean/scaffold"
)

type newOptions struct {
	scaffold.Options
	noTidy bool
}

func newNewCmd() *cobra.Command {
	var o newOptions
	cmd := &cobra.Command{
		Use:   "new NAME [--path DIR]",
		Short: "Create the project of a new integration",
		Long: `New writes the project of a new integration: main.go with a paginated resync
handler and a signed webhook processor, its test on the oceantest harness,
.port/ (spec, default blueprint and mapping), README.md, Dockerfile,
.env.example and go.mod, then runs go mod tidy.

On a terminal it asks for what the flags do not give; otherwise it never asks.
--framework DIR points the project's go.mod at a local checkout of ocean-go.

The project runs as generated, without Port credentials:
  cd DIR && go run . sail --once && go test ./...`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Name = args[0]
			}
			if in, ok := cmd.InOrStdin().(*os.File); ok && term.IsTerminal(int(in.Fd())) {
				if err := o.ask(bufio.NewReader(in), cmd.OutOrStdout()); err != nil {
					return err
				}
			}
			if o.Name == "" {
				return errors.New("new: the integration needs a NAME")
			}
			return o.run(cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Dir, "path", "", "directory of the project (default ./<slug of NAME>)")
	f.StringVar(&o.Description, "description", "", "one line saying what the integration syncs")
	f.StringVar(&o.Module, "module", "", "Go module path of the project (default example.com/<slug>)")
	f.StringVar(&o.Framework, "framework", "", "a local checkout of ocean-go for the project's go.mod to replace the framework with")
	f.BoolVar(&o.noTidy, "no-tidy", false, "do not run go mod tidy in the project")
	return cmd
}

// ask prompts for what the flags left empty, a default in brackets.
func (o *newOptions) ask(in *bufio.Reader, out io.Writer) error {
	for _, q := range []struct {
		prompt string
		value  *string
		def    func() string
	}{
		{"Integration name", &o.Name, func() string { return "" }},
		{"Description", &o.Description, func() string { return "" }},
		{"Go module path", &o.Module, func() string { return "example.com/" + scaffold.Slug(o.Name) }},
	} {
		if *q.value != "" {
			continue
		}
		def := q.def()
		if def != "" {
			fmt.Fprintf(out, "%s [%s]: ", q.prompt, def)
		} else {
			fmt.Fprintf(out, "%s: ", q.prompt)
		}
		line, err := in.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if *q.value = strings.TrimSpace(line); *q.value == "" {
			*q.value = def
		}
	}
	return nil
}

func (o *newOptions) run(out, errOut io.Writer) error {
	p, err := scaffold.Generate(o.Options)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Created integration %s in %s:\n", p.Slug, p.Dir)
	for _, f := range p.Files {
		fmt.Fprintln(out, "  "+f)
	}
	if !o.noTidy {
		tidy := exec.Command("go", "mod", "tidy")
		tidy.Dir, tidy.Stdout, tidy.Stderr = p.Dir, errOut, errOut
		if err := tidy.Run(); err != nil {
			// The project is there; what is missing is its go.sum.
			fmt.Fprintf(errOut, "go mod tidy failed (%v): run it in %s once the framework's module can be fetched, or generate with --framework DIR\n", err, p.Dir)
		}
	}
	fmt.Fprintf(out, "\nNext:\n  cd %s\n  go run . sail --once   # a resync into the embedded local Port\n  go test ./...\n", p.Dir)
	return nil
}
