package applier

import "slices"

// layers orders n = len(after) items so that every item comes after the items
// listed in after[i]. Items of one layer do not depend on each other and may be
// processed together; layers are processed in order. Items caught in a cycle
// (and those depending on them) follow as one-item layers in their original
// order, so a cycle degrades to "as given" rather than failing.
func layers(after [][]int) [][]int {
	n := len(after)
	pending := make([]int, n)
	next := make([][]int, n)
	for i, deps := range after {
		deps = uniq(deps)
		pending[i] = len(deps)
		for _, d := range deps {
			next[d] = append(next[d], i)
		}
	}
	var out [][]int
	var cur []int
	for i := range n {
		if pending[i] == 0 {
			cur = append(cur, i)
		}
	}
	placed := make([]bool, n)
	for len(cur) > 0 {
		out = append(out, cur)
		var nxt []int
		for _, i := range cur {
			placed[i] = true
			for _, j := range next[i] {
				if pending[j]--; pending[j] == 0 {
					nxt = append(nxt, j)
				}
			}
		}
		slices.Sort(nxt)
		cur = nxt
	}
	for i := range n {
		if !placed[i] {
			out = append(out, []int{i})
		}
	}
	return out
}

// reverse turns "i relates to edges[i]" into "j is related to by reverse[j]".
func reverse(edges [][]int) [][]int {
	out := make([][]int, len(edges))
	for i, js := range edges {
		for _, j := range js {
			out[j] = append(out[j], i)
		}
	}
	return out
}

func uniq(xs []int) []int {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return slices.Compact(xs)
}
