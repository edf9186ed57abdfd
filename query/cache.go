package query

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"
)

// The kinds of result a cache keeps, each in a least-recently-used list of its own size, so
// that memory stays flat under steady load and a kind that is asked for in bulk cannot push
// out the others: lot-list pages (about 13 KB for 50 lots); the figures of a filter of some
// places by month × place × type (a few KB for a county, tens for a province), of which a
// country's long tail of counties and cities would otherwise fill the cache; the cubes (tens
// of MB a year for a country); and every other result (summaries, breakdowns, lists: small).
const (
	lotsKey   = "lots "
	viewKey   = "view "
	otherKind = ""
)

// kindOf is the kind of a key (its prefix, or otherKind) and the number of results of that
// kind a cache keeps.
func kindOf(key string) (kind string, limit int) {
	switch {
	case strings.HasPrefix(key, lotsKey):
		return lotsKey, 512
	case strings.HasPrefix(key, viewKey):
		return viewKey, 2048
	case strings.HasPrefix(key, cubeKey):
		return cubeKey, 8
	}
	return otherKind, 16384
}

// cache keeps query results until the data changes. The data changes only by a load or the
// withdrawal of one; every load ends by writing its row to ingest_batches and every
// withdrawal its row to batch_withdrawals, so the number of loads, the time of the last one
// and the number of withdrawals name the data's generation: a result computed under the same
// generation is still exact. Seals and their revocations count too, for the list of seals.
// Asking for the generation is one read of a table with a row per file (and of the small
// tables of withdrawals and seals), far cheaper than any panel's query.
//
// Concurrent askers of a result not yet kept share one computation (singleflight, keyed by
// generation and key), as they share one read of the generation: under a hundred clients a
// result is computed once, and ClickHouse is asked for the generation once per round trip.
type cache struct {
	mu      sync.Mutex
	gen     string                             // the generation the kept results are of
	kinds   map[string]*lru.Cache[string, any] // the kept results, by kind
	flights singleflight.Group                 // results being computed
	genRead singleflight.Group                 // the generation being read
	lastGen string                             // the generation last read, at readAt (Trust)
	readAt  time.Time
}

// get is the result kept under key for generation gen, if any.
func (c *cache) get(gen, key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return nil, false
	}
	kind, _ := kindOf(key)
	if l := c.kinds[kind]; l != nil {
		return l.Get(key)
	}
	return nil, false
}

// put keeps v under key for generation gen. Results of another generation than the kept
// ones replace them all: they describe data that is no longer there (or, for a request
// pinned to the older generation, the newer ones are read again).
func (c *cache) put(gen, key string, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		c.gen, c.kinds = gen, map[string]*lru.Cache[string, any]{}
	}
	kind, limit := kindOf(key)
	l := c.kinds[kind]
	if l == nil {
		l, _ = lru.New[string, any](limit) // only a size below 1 is refused
		c.kinds[kind] = l
	}
	l.Add(key, v)
}

// size is how many results of kind the cache keeps.
func (c *cache) size(kind string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if l := c.kinds[kind]; l != nil {
		return l.Len()
	}
	return 0
}

// detached is the context a shared computation runs under: not cancelled when the request
// that started it goes away (the others still wait for it), but bounded.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}

// shared is the result of the computation ch delivers, or ctx's error first.
func shared[T any](ctx context.Context, ch <-chan singleflight.Result) (T, error) {
	var zero T
	select {
	case r := <-ch:
		if r.Err != nil {
			return zero, r.Err
		}
		return r.Val.(T), nil
	case <-ctx.Done():
		return zero, ctx.Err()
	}
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
	c.mu.Unlock()
	return shared[string](ctx, c.genRead.DoChan("generation", func() (any, error) {
		rctx, cancel := detached(ctx)
		defer cancel()
		asked := time.Now()
		gen, err := s.readGeneration(rctx)
		if err == nil {
			c.mu.Lock()
			c.lastGen, c.readAt = gen, asked
			c.mu.Unlock()
		}
		return gen, err
	}))
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
	if v, ok := s.cache.get(gen, key); ok {
		return v.(T), true, nil
	}
	return zero, false, nil
}

// cached returns the result stored under key for the current generation, or computes and
// stores it; concurrent askers of a key not yet stored share one computation, which runs on
// when the first asker goes away.
func cached[T any](ctx context.Context, s *Store, key string, compute func(context.Context) (T, error)) (T, error) {
	var zero T
	gen, err := s.currentGeneration(ctx)
	if err != nil {
		return zero, err
	}
	c := &s.cache
	v, ok := c.get(gen, key)
	s.count(ok)
	if ok {
		return v.(T), nil
	}
	return shared[T](ctx, c.flights.DoChan(gen+"\x00"+key, func() (any, error) {
		rctx, cancel := detached(ctx)
		defer cancel()
		kind, _, _ := strings.Cut(key, " ")
		start := time.Now()
		v, err := compute(rctx)
		s.took(kind, start)
		if err != nil {
			return nil, err
		}
		c.put(gen, key, v)
		return v, nil
	}))
}
