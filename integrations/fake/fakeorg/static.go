package fakeorg

// Departments are the five departments, in a fixed order.
var Departments = []Department{
	{ID: "hr", Name: "hr"},
	{ID: "marketing", Name: "marketing"},
	{ID: "finance", Name: "finance"},
	{ID: "support", Name: "support"},
	{ID: "morpazia", Name: "morpazia"},
}

// DepartmentByID finds a department.
func DepartmentByID(id string) (Department, bool) {
	for _, d := range Departments {
		if d.ID == id {
			return d, true
		}
	}
	return Department{}, false
}

// Offices are the eight offices; some have one address line, some two.
var Offices = []Office{
	{ID: "office-lisbon", Name: "Lisbon", Address: Address{City: "Lisbon", Country: "Portugal", Lines: []string{"Rua Augusta 12", "3rd floor"}, Geo: Geo{Lat: 38.7100, Lng: -9.1366}}},
	{ID: "office-oslo", Name: "Oslo", Address: Address{City: "Oslo", Country: "Norway", Lines: []string{"Karl Johans gate 7"}, Geo: Geo{Lat: 59.9127, Lng: 10.7461}}},
	{ID: "office-austin", Name: "Austin", Address: Address{City: "Austin", Country: "United States", Lines: []string{"Congress Ave 301", "Suite 1200"}, Geo: Geo{Lat: 30.2672, Lng: -97.7431}}},
	{ID: "office-seoul", Name: "Seoul", Address: Address{City: "Seoul", Country: "South Korea", Lines: []string{"Teheran-ro 152"}, Geo: Geo{Lat: 37.5665, Lng: 126.9780}}},
	{ID: "office-nairobi", Name: "Nairobi", Address: Address{City: "Nairobi", Country: "Kenya", Lines: []string{"Kenyatta Avenue 40", "Block C"}, Geo: Geo{Lat: -1.2864, Lng: 36.8172}}},
	{ID: "office-krakow", Name: "Krakow", Address: Address{City: "Krakow", Country: "Poland", Lines: []string{"Rynek Glowny 9"}, Geo: Geo{Lat: 50.0647, Lng: 19.9450}}},
	{ID: "office-montreal", Name: "Montreal", Address: Address{City: "Montreal", Country: "Canada", Lines: []string{"Rue Sainte-Catherine 880", "Floor 5"}, Geo: Geo{Lat: 45.5019, Lng: -73.5674}}},
	{ID: "office-auckland", Name: "Auckland", Address: Address{City: "Auckland", Country: "New Zealand", Lines: []string{"Queen Street 66"}, Geo: Geo{Lat: -36.8485, Lng: 174.7633}}},
}

// Teams are the twelve teams, each in one department.
var Teams = []Team{
	team("team-people-ops", "People Ops", 0, "Noa Berg"),
	team("team-recruiting", "Recruiting", 0, "Idris Vale"),
	team("team-campaigns", "Campaigns", 1, "Mara Quist"),
	team("team-content", "Content", 1, "Theo Lind"),
	team("team-accounting", "Accounting", 2, "Rhea Okafor"),
	team("team-treasury", "Treasury", 2, "Jonas Petrov"),
	team("team-helpdesk", "Helpdesk", 3, "Lena Duarte"),
	team("team-escalations", "Escalations", 3, "Omar Reyes"),
	team("team-moonshots", "Moonshots", 4, "Ines Haddad"),
	team("team-prototypes", "Prototypes", 4, "Kai Moreau"),
	team("team-compliance", "Compliance", 2, "Sofia Brandt"),
	team("team-onboarding", "Onboarding", 0, "Elias Novak"),
}

func team(id, name string, department int, lead string) Team {
	return Team{
		ID:         id,
		Name:       name,
		Department: Departments[department],
		Lead:       Lead{Name: lead, Email: emailOf(lead)},
	}
}
