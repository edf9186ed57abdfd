package query

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// maxCached bounds the results a Store keeps; past it the cache starts over.
const maxCached = 4096

// cache keeps query results until the data changes. The data changes only by a load, and
// every load ends by writing its row to ingest_batches, so the number of loads and the time
// of the last one name the data's generation: a result computed under the same generation is
// still exact. Asking for the generation is one read of a table with a row per file, far
// cheaper than any panel's query.
type cache struct {
	mu      sync.Mutex
	gen     string
	entries map[string]any
}

// generation names the data as it is now.
func (s *Store) generation(ctx context.Context) (string, error) {
	var n uint64
	var last time.Time
	if err := s.conn.QueryRow(ctx, "SELECT count(), max(finished_at) FROM ingest_batches").Scan(&n, &last); err != nil {
		return "", fmt.Errorf("data generation: %w", err)
	}
	return fmt.Sprintf("%d/%d", n, last.Unix()), nil
}

// pin is one request's generation, read at its first cached call and reused by the rest.
type pin struct {
	once sync.Once
	gen  string
	err  error
}

type pinKey struct{}

// Pinned returns a context under which every cached read asks for the data's generation
// once, at the first read, rather than once per read: a page of a dozen panels costs one
// look at ingest_batches, and all its panels describe the same state of the data.
func Pinned(ctx context.Context) context.Context { return context.WithValue(ctx, pinKey{}, &pin{}) }

// currentGeneration is the generation of ctx's pin, or the data's generation now.
func (s *Store) currentGeneration(ctx context.Context) (string, error) {
	p, ok := ctx.Value(pinKey{}).(*pin)
	if !ok {
		return s.generation(ctx)
	}
	p.once.Do(func() { p.gen, p.err = s.generation(ctx) })
	return p.gen, p.err
}

// cached returns the result stored under key for the current generation, or computes and
// stores it.
func cached[T any](ctx context.Context, s *Store, key string, compute func() (T, error)) (T, error) {
	var zero T
	gen, err := s.currentGeneration(ctx)
	if err != nil {
		return zero, err
	}
	c := &s.cache
	c.mu.Lock()
	if c.gen != gen || len(c.entries) >= maxCached {
		c.gen, c.entries = gen, map[string]any{}
	}
	v, ok := c.entries[key]
	c.mu.Unlock()
	if ok {
		return v.(T), nil
	}
	res, err := compute()
	if err != nil {
		return zero, err
	}
	c.mu.Lock()
	if c.gen == gen {
		c.entries[key] = res
	}
	c.mu.Unlock()
	return res, nil
}
