package config

import (
	"fmt"
	"strings"
)

// parseDotenv reads a .env file: KEY=value lines, optional `export`, # comments,
// single quotes (literal) and double quotes (\n, \t, \", \\ escapes), both of
// which may span lines. Errors never quote the line: it may hold a secret.
// A bad line is reported and skipped, so that all are reported at once.
func parseDotenv(data string) ([]envVar, Errors) {
	lines := strings.Split(strings.ReplaceAll(data, "\r\n", "\n"), "\n")
	var vars []envVar
	var errs Errors
	for i := 0; i < len(lines); i++ {
		where := fmt.Sprintf(".env line %d", i+1)
		line := strings.TrimSpace(lines[i])
		if line == "" || line[0] == '#' {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "export "); ok {
			line = strings.TrimSpace(rest)
		}
		name, rest, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		if !ok || !validEnvName(name) {
			errs = append(errs, &Error{Source: where, Expected: "KEY=value"})
			continue
		}
		rest = strings.TrimLeft(rest, " \t")
		var value string
		if rest != "" && (rest[0] == '"' || rest[0] == '\'') {
			q := rest[0]
			body := rest[1:]
			end := closingQuote(body, q)
			for end < 0 && i+1 < len(lines) {
				i++
				body += "\n" + lines[i]
				end = closingQuote(body, q)
			}
			if end < 0 {
				errs = append(errs, &Error{Key: name, Source: where, Expected: "a closing " + string(q) + " quote"})
				break // the quoted value ran to the end of the file
			}
			value = body[:end]
			if q == '"' {
				value = unescapeDouble(value)
			}
		} else {
			value = rest
			if j := strings.Index(value, " #"); j >= 0 {
				value = value[:j]
			}
			value = strings.TrimSpace(value)
		}
		vars = append(vars, envVar{name: name, value: value, where: where})
	}
	return vars, errs
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r == '_' || r == '.' || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// closingQuote returns the index of the unescaped quote q in s, or -1.
func closingQuote(s string, q byte) int {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && q == '"':
			i++
		case s[i] == q:
			return i
		}
	}
	return -1
}

func unescapeDouble(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
