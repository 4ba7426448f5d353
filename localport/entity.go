package localport

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/ocean-go/ocean/internal/bufpool"
	"github.com/ocean-go/ocean/internal/rawjson"
	"github.com/ocean-go/ocean/localport/internal/query"
)

// entity is the stored and returned shape of a catalog entity.
type entity struct {
	Identifier string         `json:"identifier"`
	Title      *string        `json:"title"`
	Icon       *string        `json:"icon"`
	Blueprint  string         `json:"blueprint"`
	Team       []string       `json:"team"`
	Properties map[string]any `json:"properties"`
	Relations  map[string]any `json:"relations"`
	CreatedAt  string         `json:"createdAt"`
	CreatedBy  string         `json:"createdBy"`
	UpdatedAt  string         `json:"updatedAt"`
	UpdatedBy  string         `json:"updatedBy"`
}

// timeFormat is Port's timestamp form: UTC with milliseconds.
const timeFormat = "2006-01-02T15:04:05.000Z"

func stamp(t time.Time) string { return t.UTC().Format(timeFormat) }

func (e *entity) normalize() {
	if e.Team == nil {
		e.Team = []string{}
	}
	if e.Properties == nil {
		e.Properties = map[string]any{}
	}
	if e.Relations == nil {
		e.Relations = map[string]any{}
	}
}

// encode writes the stored body: the struct's fields in their order, as
// encoding/json writes them with HTML escaping off, which is how answers
// write them too, so that an answer can copy stored bytes (see render.go).
func (e *entity) encode() (string, error) {
	b, err := e.appendEncoded(bufpool.Get(2048))
	defer bufpool.Put(b)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func (e *entity) appendEncoded(b []byte) ([]byte, error) {
	e.normalize()
	b = append(b, `{"identifier":`...)
	b = rawjson.AppendString(b, e.Identifier)
	b = append(b, `,"title":`...)
	b = appendOptional(b, e.Title)
	b = append(b, `,"icon":`...)
	b = appendOptional(b, e.Icon)
	b = append(b, `,"blueprint":`...)
	b = rawjson.AppendString(b, e.Blueprint)
	b = append(b, `,"team":`...)
	b, _ = rawjson.Append(b, e.Team) // []string: never fails
	var err error
	b = append(b, `,"properties":`...)
	if b, err = rawjson.Append(b, e.Properties); err != nil {
		return b, err
	}
	b = append(b, `,"relations":`...)
	if b, err = rawjson.Append(b, e.Relations); err != nil {
		return b, err
	}
	for _, f := range []struct{ key, value string }{
		{`,"createdAt":`, e.CreatedAt}, {`,"createdBy":`, e.CreatedBy}, {`,"updatedAt":`, e.UpdatedAt}, {`,"updatedBy":`, e.UpdatedBy},
	} {
		b = append(b, f.key...)
		b = rawjson.AppendString(b, f.value)
	}
	return append(b, '}'), nil
}

func appendOptional(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return rawjson.AppendString(b, *s)
}

func decodeEntity(body string) (*entity, error) {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var e entity
	if err := dec.Decode(&e); err != nil {
		return nil, err
	}
	e.normalize()
	return &e, nil
}

// toMap renders the entity as a generic JSON object (for projections and the Go API).
func (e *entity) toMap() map[string]any {
	e.normalize()
	team := make([]any, len(e.Team))
	for i, t := range e.Team {
		team[i] = t
	}
	return map[string]any{
		"identifier": e.Identifier, "title": strOrNil(e.Title), "icon": strOrNil(e.Icon),
		"blueprint": e.Blueprint, "team": team, "properties": e.Properties, "relations": e.Relations,
		"createdAt": e.CreatedAt, "createdBy": e.CreatedBy, "updatedAt": e.UpdatedAt, "updatedBy": e.UpdatedBy,
	}
}

func strOrNil(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// row is an entities row; its body is decoded on first use, so rules on the
// indexed columns never pay for JSON decoding.
type row struct {
	id         int64
	blueprint  string
	identifier string
	datasource string
	body       string
	decoded    *entity
	decodeErr  error
}

func (r *row) entity() (*entity, error) {
	if r.decoded == nil && r.decodeErr == nil {
		r.decoded, r.decodeErr = decodeEntity(r.body)
	}
	return r.decoded, r.decodeErr
}

// decodable says whether entity would succeed, without decoding a body
// written by encode.
func (r *row) decodable() bool {
	if r.decoded != nil {
		return true
	}
	if _, split := splitStored(readOnlyBytes(r.body)); split {
		return true
	}
	_, err := r.entity()
	return err == nil
}

func (r *row) Key() query.Key { return query.Key{Blueprint: r.blueprint, Identifier: r.identifier} }

// Field implements query.Record: meta-properties, then properties, then relations.
func (r *row) Field(name string) (any, bool) {
	switch name {
	case "$identifier":
		return r.identifier, true
	case "$blueprint":
		return r.blueprint, true
	case "$datasource":
		return r.datasource, true
	}
	e, err := r.entity()
	if err != nil {
		return nil, false
	}
	switch name {
	case "$title":
		return strOrNil(e.Title), e.Title != nil
	case "$icon":
		return strOrNil(e.Icon), e.Icon != nil
	case "$team":
		team := make([]any, len(e.Team))
		for i, t := range e.Team {
			team[i] = t
		}
		return team, true
	case "$createdAt":
		return e.CreatedAt, true
	case "$updatedAt":
		return e.UpdatedAt, true
	case "$createdBy":
		return e.CreatedBy, true
	case "$updatedBy":
		return e.UpdatedBy, true
	}
	if v, has := e.Properties[name]; has {
		return v, true
	}
	v, has := e.Relations[name]
	return v, has
}

// relationTargets lists the identifiers a relation value points at.
func relationTargets(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, isString := e.(string); isString {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
