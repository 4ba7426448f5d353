package pyvalue

import "strings"

// Bool reads a boolean word as pydantic does: true, yes, on, 1, t, y and
// their negatives, in any case, spaces trimmed. ok is false for any other text.
func Bool(s string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes", "on", "y", "t":
		return true, true
	case "false", "0", "no", "off", "n", "f":
		return false, true
	}
	return false, false
}
