package processor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
)

// Normalize returns v as a value gojq accepts: nil, bool, string, int,
// float64, json.Number, *big.Int, []any and map[string]any. JSON-shaped values
// are returned as they are (no copy); anything else (structs, int64, []string,
// time.Time, maps of other types…) is converted through its JSON encoding,
// decoded with UseNumber so that big integers stay exact. Only the parts that
// need converting are copied.
func Normalize(v any) (any, error) {
	out, _, err := normalize(v)
	return out, err
}

// normalize reports whether it had to build a new value.
func normalize(v any) (any, bool, error) {
	switch x := v.(type) {
	case nil, bool, string, int, float64, json.Number, *big.Int:
		return v, false, nil
	case map[string]any:
		var out map[string]any
		for k, e := range x {
			n, changed, err := normalize(e)
			if err != nil {
				return nil, false, fmt.Errorf("%s: %w", k, err)
			}
			if changed && out == nil {
				out = make(map[string]any, len(x))
				for k2, e2 := range x {
					out[k2] = e2
				}
			}
			if out != nil {
				out[k] = n
			}
		}
		if out == nil {
			return v, false, nil
		}
		return out, true, nil
	case []any:
		var out []any
		for i, e := range x {
			n, changed, err := normalize(e)
			if err != nil {
				return nil, false, fmt.Errorf("[%d]: %w", i, err)
			}
			if changed && out == nil {
				out = append(make([]any, 0, len(x)), x...)
			}
			if out != nil {
				out[i] = n
			}
		}
		if out == nil {
			return v, false, nil
		}
		return out, true, nil
	case int64:
		return int(x), true, nil
	case int32:
		return int(x), true, nil
	case uint32:
		return int(x), true, nil
	case uint64:
		if x <= math.MaxInt64 {
			return int(x), true, nil
		}
		return json.Number(strconv.FormatUint(x, 10)), true, nil
	case float32:
		// The shortest float32 text, as encoding/json writes it: float64(x)
		// would turn 0.1 into 0.10000000149011612.
		f, _ := strconv.ParseFloat(strconv.FormatFloat(float64(x), 'g', -1, 32), 64)
		return f, true, nil
	}
	out, err := viaJSON(v)
	return out, true, err
}

// viaJSON converts any Go value to its JSON-shaped equivalent.
func viaJSON(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("not JSON-serialisable: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}

// sanitize makes a JQ result encodable by encoding/json the way gojq encodes
// it: NaN becomes null and infinities ±math.MaxFloat64. Results share memory
// with the input item, so it copies instead of writing in place.
func sanitize(v any) any {
	switch x := v.(type) {
	case float64:
		switch {
		case math.IsNaN(x):
			return nil
		case math.IsInf(x, 1):
			return math.MaxFloat64
		case math.IsInf(x, -1):
			return -math.MaxFloat64
		}
	case map[string]any:
		if !hasNonFinite(x) {
			return v
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = sanitize(e)
		}
		return out
	case []any:
		if !hasNonFinite(x) {
			return v
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = sanitize(e)
		}
		return out
	}
	return v
}

func hasNonFinite(v any) bool {
	switch x := v.(type) {
	case float64:
		return math.IsNaN(x) || math.IsInf(x, 0)
	case map[string]any:
		for _, e := range x {
			if hasNonFinite(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasNonFinite(e) {
				return true
			}
		}
	}
	return false
}
