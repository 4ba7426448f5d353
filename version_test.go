package ocean

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFrameworkVersion(t *testing.T) {
	dep := func(path, version string, replace *debug.Module) *debug.Module {
		return &debug.Module{Path: path, Version: version, Replace: replace}
	}
	for _, tc := range []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"the framework's own checkout", debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "(devel)"}}, Version},
		{"the framework installed at a tag", debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "v0.3.1"}}, "0.3.1"},
		{"an integration depending on a release", debug.BuildInfo{Main: debug.Module{Path: "example.com/shop", Version: "(devel)"},
			Deps: []*debug.Module{dep("github.com/other/x", "v9.0.0", nil), dep(modulePath, "v0.2.0", nil)}}, "0.2.0"},
		{"a pseudo-version", debug.BuildInfo{Main: debug.Module{Path: "example.com/shop"},
			Deps: []*debug.Module{dep(modulePath, "v0.0.0-20261201000000-abcdef012345", nil)}}, "0.0.0-20261201000000-abcdef012345"},
		{"replaced by a local checkout", debug.BuildInfo{Main: debug.Module{Path: "example.com/shop"},
			Deps: []*debug.Module{dep(modulePath, "v0.2.0", &debug.Module{Path: "../ocean"})}}, Version},
		{"replaced by a fork's release", debug.BuildInfo{Main: debug.Module{Path: "example.com/shop"},
			Deps: []*debug.Module{dep(modulePath, "v0.2.0", &debug.Module{Path: "github.com/fork/ocean", Version: "v0.2.1"})}}, "0.2.1"},
		{"no framework at all", debug.BuildInfo{Main: debug.Module{Path: "example.com/other"}}, Version},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, frameworkVersion(&tc.info)) })
	}
}
