package fakeorg

// Word lists the generator draws from. Picking from fixed lists keeps the data
// deterministic and cheap: no per-item formatting beyond a few concatenations.
var (
	firstNames = []string{
		"Ada", "Ben", "Chloe", "Dario", "Elif", "Femi", "Greta", "Hugo", "Iris", "Jamal",
		"Kira", "Leon", "Maya", "Nils", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara",
		"Umar", "Vera", "Wim", "Xena", "Yusuf", "Zoe", "Anton", "Bea", "Cyril", "Dana",
		"Emil", "Fay", "Gil", "Hana", "Ivo", "Jade", "Kofi", "Lia", "Milo", "Nora",
	}
	lastNames = []string{
		"Abbott", "Baptiste", "Castillo", "Dimitrov", "Eriksen", "Fontaine", "Gallo", "Horvat",
		"Ibarra", "Jensen", "Kowalski", "Laine", "Mbeki", "Nakamura", "Oduya", "Pereira",
		"Quiroga", "Rahman", "Sato", "Tanaka", "Ueda", "Varga", "Weber", "Xu", "Yilmaz",
		"Zoric", "Almeida", "Brooks", "Chen", "Duval", "Ekwueme", "Fischer", "Grant", "Holm",
	}
	// loremWords make up the bios.
	loremWords = []string{
		"lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do",
		"eiusmod", "tempor", "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua", "enim",
		"ad", "minim", "veniam", "quis", "nostrud", "exercitation", "ullamco", "laboris", "nisi",
		"aliquip", "ex", "ea", "commodo", "consequat", "duis", "aute", "irure", "in", "reprehenderit",
		"voluptate", "velit", "esse", "cillum", "fugiat", "nulla", "pariatur", "excepteur", "sint",
		"occaecat", "cupidatat", "non", "proident", "sunt", "culpa", "qui", "officia", "deserunt",
		"mollit", "anim", "id", "est", "laborum", "team", "process", "quarterly", "roadmap",
		"customer", "platform", "budget", "meeting", "coffee", "deadline", "review", "launch",
	}
	projectAdjectives = []string{"Silent", "Amber", "Rapid", "Hidden", "Golden", "Crimson", "Quiet", "Bright"}
	projectNouns      = []string{"Falcon", "Harbor", "Orbit", "Lantern", "Summit", "Comet", "Delta", "Forge"}
)
