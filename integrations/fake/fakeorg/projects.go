package fakeorg

import (
	"math/rand/v2"
	"strconv"
)

// ProjectCount is the number of projects, as in Ocean's fake integration.
const ProjectCount = 40

// Projects is the fixed list of projects, project-001 to project-040, owned by
// the teams in turn; even projects are tier-1 and critical, odd ones tier-2.
var Projects = genProjects(ProjectCount)

func genProjects(n int) []Project {
	r := rand.New(rand.NewPCG(Seed, 0x9e01))
	statuses := []string{"active", "paused", "archived"}
	out := make([]Project, n)
	for i := range out {
		num := strconv.Itoa(i + 1)
		for len(num) < 3 {
			num = "0" + num
		}
		t := Teams[i%len(Teams)]
		meta := ProjectMetadata{Tier: "tier-1", Critical: true}
		if i%2 == 1 {
			meta = ProjectMetadata{Tier: "tier-2"}
		}
		out[i] = Project{
			ID:       "project-" + num,
			Name:     projectAdjectives[r.IntN(len(projectAdjectives))] + " " + projectNouns[r.IntN(len(projectNouns))] + " " + num,
			Status:   statuses[r.IntN(len(statuses))],
			Metadata: meta,
			Owner:    ProjectOwner{Team: TeamRef{ID: t.ID, Name: t.Name}, Department: t.Department},
		}
	}
	return out
}
