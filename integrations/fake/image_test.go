package main

import (
	"debug/elf"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// repoRoot is the build context of the Dockerfile.
const repoRoot = "../.."

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string   // upper case: FROM, RUN, COPY, ...
	args []string // whitespace-separated, flags (--from=...) included
	line string   // the text after cmd
}

// stage is a FROM and the instructions up to the next one.
type stage struct {
	base, name string
	body       []instruction
}

func (s stage) all(cmd string) []instruction {
	var out []instruction
	for _, in := range s.body {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

func (s stage) last(t *testing.T, cmd string) instruction {
	t.Helper()
	ins := s.all(cmd)
	require.NotEmpty(t, ins, "stage %q has a %s", s.name, cmd)
	return ins[len(ins)-1]
}

func parseDockerfile(t *testing.T, text string) []stage {
	t.Helper()
	var stages []stage
	joined := strings.ReplaceAll(text, "\\\n", " ")
	for _, raw := range strings.Split(joined, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cmd, rest, _ := strings.Cut(line, " ")
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.Fields(rest), line: strings.TrimSpace(rest)}
		if in.cmd == "FROM" {
			s := stage{base: in.args[0]}
			if len(in.args) == 3 && strings.EqualFold(in.args[1], "AS") {
				s.name = in.args[2]
			}
			stages = append(stages, s)
			continue
		}
		require.NotEmpty(t, stages, "%s before the first FROM", in.cmd)
		stages[len(stages)-1].body = append(stages[len(stages)-1].body, in)
	}
	return stages
}

// flags splits an instruction's leading --name=value flags from its operands.
func flags(args []string) (map[string][]string, []string) {
	fl := map[string][]string{}
	for len(args) > 0 && strings.HasPrefix(args[0], "--") {
		name, value, _ := strings.Cut(strings.TrimPrefix(args[0], "--"), "=")
		fl[name] = append(fl[name], value)
		args = args[1:]
	}
	return fl, args
}

// shellWords splits a RUN line as sh does for the words it uses here:
// blanks separate, double and single quotes group.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var word strings.Builder
	var quote rune
	inWord := false
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			word.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words, inWord = append(words, word.String()), false
				word.Reset()
			}
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	require.Zero(t, quote, "unbalanced quote in %q", line)
	if inWord {
		words = append(words, word.String())
	}
	return words
}

// goBuild is the Dockerfile's go build command: its environment assignments,
// its arguments (ARG values substituted) and its -o output.
type goBuild struct {
	env    []string
	args   []string
	output string
}

func findGoBuild(t *testing.T, s stage, argValues map[string]string) goBuild {
	t.Helper()
	for _, run := range s.all("RUN") {
		_, operands := flags(run.args)
		line := strings.Join(operands, " ")
		if !strings.Contains(line, "go build") {
			continue
		}
		line = os.Expand(line, func(name string) string {
			v, ok := argValues[name]
			require.True(t, ok, "the build command uses $%s, not an ARG of the stage", name)
			return v
		})
		words := shellWords(t, line)
		var b goBuild
		for len(words) > 0 && strings.Contains(words[0], "=") {
			b.env, words = append(b.env, words[0]), words[1:]
		}
		require.GreaterOrEqual(t, len(words), 2)
		require.Equal(t, []string{"go", "build"}, words[:2], "one go build, no other command in its RUN")
		b.args = words[2:]
		i := slices.Index(b.args, "-o")
		require.True(t, i >= 0 && i+1 < len(b.args), "the build names its output with -o")
		b.output = b.args[i+1]
		return b
	}
	t.Fatalf("stage %q has no go build", s.name)
	return goBuild{}
}

