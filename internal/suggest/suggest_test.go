package suggest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNearest(t *testing.T) {
	settings := []string{"event_listener.type", "event_listener.interval", "port.base_url", "runtime"}
	mapping := []string{"identifier", "title", "blueprint", "properties", "relations"}
	port := []string{"itemsToParse", "itemsToParseName", "itemsToParseTopLevelTransform", "entity"}
	for _, tc := range []struct {
		name       string
		candidates []string
		want       string // "" when nothing is close
	}{
		{"event_listner.type", settings, "event_listener.type"},
		{"EVENT_LISTENER.TYPPE", settings, "event_listener.type"},
		{"event_listener.intreval", settings, "event_listener.interval"}, // transposition
		{"runtmie", settings, "runtime"},
		{"propertes", mapping, "properties"},
		{"itemToParse", port, "itemsToParse"},
		{"tilte", mapping, "title"},
		{"colour", mapping, ""},
		{"query", mapping, ""},
		{"runtime", settings, ""}, // known: nothing to suggest
		{"x", settings, ""},
		{"anything", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Nearest(tc.name, tc.candidates)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.want != "", ok)
		})
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"kitten", "sitting", 3},
		{"ab", "ba", 1},
		{"propertes", "properties", 1},
		{"événement", "evénement", 1},
	} {
		assert.Equal(t, tc.want, distance(tc.a, tc.b), "%q %q", tc.a, tc.b)
		assert.Equal(t, tc.want, distance(tc.b, tc.a), "%q %q", tc.b, tc.a)
	}
}
