package fakeapi

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/ocean-go/ocean/integrations/fake/fakeorg"
	"github.com/ocean-go/ocean/internal/rawjson"
)

// appendPersonsPage appends a page of employees as gin's c.JSON wrote
// gin.H{"results": persons, "total": total, "limit": limit}, byte for byte:
// keys sorted as encoding/json sorts a map's, results null when there are
// none (a nil slice). It is written by hand into a lent buffer: the API
// serves megabytes per page from the integration's own process, and
// encoding/json's reflection and growing buffers were a tenth of a resync's
// CPU.
func appendPersonsPage(dst []byte, persons []fakeorg.Person, total, limit int) []byte {
	dst = append(dst, `{"limit":`...)
	dst = strconv.AppendInt(dst, int64(limit), 10)
	dst = append(dst, `,"results":`...)
	if persons == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i := range persons {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendPerson(dst, &persons[i])
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"total":`...)
	dst = strconv.AppendInt(dst, int64(total), 10)
	return append(dst, '}')
}

// appendPerson writes p's fields in the order of the struct, as
// encoding/json does.
func appendPerson(dst []byte, p *fakeorg.Person) []byte {
	dst = append(dst, `{"id":`...)
	dst = appendString(dst, p.ID)
	dst = append(dst, `,"name":`...)
	dst = appendString(dst, p.Name)
	dst = append(dst, `,"email":`...)
	dst = appendString(dst, p.Email)
	dst = append(dst, `,"status":`...)
	dst = appendString(dst, p.Status)
	dst = append(dst, `,"age":`...)
	dst = strconv.AppendInt(dst, int64(p.Age), 10)
	dst = append(dst, `,"department":{"id":`...)
	dst = appendString(dst, p.Department.ID)
	dst = append(dst, `,"name":`...)
	dst = appendString(dst, p.Department.Name)
	dst = append(dst, `},"bio":`...)
	dst = appendString(dst, p.Bio)
	return append(dst, '}')
}

// appendString writes s as encoding/json does by default: rawjson writes it
// the same but for HTML escaping, so a string with '<', '>' or '&' (no
// generated one has any) goes through encoding/json.
func appendString(dst []byte, s string) []byte {
	// Three vectorised scans: faster than ContainsAny's byte by byte.
	if strings.IndexByte(s, '<') >= 0 || strings.IndexByte(s, '>') >= 0 || strings.IndexByte(s, '&') >= 0 {
		b, _ := json.Marshal(s) // a string always encodes
		return append(dst, b...)
	}
	return rawjson.AppendString(dst, s)
}
