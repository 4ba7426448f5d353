package config

import (
	"sort"
	"strings"
)

// Env var prefixes: OCEAN__ for the framework, APPLICATION__ for the process.
const (
	envPrefix    = "OCEAN__"
	appEnvPrefix = "APPLICATION__"
)

// envVar is one variable from the process environment or the .env file.
type envVar struct {
	name, value string
	where       string // "environment" or ".env line N"
}

// parseEnviron splits KEY=value pairs as os.Environ returns them.
func parseEnviron(environ []string) []envVar {
	vars := make([]envVar, 0, len(environ))
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if ok && name != "" {
			vars = append(vars, envVar{name: name, value: value, where: "environment"})
		}
	}
	return vars
}

// lookupFunc resolves {{ from env X }}: the process environment first, then .env.
func lookupFunc(dotenv, environ []envVar) func(string) (string, bool) {
	m := make(map[string]string, len(dotenv)+len(environ))
	for _, vs := range [][]envVar{dotenv, environ} {
		for _, v := range vs {
			m[v.name] = v.value
		}
	}
	return func(name string) (string, bool) {
		v, ok := m[name]
		return v, ok
	}
}

// envTree builds the env source from .env (lower) and the process environment
// (higher). Names are case-insensitive, so the higher source wins per upper-cased
// name. Whole-object values (OCEAN__EVENT_LISTENER='{…}') are set before nested
// ones so that OCEAN__EVENT_LISTENER__TYPE refines them, as pydantic does.
func envTree(dotenv, environ []envVar) (t tree, warnings []string) {
	byName := map[string]envVar{}
	for _, vs := range [][]envVar{dotenv, environ} {
		for _, v := range vs {
			up := strings.ToUpper(v.name)
			if strings.HasPrefix(up, envPrefix) || strings.HasPrefix(up, appEnvPrefix) {
				byName[up] = v
			}
		}
	}
	type item struct {
		up   string
		segs []string
		v    envVar
	}
	var items []item
	for up, v := range byName {
		var segs []string
		if rest, ok := strings.CutPrefix(up, envPrefix); ok {
			segs = strings.Split(rest, "__")
		} else {
			segs = append([]string{"application"}, strings.Split(strings.TrimPrefix(up, appEnvPrefix), "__")...)
		}
		if len(segs) == 1 && segs[0] == "PROCESS_EXECUTION_MODE" {
			warnings = append(warnings, v.name+" is obsolete and ignored")
			continue
		}
		if containsEmpty(segs) {
			warnings = append(warnings, "ignoring "+v.name+": empty segment between '__'")
			continue
		}
		items = append(items, item{up, segs, v})
	}
	sort.Slice(items, func(i, j int) bool {
		if len(items[i].segs) != len(items[j].segs) {
			return len(items[i].segs) < len(items[j].segs)
		}
		return items[i].up < items[j].up
	})
	t = tree{}
	for _, it := range items {
		names := make([]string, len(it.segs))
		for i, s := range it.segs {
			names[i] = strings.ToLower(s)
		}
		// Spec names are camelCase; so are free-form config keys from env.
		if len(names) >= 3 && names[0] == "integration" && names[1] == "config" {
			names[2] = camel(names[2])
		}
		t.set(names, &entry{val: it.v.value, from: origin{key: it.v.name, where: it.v.where}})
	}
	sort.Strings(warnings)
	return t, warnings
}

func containsEmpty(segs []string) bool {
	for _, s := range segs {
		if s == "" {
			return true
		}
	}
	return false
}
