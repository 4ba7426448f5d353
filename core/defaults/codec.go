package defaults

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ocean-go/ocean/internal/yamlpos"
)

// toJSON returns a file's content as JSON: YAML (.yaml, .yml) is converted, JSON
// is returned as is. Blank content is JSON null.
func toJSON(data []byte, ext string) ([]byte, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return []byte("null"), nil
	}
	if e := strings.ToLower(ext); e != ".yaml" && e != ".yml" {
		return data, nil
	}
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("invalid YAML: %w", yamlpos.Error(data, err))
	}
	out, err := json.Marshal(jsonable(v))
	if err != nil {
		return nil, fmt.Errorf("YAML has no JSON form: %w", err)
	}
	return out, nil
}

// jsonable turns YAML mappings with non-string keys into JSON objects.
func jsonable(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = jsonable(e)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[fmt.Sprint(k)] = jsonable(e)
		}
		return m
	case []any:
		for i, e := range t {
			t[i] = jsonable(e)
		}
		return t
	}
	return v
}

// decodeJSON decodes exactly one JSON value, keeping numbers as json.Number so
// they are sent back to Port unchanged.
func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the first JSON value")
	}
	return nil
}

// decodeObjects decodes a list of objects that each carry a non-empty string
// under key.
func decodeObjects(data []byte, out *[]map[string]any, key string) error {
	if err := decodeJSON(data, out); err != nil {
		return fmt.Errorf("want a list of objects: %w", err)
	}
	for i, o := range *out {
		if o == nil {
			return fmt.Errorf("entry %d: want an object, got null", i)
		}
		if s, _ := o[key].(string); s == "" {
			return fmt.Errorf("entry %d: missing %s", i, key)
		}
	}
	return nil
}
