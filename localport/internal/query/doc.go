// Package query parses and evaluates Port's entity search language (the body of
// POST /v1/entities/search, search identifiers and search relations):
// {"combinator": "and"|"or", "rules": [rule or group, ...]}.
//
// Parsing validates the whole tree up front, so a malformed query fails with a
// message that names the offending path (for example
// `rules[1].rules[0].operator: unknown operator "like"`) before any entity is read.
// Evaluation is pure Go over a Record; Plan extracts the constraints on indexed
// columns ($identifier, $blueprint, $datasource) so a store can narrow the
// candidates before evaluating the full query.
package query
