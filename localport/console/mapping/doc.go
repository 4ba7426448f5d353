// Package mapping is the console playground's mapping engine: the processor
// of `ocean map`, reporting per item as it does. It is apart from package
// console so that the local Port does not import the Port client (whose tests
// run against the local Port).
package mapping
