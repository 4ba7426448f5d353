package processor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"

	"github.com/itchyny/gojq"

	"github.com/ocean-go/ocean/clients/port"
)

type state uint8

const (
	stateFiltered state = iota // selector false, not mapped
	statePassed                // selector true, entity kept
	stateFailed                // selector false, entity kept (parseAll)
	stateSkipped               // mapped, identifier or blueprint not truthy
	stateError
)

// outcome is what one item produced.
type outcome struct {
	state     state
	selected  bool // the selector returned true
	entity    port.Entity
	err       ItemError
	nulls     []*leaf // fields that evaluated to null
	fieldErrs []fieldError
}

type fieldError struct{ path, msg string }

// abort stops the evaluation of an item at the stage it reached.
type abort struct {
	stage string
	err   error
}

// evaluation is the state of one item's evaluation.
type evaluation struct {
	ctx   context.Context
	item  any
	stage string // for panics: what was running
	out   *outcome
	pre   []preValue // leaf values from the shortcuts (fast.go), by leaf index
	// preBuf holds pre for mappings of up to 16 leaves without an allocation.
	preBuf [16]preValue
}

// evalItem evaluates one item into o, which the batch's outcomes hold: an
// outcome returned by value would be copied twice and escape to the heap.
func (m *Mapping) evalItem(ctx context.Context, index int, item any, parseAll bool, o *outcome) {
	e := evaluation{item: item, stage: "selector", out: o}
	defer func() {
		if rec := recover(); rec != nil {
			err, isAbort := rec.(abort)
			if !isAbort {
				err = abort{e.stage, fmt.Errorf("panic: %v", rec)}
			}
			*o = outcome{state: stateError, err: ItemError{Index: index, Stage: err.stage, Err: err.err}}
		}
	}()
	if err := ctx.Err(); err != nil {
		panic(abort{"canceled", err})
	}
	e.ctx = ctx
	if !m.bounded {
		// A timer per item costs more than mapping it with walked paths.
		var cancel context.CancelFunc
		e.ctx, cancel = context.WithTimeout(ctx, m.p.itemTimeout)
		defer cancel()
	}

	o.selected = m.alwaysTrue || e.selector(m)
	if !o.selected && !parseAll {
		o.state = stateFiltered
		return
	}
	ent, keep := e.entity(m)
	switch {
	case !keep:
		o.state = stateSkipped
	case o.selected:
		o.state, o.entity = statePassed, ent
	default:
		o.state, o.entity = stateFailed, ent
	}
}

// selector returns whether the item passes; anything but a boolean aborts.
func (e *evaluation) selector(m *Mapping) bool {
	v, ok, err := first(e.ctx, m.selector, e.item)
	switch {
	case err != nil:
		panic(abort{e.failStage("selector", err), err})
	case !ok:
		panic(abort{"selector", errors.New("the selector produced no output; it must return true or false")})
	}
	b, isBool := v.(bool)
	if !isBool {
		panic(abort{"selector", fmt.Errorf("the selector must return true or false, got %s (%s)", typeOf(v), gojq.Preview(v))})
	}
	return b
}

// entity evaluates every mapped field; keep is false when identifier or
// blueprint is not truthy. As in Ocean, every field is evaluated before that
// check, so the misconfiguration report covers skipped items too.
func (e *evaluation) entity(m *Mapping) (ent port.Entity, keep bool) {
	if m.walked != nil {
		e.walkPaths(m)
	}
	if m.combined != nil {
		e.runCombined(m)
	}
	id := e.value(m.identifier)
	bp := e.leaf(m.blueprint)
	var title, icon any
	if m.title != nil {
		title = e.leaf(m.title)
	}
	if m.icon != nil {
		icon = e.leaf(m.icon)
	}
	if m.team != nil {
		ent.Team = e.value(*m.team)
	}
	if m.hasProperties {
		ent.Properties = make(map[string]any, len(m.properties))
		for _, p := range m.properties {
			ent.Properties[p.name] = e.leaf(p.v)
		}
	}
	if m.hasRelations {
		ent.Relations = make(map[string]any, len(m.relations))
		for _, r := range m.relations {
			ent.Relations[r.name] = e.value(r.v)
		}
	}
	if !truthy(id) || !truthy(bp) {
		return port.Entity{}, false
	}
	switch id.(type) {
	case int, float64, json.Number, *big.Int:
		// Port identifiers are strings; ids are often numbers (.id of a
		// GitHub repository), which mean their decimal text. Ocean sends the
		// number and Port refuses the entity.
		id = e.text("identifier", id)
	}
	ent.Identifier = id
	ent.Blueprint = e.text("blueprint", bp)
	ent.Title = e.optionalText("title", title)
	ent.Icon = e.optionalText("icon", icon)
	return ent, true
}

