// Package scaffold generates the project of a new integration from package
// templates: what `ocean new` writes. A generated project builds, its test
// passes on the oceantest harness, and `go run . sail --once` syncs sample
// data into the embedded local Port, with no Port credentials.
package scaffold
