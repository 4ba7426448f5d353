package fakeorg

import (
	"math/rand/v2"
	"strings"
	"sync"
)

// Bios are windows of one long lorem text, so a bio costs a substring rather
// than a kilobyte of freshly formatted words. The text is generated from its
// own seed; growing it regenerates the same sequence further, so every prefix
// (and every bio taken from it) stays the same.
const (
	textSeed   = 0x70e7
	bioWindow  = 4096 // bios start at a word in the first bioWindow bytes
	minTextLen = 64 << 10
)

var lorem struct {
	mu     sync.Mutex
	text   string
	starts []int // word starts in [0, bioWindow)
}

// loremText returns the text, at least n bytes past the last bio start.
func loremText(n int) (string, []int) {
	lorem.mu.Lock()
	defer lorem.mu.Unlock()
	if len(lorem.text) < n+bioWindow {
		size := max(minTextLen, 2*len(lorem.text))
		for size < n+bioWindow {
			size *= 2
		}
		lorem.text = genText(size)
		if lorem.starts == nil {
			lorem.starts = wordStarts(lorem.text[:bioWindow])
		}
	}
	return lorem.text, lorem.starts
}

// genText writes sentences of 6 to 14 words until size bytes.
func genText(size int) string {
	r := rand.New(rand.NewPCG(textSeed, textSeed))
	var b strings.Builder
	b.Grow(size + 64)
	for b.Len() < size {
		n := 6 + r.IntN(9)
		for i := range n {
			w := loremWords[r.IntN(len(loremWords))]
			if i == 0 {
				b.WriteString(strings.ToUpper(w[:1]))
				w = w[1:]
			}
			b.WriteString(w)
			if i < n-1 {
				b.WriteByte(' ')
			}
		}
		b.WriteString(". ")
	}
	return b.String()
}

func wordStarts(s string) []int {
	starts := []int{0}
	for i := 1; i < len(s); i++ {
		if s[i-1] == ' ' && s[i] != ' ' {
			starts = append(starts, i)
		}
	}
	return starts
}

// bio returns about n bytes of text (at most n, ending on a whole word) from
// text, starting at one of starts.
func bio(r *rand.Rand, text string, starts []int, n int) string {
	start := starts[r.IntN(len(starts))]
	end := start + n
	if end < len(text) && text[end] != ' ' {
		if sp := strings.LastIndexByte(text[start:end], ' '); sp > 0 {
			end = start + sp
		}
	}
	return strings.TrimRight(text[start:end], " ")
}
