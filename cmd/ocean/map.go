package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/config"
	"github.com/ocean-go/ocean/core/appconfig"
	"github.com/ocean-go/ocean/core/jsonorder"
	"github.com/ocean-go/ocean/core/processor"
	"github.com/ocean-go/ocean/logging"
)

type mapOptions struct {
	mapping, kind, input, blueprints, allowEnv string
	strict                                     bool
}

func newMapCmd() *cobra.Command {
	var o mapOptions
	cmd := &cobra.Command{
		Use:   "map --mapping port-app-config.yml --kind KIND --input raw.json",
		Short: "Run a mapping on sample raw data and print the entities it makes",
		Long: `Map runs the mapping engine alone, for people writing mappings.

Every resource of the kind, in mapping order, is applied to the raw items
(itemsToParse included); the entities that would be sent to Port are printed to
stdout as JSON lines. A report on stderr lists the items the selector rejected or
failed on and the fields that evaluated to null or failed (ERROR when the
blueprint, from --blueprints, requires them).

The input is a JSON array of items or a single item (.json), one item per line
(.jsonl), or - for stdin (either form). The exit status is non-zero when an item
failed.

A key of the mapping that is not known (propertes:, itemToParse:) is an error,
naming the key it likely meant. With --strict the settings of the integration
in the current directory are checked too: an unknown OCEAN__ variable or
config.yaml key is an error.

env and $ENV are empty in mappings unless --allow-env (or
OCEAN__ALLOWED_ENV_VARS) names the variables they may read; the settings of the
integration in the current directory are then loaded, as sail loads them, and
a variable holding one of their secrets stays hidden.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runMap(cmd.Context(), o, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.mapping, "mapping", "", "port app config file (YAML or JSON)")
	f.StringVar(&o.kind, "kind", "", "kind whose resources to apply")
	f.StringVar(&o.input, "input", "", "raw items: .json (array or object), .jsonl, or - for stdin")
	f.StringVar(&o.blueprints, "blueprints", "", "blueprints file (JSON array, as .port/resources/blueprints.json)")
	f.BoolVar(&o.strict, "strict", false, "check the integration's settings too: unknown keys are errors")
	f.StringVar(&o.allowEnv, "allow-env", "", "variables env and $ENV may read: names or globs (MY_*), comma-separated (default $"+allowedEnvVars+")")
	for _, name := range []string{"mapping", "kind", "input"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func runMap(ctx context.Context, o mapOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, err := readMapping(o.mapping)
	if err != nil {
		return err
	}
	var resources []int
	for i := range cfg.Resources {
		if cfg.Resources[i].Kind == o.kind {
			resources = append(resources, i)
		}
	}
	if len(resources) == 0 {
		return fmt.Errorf("kind %q is not in %s (kinds: %s)", o.kind, o.mapping, kindList(cfg))
	}
	blueprints, err := readBlueprints(o.blueprints)
	if err != nil {
		return err
	}
	items, err := readItems(o.input, stdin)
	if err != nil {
		return err
	}

	popts, err := mapEnv(o.allowEnv, o.strict)
	if err != nil {
		return err
	}
	p := processor.New(popts)
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	failed := 0
	for _, i := range resources {
		m, err := p.Compile(&cfg.Resources[i])
		if err != nil {
			return fmt.Errorf("resource %d (kind %s): %w", i, o.kind, err)
		}
		rep, err := m.MapEach(ctx, items, func(e port.Entity) error { return enc.Encode(e) })
		if err != nil {
			return err
		}
		var bp *port.Blueprint
		if id, ok := m.LiteralBlueprint(); ok {
			bp = blueprints[id]
		}
		writeReport(stderr, rep, i, o.kind, bp)
		failed += rep.Failed
	}
	if failed > 0 {
		return fmt.Errorf("%d item(s) failed", failed)
	}
	return nil
}

// allowedEnvVars is the setting that opens env and $ENV to mappings.
const allowedEnvVars = "OCEAN__ALLOWED_ENV_VARS"

// mapEnv opens env and $ENV to the variables allow (default
// OCEAN__ALLOWED_ENV_VARS) names, as sail does: the integration settings of
// the current directory say which values are secret, and those stay hidden.
// Without either, env and $ENV are {} and no settings are read, unless
// strict asks for them to be checked.
func mapEnv(allow string, strict bool) (processor.Options, error) {
	overrides := map[string]any{}
	if strict {
		overrides["strict"] = true
	}
	if allow != "" {
		overrides["allowed_env_vars"] = allow
	} else if os.Getenv(allowedEnvVars) == "" && !strict {
		return processor.Options{}, nil
	}
	s, err := config.Load(config.LoadOptions{Overrides: overrides, DefaultType: "map", DefaultVersion: currentVersion()})
	if err != nil {
		if strict {
			return processor.Options{}, fmt.Errorf("the settings of the current directory:\n%w", err)
		}
		return processor.Options{}, fmt.Errorf("env access: the settings of the current directory name the secrets to hide: %w", err)
	}
	secrets := s.Secrets()
	m := logging.NewMasker(secrets...)
	return processor.Options{
		AllowedEnv: s.MappingEnv(),
		Hidden:     func(v string) bool { return slices.Contains(secrets, v) || m.HasSecret(v) },
	}, nil
}

// writeReport prints what one resource made of the items.
func writeReport(w io.Writer, r *processor.ItemsReport, index int, kind string, bp *port.Blueprint) {
	fmt.Fprintf(w, "resource %d (kind %s): %d item(s): %d entit%s, %d filtered out, %d skipped, %d failed\n",
		index, kind, r.Items, r.Entities, plural(r.Entities, "y", "ies"), r.Filtered, r.Skipped, r.Failed)
	for _, l := range r.Lines {
		fmt.Fprintln(w, "  "+l)
	}
	for _, path := range slices.Sorted(maps.Keys(r.Fields)) {
		f := r.Fields[path]
		level, why := "WARNING", ""
		if bp != nil && bp.IsRequired(path) {
			level, why = "ERROR", fmt.Sprintf(" (required by blueprint %s)", bp.Identifier)
		}
		line := fmt.Sprintf("  %-7s %s: %s is null in %d of %d mapped item(s)%s", level, path, f.Source, f.Nulls, r.Mapped, why)
		if f.FirstError != "" {
			line += ": " + f.FirstError
		}
		fmt.Fprintln(w, line)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func readMapping(path string) (*appconfig.PortAppConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	// Here, where mappings are written, a misspelt key is an error.
	cfg, err := appconfig.ParseStrict(data)
	if err != nil {
		return nil, fmt.Errorf("mapping %s: %w", path, err)
	}
	return cfg, nil
}

func kindList(cfg *appconfig.PortAppConfig) string {
	var kinds []string
	for _, r := range cfg.Resources {
		if !slices.Contains(kinds, r.Kind) {
			kinds = append(kinds, r.Kind)
		}
	}
	if len(kinds) == 0 {
		return "none"
	}
	return strings.Join(kinds, ", ")
}

func readBlueprints(path string) (map[string]*port.Blueprint, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("blueprints: %w", err)
	}
	var list []*port.Blueprint
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("blueprints %s: want a JSON array of blueprints: %w", path, err)
	}
	out := make(map[string]*port.Blueprint, len(list))
	for i, b := range list {
		if b == nil || b.Identifier == "" {
			return nil, fmt.Errorf("blueprints %s: entry %d has no identifier", path, i)
		}
		out[b.Identifier] = b
	}
	return out, nil
}

// readItems reads raw items: a .jsonl file has one per line; otherwise (and
// on stdin) the input is a JSON array of items, one item, or a stream of items.
func readItems(path string, stdin io.Reader) ([]any, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(stdin)
		path = "stdin"
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	if strings.HasSuffix(path, ".jsonl") || strings.HasSuffix(path, ".ndjson") {
		return readLines(path, data)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var values []any
	for {
		var v any
		start := dec.InputOffset()
		if err := dec.Decode(&v); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			offset := dec.InputOffset()
			if serr, ok := errors.AsType[*json.SyntaxError](err); ok {
				offset = serr.Offset
			}
			return nil, fmt.Errorf("input %s: line %d: %w", path, lineOf(data, offset), err)
		}
		jsonorder.RecordFrom(data[start:dec.InputOffset()], v)
		values = append(values, v)
	}
	if len(values) == 1 {
		if list, ok := values[0].([]any); ok {
			return list, nil
		}
	}
	return values, nil
}

func readLines(path string, data []byte) ([]any, error) {
	var items []any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 64<<20)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("input %s: line %d: %w", path, line, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("input %s: line %d: more than one JSON value", path, line)
		}
		jsonorder.RecordFrom(text, v)
		items = append(items, v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("input %s: %w", path, err)
	}
	return items, nil
}

func lineOf(data []byte, offset int64) int {
	return bytes.Count(data[:min(int(offset), len(data))], []byte("\n")) + 1
}
