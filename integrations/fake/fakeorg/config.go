package fakeorg

// Code defaults of the fake integration's knobs; a knob set to -1 (its spec
// default) or below its minimum uses them, as in Ocean's fake integration.
const (
	DefaultEntityAmount        = 400 // persons per department
	DefaultEntityKBSize        = 1
	DefaultThirdPartyBatchSize = 1000
	DefaultThirdPartyLatencyMS = 0
)

// MaxEntityKBSize bounds entityKbSize: Port refuses request bodies over 1 MiB,
// so a bigger person could never be written, and generating its bio would
// only exhaust memory.
const MaxEntityKBSize = 1024

// Config holds the fake integration's knobs, named as in .port/spec.yaml.
type Config struct {
	EntityAmount        int  `json:"entityAmount"`
	EntityKBSize        int  `json:"entityKbSize"`
	ThirdPartyBatchSize int  `json:"thirdPartyBatchSize"`
	ThirdPartyLatencyMS int  `json:"thirdPartyLatencyMS"`
	SingleDepartmentRun bool `json:"singleDepartmentRun"`
}

// Resolved returns c with every unset knob (missing, -1, or out of range)
// replaced by its code default.
func (c Config) Resolved() Config {
	if c.EntityAmount < 1 {
		c.EntityAmount = DefaultEntityAmount
	}
	if c.EntityKBSize < 1 {
		c.EntityKBSize = DefaultEntityKBSize
	}
	if c.ThirdPartyBatchSize < 1 {
		c.ThirdPartyBatchSize = DefaultThirdPartyBatchSize
	}
	if c.ThirdPartyLatencyMS < 0 {
		c.ThirdPartyLatencyMS = DefaultThirdPartyLatencyMS
	}
	return c
}

// Departments returns the departments this configuration covers: all of them,
// or only the first for a single-department (performance) run.
func (c Config) Departments() []Department {
	if c.SingleDepartmentRun {
		return Departments[:1]
	}
	return Departments
}
