package rawjson

import (
	"unicode/utf8"
)

// Members calls fn with each member of the JSON object b, in order: its key
// (unescaped; b's own bytes when it holds no escape) and its value's bytes,
// both valid only during the call. It fails, having called fn up to the
// fault, on anything that is not one well-formed object.
func Members(b []byte, fn func(key, value []byte)) error {
	d := decoder{b: b}
	d.space()
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		return ErrSyntax
	}
	d.i++
	d.space()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return d.end()
	}
	for {
		d.space()
		if d.i >= len(d.b) || d.b[d.i] != '"' {
			return ErrSyntax
		}
		k, err := d.key()
		if err != nil {
			return err
		}
		d.space()
		if d.i >= len(d.b) || d.b[d.i] != ':' {
			return ErrSyntax
		}
		d.i++
		d.space()
		start := d.i
		if err := d.skip(1); err != nil {
			return err
		}
		fn(k, d.b[start:d.i])
		d.space()
		if d.i >= len(d.b) {
			return ErrSyntax
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return d.end()
		default:
			return ErrSyntax
		}
	}
}

// Elements calls fn with each element of the JSON array b, in order.
func Elements(b []byte, fn func(value []byte)) error {
	d := decoder{b: b}
	d.space()
	if d.i >= len(d.b) || d.b[d.i] != '[' {
		return ErrSyntax
	}
	d.i++
	d.space()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		return d.end()
	}
	for {
		d.space()
		start := d.i
		if err := d.skip(1); err != nil {
			return err
		}
		fn(d.b[start:d.i])
		d.space()
		if d.i >= len(d.b) {
			return ErrSyntax
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			return d.end()
		default:
			return ErrSyntax
		}
	}
}

func (d *decoder) end() error {
	d.space()
	if d.i != len(d.b) {
		return ErrSyntax
	}
	return nil
}

// key reads an object key: a key without escapes is a slice of the input.
func (d *decoder) key() ([]byte, error) {
	start := d.i + 1
	escape, err := d.checkString()
	if err != nil {
		return nil, err
	}
	if escape < 0 {
		return d.b[start : d.i-1], nil
	}
	k, err := (&decoder{b: d.b[start-1 : d.i]}).str()
	return []byte(k), err
}

// skip checks and steps over one value, as strictly as Decode reads it.
func (d *decoder) skip(depth int) error {
	if depth > maxDepth || d.i >= len(d.b) {
		return ErrSyntax
	}
	switch c := d.b[d.i]; {
	case c == '{':
		d.i++
		d.space()
		if d.i < len(d.b) && d.b[d.i] == '}' {
			d.i++
			return nil
		}
		for {
			d.space()
			if d.i >= len(d.b) || d.b[d.i] != '"' {
				return ErrSyntax
			}
			if err := d.skipString(); err != nil {
				return err
			}
			d.space()
			if d.i >= len(d.b) || d.b[d.i] != ':' {
				return ErrSyntax
			}
			d.i++
			d.space()
			if err := d.skip(depth + 1); err != nil {
				return err
			}
			d.space()
			if d.i >= len(d.b) {
				return ErrSyntax
			}
			if d.b[d.i] == '}' {
				d.i++
				return nil
			}
			if d.b[d.i] != ',' {
				return ErrSyntax
			}
			d.i++
		}
	case c == '[':
		d.i++
		d.space()
		if d.i < len(d.b) && d.b[d.i] == ']' {
			d.i++
			return nil
		}
		for {
			d.space()
			if err := d.skip(depth + 1); err != nil {
				return err
			}
			d.space()
			if d.i >= len(d.b) {
				return ErrSyntax
			}
			if d.b[d.i] == ']' {
				d.i++
				return nil
			}
			if d.b[d.i] != ',' {
				return ErrSyntax
			}
			d.i++
		}
	case c == '"':
		return d.skipString()
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	return ErrSyntax
}

// skipString checks a string without building it.
func (d *decoder) skipString() error {
	_, err := d.checkString()
	return err
}

// checkString is skipString that also tells where the string's first escape
// is, or -1 when it has none.
func (d *decoder) checkString() (firstEscape int, err error) {
	firstEscape = -1
	d.i++ // "
	for d.i < len(d.b) {
		if d.i += Plain(d.b, d.i); d.i == len(d.b) {
			break
		}
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return firstEscape, nil
		case c == '\\':
			if d.i+1 >= len(d.b) {
				return -1, ErrSyntax
			}
			if firstEscape < 0 {
				firstEscape = d.i
			}
			switch d.b[d.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.i += 2
			case 'u':
				d.i += 2
				r, ok := d.hex4()
				if !ok {
					return -1, ErrSyntax
				}
				if r >= 0xd800 && r < 0xdc00 { // a high half needs its low half
					if d.i+1 >= len(d.b) || d.b[d.i] != '\\' || d.b[d.i+1] != 'u' {
						return -1, ErrSyntax
					}
					d.i += 2
					low, ok := d.hex4()
					if !ok || low < 0xdc00 || low > 0xdfff {
						return -1, ErrSyntax
					}
				} else if r >= 0xdc00 && r <= 0xdfff {
					return -1, ErrSyntax
				}
			default:
				return -1, ErrSyntax
			}
		case c < 0x20:
			return -1, ErrSyntax
		case c < 0x80:
			d.i++
		default:
			r, size := utf8.DecodeRune(d.b[d.i:])
			if r == utf8.RuneError && size == 1 {
				return -1, ErrSyntax
			}
			d.i += size
		}
	}
	return -1, ErrSyntax
}
