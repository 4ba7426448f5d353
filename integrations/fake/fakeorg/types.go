package fakeorg

// Department is a department of the fake organisation.
type Department struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Person statuses.
const (
	Working = "WORKING"
	Nope    = "NOPE"
)

// Person is an employee: the bulk of the fake organisation's volume.
type Person struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Email      string     `json:"email"`
	Status     string     `json:"status"`
	Age        int        `json:"age"`
	Department Department `json:"department"`
	Bio        string     `json:"bio"`
}

// Office is an office with a nested address, for mappings with nested paths and
// array indexing.
type Office struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Address Address `json:"address"`
}

// Address is an office's postal address.
type Address struct {
	City    string   `json:"city"`
	Country string   `json:"country"`
	Lines   []string `json:"lines"`
	Geo     Geo      `json:"geo"`
}

// Geo is a position in degrees.
type Geo struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

// Team is a team of a department.
type Team struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Department Department `json:"department"`
	Lead       Lead       `json:"lead"`
}

// Lead is a team's lead.
type Lead struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Project is a project owned by a team; its department is reachable only
// through the owner (.owner.department.id).
type Project struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Status   string          `json:"status"`
	Metadata ProjectMetadata `json:"metadata"`
	Owner    ProjectOwner    `json:"owner"`
}

// ProjectMetadata alternates between the two tiers.
type ProjectMetadata struct {
	Tier     string `json:"tier"`
	Critical bool   `json:"critical"`
}

// ProjectOwner is the team owning a project, with the team's department.
type ProjectOwner struct {
	Team       TeamRef    `json:"team"`
	Department Department `json:"department"`
}

// TeamRef names a team.
type TeamRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}