// dockerignored reports whether the .dockerignore patterns leave p out of the
// build context: a pattern matches a path or one of its parent directories,
// "**/" any number of leading directories.
func dockerignored(patterns []string, p string) bool {
	parts := strings.Split(path.Clean(p), "/")
	for _, pat := range patterns {
		anyDepth := strings.HasPrefix(pat, "**/")
		pat = strings.TrimPrefix(strings.TrimPrefix(pat, "**/"), "/")
		for start := range parts {
			if start > 0 && !anyDepth {
				break
			}
			for end := start + 1; end <= len(parts); end++ {
				if ok, _ := path.Match(pat, strings.Join(parts[start:end], "/")); ok {
					return true
				}
			}
		}
	}
	return false
}

func readDockerignore(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, ".dockerignore"))
	require.NoError(t, err)
	var patterns []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		require.False(t, strings.HasPrefix(line, "!"), "exceptions (%s) are not checked here", line)
		patterns = append(patterns, line)
	}
	return patterns
}

// goMinor is the minor version of "1.26", "1.26.0" or "golang:1.26-alpine".
func goMinor(t *testing.T, v string) int {
	t.Helper()
	m := regexp.MustCompile(`\b1\.(\d+)`).FindStringSubmatch(v)
	require.NotNil(t, m, "a Go version in %q", v)
	n, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return n
}

