// Package processor is the JQ entity processor: it turns raw items into Port
// entities with the JQ programs of a resource config (core/appconfig), the way
// Ocean's JQEntityProcessor does, on gojq.
//
// A Processor compiles every program once (cached by source text) after
// rewriting single-quoted strings as Ocean does. Compile turns one resource
// config into a Mapping, and fails, naming them, when any program does not
// compile (Ocean maps such a field to null); Mapping.Process evaluates a batch
// in parallel:
//
//   - the selector's first output must be true for the item to pass; false
//     filters it out; anything else (null, a string, no output, an error) is an
//     error for that item;
//   - each mapping field's first output is its value; no output or an error
//     gives null, and the field is reported as misconfigured;
//   - an entity is kept only when its identifier and blueprint are truthy; a
//     numeric identifier becomes its text (Port identifiers are strings).
//
// One item never stops the batch: errors, panics and runaway programs (each
// item has a timeout) become ItemErrors. ExpandItems applies itemsToParse
// before Process.
//
// env and $ENV hold only the variables Options.AllowedEnv names (globs
// allowed) whose values Options.Hidden does not report; they are {} by
// default. Ocean exposes the whole environment; this is a deliberate
// difference, a mapping being one JQ line away from copying a credential into
// Port.
//
// gojq differs from jq 1.8.2, the jq Ocean embeds, in a few ways; this package
// adds the builtins gojq lacks (debug, stderr, keys_unsorted, input_filename…)
// and runs the regular expressions Go's RE2 cannot (look-around,
// back-references, $ before a final newline, the x, s and p flags) on
// regexp2, bounded by the item timeout. Objects keep jq's key order: items
// decoded with core/jsonorder remember it, and to_entries, keys_unsorted,
// with_entries, from_entries, tojson, tostring, string interpolation, add,
// a + b, fromjson, paths, del, map_values, walk and object construction follow
// it (order.go); .[] and .. over an object still visit keys sorted. The
// conformance tests in this package list every remaining difference.
//
// Raw items must be JSON-shaped; Normalize converts Go values. Numbers are
// kept exact (json.Number, *big.Int) and Canonical/Equal compare values the way
// change detection needs: 1.10 equals 1.1, big integers exactly.
package processor
