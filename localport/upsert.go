package localport

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/ocean-go/ocean/localport/internal/query"
)

// writeOptions are the query parameters of the upsert routes plus who writes.
type writeOptions struct {
	upsert, merge, createMissing, validationOnly bool
	datasource                                   string // the writer's User-Agent
	actor                                        string // the token's client id
	now                                          time.Time
	seen                                         *seenRows
}

// seenRows is what a request's writes learnt of the entities in its
// transaction, which nothing else writes while the request runs: a bulk's
// entities mostly point at the same few, and its own are looked up at once.
type seenRows struct {
	// existing are related entities found (or created as placeholders).
	existing map[query.Key]bool
	// rows are entities looked up: nil when absent. What the request writes
	// replaces them.
	rows map[query.Key]*row
	// writes counts the rows the request wrote.
	writes int
}

// stored is the entity row of k in tx, from what the request saw, else
// looked up.
func (s *seenRows) stored(ctx context.Context, tx querier, k query.Key) (*row, error) {
	if r, seen := s.rows[k]; seen {
		return r, nil
	}
	return loadRow(ctx, tx, k.Blueprint, k.Identifier)
}

// wrote records that the request saved e.
func (s *seenRows) wrote(e *entity) {
	k := query.Key{Blueprint: e.Blueprint, Identifier: e.Identifier}
	s.existing[k] = true
	if _, seen := s.rows[k]; seen {
		s.rows[k] = &row{blueprint: e.Blueprint, identifier: e.Identifier, decoded: e}
	}
	s.writes++
}

// lookUp reads the rows of identifiers of blueprint bp in one query.
func (s *seenRows) lookUp(ctx context.Context, tx querier, bp string, identifiers []string) error {
	if len(identifiers) == 0 {
		return nil
	}
	for _, id := range identifiers {
		s.rows[query.Key{Blueprint: bp, Identifier: id}] = nil
	}
	args := make([]any, 0, len(identifiers)+1)
	args = append(args, bp)
	for _, id := range identifiers {
		args = append(args, id)
	}
	// No ORDER BY: ordered by id, SQLite walks the whole blueprint instead of
	// looking the identifiers up (see TestLookUpUsesTheKey).
	rows, err := tx.QueryContext(ctx, lookUpQuery(len(identifiers)), args...)
	if err != nil {
		return fmt.Errorf("look up entities of %s: %w", bp, err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return fmt.Errorf("look up entities of %s: %w", bp, err)
		}
		s.rows[r.Key()] = r
	}
	return rows.Err()
}

func lookUpQuery(n int) string {
	return "SELECT " + rowCols + " FROM entities WHERE blueprint = ? AND identifier IN (" + placeholders(n) + ")"
}

func writeOptionsOf(c *call) (writeOptions, error) {
	o := writeOptions{datasource: c.r.UserAgent(), actor: c.clientID, now: time.Now(),
		seen: &seenRows{existing: map[query.Key]bool{}, rows: map[query.Key]*row{}}}
	for _, f := range []struct {
		name string
		dst  *bool
	}{{"upsert", &o.upsert}, {"merge", &o.merge}, {"create_missing_related_entities", &o.createMissing}, {"validation_only", &o.validationOnly}} {
		v, err := c.flag(f.name, false)
		if err != nil {
			return o, err
		}
		*f.dst = v
	}
	return o, nil
}

// entityInput is one entity of a request body; has* tell which keys were sent.
type entityInput struct {
	identifier any // string, or a search query object
	title      *string
	icon       *string
	team       []string
	properties map[string]any
	relations  map[string]any
	hasTitle   bool
	hasIcon    bool
	hasTeam    bool
}

func parseEntityInput(raw any, bpID string) (*entityInput, error) {
	obj, isObj := raw.(map[string]any)
	if !isObj {
		return nil, invalid("an entity must be a JSON object, got %s", jsonType(raw))
	}
	in := &entityInput{identifier: obj["identifier"]}
	switch id := in.identifier.(type) {
	case string, map[string]any:
	case nil:
		return nil, invalid("identifier is required")
	default:
		return nil, invalid("identifier must be a string or a search query object, got %s", jsonType(id))
	}
	if b, has := obj["blueprint"]; has && b != nil && b != bpID {
		return nil, invalid("blueprint %s in the body does not match blueprint %q in the path", compact(b), bpID)
	}
	var err error
	if in.title, in.hasTitle, err = optionalString(obj, "title"); err != nil {
		return nil, err
	}
	if in.icon, in.hasIcon, err = optionalString(obj, "icon"); err != nil {
		return nil, err
	}
	if t, has := obj["team"]; has {
		in.hasTeam = true
		if in.team, err = parseTeam(t); err != nil {
			return nil, err
		}
	}
	if in.properties, err = optionalObject(obj, "properties"); err != nil {
		return nil, err
	}
	if in.relations, err = optionalObject(obj, "relations"); err != nil {
		return nil, err
	}
	return in, nil
}

