package port

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/ocean-go/ocean/core/jsonorder"
	"github.com/ocean-go/ocean/internal/rawjson"
)

// Entity is one catalog entity: the body of an upsert and an element of search
// results (port-api.md §2.1).
//
// Identifier is a string, or a search query (a *Query or its JSON object form) when
// the mapping identifies the entity by property. Relation values are identifier
// strings, lists of them, nil, or search queries. A nil Title, Icon, Team,
// Properties or Relations is not sent; an empty but non-nil one is ("title": "",
// "properties": {}), as Ocean sends what a mapping sets. nil values inside
// Properties and Relations are sent as JSON null. Objects are sent with their
// keys in the order recorded by jsonorder (the order of the raw item), as jq
// would write them.
type Entity struct {
	Identifier any            `json:"identifier"`
	Title      *string        `json:"title,omitempty"`
	Icon       *string        `json:"icon,omitempty"`
	Blueprint  string         `json:"blueprint"`
	Team       any            `json:"team,omitempty"`
	Properties map[string]any `json:"properties,omitzero"`
	Relations  map[string]any `json:"relations,omitzero"`

	// Meta fields, set by Port in responses; never sent.
	CreatedAt string `json:"createdAt,omitempty"`
	CreatedBy string `json:"createdBy,omitempty"`
	UpdatedAt string `json:"updatedAt,omitempty"`
	UpdatedBy string `json:"updatedBy,omitempty"`
}

// MarshalJSON writes the entity as documented on Entity.
func (e Entity) MarshalJSON() ([]byte, error) { return e.appendJSON(nil) }

