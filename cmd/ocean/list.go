package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ocean-go/ocean/config"
)

// Ocean's `ocean list` lists the integrations of its public repository; an
// ocean-go integration is a Go program of its own, so this lists those found
// in a directory tree.
func newListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list [DIR]",
		Short: "List the integrations under DIR (default .): type, version and path",
		Long: "List the integrations under DIR (default .): every directory with a .port/spec.yaml " +
			"(or spec.json, spec.yml). The type is the spec's; the version is the one the integration's " +
			"main package gives ocean.WithVersion (a string or a constant), else OCEAN__INTEGRATION__VERSION " +
			"in its .env, else -. Hidden, vendor and testdata directories are skipped.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			found, err := findIntegrations(dir)
			if err != nil {
				return err
			}
			if len(found) == 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "No integrations under %s (no .port/spec.yaml found)\n", dir)
				return nil
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "TYPE\tVERSION\tPATH")
			for _, f := range found {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", f.Type, f.Version, f.Path)
			}
			return tw.Flush()
		},
	}
}

// integration is one integration found by findIntegrations.
type integration struct {
	Type, Version, Path string
}

// findIntegrations walks dir for integration directories, in lexical order;
// it does not look inside an integration for more. An invalid spec is an
// error naming its directory.
func findIntegrations(dir string) ([]integration, error) {
	var found []integration
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if name := d.Name(); path != dir && (strings.HasPrefix(name, ".") || name == "vendor" || name == "testdata" || name == "node_modules") {
			return filepath.SkipDir
		}
		spec, err := config.LoadSpec(path)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if spec == nil {
			return nil
		}
		found = append(found, integration{Type: orDash(spec.Type), Version: orDash(versionOf(path)), Path: path})
		return filepath.SkipDir
	})
	return found, err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// versionOf is the version the Go files of dir (its main package)
// pass to ocean.WithVersion, as a string literal or a string constant of
// that package, else OCEAN__INTEGRATION__VERSION of dir/.env, else "".
func versionOf(dir string) string {
	fset := token.NewFileSet()
	entries, _ := os.ReadDir(dir)
	var files []*ast.File
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		if f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, 0); err == nil {
			files = append(files, f)
		}
	}
	if v := withVersionArg(files); v != "" {
		return v
	}
	return envFileVersion(filepath.Join(dir, ".env"))
}

// withVersionArg finds a call X.WithVersion(arg) and resolves arg.
func withVersionArg(files []*ast.File) string {
	consts := map[string]string{}
	var arg ast.Expr
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, name := range n.Names {
					if i < len(n.Values) {
						if s, ok := stringLit(n.Values[i]); ok {
							consts[name.Name] = s
						}
					}
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "WithVersion" && len(n.Args) == 1 && arg == nil {
					arg = n.Args[0]
				}
			}
			return true
		})
	}
	if s, ok := stringLit(arg); ok {
		return s
	}
	if id, ok := arg.(*ast.Ident); ok {
		return consts[id.Name]
	}
	return ""
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// envFileVersion reads OCEAN__INTEGRATION__VERSION from a .env file.
func envFileVersion(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	v := ""
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), "export ")
		if rest, ok := strings.CutPrefix(line, "OCEAN__INTEGRATION__VERSION="); ok {
			v = strings.Trim(strings.TrimSpace(rest), `"'`)
		}
	}
	return v
}
