package ocean

import (
	"runtime/debug"
	"strings"
	"sync"
)

// Version is the framework's version where Go recorded none (see
// FrameworkVersion, which Port is told as the Ocean core version).
const Version = "0.1.0"

// modulePath is the framework's Go module.
const modulePath = "github.com/ocean-go/ocean"

// FrameworkVersion is the version of ocean-go this binary was built with, as
// Go recorded it (the module version of a released framework, without its
// "v"), or Version when Go recorded none (a build inside the framework's own
// checkout, or a replace by a local directory).
func FrameworkVersion() string { return builtVersion() }

var builtVersion = sync.OnceValue(func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return Version
	}
	return frameworkVersion(info)
})

func frameworkVersion(info *debug.BuildInfo) string {
	mod := &info.Main
	if mod.Path != modulePath {
		mod = nil
		for _, d := range info.Deps {
			if d.Path == modulePath {
				mod = d
				break
			}
		}
	}
	for mod != nil && mod.Replace != nil {
		mod = mod.Replace
	}
	if mod == nil || mod.Version == "" || mod.Version == "(devel)" {
		return Version
	}
	return strings.TrimPrefix(mod.Version, "v")
}