// appendJSON writes the entity field by field, in the order of the struct:
// entities are encoded by the million, and a json.Marshaler per field would
// have encoding/json re-scan each field's bytes.
func (e *Entity) appendJSON(dst []byte) ([]byte, error) {
	var err error
	field := func(name string, v any) {
		if err == nil {
			dst = append(append(append(dst, ",\""...), name...), "\":"...)
			if dst, err = jsonorder.Append(dst, v, nil); err != nil {
				err = fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	// Strings are written directly: boxed into an any they cost an
	// allocation each.
	text := func(name, v string) {
		if err == nil {
			dst = append(append(append(dst, ",\""...), name...), "\":"...)
			dst = rawjson.AppendString(dst, v)
		}
	}
	dst = append(dst, `{"identifier":`...)
	if dst, err = jsonorder.Append(dst, e.Identifier, nil); err != nil {
		return nil, fmt.Errorf("identifier: %w", err)
	}
	if e.Title != nil {
		text("title", *e.Title)
	}
	if e.Icon != nil {
		text("icon", *e.Icon)
	}
	text("blueprint", e.Blueprint)
	if e.Team != nil {
		field("team", e.Team)
	}
	if e.Properties != nil {
		field("properties", e.Properties)
	}
	if e.Relations != nil {
		field("relations", e.Relations)
	}
	for _, meta := range [...]struct{ name, v string }{
		{"createdAt", e.CreatedAt}, {"createdBy", e.CreatedBy}, {"updatedAt", e.UpdatedAt}, {"updatedBy", e.UpdatedBy},
	} {
		if meta.v != "" {
			text(meta.name, meta.v)
		}
	}
	if err != nil {
		return nil, err
	}
	return append(dst, '}'), nil
}

// ID returns the identifier when it is a plain string.
func (e *Entity) ID() (string, bool) {
	s, ok := e.Identifier.(string)
	return s, ok
}

// HasSearchIdentifier reports whether the identifier is a search query.
func (e *Entity) HasSearchIdentifier() bool {
	_, ok := e.Identifier.(string)
	return !ok && e.Identifier != nil
}

// Key identifies an entity across blueprints: (blueprint, identifier). A search-query
// identifier is normalised to its JSON with sorted keys, as Ocean does.
type Key struct {
	Blueprint  string
	Identifier string
}

func (k Key) String() string { return k.Blueprint + "/" + k.Identifier }

// Key returns the entity's reconciliation key.
func (e *Entity) Key() Key {
	if id, ok := e.Identifier.(string); ok {
		return Key{Blueprint: e.Blueprint, Identifier: id}
	}
	// Through a plain value, so that a Query and the same query as a map give
	// one key: encoding/json sorts map keys, not struct fields.
	var plain any
	b, err := json.Marshal(e.Identifier)
	if err == nil {
		if err = json.Unmarshal(b, &plain); err == nil {
			b, err = json.Marshal(plain)
		}
	}
	if err != nil {
		return Key{Blueprint: e.Blueprint, Identifier: fmt.Sprint(e.Identifier)}
	}
	return Key{Blueprint: e.Blueprint, Identifier: string(b)}
}

// Query is a search query group (port-api.md §2.3): a combinator and rules, where
// each rule is a leaf condition or a nested group.
type Query struct {
	Combinator string `json:"combinator"`
	Rules      []Rule `json:"rules"`
}

// Rule is one element of a query's rules: a condition on a property, a relatedTo
// condition, or (with Combinator set) a nested group.
type Rule struct {
	// Leaf condition.
	Property any    `json:"property,omitempty"` // property identifier ("$identifier", "language") or a path object
	Operator string `json:"operator,omitempty"`
	Value    any    `json:"value,omitempty"`

	// relatedTo condition.
	Blueprint string `json:"blueprint,omitempty"`
	Direction string `json:"direction,omitempty"` // "upstream" or "downstream"
	Required  *bool  `json:"required,omitempty"`

	// Nested group.
	Combinator string `json:"combinator,omitempty"`
	Rules      []Rule `json:"rules,omitempty"`
}

// IsGroup reports whether the rule is a nested group.
func (r Rule) IsGroup() bool { return r.Combinator != "" }

// noValueOperators are the leaf operators that take no value.
var noValueOperators = map[string]bool{"isEmpty": true, "isNotEmpty": true, "isExpired": true, "isNotExpired": true}

// MarshalJSON keeps the keys Port requires that omitempty would drop: a group's
// rules when empty ([]), a leaf's value when nil (null).
func (r Rule) MarshalJSON() ([]byte, error) {
	type plain Rule
	switch {
	case r.IsGroup():
		return json.Marshal(struct {
			Combinator string `json:"combinator"`
			Rules      []Rule `json:"rules"`
		}{r.Combinator, nonNil(r.Rules)})
	case r.Value == nil && !noValueOperators[r.Operator]:
		return json.Marshal(struct {
			plain
			Value any `json:"value"`
		}{plain: plain(r)})
	}
	return json.Marshal(plain(r))
}

// And and Or build query groups.
func And(rules ...Rule) Query { return Query{Combinator: "and", Rules: nonNil(rules)} }
func Or(rules ...Rule) Query  { return Query{Combinator: "or", Rules: nonNil(rules)} }

// Group turns a query into a rule so that it can nest inside another query.
func (q Query) Group() Rule { return Rule{Combinator: q.Combinator, Rules: nonNil(q.Rules)} }

// Cond builds a leaf rule.
func Cond(property, operator string, value any) Rule {
	return Rule{Property: property, Operator: operator, Value: value}
}

func nonNil(r []Rule) []Rule {
	if r == nil {
		return []Rule{}
	}
	return r
}

// Blueprint is a Port blueprint as Port returns it (port-api.md §2.4).
// CreateBlueprint and PatchBlueprint take any body, so that a blueprint read
// from a file is sent with every key it has.
type Blueprint struct {
	Identifier            string              `json:"identifier"`
	Title                 string              `json:"title,omitempty"`
	Icon                  string              `json:"icon,omitempty"`
	Description           string              `json:"description,omitempty"`
	Schema                BlueprintSchema     `json:"schema"`
	Relations             map[string]Relation `json:"relations,omitempty"`
	CalculationProperties map[string]any      `json:"calculationProperties,omitempty"`
	MirrorProperties      map[string]any      `json:"mirrorProperties,omitempty"`
	AggregationProperties map[string]any      `json:"aggregationProperties,omitempty"`
	Ownership             map[string]any      `json:"ownership,omitempty"`
	TeamInheritance       map[string]any      `json:"teamInheritance,omitempty"`
	ChangelogDestination  map[string]any      `json:"changelogDestination,omitempty"`
	CreatedAt             string              `json:"createdAt,omitempty"`
	CreatedBy             string              `json:"createdBy,omitempty"`
	UpdatedAt             string              `json:"updatedAt,omitempty"`
	UpdatedBy             string              `json:"updatedBy,omitempty"`
}

// BlueprintSchema is a blueprint's property schema.
type BlueprintSchema struct {
	Properties map[string]Property `json:"properties"`
	Required   []string            `json:"required,omitempty"`
}

// Property describes one blueprint property. Keys this struct does not name
// (min/max lengths, patterns, spec, ...) are ignored by the client.
type Property struct {
	Type        string `json:"type,omitempty"`
	Format      string `json:"format,omitempty"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Icon        string `json:"icon,omitempty"`
	Enum        []any  `json:"enum,omitempty"`
	Items       any    `json:"items,omitempty"`
	Default     any    `json:"default,omitempty"`
}

// Relation describes one blueprint relation.
type Relation struct {
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Target      string `json:"target"`
	Required    bool   `json:"required"`
	Many        bool   `json:"many"`
}

// IsRequired reports whether a mapped field path ("properties.x", "relations.y") is
// required by the blueprint.
func (b *Blueprint) IsRequired(path string) bool {
	if name, ok := strings.CutPrefix(path, "properties."); ok {
		return slices.Contains(b.Schema.Required, name)
	}
	if name, ok := strings.CutPrefix(path, "relations."); ok {
		return b.Relations[name].Required
	}
	return path == "identifier" || path == "blueprint"
}

// Integration is the integration record (port-api.md §2.5). Config is the port app
// config ("mapping") as free-form JSON; core/appconfig parses it.
type Integration struct {
	ID                          string          `json:"_id,omitempty"`
	OrgID                       string          `json:"_orgId,omitempty"`
	Identifier                  string          `json:"identifier,omitempty"`
	InstallationID              string          `json:"installationId,omitempty"`
	Title                       *string         `json:"title,omitempty"`
	InstallationAppType         string          `json:"installationAppType,omitempty"`
	IntegrationType             string          `json:"integrationType,omitempty"`
	InstallationType            string          `json:"installationType,omitempty"`
	Version                     string          `json:"version,omitempty"`
	ChangelogDestination        map[string]any  `json:"changelogDestination,omitempty"`
	ActionsProcessingEnabled    bool            `json:"actionsProcessingEnabled"`
	IncrementalSyncEnabled      bool            `json:"incrementalSyncEnabled"`
	ProcessingMode              string          `json:"processingMode,omitempty"`
	CreatePortResourcesOrigin   string          `json:"createPortResourcesOrigin,omitempty"`
	ArePortResourcesInitialized bool            `json:"arePortResourcesInitialized"`
	Config                      json.RawMessage `json:"config,omitempty"`
	ResyncState                 *ResyncState    `json:"resyncState,omitempty"`
	LogAttributes               *IngestAttrs    `json:"logAttributes,omitempty"`
	MetricAttributes            *IngestAttrs    `json:"metricAttributes,omitempty"`
	IngestAttributes            *IngestAttrs    `json:"ingestAttributes,omitempty"`
	Spec                        map[string]any  `json:"spec,omitempty"`
	StatusInfo                  map[string]any  `json:"statusInfo,omitempty"`
	CreatedAt                   string          `json:"createdAt,omitempty"`
	CreatedBy                   string          `json:"createdBy,omitempty"`
	UpdatedAt                   string          `json:"updatedAt,omitempty"`
	UpdatedBy                   string          `json:"updatedBy,omitempty"`
}

// HasConfig reports whether the integration carries a non-empty port app config.
func (i *Integration) HasConfig() bool {
	c := strings.TrimSpace(string(i.Config))
	return c != "" && c != "null" && c != "{}"
}

// ResyncState is the integration's resync status.
type ResyncState struct {
	Status            string  `json:"status"` // running, completed, failed, aborted
	LastResyncStart   *string `json:"lastResyncStart"`
	LastResyncEnd     *string `json:"lastResyncEnd"`
	NextResync        *string `json:"nextResync"`
	IntervalInMinuets *int    `json:"intervalInMinuets"` // sic: Port's spelling
	UpdatedAt         string  `json:"updatedAt,omitempty"`
}

// IngestAttrs are the ingest URLs Port hands out for logs and metrics.
type IngestAttrs struct {
	IngestID  string `json:"ingestId,omitempty"`
	IngestURL string `json:"ingestUrl"`
}

// ResyncRequest is a pending manual resync request (GET .../resync-request).
type ResyncRequest struct {
	ID        string `json:"id"`
	UpdatedAt string `json:"updatedAt"`
}

// Organization is the caller's Port organization.
type Organization struct {
	ID           string   `json:"id"`
	Name         string   `json:"name,omitempty"`
	FeatureFlags []string `json:"featureFlags"`
}

// HasFlag reports whether the organization has a feature flag.
func (o *Organization) HasFlag(flag string) bool {
	return slices.Contains(o.FeatureFlags, flag)
}

// KafkaCredentials are the SASL credentials of Port's Kafka brokers.
type KafkaCredentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// String hides the password, so that printing or logging the credentials
// cannot leak it.
func (k KafkaCredentials) String() string { return "{" + k.Username + " ******}" }

// GoString hides the password from %#v too.
func (k KafkaCredentials) GoString() string { return "port.KafkaCredentials" + k.String() }

// Migration is an asynchronous blueprint migration (delete all entities).
type Migration struct {
	ID              string         `json:"id"`
	Actor           string         `json:"actor"`
	SourceBlueprint string         `json:"sourceBlueprint"`
	Mapping         map[string]any `json:"mapping"`
	Status          string         `json:"status"` // RUNNING, INITIALIZING, PENDING while in progress
}

// Done reports whether the migration reached a final status.
func (m *Migration) Done() bool {
	switch m.Status {
	case "RUNNING", "INITIALIZING", "PENDING":
		return false
	}
	return true
}
