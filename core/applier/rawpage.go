package applier

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/internal/rawjson"
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
	var lens [snapshotBuckets]int
	for i, b := range s.buckets {
		lens[i] = len(b)
	}
	if next, ok := s.addRawPage(body); ok {
		return next, nil
	}
	for i, n := range lens { // what the page added goes
		s.buckets[i] = s.buckets[i][:n]
	}
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
	s.append(snapshotEntry{key: keyHash(s.seed, e.Blueprint, id), digest: d})
}

// addRawPage is addPage for the pages the JSON reader reads exactly.
func (s *snapshot) addRawPage(body []byte) (*string, bool) {
	r := jsonReader{b: body}
	var next *string
	var seen [2]bool
	ok := r.object(func(key []byte, r *jsonReader) bool {
		switch string(key) {
		case "entities":
			if seen[0] {
				return false
			}
			seen[0] = true
			if r.next() == 'n' {
				return r.literal("null")
			}
			return r.array(func(r *jsonReader) bool {
				switch r.next() {
				case 'n': // decodes to an entity without identifier
					return r.literal("null")
				case '{':
					return s.addRaw(r)
				}
				return false
			})
		case "next":
			if seen[1] {
				return false
			}
			seen[1] = true
			switch r.next() {
			case 'n':
				return r.literal("null")
			case '"':
				tok, ok := r.str()
				if !ok {
					return false
				}
				str, ok := unquote(tok)
				cursor := string(str)
				next = &cursor
				return ok
			}
			return false
		}
		return !foldsTo(key, "entities", "next") && skipValue(key, r)
	})
	return next, ok && r.end()
}

// entityFields are port.Entity's JSON names.
var entityFields = [...]string{"identifier", "title", "icon", "blueprint", "team", "properties", "relations",
	"createdAt", "createdBy", "updatedAt", "updatedBy"}

// addRaw adds the entity of the JSON object r is at; false when it is not
// read exactly.
func (s *snapshot) addRaw(r *jsonReader) bool {
	var f [len(entityFields)][]byte // values by field, nil: absent
	var fields [2][]member          // properties and relations, when objects
	ok := r.object(func(key []byte, r *jsonReader) bool {
		i := slices.Index(entityFields[:], string(key))
		if i < 0 {
			return !foldsTo(key, entityFields[:]...) && skipValue(key, r)
		}
		if f[i] != nil {
			return false
		}
		if (i == 5 || i == 6) && r.next() == '{' { // read once, not skipped first
			ms, ok := readMembers(r, &s.members)
			f[i], fields[i-5] = objectMark, ms
			return ok
		}
		var ok bool
		f[i], ok = r.value()
		return ok
	})
	if !ok {
		return false
	}
	identifier, title, icon, blueprint, team := f[0], f[1], f[2], f[3], f[4]
	for i, v := range f {
		want := byte('"') // strings
		switch i {
		case 0, 4: // identifier and team: any JSON
			continue
		case 5, 6:
			want = '{' // maps
		}
		if v != nil && v[0] != want && v[0] != 'n' {
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
	d, ok := s.rawDigest(title, icon, team, fields)
	s.members = s.members[:0] // the entity's members are digested
	if !ok {
		return false
	}
	s.append(snapshotEntry{key: keyHash(s.seed, string(bp), string(id)), digest: d})
	return true
}

// objectMark stands for a field read as an object.
var objectMark = []byte("{")

// rawDigest is digest of the entity with these fields' JSON (nil: absent)
// and its properties' and relations' members.
func (s *snapshot) rawDigest(title, icon, team []byte, fields [2][]member) (uint64, bool) {
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
	for _, ms := range fields {
		ms = slices.DeleteFunc(ms, func(m member) bool { return m.val[0] == 'n' }) // Port stores no null
		writeLen(&h, '{', len(ms))
		for _, m := range ms {
			writeBytes(&h, m.key)
			if !writeRaw(&h, m.val, &s.members) {
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
		ok = r.array(func(r *jsonReader) bool {
			v, ok := r.value()
			if !ok || v[0] != '"' {
				isSet = false
				return ok
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
// (numbers as json.Number); nested objects' members go to arena (see
// readMembers).
func writeRaw(h *maphash.Hash, v []byte, arena *[]member) bool {
	switch v[0] {
	case '{':
		ms, ok := readMembers(&jsonReader{b: v}, arena)
		if !ok {
			return false
		}
		writeLen(h, '{', len(ms))
		for _, m := range ms {
			writeBytes(h, m.key)
			if !writeRaw(h, m.val, arena) {
				return false
			}
		}
	case '[':
		var buf [8][]byte
		elems := buf[:0]
		r := jsonReader{b: v}
		if !r.array(func(r *jsonReader) bool {
			e, ok := r.value()
			elems = append(elems, e)
			return ok
		}) {
			return false
		}
		writeLen(h, '[', len(elems))
		for _, e := range elems {
			if !writeRaw(h, e, arena) {
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
		var buf [64]byte
		n := appendNumberText(buf[:0], v)
		writeLen(h, 'n', len(n))
		_, _ = h.Write(n)
	}
	return true
}

// member is a member of a JSON object: its key decoded, its value's JSON.
type member struct{ key, val []byte }

// readMembers reads an object's members as a map decodes them: sorted by
// key, the last of a repeated key only. They are appended to arena, whose
// room one entity's objects share, and stay valid until the caller truncates
// it (growing it leaves earlier members where they are).
func readMembers(r *jsonReader, arena *[]member) ([]member, bool) {
	start := len(*arena)
	if !r.object(func(k []byte, r *jsonReader) bool {
		v, ok := r.value()
		*arena = append(*arena, member{k, v})
		return ok
	}) {
		return nil, false
	}
	ms := (*arena)[start:len(*arena):len(*arena)]
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

// object reads an object, calling f with each member's decoded key, f to
// read the member's value from r; false when it is malformed or f returns
// false.
func (r *jsonReader) object(f func(key []byte, r *jsonReader) bool) bool {
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
		r.ws()
		if r.i >= len(r.b) || !f(key, r) {
			return false
		}
		if !r.eat(',') {
			return r.eat('}')
		}
	}
}

// array reads an array, calling f to read each element from r.
func (r *jsonReader) array(f func(r *jsonReader) bool) bool {
	if !r.eat('[') {
		return false
	}
	if r.eat(']') {
		return true
	}
	for {
		r.ws()
		if r.i >= len(r.b) || !f(r) {
			return false
		}
		if !r.eat(',') {
			return r.eat(']')
		}
	}
}

// next is the first byte of the value r is at (after white space).
func (r *jsonReader) next() byte {
	r.ws()
	if r.i < len(r.b) {
		return r.b[r.i]
	}
	return 0
}

// skipValue reads a value, ignoring it.
func skipValue(_ []byte, r *jsonReader) bool {
	_, ok := r.value()
	return ok
}

func skipElem(r *jsonReader) bool {
	_, ok := r.value()
	return ok
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
		ok = r.object(skipValue)
	case c == '[':
		ok = r.array(skipElem)
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
	for {
		r.i += rawjson.Plain(r.b, r.i)
		if r.i >= len(r.b) {
			return nil, false
		}
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
	if rest := inner[rawjson.Plain(inner, 0):]; bytes.IndexByte(rest, '\\') < 0 && utf8.Valid(rest) {
		return inner, true
	}
	var s string
	if err := json.Unmarshal(tok, &s); err != nil {
		return nil, false
	}
	return []byte(s), true
}
