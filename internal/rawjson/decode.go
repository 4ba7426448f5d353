package rawjson

import (
	"encoding/json"
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrSyntax is any input Decode or Skip refuses; encoding/json says why.
var ErrSyntax = errors.New("rawjson: invalid JSON")

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

// Decode decodes the one JSON value b holds (whitespace around it allowed)
// into nil, bool, json.Number, string, []any or map[string]any. A repeated
// key keeps its last value.
func Decode(b []byte) (any, error) {
	return DecodeOrdered(b, nil)
}

// DecodeOrdered is Decode that also tells order (when not nil) of every
// object of two or more members, once the object is complete: its keys in
// the order of the text, a repeated key each time it appears. keys is valid
// only during the call.
func DecodeOrdered(b []byte, order func(obj map[string]any, keys []string)) (any, error) {
	d := decoder{b: b, order: order}
	d.space()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.space()
	if d.i != len(d.b) {
		return nil, ErrSyntax
	}
	return v, nil
}

type decoder struct {
	b []byte
	i int

	order func(map[string]any, []string)
	keys  []string // the keys of the objects being read, innermost last
	// names interns object keys: raw items repeat the same keys by the
	// thousand, one allocation each without it.
	names [32]string
}

// name reads an object key, the same string as the last key of that text
// that fell in its slot of names. A key with escapes, control or multi-byte
// characters is read in full by str.
func (d *decoder) name() (string, error) {
	start := d.i + 1
	end := start + Plain(d.b, start)
	if end >= len(d.b) || d.b[end] != '"' {
		return d.str()
	}
	raw := d.b[start:end]
	h := len(raw)
	if h > 0 {
		h = h*31 + int(raw[0])*7 + int(raw[h-1])
	}
	slot := &d.names[h&(len(d.names)-1)]
	if *slot != string(raw) {
		*slot = string(raw)
	}
	d.i = end + 1
	return *slot, nil
}

func (d *decoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (any, error) {
	if d.i >= len(d.b) {
		return nil, ErrSyntax
	}
	switch c := d.b[d.i]; {
	case c == '{':
		return d.object(depth + 1)
	case c == '[':
		return d.array(depth + 1)
	case c == '"':
		return d.str()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		start := d.i
		if err := d.number(); err != nil {
			return nil, err
		}
		return json.Number(d.b[start:d.i]), nil
	}
	return nil, ErrSyntax
}

func (d *decoder) literal(word string) error {
	if len(d.b)-d.i < len(word) || string(d.b[d.i:d.i+len(word)]) != word {
		return ErrSyntax
	}
	d.i += len(word)
	return nil
}

func (d *decoder) object(depth int) (any, error) {
	if depth > maxDepth {
		return nil, ErrSyntax
	}
	d.i++ // {
	m := map[string]any{}
	d.space()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return m, nil
	}
	first := len(d.keys)
	for {
		d.space()
		if d.i >= len(d.b) || d.b[d.i] != '"' {
			return nil, ErrSyntax
		}
		k, err := d.name()
		if err != nil {
			return nil, err
		}
		if d.order != nil {
			d.keys = append(d.keys, k)
		}
		d.space()
		if d.i >= len(d.b) || d.b[d.i] != ':' {
			return nil, ErrSyntax
		}
		d.i++
		d.space()
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		m[k] = v
		d.space()
		if d.i >= len(d.b) {
			return nil, ErrSyntax
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			if d.order != nil {
				if len(d.keys)-first > 1 {
					d.order(m, d.keys[first:])
				}
				d.keys = d.keys[:first]
			}
			return m, nil
		default:
			return nil, ErrSyntax
		}
	}
}

func (d *decoder) array(depth int) (any, error) {
	if depth > maxDepth {
		return nil, ErrSyntax
	}
	d.i++ // [
	a := []any{}
	d.space()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		return a, nil
	}
	for {
		d.space()
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		d.space()
		if d.i >= len(d.b) {
			return nil, ErrSyntax
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			return a, nil
		default:
			return nil, ErrSyntax
		}
	}
}

// str reads a string; text that is not valid UTF-8 and escapes of half a
// surrogate pair are errors (encoding/json would put U+FFFD in their place).
// checkString checks it; one with escapes is then decoded by escaped.
func (d *decoder) str() (string, error) {
	start := d.i + 1
	escape, err := d.checkString()
	if err != nil {
		return "", err
	}
	if escape < 0 {
		return string(d.b[start : d.i-1]), nil
	}
	d.i = escape
	return d.escaped(start)
}

// escaped finishes a string that holds escapes, from its first one.
func (d *decoder) escaped(start int) (string, error) {
	out := make([]byte, d.i-start, d.i-start+16)
	copy(out, d.b[start:d.i])
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return string(out), nil
		case c == '\\':
			if d.i+1 >= len(d.b) {
				return "", ErrSyntax
			}
			e := d.b[d.i+1]
			d.i += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := d.hex4()
				if !ok {
					return "", ErrSyntax
				}
				if utf16.IsSurrogate(r) {
					if r >= 0xdc00 || d.i+1 >= len(d.b) || d.b[d.i] != '\\' || d.b[d.i+1] != 'u' {
						return "", ErrSyntax
					}
					d.i += 2
					low, ok := d.hex4()
					if !ok {
						return "", ErrSyntax
					}
					if r = utf16.DecodeRune(r, low); r == utf8.RuneError {
						return "", ErrSyntax
					}
				}
				out = utf8.AppendRune(out, r)
			default:
				return "", ErrSyntax
			}
		case c < 0x20:
			return "", ErrSyntax
		case c < utf8.RuneSelf:
			out = append(out, c)
			d.i++
		default:
			r, size := utf8.DecodeRune(d.b[d.i:])
			if r == utf8.RuneError && size == 1 {
				return "", ErrSyntax
			}
			out = append(out, d.b[d.i:d.i+size]...)
			d.i += size
		}
	}
	return "", ErrSyntax
}

func (d *decoder) hex4() (rune, bool) {
	if len(d.b)-d.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range d.b[d.i : d.i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	d.i += 4
	return r, true
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *decoder) number() error {
	if d.b[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i < len(d.b) && d.b[d.i] == '0':
		d.i++
	case d.digits() == 0:
		return ErrSyntax
	}
	if d.i < len(d.b) && d.b[d.i] == '.' {
		d.i++
		if d.digits() == 0 {
			return ErrSyntax
		}
	}
	if d.i < len(d.b) && (d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		d.i++
		if d.i < len(d.b) && (d.b[d.i] == '+' || d.b[d.i] == '-') {
			d.i++
		}
		if d.digits() == 0 {
			return ErrSyntax
		}
	}
	return nil
}

func (d *decoder) digits() int {
	start := d.i
	for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
		d.i++
	}
	return d.i - start
}
