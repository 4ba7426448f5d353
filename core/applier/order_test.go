package applier

import (
	"slices"
	"testing"
)

func TestLayers(t *testing.T) {
	tests := []struct {
		name  string
		after [][]int
		want  [][]int
	}{
		{"none", nil, nil},
		{"independent", [][]int{nil, nil, nil}, [][]int{{0, 1, 2}}},
		{"chain", [][]int{{1}, {2}, nil}, [][]int{{2}, {1}, {0}}},
		{"diamond", [][]int{{1, 2}, {3}, {3}, nil}, [][]int{{3}, {1, 2}, {0}}},
		{"duplicate edges", [][]int{{1, 1}, nil}, [][]int{{1}, {0}}},
		{"cycle keeps original order", [][]int{{1}, {0}, nil}, [][]int{{2}, {0}, {1}}},
		{"dependent of a cycle follows it", [][]int{{2}, {2}, {1}, nil}, [][]int{{3}, {0}, {1}, {2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := layers(tt.after)
			if !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("layers(%v) = %v, want %v", tt.after, got, tt.want)
			}
		})
	}
}

func TestReverse(t *testing.T) {
	got := reverse([][]int{{1, 2}, {2}, nil})
	want := [][]int{nil, {0}, {0, 1}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("reverse = %v, want %v", got, want)
	}
}

func TestParallelRecoversPanics(t *testing.T) {
	errs := parallel(5, 2, func(i int) error {
		if i == 3 {
			panic("boom")
		}
		return nil
	})
	for i, err := range errs {
		if (err != nil) != (i == 3) {
			t.Errorf("call %d: err = %v", i, err)
		}
	}
}
