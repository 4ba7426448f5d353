package port

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ocean-go/ocean/internal/bufpool"
	"github.com/ocean-go/ocean/internal/rawjson"
)

// UpsertOptions are the query parameters of entity writes (port-api.md §4.6).
type UpsertOptions struct {
	Merge                        bool // update only the fields sent; false replaces the entity
	CreateMissingRelatedEntities bool
	ValidationOnly               bool
	EventType                    string // ocean_info_event_type, when set
	ResyncID                     string // ocean_info_resync_id, when set
}

func (o UpsertOptions) params() params {
	var p params
	p = p.add("upsert", "true")
	p = p.addBool("merge", o.Merge)
	p = p.addBool("create_missing_related_entities", o.CreateMissingRelatedEntities)
	p = p.addBool("validation_only", o.ValidationOnly)
	p = p.addIf("ocean_info_event_type", o.EventType)
	return p.addIf("ocean_info_resync_id", o.ResyncID)
}

// UpsertResult is the outcome of one entity of UpsertEntities.
type UpsertResult struct {
	// Entity as sent, with Identifier replaced by the identifier Port resolved
	// (the matched entity's identifier for a search identifier).
	Entity  Entity
	Created bool
	// Err is nil on success; an *EntityError for a failure Port reported for this
	// entity in a bulk answer; otherwise the error of the request that carried it
	// (*APIError or a transport error). All match the package sentinels.
	Err error
	// Dropped: the entity's search identifier matched no entity, so nothing was
	// written. Neither a success nor a failure (Ocean ignores these).
	Dropped bool
	// Resent: the request carrying the entity was sent again after an attempt
	// Port may have carried out without its answer arriving (see
	// mayHaveApplied), so Created false may mean that attempt created it.
	Resent bool
}

// UpsertEntity creates or updates one entity through the single-entity route and
// returns Port's copy, and whether Port created it (rather than updated it). Its
// Identifier is a string unless Port could not resolve a search identifier.
func (c *Client) UpsertEntity(ctx context.Context, e Entity, opts UpsertOptions) (*Entity, bool, error) {
	if err := validateEntity(&e); err != nil {
		return nil, false, err
	}
	body, err := json.Marshal(e)
	if err != nil {
		return nil, false, fmt.Errorf("%w: encode entity: %v", ErrValidation, err)
	}
	got, created, err := c.upsertOne(ctx, e.Blueprint, body, nil, opts, nil)
	if err != nil {
		return nil, false, err
	}
	if got == nil {
		return &e, created, nil
	}
	return got, created, nil
}

// upsertOne sends one entity through the single route; resent, when not nil,
// is set when an attempt Port may have carried out was followed by another.
func (c *Client) upsertOne(ctx context.Context, bp string, body []byte, lent *lentBody, opts UpsertOptions, resent *bool) (*Entity, bool, error) {
	var resp struct {
		Entity *Entity `json:"entity"`
	}
	status, err := c.do(ctx, call{
		method: http.MethodPost, path: "/blueprints/" + seg(bp) + "/entities",
		query: opts.params(), body: body, lent: lent, feature: true, retryable: true, onRetry: noteResent(resent),
	}, &resp)
	return resp.Entity, status == http.StatusCreated, err
}

// noteResent returns an onRetry that sets *resent when the failed attempt may
// have been carried out.
func noteResent(resent *bool) func(error) {
	if resent == nil {
		return nil
	}
	return func(cause error) {
		if mayHaveApplied(cause) {
			*resent = true
		}
	}
}

// mayHaveApplied reports whether an attempt that failed with cause may still
// have been carried out by Port: no answer came back at all, or a gateway
// answered for a backend that may have done the work. Port's own refusals
// (429, 503, ...) come before any work.
func mayHaveApplied(cause error) bool {
	var ae *APIError
	if errors.As(cause, &ae) {
		return ae.StatusCode == http.StatusBadGateway || ae.StatusCode == http.StatusGatewayTimeout
	}
	return true
}

