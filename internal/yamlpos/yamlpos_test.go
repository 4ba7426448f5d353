package yamlpos

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.yaml.in/yaml/v3"
)

func TestProblems(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []Problem
	}{
		{"bad indentation", "a: 1\nb:\n  c: 2\n d: 3\n", []Problem{{4, "did not find expected key"}}},
		{"unclosed quote", "a: 1\nb: \"abc\nc: 2\n", []Problem{{2, "found unexpected end of stream"}}},
		{"unclosed flow list", "a: 1\nb: [1, 2\nc: 3\n", []Problem{{2, "did not find expected ',' or ']'"}}},
		{"tab", "a: 1\n\tb: 2\n", []Problem{{2, "found a tab character that violates indentation"}}},
		{"key in a list", "a: 1\nb:\n  - x\n  y: 2\n", []Problem{{4, "did not find expected '-' indicator"}}},
		{"first line", "a: b: c\nd: 1\n", []Problem{{1, "mapping values are not allowed in this context"}}},
		{"after a valid multi-line flow", "a: [1,\n  2]\nb: c: d\n", []Problem{{3, "mapping values are not allowed in this context"}}},
		{"duplicate keys", "a: 1\nb: 2\na: 3\nb: 4\n", []Problem{
			{3, `mapping key "a" already defined at line 1`},
			{4, `mapping key "b" already defined at line 2`},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v any
			err := yaml.Unmarshal([]byte(tc.doc), &v)
			assert.Equal(t, tc.want, Problems([]byte(tc.doc), err))
		})
	}
	assert.Nil(t, Problems([]byte("a: 1\n"), nil))
}

func TestError(t *testing.T) {
	doc := []byte("a: 1\nb: 2\na: 3\nb: 4\n")
	var v any
	assert.EqualError(t, Error(doc, yaml.Unmarshal(doc, &v)),
		`line 3: mapping key "a" already defined at line 1; line 4: mapping key "b" already defined at line 2`)
}