func optionalString(obj map[string]any, key string) (*string, bool, error) {
	v, has := obj[key]
	if !has || v == nil {
		return nil, has, nil
	}
	s, isString := v.(string)
	if !isString {
		return nil, true, invalid("%s must be a string or null, got %s", key, jsonType(v))
	}
	return &s, true, nil
}

func optionalObject(obj map[string]any, key string) (map[string]any, error) {
	switch v := obj[key].(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return v, nil
	default:
		return nil, invalid("%s must be an object or null, got %s", key, jsonType(v))
	}
}

func parseTeam(v any) ([]string, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{t}, nil
	case []any:
		out := make([]string, 0, len(t))
		for i, e := range t {
			s, isString := e.(string)
			if !isString {
				return nil, invalid("team[%d] must be a string, got %s", i, jsonType(e))
			}
			out = append(out, s)
		}
		return out, nil
	case map[string]any:
		return nil, invalid("team as a search query is not supported by the local Port")
	}
	return nil, invalid("team must be a string, an array of strings or null, got %s", jsonType(v))
}

// upsertResult is the outcome of one entity write.
type upsertResult struct {
	entity  *entity
	created bool
}

// errUnresolved marks a search identifier that matched nothing (bulk reports
// its identifier as "unknown").
type errUnresolved struct{ *apiError }

func (u errUnresolved) Unwrap() error { return u.apiError }

// errFor is an entity write that failed once its identifier was known: a bulk
// error names the resolved identifier even for a search identifier (only an
// unresolved one is "unknown", which Ocean drops instead of retrying).
type errFor struct {
	id  string
	err error
}

func (e errFor) Error() string { return e.err.Error() }
func (e errFor) Unwrap() error { return e.err }

// preparedCreate is a bulk item built, checked and encoded as the entity it
// creates when it does not exist yet, before its write takes the writer: the
// writer only checks that it is absent and that the blueprint is the one it
// was checked against (the same compiled blueprint, see compiledBlueprints).
type preparedCreate struct {
	bp   *blueprint
	in   *entityInput
	e    *entity
	body string
}

// prepareCreate is the item's preparedCreate, or nil when the item needs the
// transaction (a search identifier or relation) or fails a check: the write
// then builds it, and reports what fails, as without preparation.
func prepareCreate(bp *blueprint, item any, o writeOptions) *preparedCreate {
	in, err := parseEntityInput(item, bp.id)
	if err != nil {
		return nil
	}
	id, isString := in.identifier.(string)
	if !isString || checkEntityID(id) != nil {
		return nil
	}
	rels := make(map[string]any, len(in.relations))
	for name, v := range in.relations {
		if _, isQuery := v.(map[string]any); isQuery || bp.relations[name] == nil {
			return nil
		}
		rels[name] = v
	}
	if checkInput(bp, in.properties, rels) != nil {
		return nil
	}
	now := stamp(o.now)
	e := &entity{Identifier: id, Blueprint: bp.id, Title: in.title, Icon: in.icon, Team: in.team,
		Properties: in.properties, Relations: rels, CreatedAt: now, CreatedBy: o.actor, UpdatedAt: now, UpdatedBy: o.actor}
	e.normalize()
	if checkRequired(bp, e) != nil {
		return nil
	}
	body, err := e.encode()
	if err != nil {
		return nil
	}
	return &preparedCreate{bp: bp, in: in, e: e, body: body}
}