// UpsertEntities writes entities through the bulk route: grouped by blueprint,
// in batches of at most UpsertBatchMaxLength entities and UpsertBatchMaxBytes of
// body, BulkConcurrency batches at a time. Result i belongs to entities[i].
//
// Failures are per entity (see UpsertResult). A batch Port refuses as too large
// is re-sent entity by entity through the single route; an entity too large for
// a bulk body on its own goes through the single route directly. The returned
// error is set only when the whole call stopped: ctx ended, or Port rejected the
// credentials; entities not written by then carry that error too.
func (c *Client) UpsertEntities(ctx context.Context, entities []Entity, opts UpsertOptions) ([]UpsertResult, error) {
	results := make([]UpsertResult, len(entities))
	done := make([]bool, len(entities))
	encoded, groups := c.groupForUpsert(entities, results, done)
	tasks, bodies := planUpserts(groups, c.cfg.UpsertBatchMaxLength, c.cfg.UpsertBatchMaxBytes)
	bufpool.Put(encoded) // the bodies hold copies
	defer bodies.release()
	err := forEach(ctx, len(tasks), c.cfg.BulkConcurrency, func(ctx context.Context, i int) error {
		return c.runUpsert(ctx, tasks[i], bodies, opts, results, done)
	})
	if err != nil {
		for i := range results {
			if !done[i] {
				results[i].Err = err
			}
		}
		return results, err
	}
	return results, nil
}

type upsertGroup struct {
	blueprint string
	idx       []int    // positions in the input
	items     [][]byte // encoded entities
}

// groupForUpsert encodes the entities into one buffer lent by bufpool and
// groups them by blueprint in order of first appearance; invalid entities are
// marked failed in results.
func (c *Client) groupForUpsert(entities []Entity, results []UpsertResult, done []bool) ([]byte, []*upsertGroup) {
	var groups []*upsertGroup
	byBP := map[string]*upsertGroup{}
	size := max(int(c.entitySize.Load()), minEntitySize)
	buf := bufpool.Get(size * len(entities))
	type span struct{ start, end int }
	spans := make([]span, len(entities))
	largest := minEntitySize
	for i := range entities {
		results[i].Entity = entities[i]
		e := &entities[i]
		err := validateEntity(e)
		// Grown here, from bufpool, rather than by append inside
		// appendJSON: buf stays a buffer bufpool can lend again.
		buf = bufpool.Grow(buf, 2*largest)
		start := len(buf)
		if err == nil {
			var out []byte
			if out, err = e.appendJSON(buf); err != nil {
				buf = buf[:start] // what an encoding that failed half-way wrote
				err = fmt.Errorf("%w: encode entity: %v", ErrValidation, err)
			} else {
				buf = out
			}
		}
		if err != nil {
			results[i].Err, done[i] = fmt.Errorf("port: entity %d: %w", i, err), true
			continue
		}
		spans[i] = span{start, len(buf)}
		largest = max(largest, len(buf)-start)
		g := byBP[e.Blueprint]
		if g == nil {
			g = &upsertGroup{blueprint: e.Blueprint}
			byBP[e.Blueprint] = g
			groups = append(groups, g)
		}
		g.idx = append(g.idx, i)
	}
	if n := len(entities); n > 0 {
		c.entitySize.Store(int64(len(buf)/n + len(buf)/n/8))
	}
	// Cut once encoding is over: growing buf moved what it held.
	for _, g := range groups {
		g.items = make([][]byte, len(g.idx))
		for k, i := range g.idx {
			g.items[k] = buf[spans[i].start:spans[i].end:spans[i].end]
		}
	}
	return buf, groups
}

// minEntitySize is what the buffer of a call's entities is sized by before
// any was encoded.
const minEntitySize = 1 << 10

