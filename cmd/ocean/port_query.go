package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/ocean-go/ocean/clients/port"
)

// entityFields are every key of a Port entity: asked for by name, since a
// search without include returns only identifier and blueprint.
var entityFields = []string{"identifier", "title", "icon", "blueprint", "team", "properties", "relations",
	"createdAt", "createdBy", "updatedAt", "updatedBy"}

type entitiesOptions struct {
	blueprint, query, output string
	properties               []string
	limit                    int
}

// defaultTableLimit is how many entities a table shows unless --limit says.
const defaultTableLimit = 50

func newPortEntitiesCmd() *cobra.Command {
	var (
		t portTarget
		o entitiesOptions
	)
	cmd := &cobra.Command{
		Use:   "entities [--blueprint BP] [--query JSON]",
		Short: "List the entities of a Port catalog, searched with Port's query language",
		Long: `Entities searches the catalog (POST /v1/entities/search) and prints what matches.

--query is a search query as Port takes it: {"combinator":"and","rules":[...]},
each rule {"property","operator","value"}, {"operator":"relatedTo","blueprint",
"value","direction"} or a nested group. --blueprint BP adds the rule
$blueprint = BP.

The table shows identifier, title, blueprint and a few properties (--properties
chooses them), wide values cut; json prints the entities with all their fields.
Port returns every match; --limit cuts what is printed (default: 50 rows of
table, all of json; 0 = all).`,
		Example: `  ocean port entities --db .ocean/port.db --blueprint fake-person
  ocean port entities --blueprint fake-person --query '{"combinator":"and","rules":[{"property":"age","operator":">","value":60}]}'
  ocean port entities --output json --limit 0 | jq '.[].identifier'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(o.output); err != nil {
				return err
			}
			switch {
			case o.limit < 0:
				return fmt.Errorf("--limit must be 0 (all) or more, got %d", o.limit)
			case !cmd.Flags().Changed("limit") && o.output == outputTable:
				o.limit = defaultTableLimit
			}
			q, err := entitiesQuery(o)
			if err != nil {
				return err
			}
			return withPort(t, func(c *portConn) error {
				return runEntities(cmd.Context(), c, o, q, cmd.OutOrStdout(), cmd.ErrOrStderr())
			})
		},
	}
	t.addFlags(cmd.Flags())
	f := cmd.Flags()
	f.StringVar(&o.blueprint, "blueprint", "", "only entities of blueprint `BP`")
	f.StringVar(&o.query, "query", "", "search query `JSON`: {\"combinator\":\"and\",\"rules\":[...]}")
	f.StringVarP(&o.output, "output", "o", outputTable, "table or json")
	f.IntVar(&o.limit, "limit", 0, "print at most `N` entities (default 50 for table, all for json; 0 = all)")
	f.StringSliceVar(&o.properties, "properties", nil, "property columns of the table (default: up to 4 the entities have)")
	return cmd
}

// withPort opens the target, runs fn and closes the target; the errors a
// person can act on are explained.
func withPort(t portTarget, fn func(c *portConn) error) error {
	c, err := t.open()
	if err != nil {
		return err
	}
	err = c.explain(fn(c))
	return errors.Join(err, c.Close())
}

// entitiesQuery is --query, restricted to --blueprint.
func entitiesQuery(o entitiesOptions) (port.Query, error) {
	q := port.And()
	if o.query != "" {
		var err error
		if q, err = parseQuery(o.query); err != nil {
			return q, err
		}
	}
	if o.blueprint == "" {
		return q, nil
	}
	rule := port.Cond("$blueprint", "=", o.blueprint)
	if o.query == "" {
		return port.And(rule), nil
	}
	// Nested whole: an empty "or" matches nothing and must go on doing so.
	return port.And(rule, q.Group()), nil
}

func runEntities(ctx context.Context, c *portConn, o entitiesOptions, q port.Query, stdout, stderr io.Writer) error {
	if o.blueprint != "" {
		if err := checkBlueprint(ctx, c.client, o.blueprint); err != nil {
			return err
		}
	}
	entities, err := c.client.SearchEntities(ctx, q, searchFields(o)...)
	if err != nil {
		if o.query != "" && errors.Is(err, port.ErrValidation) {
			return fmt.Errorf("--query: %w", err)
		}
		return err
	}
	shown := entities
	if o.limit > 0 && len(shown) > o.limit {
		shown = shown[:o.limit]
	}
	if o.output == outputJSON {
		if shown == nil {
			shown = []port.Entity{}
		}
		return writeJSON(stdout, shown)
	}
	if err := writeEntityTable(stdout, shown, o.properties); err != nil {
		return err
	}
	if len(shown) < len(entities) {
		fmt.Fprintf(stderr, "%d of %d entities shown (--limit 0 shows all)\n", len(shown), len(entities))
	} else if len(entities) == 0 {
		fmt.Fprintln(stderr, "no entity matches")
	}
	return nil
}

// searchFields are the fields the output needs: a table leaves out the
// relations and meta fields, and the properties it does not show when
// --properties names them.
func searchFields(o entitiesOptions) []string {
	if o.output == outputJSON {
		return entityFields
	}
	fields := []string{"identifier", "title", "blueprint"}
	if len(o.properties) == 0 {
		return append(fields, "properties")
	}
	for _, p := range o.properties {
		fields = append(fields, "properties."+p)
	}
	return fields
}

// parseQuery reads --query strictly: a misspelt key is an error, not a
// rule silently dropped; a syntax error says where.
func parseQuery(text string) (port.Query, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var q port.Query
	err := dec.Decode(&q)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	if err != nil {
		offset := dec.InputOffset() + 1
		if serr, ok := errors.AsType[*json.SyntaxError](err); ok {
			offset = serr.Offset
		} else if terr, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
			offset = terr.Offset
		} else if errors.Is(err, io.ErrUnexpectedEOF) {
			offset = int64(len(text)) + 1
		} else if key, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			// Found once the whole value is read: point at the key itself.
			if i := strings.Index(text, key); i >= 0 {
				offset = int64(i) + 1
			}
		}
		line, col := position(text, offset)
		return q, fmt.Errorf("--query: line %d, column %d: %w (want {\"combinator\":\"and\",\"rules\":[...]})", line, col, err)
	}
	if q.Combinator == "" {
		return q, errors.New(`--query: "combinator" is missing: want {"combinator":"and"|"or","rules":[...]}`)
	}
	return q, nil
}

// position is the 1-based line and column of a byte offset (the byte after
// the error, as json.SyntaxError counts it).
func position(text string, offset int64) (line, col int) {
	before := text[:max(0, min(int(offset)-1, len(text)))] // up to the offending byte
	line = strings.Count(before, "\n") + 1
	return line, utf8.RuneCountInString(before[strings.LastIndex(before, "\n")+1:]) + 1
}

// checkBlueprint says which blueprints exist when bp does not: Port would
// just find nothing.
func checkBlueprint(ctx context.Context, c *port.Client, bp string) error {
	_, err := c.GetBlueprint(ctx, bp)
	if !errors.Is(err, port.ErrNotFound) {
		return err
	}
	all, lerr := c.ListBlueprints(ctx)
	if lerr != nil {
		return fmt.Errorf("blueprint %q does not exist", bp)
	}
	ids := make([]string, len(all))
	for i, b := range all {
		ids[i] = b.Identifier
	}
	if len(ids) == 0 {
		return fmt.Errorf("blueprint %q does not exist: the catalog has no blueprint yet", bp)
	}
	return fmt.Errorf("blueprint %q does not exist (blueprints: %s)", bp, strings.Join(ids, ", "))
}

// tableProperties is how many property columns the table shows by default.
const tableProperties = 4

func writeEntityTable(w io.Writer, entities []port.Entity, properties []string) error {
	if len(properties) == 0 {
		properties = commonProperties(entities, tableProperties)
	}
	t := newTable(w, append([]string{"IDENTIFIER", "TITLE", "BLUEPRINT"}, properties...)...)
	for _, e := range entities {
		id, ok := e.ID()
		if !ok {
			id = oneLine(e.Identifier)
		}
		row := []string{id, cell(e.Title), cell(e.Blueprint)}
		for _, p := range properties {
			row = append(row, cell(e.Properties[p]))
		}
		t.row(row...)
	}
	return t.flush()
}

// commonProperties picks the n properties most of the entities have a value
// for, the narrower first among equals, so that a table shows the telling
// columns and fits a line.
func commonProperties(entities []port.Entity, n int) []string {
	type stat struct{ count, width int }
	stats := map[string]*stat{}
	for _, e := range entities {
		for k, v := range e.Properties {
			if v == nil {
				continue
			}
			s := stats[k]
			if s == nil {
				s = &stat{}
				stats[k] = s
			}
			s.count++
			s.width += min(len(oneLine(v)), cellWidth)
		}
	}
	keys := slices.Collect(maps.Keys(stats))
	slices.SortFunc(keys, func(a, b string) int {
		sa, sb := stats[a], stats[b]
		return cmp.Or(cmp.Compare(sb.count, sa.count), cmp.Compare(sa.width/sa.count, sb.width/sb.count), strings.Compare(a, b))
	})
	return keys[:min(n, len(keys))]
}

func newPortBlueprintsCmd() *cobra.Command {
	var (
		t      portTarget
		output string
	)
	cmd := &cobra.Command{
		Use:   "blueprints",
		Short: "List the blueprints of a Port catalog with their entity counts",
		Long: `Blueprints lists every blueprint (GET /v1/blueprints) and how many entities
each has. json prints the blueprints as the port client reads them, each with
an added "entityCount".`,
		Example: `  ocean port blueprints --db .ocean/port.db`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			return withPort(t, func(c *portConn) error {
				return runBlueprints(cmd.Context(), c.client, output, cmd.OutOrStdout())
			})
		},
	}
	t.addFlags(cmd.Flags())
	cmd.Flags().StringVarP(&output, "output", "o", outputTable, "table or json")
	return cmd
}

func runBlueprints(ctx context.Context, c *port.Client, output string, w io.Writer) error {
	blueprints, err := c.ListBlueprints(ctx)
	if err != nil {
		return err
	}
	// One search for all counts: the identifiers and blueprints of every
	// entity, the smallest answer that holds them.
	entities, err := c.SearchEntities(ctx, port.And(), "blueprint")
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, e := range entities {
		counts[e.Blueprint]++
	}
	if output == outputJSON {
		out := make([]map[string]any, 0, len(blueprints))
		for _, bp := range blueprints {
			m, err := asObject(bp)
			if err != nil {
				return err
			}
			m["entityCount"] = counts[bp.Identifier]
			out = append(out, m)
		}
		return writeJSON(w, out)
	}
	t := newTable(w, "IDENTIFIER", "TITLE", "ENTITIES", "PROPERTIES", "RELATIONS")
	for _, bp := range blueprints {
		var relations []string
		for _, name := range slices.Sorted(maps.Keys(bp.Relations)) {
			relations = append(relations, name+"→"+bp.Relations[name].Target)
		}
		t.row(bp.Identifier, cell(bp.Title), fmt.Sprint(counts[bp.Identifier]), fmt.Sprint(len(bp.Schema.Properties)),
			truncate(strings.Join(relations, ", "), 2*cellWidth))
	}
	return t.flush()
}

// asObject re-reads a value as a JSON object, to add a key to it.
func asObject(v any) (map[string]any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	return m, dec.Decode(&m)
}

func newPortIntegrationsCmd() *cobra.Command {
	var (
		t      portTarget
		output string
	)
	cmd := &cobra.Command{
		Use:   "integrations",
		Short: "List the integrations of a Port with their resync state",
		Long: `Integrations lists every integration (GET /v1/integration): identifier, type,
version, the state of its last resync (status, start, end) and the kinds its
mapping syncs. json prints the integrations as the port client reads them.`,
		Example: `  ocean port integrations --db .ocean/port.db`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			return withPort(t, func(c *portConn) error {
				return runIntegrations(cmd.Context(), c.client, output, cmd.OutOrStdout())
			})
		},
	}
	t.addFlags(cmd.Flags())
	cmd.Flags().StringVarP(&output, "output", "o", outputTable, "table or json")
	return cmd
}

func runIntegrations(ctx context.Context, c *port.Client, output string, w io.Writer) error {
	integrations, err := c.ListIntegrations(ctx)
	if err != nil {
		return err
	}
	if output == outputJSON {
		if integrations == nil {
			integrations = []*port.Integration{}
		}
		return writeJSON(w, integrations)
	}
	t := newTable(w, "IDENTIFIER", "TYPE", "VERSION", "STATUS", "LAST START", "LAST END", "KINDS")
	for _, in := range integrations {
		status, start, end := "never synced", "", ""
		if s := in.ResyncState; s != nil {
			status = cmp.Or(s.Status, status)
			start, end = shortTime(s.LastResyncStart), shortTime(s.LastResyncEnd)
		}
		t.row(in.Identifier, cell(cmp.Or(in.InstallationAppType, in.IntegrationType)), cell(in.Version), status, start, end,
			truncate(strings.Join(mappingKinds(in.Config), ", "), 2*cellWidth))
	}
	return t.flush()
}

// shortTime renders a Port timestamp to the second, in UTC.
func shortTime(s *string) string {
	if s == nil || *s == "" {
		return ""
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, *s); err == nil {
			return t.UTC().Format("2006-01-02 15:04:05Z")
		}
	}
	return *s
}

// mappingKinds are the kinds of the mapping's resources, each once, in order.
func mappingKinds(config json.RawMessage) []string {
	var cfg struct {
		Resources []struct {
			Kind string `json:"kind"`
		} `json:"resources"`
	}
	if json.Unmarshal(config, &cfg) != nil {
		return nil
	}
	var kinds []string
	for _, r := range cfg.Resources {
		if r.Kind != "" && !slices.Contains(kinds, r.Kind) {
			kinds = append(kinds, r.Kind)
		}
	}
	return kinds
}
