package appconfig

// Defaults of the fields Ocean defaults when the document leaves them out.
const (
	DefaultEntityDeletionThreshold = 0.9
	DefaultItemsToParseName        = "item"
)

// PortAppConfig is a parsed port app config.
type PortAppConfig struct {
	EnableMergeEntity            bool    // upsert with merge=true
	DeleteDependentEntities      bool    // delete with cascade
	CreateMissingRelatedEntities bool    // upsert creates missing relation targets
	EntityDeletionThreshold      float64 // 0..1: the largest share of owned entities a resync may delete
	Resources                    []ResourceConfig
	Extra                        map[string]any // integration-specific top-level keys
	// Unknown are the keys Parse ignored as misspelt or undeclared, each
	// with the key it likely meant; ParseStrict refuses them.
	Unknown []Problem
}

// New returns a config with Ocean's defaults and no resources.
func New() *PortAppConfig {
	return &PortAppConfig{
		EnableMergeEntity:            true,
		DeleteDependentEntities:      true,
		CreateMissingRelatedEntities: true,
		EntityDeletionThreshold:      DefaultEntityDeletionThreshold,
	}
}

// ResourceConfig maps one kind of raw item to entities.
type ResourceConfig struct {
	Kind     string
	Selector Selector
	Port     PortResource
	Extra    map[string]any // integration-specific resource keys
}

// Selector decides which raw items of the kind are mapped.
type Selector struct {
	Query              string   // JQ; must evaluate to true or false
	ExportEnvVariables []string // only used for lakehouse payloads
	Extra              map[string]any
}

// PortResource says how an item becomes an entity.
type PortResource struct {
	ItemsToParse                  string // JQ to a list; each element becomes an item of its own
	ItemsToParseName              string // key the element is stored under
	ItemsToParseTopLevelTransform bool   // drop the parsed list from the parent copied into each element
	Entity                        EntityConfig
}

// EntityConfig holds the entity mapping.
type EntityConfig struct {
	Mappings EntityMapping
}

// EntityMapping maps an item to an entity. Each string is a JQ program run on
// the whole item. Nil pointers and maps are unset: not evaluated, not sent.
type EntityMapping struct {
	Identifier MappingValue
	Title      *string
	Icon       *string
	Blueprint  string
	Team       *MappingValue
	Properties map[string]string
	Relations  map[string]MappingValue
}

// MappingValue is a JQ program, or (with Query set) a search query whose
// leaves are JQ programs; Port resolves the query to an entity identifier.
type MappingValue struct {
	JQ    string
	Query *SearchQueryMapping
}

// SearchQueryMapping is a search query whose every leaf is a JQ program, so a
// literal operator is written '"="'.
type SearchQueryMapping struct {
	Combinator string
	Rules      []RuleMapping
}

// RuleMapping is a leaf condition or, with Group set, a nested query.
type RuleMapping struct {
	Property string
	Operator string
	Value    string
	Group    *SearchQueryMapping
}

// Str returns a pointer to s, for building mappings in code.
func Str(s string) *string { return &s }

// JQ returns a mapping value holding a JQ program.
func JQ(src string) MappingValue { return MappingValue{JQ: src} }
