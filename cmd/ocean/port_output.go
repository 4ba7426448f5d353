package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// The output forms of `ocean port entities|blueprints|integrations`.
const (
	outputTable = "table"
	outputJSON  = "json"
)

func checkOutput(output string) error {
	if output != outputTable && output != outputJSON {
		return fmt.Errorf("--output must be %s or %s, got %q", outputTable, outputJSON, output)
	}
	return nil
}

// writeJSON prints v as indented JSON, HTML characters as they are.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// cellWidth is the widest a table cell gets: wider values are cut, so that a
// row fits a terminal line (identifiers never are: they are what one copies).
const cellWidth = 32

// table prints aligned columns.
type table struct {
	tw *tabwriter.Writer
}

func newTable(w io.Writer, header ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
	t.row(header...)
	return t
}

func (t *table) row(cells ...string) {
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

func (t *table) flush() error { return t.tw.Flush() }

// cell renders a JSON value on one line, at most cellWidth runes.
func cell(v any) string {
	return truncate(oneLine(v), cellWidth)
}

func oneLine(v any) string {
	var s string
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		s = v
	case *string:
		if v == nil {
			return ""
		}
		s = *v
	case json.Number:
		s = v.String()
	case fmt.Stringer:
		s = v.String()
	case bool:
		s = fmt.Sprint(v)
	default:
		data, err := json.Marshal(v)
		if err != nil {
			return fmt.Sprint(v)
		}
		s = string(data)
	}
	// A tab or newline inside a value would break the columns.
	return strings.Join(strings.Fields(s), " ")
}

func truncate(s string, width int) string {
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	r := []rune(s)
	return string(r[:width-1]) + "…"
}