// upsertOne validates and writes one entity inside tx; pre (nil for none)
// is the entity prepared for the case it does not exist.
func upsertOne(ctx context.Context, tx querier, bps *blueprints, bp *blueprint, in *entityInput, pre *preparedCreate, o writeOptions) (_ *upsertResult, err error) {
	id, err := resolveIdentifier(ctx, tx, bp, in.identifier)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			err = errFor{id: id, err: err}
		}
	}()
	existingRow, err := o.seen.stored(ctx, tx, query.Key{Blueprint: bp.id, Identifier: id})
	if err != nil {
		return nil, err
	}
	if existingRow != nil && !o.upsert {
		return nil, conflict("Entity %q of blueprint %q already exists (send upsert=true to update it)", id, bp.id)
	}
	if pre != nil && existingRow == nil && pre.bp == bp {
		return writeEntity(ctx, tx, bps, bp, pre.e, pre.body, pre.e.Relations, true, o)
	}
	rels, err := resolveRelations(ctx, tx, bp, in.relations)
	if err != nil {
		return nil, err
	}
	if err := checkInput(bp, in.properties, rels); err != nil {
		return nil, err
	}

	e := &entity{Identifier: id, Blueprint: bp.id, CreatedAt: stamp(o.now), CreatedBy: o.actor}
	if existingRow != nil {
		old, err := existingRow.entity()
		if err != nil {
			return nil, fmt.Errorf("decode stored entity %s/%s: %w", bp.id, id, err)
		}
		e.CreatedAt, e.CreatedBy = old.CreatedAt, old.CreatedBy
		if o.merge {
			e.Title, e.Icon, e.Team = old.Title, old.Icon, old.Team
			e.Properties, e.Relations = maps.Clone(old.Properties), maps.Clone(old.Relations)
		}
	}
	if in.hasTitle || !o.merge || existingRow == nil {
		e.Title = in.title
	}
	if in.hasIcon || !o.merge || existingRow == nil {
		e.Icon = in.icon
	}
	if in.hasTeam || !o.merge || existingRow == nil {
		e.Team = in.team
	}
	// Only a merge combines sent and stored maps: otherwise the entity takes
	// the request's own (decoded for it alone) instead of a copy.
	if e.Properties == nil {
		e.Properties = in.properties
	} else {
		maps.Copy(e.Properties, in.properties)
	}
	if e.Relations == nil {
		e.Relations = rels
	} else {
		maps.Copy(e.Relations, rels)
	}
	e.normalize()
	if err := checkRequired(bp, e); err != nil {
		return nil, err
	}
	e.UpdatedAt, e.UpdatedBy = stamp(o.now), o.actor
	return writeEntity(ctx, tx, bps, bp, e, "", rels, existingRow == nil, o)
}

// writeEntity checks that the entities rels (what the request sent) point
// at exist, or creates them as placeholders, and saves e, encoded as body
// ("": not yet), unless validating only.
func writeEntity(ctx context.Context, tx querier, bps *blueprints, bp *blueprint, e *entity, body string, rels map[string]any, created bool, o writeOptions) (*upsertResult, error) {
	placeholders, err := missingTargets(ctx, tx, bps, bp, rels, o)
	if err != nil {
		return nil, err
	}
	if o.validationOnly {
		return &upsertResult{entity: e, created: created}, nil
	}
	// Every check is behind: from here only the database can fail, which
	// fails the whole request (see upsertItem).
	for _, p := range placeholders {
		if err := saveEntity(ctx, tx, p.entity, p.bp, o.datasource, o.now.UnixMicro(), true); err != nil {
			return nil, err
		}
		o.seen.wrote(p.entity)
	}
	if body == "" {
		err = saveEntity(ctx, tx, e, bp, o.datasource, o.now.UnixMicro(), created)
	} else {
		err = saveEncoded(ctx, tx, e, body, bp, o.datasource, o.now.UnixMicro(), created)
	}
	if err != nil {
		return nil, err
	}
	o.seen.wrote(e)
	return &upsertResult{entity: e, created: created}, nil
}

// resolveIdentifier checks a string identifier, or finds the one entity of the
// blueprint a search identifier matches.
func resolveIdentifier(ctx context.Context, tx querier, bp *blueprint, raw any) (string, error) {
	if id, isString := raw.(string); isString {
		return id, checkEntityID(id)
	}
	qu, err := query.Parse(raw, time.Now())
	if err != nil {
		return "", invalid("invalid search identifier: %v", err)
	}
	rows, err := findEntities(ctx, tx, qu, bp.id)
	if err != nil {
		return "", err
	}
	switch len(rows) {
	case 0:
		return "", errUnresolved{notFound("The search identifier matched no entity of blueprint %q", bp.id)}
	case 1:
		return rows[0].identifier, nil
	}
	return "", invalid("the search identifier must match exactly one entity of blueprint %q, it matched %d", bp.id, len(rows))
}

