// Package templates holds the files `ocean new` generates: a whole
// integration project, rendered by package scaffold.
//
// Every file of the project is a text/template with <% and %> as delimiters
// (the files themselves hold {{ }}: Go templates in docs, `{{ from env X }}`
// in config.yaml); each name ends in ".tmpl", dropped when generating, so that
// the Go tooling never takes them for the framework's own files.
package templates

import "embed"

// Integration is the project of a new integration.
//
//go:embed all:integration
var Integration embed.FS
