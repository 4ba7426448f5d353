package suggest

import "strings"

// Nearest returns the candidate closest to name (case ignored), and false
// when none is close: a typo, a transposition or a missing or extra letter or
// two, not a different word. Ties go to the earliest candidate.
func Nearest(name string, candidates []string) (string, bool) {
	lower := strings.ToLower(name)
	best, bestDist := "", -1
	for _, c := range candidates {
		d := distance(lower, strings.ToLower(c))
		if d == 0 {
			continue // the same name: nothing to suggest
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	if bestDist < 0 || bestDist > maxDistance(len([]rune(name))) {
		return "", false
	}
	return best, true
}

// maxDistance is the largest edit distance still taken for a slip in a name
// of n runes: one edit for short names, up to three for long dotted paths.
func maxDistance(n int) int {
	return min(3, max(1, n/6))
}

// distance is the optimal-string-alignment distance: insertions, deletions,
// substitutions and transpositions of adjacent runes each cost one.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