// resolveRelations replaces search-query relation values with the identifiers
// they match in the relation's target blueprint; unknown relations fail.
func resolveRelations(ctx context.Context, tx querier, bp *blueprint, rels map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(rels))
	for name, v := range rels {
		rel := bp.relations[name]
		if rel == nil {
			return nil, validationFailed("relation %q is not defined in blueprint %q (relations: %s)", name, bp.id, describeKeys(bp.relations))
		}
		sq, isQuery := v.(map[string]any)
		if !isQuery {
			out[name] = v
			continue
		}
		qu, err := query.Parse(sq, time.Now())
		if err != nil {
			return nil, invalid("relations.%s: invalid search query: %v", name, err)
		}
		rows, err := findEntities(ctx, tx, qu, rel.target)
		if err != nil {
			return nil, err
		}
		if len(rows) > 100 {
			return nil, invalid("relations.%s: the search query matched %d entities, at most 100 are allowed", name, len(rows))
		}
		if !rel.many {
			if len(rows) != 1 {
				return nil, invalid("relations.%s: a single relation's search query must match exactly one entity of blueprint %q, it matched %d", name, rel.target, len(rows))
			}
			out[name] = rows[0].identifier
			continue
		}
		ids := make([]any, len(rows))
		for i, r := range rows {
			ids[i] = r.identifier
		}
		out[name] = ids
	}
	return out, nil
}

// checkInput validates the sent properties and relations against the blueprint.
func checkInput(bp *blueprint, props, rels map[string]any) error {
	for _, key := range sortedKeys(props) {
		p := bp.props[key]
		if p == nil {
			return validationFailed("property %q is not defined in blueprint %q (properties: %s)", key, bp.id, describeKeys(bp.props))
		}
		if err := p.checkValue(props[key]); err != nil {
			return validationFailed("property %q: %v", key, err)
		}
	}
	for _, name := range sortedKeys(rels) {
		rel := bp.relations[name]
		switch v := rels[name].(type) {
		case nil:
		case string:
			if rel.many {
				return validationFailed("relation %q is a many relation: its value must be an array of identifiers, got a string", name)
			}
			if err := checkEntityID(v); err != nil {
				return validationFailed("relation %q: %v", name, err)
			}
		case []any:
			if !rel.many {
				return validationFailed("relation %q is a single relation: its value must be an identifier string, got an array", name)
			}
			for i, t := range v {
				s, isString := t.(string)
				if !isString {
					return validationFailed("relation %q[%d] must be an identifier string, got %s", name, i, jsonType(t))
				}
				if err := checkEntityID(s); err != nil {
					return validationFailed("relation %q[%d]: %v", name, i, err)
				}
			}
		default:
			return validationFailed("relation %q must be an identifier, an array of identifiers, null or a search query, got %s", name, jsonType(v))
		}
	}
	return nil
}

func checkRequired(bp *blueprint, e *entity) error {
	for _, name := range bp.required {
		if e.Properties[name] == nil {
			return validationFailed("required property %q of blueprint %q is missing", name, bp.id)
		}
	}
	for _, name := range sortedKeys(bp.relations) {
		if bp.relations[name].required && len(relationTargets(e.Relations[name])) == 0 {
			return validationFailed("required relation %q of blueprint %q is missing", name, bp.id)
		}
	}
	return nil
}

// placeholder is a bare entity create_missing_related_entities creates.
type placeholder struct {
	entity *entity
	bp     *blueprint
}

// missingTargets checks that every related entity exists; the missing ones
// are placeholders to create with create_missing_related_entities, else 404.
// It writes nothing, so that a failing entity has nothing to undo.
func missingTargets(ctx context.Context, tx querier, bps *blueprints, bp *blueprint, rels map[string]any, o writeOptions) ([]placeholder, error) {
	var missing []placeholder
	planned := map[query.Key]bool{}
	for _, name := range sortedKeys(rels) {
		rel := bp.relations[name]
		for _, target := range relationTargets(rels[name]) {
			k := query.Key{Blueprint: rel.target, Identifier: target}
			if o.seen.existing[k] || planned[k] {
				continue
			}
			exists, err := entityExists(ctx, tx, rel.target, target)
			if err != nil {
				return nil, err
			}
			if exists {
				o.seen.existing[k] = true
				continue
			}
			if !o.createMissing {
				return nil, notFound("Related entity %q of blueprint %q was not found (relation %q)", target, rel.target, name)
			}
			targetBP, err := bps.get(rel.target)
			if err != nil {
				return nil, err
			}
			planned[k] = true
			missing = append(missing, placeholder{bp: targetBP, entity: &entity{Identifier: target, Blueprint: rel.target,
				CreatedAt: stamp(o.now), CreatedBy: o.actor, UpdatedAt: stamp(o.now), UpdatedBy: o.actor}})
		}
	}
	return missing, nil
}
