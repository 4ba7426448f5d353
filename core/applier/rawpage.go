package applier

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ocean-go/ocean/clients/port"
)

// The snapshot's listing is most of what an unchanged resync reads: a
// million whole entities. Decoding them into port.Entity (maps of any,
// a string per value) and then digesting them cost three times what
// digesting the JSON as it is costs, so a page is read here: a strict
// reader of the JSON that hashes each entity exactly as digest hashes it
// decoded. What it does not read exactly as encoding/json would (a
// duplicate or differently cased entity field, a value of the wrong type,
// malformed JSON) makes the page go through encoding/json instead.

// addPage adds the entities of one listing page (its response body) and
// returns the page's next cursor.
func (s *snapshot) addPage(body []byte) (*string, error) {
	n := len(s.entries)
	if next, ok := s.addRawPage(body); ok {
		return next, nil
	}
	s.entries = s.entries[:n]
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	var page struct {
		Entities []port.Entity `json:"entities"`
		Next     *string       `json:"next"`
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&page); err != nil {
		return nil, err
	}
	for i := range page.Entities {
		s.add(&page.Entities[i])
	}
	return page.Next, nil
}

// add adds one decoded entity.
func (s *snapshot) add(e *port.Entity) {
	id, ok := e.ID()
	if !ok {
		return
	}
	d, _ := s.digest(e)
	s.entries = append(s.entries, snapshotEntry{key: keyHash(s.seed, e.Blueprint, id), digest: d})
}

// addRawPage is addPage for the pages the JSON reader reads exactly.
func (s *snapshot) addRawPage(body []byte) (*string, bool) {
	r := jsonReader{b: body}
	var next *string
	var seen [2]bool
	ok := r.object(func(key, val []byte) bool {
		switch string(key) {
		case "entities":
			if seen[0] {
				return false
			}
			seen[0] = true
			if val[0] == 'n' {
				return true
			}
			er := jsonReader{b: val}
			return er.array(func(e []byte) bool {
				switch e[0] {
				case 'n': // decodes to an entity without identifier
					return true
				case '{':
					return s.addRaw(e)
				}
				return false
			})
		case "next":
			if seen[1] {
				return false
			}
			seen[1] = true
			switch val[0] {
			case 'n':
				return true
			case '"':
				str, ok := unquote(val)
				cursor := string(str)
				next = &cursor
				return ok
			}
			return false
		}
		return !foldsTo(key, "entities", "next")
	})
	return next, ok && r.end()
}

// entityFields are port.Entity's JSON names.
var entityFields = [...]string{"identifier", "title", "icon", "blueprint", "team", "properties", "relations",
	"createdAt", "createdBy", "updatedAt", "updatedBy"}

// addRaw adds the entity of the JSON object obj; false when it is not read
// exactly.
func (s *snapshot) addRaw(obj []byte) bool {
	var f [len(entityFields)][]byte // values by field, nil: absent
	r := jsonReader{b: obj}
	ok := r.object(func(key, val []byte) bool {
		i := slices.Index(entityFields[:], string(key))
		if i < 0 {
			return !foldsTo(key, entityFields[:]...)
		}
		if f[i] != nil {
			return false
		}
		f[i] = val
		return true
	})
	if !ok {
		return false
	}
	identifier, title, icon, blueprint, team, props, rels := f[0], f[1], f[2], f[3], f[4], f[5], f[6]
	for _, v := range append([][]byte{title, icon, blueprint}, f[7:]...) {
		if v != nil && v[0] != '"' && v[0] != 'n' { // strings
			return false
		}
	}
	for _, v := range [][]byte{props, rels} {
		if v != nil && v[0] != '{' && v[0] != 'n' { // maps
			return false
		}
	}
	if identifier == nil || identifier[0] != '"' {
		return true // no plain identifier: not listed, as add skips it
	}
	id, ok1 := unquote(identifier)
	var bp []byte
	ok2 := true
	if blueprint != nil && blueprint[0] == '"' {
		bp, ok2 = unquote(blueprint)
	}
	if !ok1 || !ok2 {
		return false
	}
	d, ok := s.rawDigest(title, icon, team, props, rels)
	if !ok {
		return false
	}
	s.entries = append(s.entries, snapshotEntry{key: keyHash(s.seed, string(bp), string(id)), digest: d})
	return true
}

