// Package yamlpos says on which line a YAML document goes wrong. The parser
// names the line where the enclosing block began ("while parsing a block
// mapping"), often several lines above the mistake; this package finds the
// line itself.
package yamlpos
