package port

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
)

// DeleteOptions are the query parameters of entity deletes.
type DeleteOptions struct {
	DeleteDependents bool
	EventType        string // ocean_info_event_type, when set
	ResyncID         string // ocean_info_resync_id, when set
}

func (o DeleteOptions) params() params {
	var p params
	p = p.addBool("delete_dependents", o.DeleteDependents)
	p = p.addIf("ocean_info_event_type", o.EventType)
	return p.addIf("ocean_info_resync_id", o.ResyncID)
}

// DeleteEntity deletes one entity. An entity that does not exist is not an
// error: deleted is then false (someone else deleted it first).
func (c *Client) DeleteEntity(ctx context.Context, blueprint, id string, opts DeleteOptions) (deleted bool, err error) {
	if blueprint == "" || id == "" {
		return false, fmt.Errorf("%w: delete entity needs a blueprint and an identifier", ErrValidation)
	}
	_, err = c.do(ctx, call{
		method: http.MethodDelete, path: "/blueprints/" + seg(blueprint) + "/entities/" + seg(id),
		query: opts.params(), feature: true,
	}, nil)
	if errors.Is(err, ErrNotFound) {
		c.log.WithField("blueprint", blueprint).WithField("identifier", id).Debug("Entity already deleted")
		return false, nil
	}
	return err == nil, err
}

// DeleteEntities deletes keys through the bulk route: per blueprint, at most
// DeleteBatchMaxLength identifiers per call, BulkConcurrency calls at a time.
// deleted lists, in input order, the keys Port reported as deleted (absent keys
// did not exist or were kept). err joins the errors of failed batches; the other
// batches are still sent unless ctx ends.
func (c *Client) DeleteEntities(ctx context.Context, keys []Key, opts DeleteOptions) (deleted []Key, err error) {
	var batches []deleteBatch
	byBP := map[string][]string{}
	var order []string
	seen := map[Key]bool{}
	for _, k := range keys {
		if k.Blueprint == "" || k.Identifier == "" {
			return nil, fmt.Errorf("%w: delete entity %q needs a blueprint and an identifier", ErrValidation, k.String())
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		if _, ok := byBP[k.Blueprint]; !ok {
			order = append(order, k.Blueprint)
		}
		byBP[k.Blueprint] = append(byBP[k.Blueprint], k.Identifier)
	}
	for _, bp := range order {
		ids := byBP[bp]
		for len(ids) > 0 {
			n := min(len(ids), c.cfg.DeleteBatchMaxLength)
			batches = append(batches, deleteBatch{blueprint: bp, ids: ids[:n]})
			ids = ids[n:]
		}
	}

	var (
		mu     sync.Mutex
		gone   = map[Key]bool{}
		failed []error
	)
	stop := forEach(ctx, len(batches), c.cfg.BulkConcurrency, func(ctx context.Context, i int) error {
		b := batches[i]
		ids, err := c.bulkDelete(ctx, b.blueprint, b.ids, opts)
		if err != nil && fatal(ctx, err) {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			failed = append(failed, fmt.Errorf("delete %d entities of %s: %w", len(b.ids), b.blueprint, err))
		}
		for _, id := range ids {
			gone[Key{Blueprint: b.blueprint, Identifier: id}] = true
		}
		return nil
	})
	for _, k := range keys {
		if gone[k] {
			deleted = append(deleted, k)
			delete(gone, k) // a key listed twice is reported once
		}
	}
	if stop != nil {
		return deleted, stop
	}
	return deleted, errors.Join(failed...)
}

type deleteBatch struct {
	blueprint string
	ids       []string
}

func (c *Client) bulkDelete(ctx context.Context, bp string, ids []string, opts DeleteOptions) ([]string, error) {
	var resp struct {
		DeletedEntities []string `json:"deletedEntities"`
	}
	_, err := c.do(ctx, call{
		method: http.MethodPost, path: "/blueprints/" + seg(bp) + "/bulk/entities/delete",
		query: opts.params(), body: map[string][]string{"entities": ids}, feature: true, retryable: true,
	}, &resp)
	return resp.DeletedEntities, err
}