// rawDigest is digest of the entity with these fields' JSON (nil: absent).
func (s *snapshot) rawDigest(title, icon, team, props, rels []byte) (uint64, bool) {
	var h maphash.Hash
	h.SetSeed(s.seed)
	for _, v := range [][]byte{title, icon} {
		if v == nil || v[0] == 'n' {
			_ = h.WriteByte('z')
			continue
		}
		str, ok := unquote(v)
		if !ok {
			return 0, false
		}
		writeBytes(&h, str)
	}
	teams, isSet, ok := rawTeamSet(team)
	if !ok {
		return 0, false
	}
	if !isSet {
		return noDigest, true
	}
	writeLen(&h, '[', len(teams))
	for _, t := range teams {
		writeBytes(&h, t)
	}
	for _, v := range [][]byte{props, rels} {
		var ms []member
		if v != nil && v[0] == '{' {
			var ok bool
			if ms, ok = members(v); !ok {
				return 0, false
			}
			ms = slices.DeleteFunc(ms, func(m member) bool { return m.val[0] == 'n' }) // Port stores no null
		}
		writeLen(&h, '{', len(ms))
		for _, m := range ms {
			writeBytes(&h, m.key)
			if !writeRaw(&h, m.val) {
				return 0, false
			}
		}
	}
	d := h.Sum64()
	if d == noDigest {
		d++
	}
	return d, true
}

// rawTeamSet is teamSet of a team's JSON: isSet false when the team is not
// a set of names (a query), ok false when the JSON is not read exactly.
func rawTeamSet(team []byte) (teams [][]byte, isSet, ok bool) {
	if team == nil {
		return nil, true, true
	}
	switch team[0] {
	case 'n':
		return nil, true, true
	case '"':
		t, ok := unquote(team)
		return [][]byte{t}, true, ok
	case '[':
		isSet = true
		r := jsonReader{b: team}
		ok = r.array(func(v []byte) bool {
			if v[0] != '"' {
				isSet = false
				return true
			}
			t, ok := unquote(v)
			teams = append(teams, t)
			return ok
		})
		if !isSet || !ok {
			return nil, false, ok
		}
		slices.SortFunc(teams, bytes.Compare)
		return slices.CompactFunc(teams, bytes.Equal), true, true
	}
	return nil, false, true
}

func writeBytes(h *maphash.Hash, b []byte) {
	writeLen(h, 's', len(b))
	_, _ = h.Write(b)
}

// writeRaw is writeValue of the JSON value v as encoding/json decodes it
// (numbers as json.Number).
func writeRaw(h *maphash.Hash, v []byte) bool {
	switch v[0] {
	case '{':
		ms, ok := members(v)
		if !ok {
			return false
		}
		writeLen(h, '{', len(ms))
		for _, m := range ms {
			writeBytes(h, m.key)
			if !writeRaw(h, m.val) {
				return false
			}
		}
	case '[':
		var elems [][]byte
		r := jsonReader{b: v}
		if !r.array(func(e []byte) bool { elems = append(elems, e); return true }) {
			return false
		}
		writeLen(h, '[', len(elems))
		for _, e := range elems {
			if !writeRaw(h, e) {
				return false
			}
		}
	case '"':
		str, ok := unquote(v)
		if !ok {
			return false
		}
		writeBytes(h, str)
	case 't':
		_ = h.WriteByte('t')
	case 'f':
		_ = h.WriteByte('f')
	case 'n':
		_ = h.WriteByte('z')
	default:
		n, _ := number(json.Number(v))
		writeLen(h, 'n', len(n))
		_, _ = h.WriteString(n)
	}
	return true
}

// member is a member of a JSON object: its key decoded, its value's JSON.
type member struct{ key, val []byte }

// members returns an object's members as a map decodes them: sorted by key,
// the last of a repeated key only.
func members(obj []byte) ([]member, bool) {
	var ms []member
	r := jsonReader{b: obj}
	if !r.object(func(k, v []byte) bool { ms = append(ms, member{k, v}); return true }) {
		return nil, false
	}
	slices.SortStableFunc(ms, func(a, b member) int { return bytes.Compare(a.key, b.key) })
	out := ms[:0]
	for i, m := range ms {
		if i+1 < len(ms) && bytes.Equal(ms[i+1].key, m.key) {
			continue // a later value replaces it
		}
		out = append(out, m)
	}
	return out, true
}

