package processor

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/core/jsonorder"
)

// conformanceDiffs are the jq 1.8.2 cases where this engine differs on
// purpose or cannot agree cheaply, each with the reason.
var conformanceDiffs = map[string]string{
	// Key order: gojq objects are Go maps; keys always come out sorted.
	`[.obj[]]`:       "key order: .[] on an object follows sorted keys",
	`.obj|.[]?`:      "key order: .[] on an object follows sorted keys",
	`[.. | numbers]`: "key order: .. visits keys in sorted order",

	// Numbers.
	`.id + 1`:           "exact big integers: gojq adds with math/big (…891), jq rounds through a double (…7000)",
	`"1e1000"|tonumber`: "number range: gojq numbers are doubles, 1e1000 overflows to +Inf (encoded as the largest double); jq 1.8.2 keeps the literal",
	`1e1000`:            "number range: as above, for a literal",
	`"\(1.0)"`:          "number literals: jq 1.8.2 keeps the literal's text (1.0), gojq formats the value (1)",

	// Regular expressions: jq uses Oniguruma; here RE2, or regexp2 for what
	// RE2 cannot run (look-around, back-references, the x, s and p flags).
	`"x"|test("\\h")`: "regexp engine: neither RE2 nor regexp2 has \\h (Oniguruma: a hex digit)",

	// Deliberate gojq fixes of jq bugs.
	`"abc"|.[1]`:          "gojq indexes strings by code point; jq errors",
	`getpath(["name",0])`: "gojq indexes strings by code point; jq errors",
	`.s|strptime("%Y-%m-%dT%H:%M:%S.%fZ")|mktime`:                       "dates: gojq parses fractional seconds with %f; jq errors",
	`.created_at | strptime("%Y-%m-%dT%H:%M:%S.%fZ") | mktime`:          "dates: gojq parses fractional seconds with %f; jq errors",
	`"2024-06-01T10:20:30+02:00"|fromdateiso8601`:                       "dates: gojq accepts a timezone offset; jq errors",
	`"2024-06-01T10:20:30+0200"|strptime("%Y-%m-%dT%H:%M:%S%z")|mktime`: "dates: gojq applies %z (the correct UTC instant); jq ignores it",

	// Not available to an embedded program.
	`$__loc__`:       "gojq has no $__loc__",
	`input_filename`: "jq's command line reads <stdin>; embedded jq (Ocean's jq.py) has no input file and gives null, as here",
}

type conformanceCase struct {
	Query     string   `json:"query"`
	InputFile string   `json:"input_file"`
	Outputs   []string `json:"outputs"`
	Error     bool     `json:"error"`
}

// TestJQConformance runs every recorded jq 1.8.2 case through the processor's
// own JQ setup and compares outputs as JSON values.
func TestJQConformance(t *testing.T) {
	dir := filepath.Join("testdata", "jqconformance")
	f, err := os.Open(filepath.Join(dir, "jq-1.8.2-cases.jsonl"))
	require.NoError(t, err)
	defer f.Close()

	p := New(Options{AllowedEnv: []string{"*"}, Environ: func() []string {
		return []string{"HOME=/root", "PATH=/usr/local/bin:/usr/bin:/bin"}
	}})
	inputs := map[string]any{}
	agree, total := 0, 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var c conformanceCase
		require.NoError(t, json.Unmarshal(sc.Bytes(), &c))
		total++
		in, ok := inputs[c.InputFile]
		if !ok {
			data, err := os.ReadFile(filepath.Join(dir, c.InputFile))
			require.NoError(t, err)
			in, err = decodeJSON(data)
			require.NoError(t, err)
			inputs[c.InputFile] = in
		}
		got, gotErr := runAll(p, c.Query, in)
		same := sameOutputs(t, c, got, gotErr)
		reason, allowed := conformanceDiffs[c.Query]
		switch {
		case same && allowed:
			t.Errorf("%s: agrees with jq 1.8.2 now; remove it from the allowlist (%s)", c.Query, reason)
		case !same && !allowed:
			t.Errorf("%s on %s: jq 1.8.2 gives %v (error %v), we give %s (error %v)",
				c.Query, c.InputFile, c.Outputs, c.Error, got, gotErr)
		case same:
			agree++
		}
	}
	require.NoError(t, sc.Err())
	t.Logf("%d of %d cases agree with jq 1.8.2; %d differ on purpose", agree, total, len(conformanceDiffs))
}

// decodeJSON decodes as raw items are, key order recorded.
func decodeJSON(data []byte) (any, error) { return jsonorder.Unmarshal(data) }

// orderedCanonical is Canonical with objects in their own key order: outputs
// must match jq's key order too.
func orderedCanonical(v any) ([]byte, error) { return jsonorder.Append(nil, v, Canonical) }

// runAll returns every output of a program as canonical JSON, or its error.
func runAll(p *Processor, src string, in any) ([]string, error) {
	code, err := p.compile(src)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var out []string
	iter := code.RunWithContext(ctx, in)
	for {
		v, ok := iter.Next()
		if !ok {
			return out, nil
		}
		if err, isErr := v.(error); isErr {
			return out, err
		}
		b, err := orderedCanonical(v)
		if err != nil {
			return out, err
		}
		out = append(out, string(b))
	}
}

func sameOutputs(t *testing.T, c conformanceCase, got []string, gotErr error) bool {
	if c.Error {
		return gotErr != nil
	}
	if gotErr != nil || len(got) != len(c.Outputs) {
		return false
	}
	for i, want := range c.Outputs {
		v, err := decodeJSON([]byte(want))
		require.NoError(t, err, want)
		b, err := orderedCanonical(v)
		require.NoError(t, err)
		if string(b) != got[i] {
			return false
		}
	}
	return true
}
