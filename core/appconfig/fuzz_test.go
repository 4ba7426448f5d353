package appconfig

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics, that it returns either a config
// or an error, and that every config it accepts round-trips through JSON.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"full.yml", "minimal.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(validResource))
	f.Add([]byte("resources: [" + validResource + "]"))
	f.Add([]byte(`{"entityDeletionThreshold": 1e400}`))
	f.Add([]byte("a: &a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if (c == nil) == (err == nil) {
			t.Fatalf("want exactly one of config and error, got %v and %v", c, err)
		}
		if err != nil {
			var verr *ValidationError
			if errors.As(err, &verr) && len(verr.Problems) == 0 {
				t.Fatal("validation error without problems")
			}
			return
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		if _, err := Parse(out); err != nil {
			t.Fatalf("accepted config does not round-trip: %v\n%s", err, out)
		}
	})
}