func TestDockerfile(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	require.NoError(t, err)
	stages := parseDockerfile(t, string(text))
	require.GreaterOrEqual(t, len(stages), 2, "multi-stage")
	build, final := stages[0], stages[len(stages)-1]
	require.NotEmpty(t, build.name, "the build stage is named, for COPY --from")

	buildArgs := map[string]string{}
	for _, arg := range build.all("ARG") {
		name, value, _ := strings.Cut(arg.line, "=")
		buildArgs[name] = value
	}
	require.Contains(t, buildArgs, "VERSION")
	cmd := findGoBuild(t, build, buildArgs)

	t.Run("builder", func(t *testing.T) {
		mod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
		require.NoError(t, err)
		goLine := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(mod)
		require.NotNil(t, goLine)
		assert.True(t, strings.HasPrefix(build.base, "golang:"), "built with the Go image, not %s", build.base)
		assert.GreaterOrEqual(t, goMinor(t, build.base), goMinor(t, string(goLine[1])), "the builder's Go is at least go.mod's")
		assert.Equal(t, version, buildArgs["VERSION"], "the image's default version is the integration's")

		assert.Contains(t, cmd.env, "CGO_ENABLED=0")
		assert.Contains(t, cmd.args, "-trimpath")
		i := slices.Index(cmd.args, "-ldflags")
		require.True(t, i >= 0 && i+1 < len(cmd.args))
		ld := strings.Fields(cmd.args[i+1])
		assert.Subset(t, ld, []string{"-s", "-w"}, "stripped")
		assert.Contains(t, cmd.args[i+1], "-X main.version=", "the version is stamped")
		assert.Equal(t, "./integrations/fake", cmd.args[len(cmd.args)-1], "builds this integration")

		var mounts []string
		for _, run := range build.all("RUN") {
			fl, _ := flags(run.args)
			mounts = append(mounts, fl["mount"]...)
		}
		assert.Contains(t, mounts, "type=cache,target=/go/pkg/mod", "the module cache is a cache mount")
	})

	t.Run("copies", func(t *testing.T) {
		ignore := readDockerignore(t)
		for _, must := range []string{"go.mod", "go.sum", "integrations/fake/main.go"} {
			assert.False(t, dockerignored(ignore, must), ".dockerignore leaves out %s", must)
		}
		for i, s := range stages {
			for _, cp := range s.all("COPY") {
				fl, operands := flags(cp.args)
				require.GreaterOrEqual(t, len(operands), 2, "COPY %s", cp.line)
				sources := operands[:len(operands)-1]
				from := fl["from"]
				if len(from) == 0 {
					for _, src := range sources {
						_, err := os.Stat(filepath.Join(repoRoot, src))
						assert.NoError(t, err, "COPY %s: its source", cp.line)
						if src != "." {
							assert.False(t, dockerignored(ignore, src), "COPY %s: .dockerignore leaves it out", cp.line)
						}
					}
					continue
				}
				// A path copied from an earlier stage is made there by a RUN
				// (named by it, or a parent of a path it names).
				idx := slices.IndexFunc(stages[:i], func(e stage) bool { return e.name == from[0] })
				require.GreaterOrEqual(t, idx, 0, "COPY --from=%s: an earlier stage", from[0])
				var made []string
				for _, run := range stages[idx].all("RUN") {
					made = append(made, run.args...)
				}
				for _, src := range sources {
					assert.True(t, slices.ContainsFunc(made, func(w string) bool { return w == src || strings.HasPrefix(w, src+"/") }),
						"COPY %s: stage %s makes it", cp.line, from[0])
				}
			}
		}
	})

	t.Run("runtime", func(t *testing.T) {
		assert.NotContains(t, final.base, "golang", "the runtime image holds no toolchain")
		user, _, _ := strings.Cut(final.last(t, "USER").line, ":")
		assert.NotContains(t, []string{"", "0", "root"}, user, "runs as a non-root user")
		assert.Equal(t, "8000", final.last(t, "EXPOSE").line, "the integration's default port")

		workdir := final.last(t, "WORKDIR").line
		dests := map[string]string{} // destination in the image → source
		for _, cp := range final.all("COPY") {
			_, operands := flags(cp.args)
			dst := operands[len(operands)-1]
			if !path.IsAbs(dst) {
				dst = path.Join(workdir, dst)
			}
			dests[path.Clean(dst)] = operands[0]
		}
		assert.Equal(t, "integrations/fake/.port", dests[path.Join(workdir, ".port")], "the working directory holds the integration's .port/")

		var entrypoint []string
		require.NoError(t, json.Unmarshal([]byte(final.last(t, "ENTRYPOINT").line), &entrypoint), "exec form")
		require.Equal(t, []string{"sail"}, entrypoint[1:], "the image sails")
		assert.Equal(t, cmd.output, dests[entrypoint[0]], "the entrypoint is the built binary")
	})

	t.Run("binary", func(t *testing.T) {
		if testing.Short() {
			t.Skip("builds the integration as the image does")
		}
		stamped := "9.8.7-image-test"
		b := findGoBuild(t, build, map[string]string{"VERSION": stamped})
		bin := filepath.Join(t.TempDir(), "fake-integration")
		b.args[slices.Index(b.args, "-o")+1] = bin
		goCmd := exec.Command("go", append([]string{"build"}, b.args...)...)
		goCmd.Dir = repoRoot
		goCmd.Env = append(os.Environ(), b.env...)
		out, err := goCmd.CombinedOutput()
		require.NoError(t, err, "go build: %s", out)

		f, err := elf.Open(bin)
		require.NoError(t, err)
		defer f.Close()
		for _, p := range f.Progs {
			assert.NotEqual(t, elf.PT_INTERP, p.Type, "no dynamic loader")
		}
		libs, err := f.ImportedLibraries()
		require.NoError(t, err)
		assert.Empty(t, libs, "no shared library (DT_NEEDED)")
		_, err = f.Symbols()
		assert.ErrorIs(t, err, elf.ErrNoSymbols, "stripped (-s)")
		info, err := os.Stat(bin)
		require.NoError(t, err)
		t.Logf("static binary: %.1f MiB", float64(info.Size())/(1<<20))

		got, err := exec.Command(bin, "version").Output()
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(string(got), "fake-integration "+stamped+" (ocean-go "), "version prints the stamped version: %s", got)

		// The entrypoint's command exists with this binary's flags.
		help, err := exec.Command(bin, "sail", "--help").Output()
		require.NoError(t, err, "%s", exitStderr(err))
		assert.Contains(t, string(help), "--once")
	})
}

func exitStderr(err error) string {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(exit.Stderr)
	}
	return ""
}
