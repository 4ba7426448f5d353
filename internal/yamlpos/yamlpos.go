package yamlpos

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Problem is one fault of a document: its line (1-based; 0 when unknown)
// and the parser's words without their position.
type Problem struct {
	Line int
	Msg  string
}

var lineRef = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// Problems explains err, returned by yaml.Unmarshal of data: one problem per
// fault of a *yaml.TypeError (duplicate keys, wrong types), whose lines the
// decoder knows; for a syntax error the line where the document stops being
// YAML.
func Problems(data []byte, err error) []Problem {
	if err == nil {
		return nil
	}
	if terr, ok := errors.AsType[*yaml.TypeError](err); ok {
		out := make([]Problem, 0, len(terr.Errors))
		for _, e := range terr.Errors {
			out = append(out, split(e))
		}
		return out
	}
	p := split(err.Error())
	if line := syntaxLine(data); line > 0 {
		p.Line = line
	}
	return []Problem{p}
}

// Error is err with each problem at its line: "line 4: did not find
// expected key".
func Error(data []byte, err error) error {
	var parts []string
	for _, p := range Problems(data, err) {
		if p.Line > 0 {
			parts = append(parts, fmt.Sprintf("line %d: %s", p.Line, p.Msg))
		} else {
			parts = append(parts, p.Msg)
		}
	}
	return errors.New(strings.Join(parts, "; "))
}

// split takes the "line N: " prefix off a parser message.
func split(msg string) Problem {
	msg = strings.TrimPrefix(msg, "yaml: ")
	m := lineRef.FindStringSubmatch(msg)
	if m == nil {
		return Problem{Msg: msg}
	}
	n, _ := strconv.Atoi(m[1])
	return Problem{Line: n, Msg: msg[len(m[0]):]}
}

// syntaxLine is the line after the longest proper prefix of whole lines that
// still parses: the first line the parser cannot go past. 0 when data
// parses, or when no prefix does (the mistake is on the first line).
func syntaxLine(data []byte) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	if parses(data) {
		return 0
	}
	// From the end: a prefix that breaks early fails fast, so this costs
	// about one parse of the document.
	for n := len(lines) - 1; n >= 1; n-- {
		if parses(bytes.Join(lines[:n], nil)) {
			return n + 1
		}
	}
	return 1
}

func parses(data []byte) bool {
	var n yaml.Node
	return yaml.Unmarshal(data, &n) == nil
}
