package applier

import (
	"encoding/json"
	"testing"

	"github.com/ocean-go/ocean/clients/port"
)

func str(s string) *string { return &s }

func TestSameAsPort(t *testing.T) {
	base := func() port.Entity {
		return port.Entity{
			Identifier: "a", Blueprint: "svc", Title: str("A"), Team: []any{"x", "y"},
			Properties: map[string]any{"n": json.Number("1.10"), "s": "v", "gone": nil},
			Relations:  map[string]any{"owner": "u1", "deps": []any{"b", "c"}},
		}
	}
	tests := []struct {
		name   string
		ours   func(e *port.Entity)
		theirs func(e *port.Entity)
		merge  bool
		want   bool
	}{
		{"identical", nil, nil, true, true},
		{"number canonicalised", nil, func(e *port.Entity) { e.Properties["n"] = 1.1 }, true, true},
		{"null in ours, absent in Port", nil, func(e *port.Entity) { delete(e.Properties, "gone") }, true, true},
		{"null in Port, absent in ours", func(e *port.Entity) { delete(e.Properties, "gone") }, nil, true, true},
		{"property changed", nil, func(e *port.Entity) { e.Properties["s"] = "w" }, true, false},
		{"property set in Port, null in ours", nil, func(e *port.Entity) { e.Properties["gone"] = "x" }, true, false},
		{"property missing in Port", nil, func(e *port.Entity) { delete(e.Properties, "s") }, true, false},
		{"extra Port property, merge", nil, func(e *port.Entity) { e.Properties["other"] = 1 }, true, true},
		{"extra Port property, replace", nil, func(e *port.Entity) { e.Properties["other"] = 1 }, false, false},
		{"team order", nil, func(e *port.Entity) { e.Team = []any{"y", "x"} }, true, true},
		{"team string vs list", func(e *port.Entity) { e.Team = "x" }, func(e *port.Entity) { e.Team = []any{"x"} }, true, true},
		{"team differs", nil, func(e *port.Entity) { e.Team = []any{"x"} }, true, false},
		{"team unset, merge", func(e *port.Entity) { e.Team = nil }, nil, true, true},
		{"team unset, replace", func(e *port.Entity) { e.Team = nil }, nil, false, false},
		{"team unset, replace, Port empty", func(e *port.Entity) { e.Team = nil }, func(e *port.Entity) { e.Team = []any{} }, false, true},
		{"title differs", nil, func(e *port.Entity) { e.Title = str("B") }, true, false},
		{"title unset, merge", func(e *port.Entity) { e.Title = nil }, nil, true, true},
		{"title unset, replace", func(e *port.Entity) { e.Title = nil }, nil, false, false},
		{"icon set, Port has none", func(e *port.Entity) { e.Icon = str("Git") }, nil, true, false},
		{"relation list order", nil, func(e *port.Entity) { e.Relations["deps"] = []any{"c", "b"} }, true, false},
		{"relation changed", nil, func(e *port.Entity) { e.Relations["owner"] = "u2" }, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ours, theirs := base(), base()
			if tt.ours != nil {
				tt.ours(&ours)
			}
			if tt.theirs != nil {
				tt.theirs(&theirs)
			}
			if got := sameAsPort(&ours, &theirs, tt.merge); got != tt.want {
				t.Errorf("sameAsPort = %v, want %v", got, tt.want)
			}
		})
	}
}