// planUpserts splits the groups into tasks and builds their bodies into one
// lent buffer: a bulk task's body and its entities' bytes inside it (sent
// one by one if Port refuses the batch as too large), an oversize entity's
// own bytes.
func planUpserts(groups []*upsertGroup, maxLen, maxBytes int) ([]upsertTask, *lentBody) {
	type plan struct {
		g        *upsertGroup
		batches  [][]int
		oversize []int
	}
	plans := make([]plan, len(groups))
	size := 0
	for i, g := range groups {
		batches, oversize := planBatches(g.items, maxLen, maxBytes)
		plans[i] = plan{g, batches, oversize}
		for _, it := range g.items {
			size += len(it) + 1
		}
		size += len(batches) * (len(bulkPrefix) + len(bulkSuffix))
	}
	buf := bufpool.Get(size)
	var tasks []upsertTask
	for _, p := range plans {
		g := p.g
		for _, b := range p.batches {
			start := len(buf)
			t := upsertTask{blueprint: g.blueprint, bulk: true, idx: make([]int, len(b))}
			buf, t.spans = appendBulkBody(buf, g.items, b)
			for k, pos := range b {
				t.idx[k] = g.idx[pos]
			}
			t.body = [2]int{start, len(buf)}
			tasks = append(tasks, t)
		}
		for _, pos := range p.oversize {
			start := len(buf)
			buf = append(buf, g.items[pos]...)
			tasks = append(tasks, upsertTask{blueprint: g.blueprint, idx: []int{g.idx[pos]}, spans: [][2]int{{start, len(buf)}}})
		}
	}
	return tasks, newLentBody(buf)
}

// upsertTask is one request of UpsertEntities, or the single-route requests
// of its entities; its bytes are spans of the call's lent bodies.
type upsertTask struct {
	blueprint string
	idx       []int    // input positions
	spans     [][2]int // their encoded entities
	body      [2]int   // the bulk body, when bulk
	bulk      bool
}

// runUpsert sends one task and records its results. It returns an error only
// when the whole call must stop.
func (c *Client) runUpsert(ctx context.Context, t upsertTask, bodies *lentBody, opts UpsertOptions, results []UpsertResult, done []bool) error {
	if !t.bulk {
		return c.upsertSingles(ctx, t, bodies, opts, results, done)
	}
	var resp bulkResponse
	resent := false
	_, err := c.do(ctx, call{
		method: http.MethodPost, path: "/blueprints/" + seg(t.blueprint) + "/entities/bulk",
		query: opts.params(), body: bodies.buf[t.body[0]:t.body[1]], lent: bodies,
		feature: true, retryable: true, onRetry: noteResent(&resent),
	}, &resp)
	switch {
	case err == nil:
		c.applyBulk(t, &resp, results, done)
		for _, gi := range t.idx {
			results[gi].Resent = resent
		}
		return nil
	case fatal(ctx, err):
		return err
	case errors.Is(err, ErrTooLarge):
		c.log.WithField("blueprint", t.blueprint).WithField("entities", len(t.idx)).
			Warn("Port refused a bulk upsert as too large, sending its entities one by one")
		return c.upsertSingles(ctx, t, bodies, opts, results, done)
	}
	for _, gi := range t.idx {
		results[gi].Err, done[gi] = err, true
	}
	return nil
}

func (c *Client) upsertSingles(ctx context.Context, t upsertTask, bodies *lentBody, opts UpsertOptions, results []UpsertResult, done []bool) error {
	for k, gi := range t.idx {
		resent := false
		got, created, err := c.upsertOne(ctx, t.blueprint, bodies.buf[t.spans[k][0]:t.spans[k][1]], bodies, opts, &resent)
		if err != nil && fatal(ctx, err) {
			return err
		}
		r := &results[gi]
		r.Err, r.Created, r.Resent = err, created, resent
		if got != nil {
			if id, ok := got.Identifier.(string); ok && id != "" {
				r.Entity.Identifier = id
			}
		}
		done[gi] = true
	}
	return nil
}

type bulkResponse struct {
	Entities []bulkSuccess `json:"entities"`
	Errors   []bulkFailure `json:"errors"`
}

type bulkFailure struct {
	Index      int             `json:"index"`
	Identifier any             `json:"identifier"`
	StatusCode int             `json:"statusCode"`
	Error      json.RawMessage `json:"error"`   // a code, or an object naming one
	Message    any             `json:"message"` // text, or validation details
}

type bulkSuccess struct {
	Index      int  `json:"index"`
	Identifier any  `json:"identifier"`
	Created    bool `json:"created"`
}

