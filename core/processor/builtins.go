package processor

import (
	"fmt"
	"math"

	"github.com/itchyny/gojq"
	"github.com/sirupsen/logrus"
)

// compatFunctions adds the builtins jq 1.8.2 has and gojq lacks, so that a
// mapping written against Ocean's jq compiles here too. Values are what jq
// returns when embedded as a library (no input file, no program origin).
func compatFunctions(log logrus.FieldLogger) []gojq.CompilerOption {
	passthrough := func(label string) func(any, []any) any {
		return func(v any, _ []any) any {
			log.WithField("value", gojq.Preview(v)).Debug("jq " + label)
			return v
		}
	}
	constant := func(c any) func(any, []any) any { return func(any, []any) any { return c } }
	return []gojq.CompilerOption{
		// gojq's own debug(msg) is defined on top of debug/0.
		gojq.WithFunction("debug", 0, 0, passthrough("debug")),
		gojq.WithFunction("stderr", 0, 0, passthrough("stderr")),
		gojq.WithFunction("input_filename", 0, 0, constant(nil)),
		gojq.WithFunction("input_line_number", 0, 0, constant(0)),
		gojq.WithFunction("get_search_list", 0, 0, constant([]any{})),
		gojq.WithFunction("get_jq_origin", 0, 0, constant(nil)),
		gojq.WithFunction("get_prog_origin", 0, 0, constant(nil)),
		gojq.WithFunction("have_decnum", 0, 0, constant(true)),
		gojq.WithFunction("have_literal_numbers", 0, 0, constant(true)),
		gojq.WithFunction("lgamma_r", 0, 0, lgammaR),
	}
}

// lgammaR returns [lgamma(x), sign of gamma(x)] as jq does.
func lgammaR(v any, _ []any) any {
	x, ok := gojq.ToFloat64(v)
	if !ok {
		return fmt.Errorf("%s (%s) number required", typeOf(v), gojq.Preview(v))
	}
	lg, sign := math.Lgamma(x)
	return []any{lg, float64(sign)}
}

// typeOf names a JQ value's type without panicking on non-JSON Go values.
func typeOf(v any) (name string) {
	defer func() {
		if recover() != nil {
			name = fmt.Sprintf("%T", v)
		}
	}()
	return gojq.TypeOf(v)
}
