package config

import (
	"strconv"
	"time"
)

// ActionsProcessorSettings drive the execution of Port's action runs
// (OCEAN__ACTIONS_PROCESSOR__*).
type ActionsProcessorSettings struct {
	// Enabled runs the action runs alongside a listener other than
	// ACTIONS_ONLY (which always runs them).
	Enabled bool `json:"enabled"`
	// WorkersCount runs are executed at once.
	WorkersCount int `json:"workers_count"`
	// PollInterval is how often Port is asked for pending runs while idle.
	PollInterval time.Duration `json:"poll_check_interval_seconds"`
	// VisibilityTimeout hides a claimed run from other claims until it is acknowledged.
	VisibilityTimeout time.Duration `json:"visibility_timeout_ms"`
	// HighWatermark bounds the runs claimed and not yet finished.
	HighWatermark int `json:"runs_buffer_high_watermark"`
	// RunTimeout bounds one executor call (ocean-go only: Ocean has none).
	RunTimeout time.Duration `json:"run_timeout_seconds"`
}

const maxVisibilityTimeoutMs = 600_000

func readActionsProcessor(r *reader) ActionsProcessorSettings {
	a := ActionsProcessorSettings{
		Enabled:       r.boolean("actions_processor.enabled", false),
		WorkersCount:  r.count("actions_processor.workers_count", 3, 1),
		PollInterval:  r.duration("actions_processor.poll_check_interval_seconds", 10*time.Second, time.Second, false),
		HighWatermark: r.count("actions_processor.runs_buffer_high_watermark", 300, 1),
		RunTimeout:    r.duration("actions_processor.run_timeout_seconds", 300*time.Second, time.Second, false),
	}
	ms := r.count("actions_processor.visibility_timeout_ms", 60_000, 1)
	if ms > maxVisibilityTimeoutMs {
		r.fail(r.root.get("actions_processor.visibility_timeout_ms"), "an integer from 1 to "+strconv.Itoa(maxVisibilityTimeoutMs), false)
		ms = 60_000
	}
	if a.HighWatermark > 1000 {
		r.fail(r.root.get("actions_processor.runs_buffer_high_watermark"), "an integer from 1 to 1000", false)
		a.HighWatermark = 300
	}
	a.VisibilityTimeout = time.Duration(ms) * time.Millisecond
	// Ocean caps each action's share of the runs buffer; the processor here
	// claims only as many runs as it has free workers, so there is no buffer
	// to share, and a cap set for it would silently do nothing.
	if e := r.get("actions_processor.max_runs_buffer_util_pct_per_action"); !e.unset() {
		r.fail(e, "unset (ocean-go buffers no runs: it claims as many as it has free workers)", false)
	}
	return a
}