// foldsTo reports whether key matches one of names only as encoding/json
// matches struct fields, regardless of case.
func foldsTo(key []byte, names ...string) bool {
	for _, n := range names {
		if strings.EqualFold(string(key), n) {
			return true
		}
	}
	return false
}

// jsonReader reads JSON strictly: what it accepts, encoding/json accepts.
type jsonReader struct {
	b []byte
	i int
}

func (r *jsonReader) ws() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

func (r *jsonReader) eat(c byte) bool {
	r.ws()
	if r.i < len(r.b) && r.b[r.i] == c {
		r.i++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (r *jsonReader) end() bool {
	r.ws()
	return r.i == len(r.b)
}

// object reads an object, calling f with each member's decoded key and
// value's JSON; false when it is malformed or f returns false.
func (r *jsonReader) object(f func(key, val []byte) bool) bool {
	if !r.eat('{') {
		return false
	}
	if r.eat('}') {
		return true
	}
	for {
		r.ws()
		tok, ok := r.str()
		if !ok {
			return false
		}
		key, ok := unquote(tok)
		if !ok || !r.eat(':') {
			return false
		}
		val, ok := r.value()
		if !ok || !f(key, val) {
			return false
		}
		if !r.eat(',') {
			return r.eat('}')
		}
	}
}

// array reads an array, calling f with each element's JSON.
func (r *jsonReader) array(f func(val []byte) bool) bool {
	if !r.eat('[') {
		return false
	}
	if r.eat(']') {
		return true
	}
	for {
		val, ok := r.value()
		if !ok || !f(val) {
			return false
		}
		if !r.eat(',') {
			return r.eat(']')
		}
	}
}

// value reads any value and returns its JSON.
func (r *jsonReader) value() ([]byte, bool) {
	r.ws()
	if r.i >= len(r.b) {
		return nil, false
	}
	start := r.i
	var ok bool
	switch c := r.b[r.i]; {
	case c == '{':
		ok = r.object(func(_, _ []byte) bool { return true })
	case c == '[':
		ok = r.array(func([]byte) bool { return true })
	case c == '"':
		_, ok = r.str()
	case c == 't':
		ok = r.literal("true")
	case c == 'f':
		ok = r.literal("false")
	case c == 'n':
		ok = r.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		ok = r.number()
	}
	return r.b[start:r.i], ok
}

func (r *jsonReader) literal(lit string) bool {
	if !bytes.HasPrefix(r.b[r.i:], []byte(lit)) {
		return false
	}
	r.i += len(lit)
	return true
}

// str reads a string and returns it quoted, as it is in the JSON.
func (r *jsonReader) str() ([]byte, bool) {
	if r.i >= len(r.b) || r.b[r.i] != '"' {
		return nil, false
	}
	start := r.i
	r.i++
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			r.i++
			return r.b[start:r.i], true
		case c < 0x20:
			return nil, false
		case c == '\\':
			if r.i+1 >= len(r.b) {
				return nil, false
			}
			switch r.b[r.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				r.i += 2
			case 'u':
				if r.i+6 > len(r.b) {
					return nil, false
				}
				for _, h := range r.b[r.i+2 : r.i+6] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return nil, false
					}
				}
				r.i += 6
			default:
				return nil, false
			}
		default:
			r.i++
		}
	}
	return nil, false
}

// number reads a number as JSON's grammar has it.
func (r *jsonReader) number() bool {
	digits := func() int {
		n := 0
		for r.i < len(r.b) && '0' <= r.b[r.i] && r.b[r.i] <= '9' {
			r.i++
			n++
		}
		return n
	}
	if r.b[r.i] == '-' {
		r.i++
	}
	if r.i < len(r.b) && r.b[r.i] == '0' {
		r.i++
	} else if digits() == 0 {
		return false
	}
	if r.i < len(r.b) && r.b[r.i] == '.' {
		r.i++
		if digits() == 0 {
			return false
		}
	}
	if r.i < len(r.b) && (r.b[r.i] == 'e' || r.b[r.i] == 'E') {
		r.i++
		if r.i < len(r.b) && (r.b[r.i] == '+' || r.b[r.i] == '-') {
			r.i++
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}

// unquote decodes a JSON string token as encoding/json does; a plain one
// (no escape, valid UTF-8) is returned in place.
func unquote(tok []byte) ([]byte, bool) {
	inner := tok[1 : len(tok)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return inner, true
	}
	var s string
	if err := json.Unmarshal(tok, &s); err != nil {
		return nil, false
	}
	return []byte(s), true
}
