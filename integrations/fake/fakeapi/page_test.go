package fakeapi

import (
	"encoding/json"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/integrations/fake/fakeorg"
)

// The hand-written page is what c.JSON wrote, byte for byte.
func TestPersonsPageIsEncodingJSONs(t *testing.T) {
	dept := fakeorg.Departments[0]
	odd := []fakeorg.Person{{ID: "a<b>&c", Name: "x\u2028y\"\\\n\x01", Email: "\xff", Department: dept, Bio: "é 😀"}}
	for _, tt := range []struct {
		name         string
		persons      []fakeorg.Person
		total, limit int
	}{
		{"a page", fakeorg.Persons(dept, 3, 25, 1), 400, 25},
		{"large bios", fakeorg.Persons(dept, 0, 4, 64), 4, 256},
		{"past the total", fakeorg.Persons(dept, 10, 0, 1), 5, 1000},
		{"empty", []fakeorg.Person{}, 0, 1},
		{"characters to escape", odd, 1, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(gin.H{"results": tt.persons, "total": tt.total, "limit": tt.limit})
			require.NoError(t, err)
			assert.Equal(t, string(want), string(appendPersonsPage(nil, tt.persons, tt.total, tt.limit)))
		})
	}
}
