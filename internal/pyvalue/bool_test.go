package pyvalue

import "testing"

func TestBool(t *testing.T) {
	tests := []struct {
		in        string
		value, ok bool
	}{
		{"true", true, true}, {" Yes ", true, true}, {"ON", true, true}, {"1", true, true}, {"t", true, true}, {"y", true, true},
		{"false", false, true}, {"No", false, true}, {"off", false, true}, {"0", false, true}, {"F", false, true}, {"n", false, true},
		{"", false, false}, {"maybe", false, false}, {"2", false, false}, {"truthy", false, false},
	}
	for _, tt := range tests {
		if v, ok := Bool(tt.in); v != tt.value || ok != tt.ok {
			t.Errorf("Bool(%q) = %v, %v; want %v, %v", tt.in, v, ok, tt.value, tt.ok)
		}
	}
}