func (e *evaluation) value(v value) any {
	if v.leaf != nil {
		return e.leaf(v.leaf)
	}
	return e.query(v.query)
}

// query evaluates a search query leaf by leaf into the shape of port.Query.
func (e *evaluation) query(q *query) map[string]any {
	rules := make([]any, len(q.rules))
	for i, r := range q.rules {
		if r.group != nil {
			rules[i] = e.query(r.group)
			continue
		}
		rules[i] = map[string]any{
			"property": e.leaf(r.property),
			"operator": e.leaf(r.operator),
			"value":    e.leaf(r.value),
		}
	}
	return map[string]any{"combinator": e.leaf(q.combinator), "rules": rules}
}

// leaf returns the first output of a field's program; no output or an error
// gives null. A timeout or cancellation aborts the item.
func (e *evaluation) leaf(l *leaf) any {
	var v any
	var err error
	switch {
	case l.constant:
		v = l.constVal
	case e.pre != nil && e.pre[l.index].ok:
		v = sanitize(e.pre[l.index].v)
	default:
		e.stage = l.path
		v, _, err = first(e.ctx, l.code, e.item)
		v = sanitize(v)
	}
	if err != nil {
		if stage := e.failStage(l.path, err); stage != l.path {
			panic(abort{stage, err})
		}
		e.out.fieldErrs = append(e.out.fieldErrs, fieldError{l.path, err.Error()})
	}
	if v == nil {
		e.out.nulls = append(e.out.nulls, l)
	}
	return v
}

// failStage names the stage of an error: "timeout" or "canceled" when the
// item's context ended, else the stage itself.
func (e *evaluation) failStage(stage string, err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded) && e.ctx.Err() != nil:
		return "timeout"
	case errors.Is(err, context.Canceled) && e.ctx.Err() != nil:
		return "canceled"
	}
	return stage
}

// text converts a field Port types as a string: strings as they are, numbers
// and booleans as their JSON text; objects and arrays abort the item.
func (e *evaluation) text(path string, v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool, int, float64, json.Number, *big.Int:
		b, _ := gojq.Marshal(x)
		return string(b)
	}
	panic(abort{path, fmt.Errorf("must be a string, got %s (%s)", typeOf(v), gojq.Preview(v))})
}

func (e *evaluation) optionalText(path string, v any) *string {
	if v == nil {
		return nil
	}
	s := e.text(path, v)
	return &s
}

// first returns the first output of code on input, whether there was one, and
// its error. halt (without a value) is no output, as when jq is embedded.
func first(ctx context.Context, code *gojq.Code, input any) (any, bool, error) {
	v, ok := code.RunWithContext(ctx, input).Next()
	if !ok {
		return nil, false, nil
	}
	if err, isErr := v.(error); isErr {
		var halt *gojq.HaltError
		if errors.As(err, &halt) && halt.Value() == nil {
			return nil, false, nil
		}
		return nil, true, err
	}
	return v, true, nil
}

// truthy is Python's truth value of a JSON value, which Ocean uses to keep an
// entity: null, false, 0, "", [] and {} are false.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case int:
		return x != 0
	case float64:
		return x != 0
	case json.Number:
		return canonicalDecimal(string(x)) != "0"
	case *big.Int:
		return x.Sign() != 0
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}
