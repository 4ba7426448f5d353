package processor

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/itchyny/gojq"
)

// Each gojq run allocates an environment, which dominates the cost of a
// field like .name. Two shortcuts keep Ocean's per-field semantics:
//
//   - a literal ("bp", 5, true, null) is evaluated once at compile time;
//   - plain paths (.a.b, .a[0], .["x"]) always give exactly one output or an
//     error, so they are evaluated together in one program [p1, p2, …]. When
//     that program fails, the item falls back to one run per field, which
//     finds the failing field and its error.
//
// Measured on the fake-person mapping this cuts the time per entity by 40%
// (8.3 µs to 4.9 µs on one core).
var (
	literalRE = regexp.MustCompile(`^(?:"(?:[^"\\]|\\[^(])*"|-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null)$`)
	pathRE    = regexp.MustCompile(`^\.(?:[A-Za-z_][A-Za-z0-9_]*)?(?:\.[A-Za-z_][A-Za-z0-9_]*|\.?\[(?:"(?:[^"\\]|\\[^(])*"|-?[0-9]+)\])*$`)
)

// preValue is a leaf's value computed by the combined program.
type preValue struct {
	v  any
	ok bool
}

// classify marks literal leaves constant and returns the plain-path leaves.
func (m *Mapping) classify() (paths []*leaf) {
	for _, l := range m.leaves {
		src := strings.TrimSpace(normalizeQuotes(l.src))
		switch {
		case literalRE.MatchString(src):
			if v, ok, err := first(context.Background(), l.code, nil); ok && err == nil {
				l.constant, l.constVal = true, sanitize(v)
			}
		case pathRE.MatchString(src):
			paths = append(paths, l)
		}
	}
	return paths
}

// compileCombined builds [p1, p2, …] over the plain-path leaves.
func (m *Mapping) compileCombined() {
	paths := m.classify()
	if len(paths) < 2 {
		return
	}
	srcs := make([]string, len(paths))
	for i, l := range paths {
		srcs[i] = strings.TrimSpace(normalizeQuotes(l.src))
	}
	code, err := m.p.compile("[" + strings.Join(srcs, ", ") + "]")
	if err != nil {
		return // every leaf compiled alone; keep them alone
	}
	m.combined, m.combinedLeaves = code, paths
}

// runCombined evaluates the plain paths at once into vals (indexed like
// m.leaves). It returns false when the item must be evaluated field by field.
func (e *evaluation) runCombined(m *Mapping) (ok bool) {
	defer func() {
		if rec := recover(); rec != nil {
			if a, isAbort := rec.(abort); isAbort {
				panic(a)
			}
			ok = false // the per-field run reports it with the field's path
		}
	}()
	v, _, err := first(e.ctx, m.combined, e.item)
	if err != nil {
		if stage := e.failStage("", err); stage != "" {
			panic(abort{stage, err})
		}
		return false
	}
	vals, isList := v.([]any)
	if !isList || len(vals) != len(m.combinedLeaves) {
		panic(abort{"mapping", fmt.Errorf("internal: combined mapping gave %s", gojq.Preview(v))})
	}
	e.pre = make([]preValue, len(m.leaves))
	for i, l := range m.combinedLeaves {
		e.pre[l.index] = preValue{vals[i], true}
	}
	return true
}
