package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/ocean-go/ocean/core/appconfig"
)

// maxPlaygroundItems bounds the raw items of one run.
const maxPlaygroundItems = 1000

// Mapper is the mapping engine of the playground (package console/mapping:
// the engine of `ocean map`), given by whoever builds the server; it lives
// outside this package so that the local Port does not link the engine
// into every client of it.
type Mapper interface {
	// Map applies a resource to raw items; blueprint returns a stored
	// blueprint's body (ErrNotFound when there is none).
	Map(ctx context.Context, res *appconfig.ResourceConfig, items []any, blueprint func(id string) (map[string]any, error)) (entities []any, rep Report, err error)
}

// Report is what a mapping made of the items, as `ocean map` reports it.
type Report struct {
	Items    int           `json:"items"` // after itemsToParse
	Entities int           `json:"entities"`
	Filtered int           `json:"filtered"` // the selector returned false
	Skipped  int           `json:"skipped"`  // identifier or blueprint empty
	Failed   int           `json:"failed"`
	Lines    []string      `json:"lines"` // per item that did not make an entity
	Fields   []FieldReport `json:"fields"`
}

// FieldReport is a field that evaluated to null (or failed) on some items.
type FieldReport struct {
	Path   string `json:"path"`
	Source string `json:"source"` // its JQ
	Nulls  int    `json:"nulls"`  // items where it was null
	Mapped int    `json:"mapped"` // items whose fields were evaluated
	Level  string `json:"level"`  // ERROR when the blueprint requires the field, else WARNING
	Error  string `json:"error,omitempty"`
}

// POST /console/api/playground {"resource": YAML, "items": [...]}
func (c *Console) playground(r *http.Request) (int, any, error) {
	if c.mapper == nil {
		return 0, nil, errNoMapper
	}
	var body struct {
		Resource string `json:"resource"`
		Items    []any  `json:"items"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return 0, nil, fmt.Errorf("%w: the body must be {\"resource\": YAML text, \"items\": [raw items]}: %v", errBadRequest, err)
	}
	if len(body.Items) > maxPlaygroundItems {
		return 0, nil, fmt.Errorf("%w: %d items; the playground maps at most %d", ErrInvalid, len(body.Items), maxPlaygroundItems)
	}
	_, res, err := parseResource(body.Resource)
	if err != nil {
		return 0, nil, err
	}
	ctx := r.Context()
	entities, rep, err := c.mapper.Map(ctx, res, body.Items, func(id string) (map[string]any, error) { return c.store.Blueprint(ctx, id) })
	if err != nil {
		return 0, nil, err
	}
	if entities == nil {
		entities = []any{}
	}
	return http.StatusOK, map[string]any{"entities": entities, "report": rep}, nil
}

var errNoMapper = errors.New("this server was built without the mapping engine: the playground is off")
