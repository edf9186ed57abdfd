package query

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// maxCached bounds the results a Store keeps; past it the cache starts over. The larger kinds
// have bounds of their own, past which half of them are dropped, so that memory stays flat
// under steady load: lot-list pages (about 13 KB for 50 lots), the figures of a filter of
// some places by month × place × type (a few KB for a county, tens for a province), of which
// a country's long tail of counties and cities would otherwise fill the cache, and the
// cubes (tens of MB a year for a country).
const (
	maxCached = 16384
	lotsKey   = "lots "
	viewKey   = "view "
)

// bounded is the kind of a key (its prefix) when that kind has a bound of its own, and the
// bound; "" for the others.
func bounded(key string) (kind string, limit int) {
	switch {
	case strings.HasPrefix(key, lotsKey):
		return lotsKey, 512
	case strings.HasPrefix(key, viewKey):
		return viewKey, 2048
	case strings.HasPrefix(key, cubeKey):
		return cubeKey, 8
	}
	return "", 0
}

// cache keeps query results until the data changes. The data changes only by a load or the
// withdrawal of one; every load ends by writing its row to ingest_batches and every
// withdrawal its row to batch_withdrawals, so the number of loads, the time of the last one
// and the number of withdrawals name the data's generation: a result computed under the same
// generation is still exact. Seals and their revocations count too, for the list of seals.
// Asking for the generation is one read of a table with a row per file (and of the small
// tables of withdrawals and seals), far cheaper than any panel's query.
type cache struct {
	mu      sync.Mutex
	gen     string
	entries map[string]any
	flights map[string]*flight // results being computed, by key, under gen
	genRead *flight            // the generation being read
	lastGen string             // the generation last read, at readAt (Trust)
	readAt  time.Time
	counts  map[string]int // entries of each bounded kind
}

// flight is one computation that concurrent askers of the same thing wait for instead of
// repeating it: under a hundred clients a result not yet cached is computed once, and
// ClickHouse is asked for the generation once per round trip, not once per request.
type flight struct {
	done chan struct{}
	val  any
	err  error
}

// wait returns the flight's result once it lands, or ctx's error first.
func (f *flight) wait(ctx context.Context) (any, error) {
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// detached is the context a shared computation runs under: not cancelled when the request
// that started it goes away (the others still wait for it), but bounded.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}

// generation names the data as it is now. A request that asks while a read is under way
// takes that read's answer, which is at most one round trip old; one that asks within the
// Store's trust of the last read takes that read's answer.
func (s *Store) generation(ctx context.Context) (string, error) {
	c := &s.cache
	c.mu.Lock()
	if s.trust > 0 && c.lastGen != "" && time.Since(c.readAt) < s.trust {
		gen := c.lastGen
		c.mu.Unlock()
		return gen, nil
	}
	f := c.genRead
	if f == nil {
		f = &flight{done: make(chan struct{})}
		c.genRead = f
		c.mu.Unlock()
		go func() {
			rctx, cancel := detached(ctx)
			defer cancel()
			asked := time.Now()
			f.val, f.err = s.readGeneration(rctx)
			c.mu.Lock()
			c.genRead = nil
			if f.err == nil {
				c.lastGen, c.readAt = f.val.(string), asked
			}
			c.mu.Unlock()
			close(f.done)
		}()
	} else {
		c.mu.Unlock()
	}
	v, err := f.wait(ctx)
	if err != nil {
		return "", err
	}
	return v.(string), nil
}

// readGeneration reads the data's generation from ClickHouse.
func (s *Store) readGeneration(ctx context.Context) (string, error) {
	var n, withdrawn, seals uint64
	var last time.Time
	// Each table read by a subquery of its own, none inside a read of another: in cluster mode
	// every table is a Distributed one, and a subquery inside a distributed read would be
	// sent to every shard.
	if err := s.conn.QueryRow(ctx, `SELECT (SELECT count() FROM ingest_batches), (SELECT max(finished_at) FROM ingest_batches),
			(SELECT count() FROM batch_withdrawals), (SELECT count() FROM seals) + (SELECT count() FROM seal_revocations)`).Scan(&n, &last, &withdrawn, &seals); err != nil {
		return "", fmt.Errorf("data generation: %w", err)
	}
	return fmt.Sprintf("%d/%d/%d/%d", n, last.Unix(), withdrawn, seals), nil
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

// stored returns the result stored under key for the current generation, if there is one,
// without computing it.
func stored[T any](ctx context.Context, s *Store, key string) (T, bool, error) {
	var zero T
	gen, err := s.currentGeneration(ctx)
	if err != nil {
		return zero, false, err
	}
	c := &s.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.entries[key]; ok && c.gen == gen {
		return v.(T), true, nil
	}
	return zero, false, nil
}

// cached returns the result stored under key for the current generation, or computes and
// stores it; concurrent askers of a key not yet stored share one computation.
func cached[T any](ctx context.Context, s *Store, key string, compute func(context.Context) (T, error)) (T, error) {
	var zero T
	gen, err := s.currentGeneration(ctx)
	if err != nil {
		return zero, err
	}
	c := &s.cache
	c.mu.Lock()
	if c.gen != gen || len(c.entries) >= maxCached {
		c.gen, c.entries, c.flights, c.counts = gen, map[string]any{}, map[string]*flight{}, map[string]int{}
	}
	if kind, limit := bounded(key); kind != "" && c.counts[kind] >= limit {
		// Drop half of that kind (Go's map order picks which at random).
		for k := range c.entries {
			if c.counts[kind] <= limit/2 {
				break
			}
			if strings.HasPrefix(k, kind) {
				delete(c.entries, k)
				c.counts[kind]--
			}
		}
	}
	if v, ok := c.entries[key]; ok {
		c.mu.Unlock()
		return v.(T), nil
	}
	f, running := c.flights[key]
	if !running {
		f = &flight{done: make(chan struct{})}
		c.flights[key] = f
	}
	c.mu.Unlock()
	if !running {
		go func() {
			// Not the first asker's context: its going away must not fail the others.
			rctx, cancel := detached(ctx)
			defer cancel()
			kind, _, _ := strings.Cut(key, " ")
			start := time.Now()
			f.val, f.err = compute(rctx)
			s.took(kind, start)
			c.mu.Lock()
			if c.gen == gen && c.flights[key] == f {
				delete(c.flights, key)
				if f.err == nil {
					c.entries[key] = f.val
					if kind, _ := bounded(key); kind != "" {
						c.counts[kind]++
					}
				}
			}
			c.mu.Unlock()
			close(f.done)
		}()
	}
	v, err := f.wait(ctx)
	if err != nil {
		return zero, err
	}
	return v.(T), nil
}
