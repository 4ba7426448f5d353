package fakeorg

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigResolved(t *testing.T) {
	tests := []struct {
		name string
		in   Config
		want Config
	}{
		{"spec defaults (-1)", Config{-1, -1, -1, -1, false}, Config{400, 1, 1000, 0, false}},
		{"missing keys (0)", Config{}, Config{400, 1, 1000, 0, false}},
		{"explicit values", Config{35000, 3, 250, 20, true}, Config{35000, 3, 250, 20, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.in.Resolved())
		})
	}
}

func TestConfigDepartments(t *testing.T) {
	assert.Len(t, Config{}.Departments(), 5)
	assert.Equal(t, []Department{{ID: "hr", Name: "hr"}}, Config{SingleDepartmentRun: true}.Departments())
}

func TestStaticCounts(t *testing.T) {
	assert.Len(t, Departments, 5)
	assert.Len(t, Offices, 8)
	assert.Len(t, Teams, 12)
	require.Len(t, Projects, 40)
	assert.Equal(t, "project-001", Projects[0].ID)
	assert.Equal(t, "project-040", Projects[39].ID)
	for i, p := range Projects {
		want := "tier-1"
		if i%2 == 1 {
			want = "tier-2"
		}
		assert.Equal(t, want, p.Metadata.Tier, p.ID)
		_, ok := DepartmentByID(p.Owner.Department.ID)
		assert.True(t, ok, p.ID)
	}
	for _, o := range Offices {
		assert.NotEmpty(t, o.Address.Lines, o.ID)
	}
}

func TestPersonsAreDeterministicAndPageable(t *testing.T) {
	hr := Departments[0]
	all := Persons(hr, 0, 50, 1)
	require.Len(t, all, 50)
	assert.Equal(t, all, Persons(hr, 0, 50, 1), "same call, same persons")
	assert.Equal(t, all[20:35], Persons(hr, 20, 15, 1), "a page equals the slice of the whole")

	again := Persons(hr, 0, 50, 1)
	a, _ := json.Marshal(all)
	b, _ := json.Marshal(again)
	assert.Equal(t, string(a), string(b))
	assert.Equal(t, "hr-000000", all[0].ID)
	assert.Equal(t, "hr-000049", all[49].ID)
}

func TestPersonsDifferAcrossDepartments(t *testing.T) {
	ids := map[string]bool{}
	for _, d := range Departments {
		for _, p := range Persons(d, 0, 200, 1) {
			assert.False(t, ids[p.ID], "duplicate id %s", p.ID)
			ids[p.ID] = true
			assert.Equal(t, d, p.Department)
		}
	}
	a, b := Persons(Departments[0], 0, 20, 1), Persons(Departments[1], 0, 20, 1)
	same := 0
	for i := range a {
		if a[i].Name == b[i].Name && a[i].Age == b[i].Age {
			same++
		}
	}
	assert.Less(t, same, 5, "departments draw from different streams")
}

func TestPersonFields(t *testing.T) {
	const n = 3000
	working := 0
	for _, p := range Persons(Departments[2], 0, n, 1) {
		assert.GreaterOrEqual(t, p.Age, 20)
		assert.LessOrEqual(t, p.Age, 100)
		assert.True(t, strings.HasSuffix(p.Email, "@"+EmailDomain), p.Email)
		assert.Contains(t, p.Name, " ")
		switch p.Status {
		case Working:
			working++
		case Nope:
		default:
			t.Fatalf("status %q", p.Status)
		}
	}
	assert.InDelta(t, 2.0/3, float64(working)/n, 0.05)
}

func TestBioSize(t *testing.T) {
	for _, kb := range []int{1, 3, 40} {
		for _, p := range Persons(Departments[3], 0, 30, kb) {
			assert.LessOrEqual(t, len(p.Bio), kb*1024)
			assert.Greater(t, len(p.Bio), kb*1024-20, "about %d KB", kb)
			assert.False(t, strings.HasPrefix(p.Bio, " ") || strings.HasSuffix(p.Bio, " "))
		}
	}
	// Growing the text for a big bio leaves every earlier bio unchanged.
	small, big := genText(minTextLen), genText(4*minTextLen)
	assert.True(t, strings.HasPrefix(big, small))
}

func TestPersonsEdgeCases(t *testing.T) {
	assert.Empty(t, Persons(Departments[0], 0, 0, 1))
	assert.Empty(t, Persons(Departments[0], -1, 5, 1))
	assert.Equal(t, "hr-1234567", Persons(Departments[0], 1234567, 1, 1)[0].ID)
}

func BenchmarkPersons100k(b *testing.B) {
	for b.Loop() {
		for off := 0; off < 100_000; off += 1000 {
			Persons(Departments[0], off, 1000, 1)
		}
	}
}
