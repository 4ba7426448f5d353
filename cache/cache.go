package cache

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"iter"
	"reflect"
	"slices"
	"sync"

	gocache "github.com/patrickmn/go-cache"

	oceanctx "github.com/ocean-go/ocean/context"
)

// Result returns the value fn returned for key earlier in the event of ctx,
// or calls fn and keeps its value when it succeeds.
func Result[T any](ctx context.Context, key string, fn func(context.Context) (T, error)) (T, error) {
	s := storeOf(ctx)
	if s == nil {
		return fn(ctx)
	}
	k := typedKey[T]("result", key)
	if v, ok := s.get(k); ok {
		return v.(T), nil
	}
	unlock, err := s.lock(ctx, k)
	if err != nil {
		var zero T
		return zero, err
	}
	defer unlock()
	if v, ok := s.get(k); ok {
		return v.(T), nil
	}
	v, err := fn(ctx)
	if err != nil {
		return v, err
	}
	s.set(k, v)
	return v, nil
}

// Batches streams seq's batches and keeps them for the event of ctx when seq
// completes without an error; later walks of key in the event replay them
// (each batch a new slice of the same items: do not modify the items).
// While one walk streams, others of the same key wait for it; a walk must not
// start another of its own key.
func Batches[T any](ctx context.Context, key string, seq iter.Seq2[[]T, error]) iter.Seq2[[]T, error] {
	return func(yield func([]T, error) bool) {
		s := storeOf(ctx)
		if s == nil {
			seq(yield)
			return
		}
		k := typedKey[T]("batches", key)
		if replay(s, k, yield) {
			return
		}
		unlock, err := s.lock(ctx, k)
		if err != nil {
			yield(nil, err)
			return
		}
		defer unlock()
		if replay(s, k, yield) {
			return
		}
		var kept [][]T
		failed := false
		for batch, err := range seq {
			if err != nil {
				failed = true // the list is incomplete: keep nothing
			} else {
				kept = append(kept, slices.Clone(batch))
			}
			if !yield(batch, err) {
				return
			}
		}
		if failed {
			return
		}
		if len(kept) > 0 {
			s.set(k, kept)
		}
	}
}

// replay yields the kept batches of k; false when there are none (an empty
// list counts as none, as in Ocean).
func replay[T any](s *store, k string, yield func([]T, error) bool) bool {
	v, ok := s.get(k)
	if !ok {
		return false
	}
	batches := v.([][]T)
	if len(batches) == 0 {
		return false
	}
	for _, b := range batches {
		if !yield(slices.Clone(b), nil) {
			break
		}
	}
	return true
}

// Key makes a key of a name and arguments: the name and a short hash of the
// arguments printed with %#v (pass values, not pointers, whose addresses
// would make every key different).
func Key(name string, args ...any) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%#v", args)))
	return name + "_" + base64.RawURLEncoding.EncodeToString(sum[:8])
}

func typedKey[T any](kind, key string) string {
	return kind + "\x00" + reflect.TypeFor[T]().String() + "\x00" + key
}

type storeKey struct{}

// storeOf returns the store of the innermost event of ctx, made on first use
// and flushed when the event ends; nil outside an event.
func storeOf(ctx context.Context) *store {
	ev := oceanctx.EventFrom(ctx)
	if ev == nil {
		return nil
	}
	return ev.Scoped(storeKey{}, func() any {
		s := &store{c: gocache.New(gocache.NoExpiration, 0), locks: map[string]chan struct{}{}}
		ev.OnEnd(s.close)
		return s
	}).(*store)
}

// store is one event's cache. Cleanup interval 0: no janitor goroutine, the
// entries go with the event.
type store struct {
	c *gocache.Cache

	mu     sync.Mutex
	locks  map[string]chan struct{}
	closed bool
}

func (s *store) get(k string) (any, bool) { return s.c.Get(k) }

func (s *store) set(k string, v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed { // a walk that outlived its event keeps nothing
		s.c.SetDefault(k, v)
	}
}

func (s *store) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.c.Flush()
}

// lock takes the per-key lock, or gives up when ctx is done.
func (s *store) lock(ctx context.Context, k string) (func(), error) {
	s.mu.Lock()
	l, ok := s.locks[k]
	if !ok {
		l = make(chan struct{}, 1)
		s.locks[k] = l
	}
	s.mu.Unlock()
	select {
	case l <- struct{}{}:
		return func() { <-l }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