// decodeBody reads an answer that reports no failure without encoding/json
// (one answer per 20 entities: encoding/json was two fifths of the client's
// cost of a bulk request); any other goes through encoding/json.
func (r *bulkResponse) decodeBody(b []byte) error {
	if r.decodeSuccesses(b) {
		return nil
	}
	*r = bulkResponse{}
	return decodeJSON(b, r)
}

// decodeSuccesses decodes b when it is an object of "entities", successes
// exactly as encoding/json would read them, and "errors" empty or absent.
func (r *bulkResponse) decodeSuccesses(b []byte) bool {
	ok := true
	err := rawjson.Members(b, func(k, v []byte) {
		switch string(k) {
		case "entities":
			r.Entities = []bulkSuccess{} // as encoding/json: empty, not nil
			err := rawjson.Elements(v, func(e []byte) {
				s, good := decodeSuccess(e)
				r.Entities = append(r.Entities, s)
				ok = ok && good
			})
			ok = ok && err == nil
		case "errors":
			switch string(v) {
			case "[]":
				r.Errors = []bulkFailure{}
			case "null":
				r.Errors = nil
			default:
				ok = false
			}
		default:
			// encoding/json matches keys case-insensitively.
			ok = ok && !strings.EqualFold(string(k), "entities") && !strings.EqualFold(string(k), "errors")
		}
	})
	return err == nil && ok
}

func decodeSuccess(e []byte) (bulkSuccess, bool) {
	var s bulkSuccess
	ok := true
	err := rawjson.Members(e, func(k, v []byte) {
		switch string(k) {
		case "index":
			n, err := strconv.Atoi(string(v))
			s.Index, ok = n, ok && err == nil
		case "identifier":
			if v[0] != '"' {
				ok = false // a search identifier's answer: encoding/json's any
				return
			}
			id, err := rawjson.Decode(v)
			s.Identifier, ok = id, ok && err == nil
		case "created":
			s.Created, ok = string(v) == "true", ok && (string(v) == "true" || string(v) == "false")
		default:
			ok = ok && !strings.EqualFold(string(k), "index") && !strings.EqualFold(string(k), "identifier") && !strings.EqualFold(string(k), "created")
		}
	})
	return s, err == nil && ok
}

// applyBulk maps a 200/207 bulk answer back to the input positions.
func (c *Client) applyBulk(t upsertTask, resp *bulkResponse, results []UpsertResult, done []bool) {
	at := func(i int) (int, bool) {
		if i < 0 || i >= len(t.idx) || done[t.idx[i]] {
			return 0, false
		}
		return t.idx[i], true
	}
	for _, ok := range resp.Entities {
		gi, valid := at(ok.Index)
		if !valid {
			continue
		}
		r := &results[gi]
		if id, isStr := ok.Identifier.(string); isStr && id != "" {
			r.Entity.Identifier = id
		}
		r.Created, done[gi] = ok.Created, true
	}
	for _, fail := range resp.Errors {
		gi, valid := at(fail.Index)
		if !valid {
			continue
		}
		r := &results[gi]
		id, _ := fail.Identifier.(string)
		if id == "unknown" && r.Entity.HasSearchIdentifier() {
			r.Dropped, done[gi] = true, true
			continue
		}
		r.Err = &EntityError{Index: gi, Identifier: id, StatusCode: fail.StatusCode, Code: errorCode(fail.Error), Message: messageText(fail.Message)}
		done[gi] = true
	}
	for k, gi := range t.idx {
		if !done[gi] {
			results[gi].Err = fmt.Errorf("port: bulk upsert to %s reported no result for entity %d (batch position %d)", t.blueprint, gi, k)
			done[gi] = true
		}
	}
}

func validateEntity(e *Entity) error {
	switch id := e.Identifier.(type) {
	case nil:
		return fmt.Errorf("%w: entity has no identifier", ErrValidation)
	case string:
		if id == "" {
			return fmt.Errorf("%w: entity has an empty identifier", ErrValidation)
		}
	}
	if e.Blueprint == "" {
		return fmt.Errorf("%w: entity %v has no blueprint", ErrValidation, e.Identifier)
	}
	return nil
}
