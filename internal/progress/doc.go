// Package progress draws the live progress of a resync on a terminal: one
// line per resource of the mapping (raw items extracted, entities mapped,
// written and found unchanged, items per second), redrawn in place. Log
// lines written through Display.Writer appear above the block, which is
// drawn again below them.
//
// Only for terminals: elsewhere the resync's own log lines say how it
// progresses, and nothing here runs.
package progress
