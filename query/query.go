// Package query computes the report figures and lists the lots, and holds all of tradestat's
// reading SQL. No read counts a lot loaded twice, even before ClickHouse has merged its parts:
// the figures come from rollups that hold changes adding up to the current lots (figures_*,
// lots_by_place), and the lots themselves are read with FINAL or from rows known to be
// current. Every bound value goes through client-side parameters in the forms that work on
// 18.16 and current ClickHouse alike: dates as toDate(?) with a YYYY-MM-DD string, never a
// time.Time, which 18.16 compares with a Date column as a DateTime and matches no row, without
// an error.
package query

import (
	"context"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat/division"
)

// Store answers questions about the loaded lots.
type Store struct {
	conn    driver.Conn
	region  division.Region
	cache   cache
	heavy   chan struct{}                      // a place among the lot lists that read the lots themselves
	exports chan struct{}                      // a place among the lot exports
	observe func(kind string, d time.Duration) // told how long each computation took (metrics)
	counted func(hit bool)                     // told of each lookup of a result: kept or not (metrics)
	// smallList is smallList, but for tests.
	smallList int
	// noCubes has views of some places read by a query each, for tests.
	noCubes bool
	// trust is how long a generation read from ClickHouse is taken as the data's (Trust).
	trust time.Duration
	// scoped: the store is an account's (For), whose audit log and loads are its region's
	// only, where the deployment's store reads them all.
	scoped bool
	// whole is the deployment's store, for an account's: the cubes hold every place's figures
	// whatever the region, and are kept once, in the deployment's cache (an account's views
	// read only its region's places from them).
	whole *Store
}

// An Option configures a Store at construction.
type Option func(*Store)

// Trust has the Store take the data's generation, once read, as current for d before it reads
// it again: a load's figures then show up to d after it finishes (loads are minutes apart at
// most, and the ingest worker is asynchronous anyway), while a server under a hundred
// requests a second asks ClickHouse for the generation once per d, not once per request —
// a read that costs every request a round trip and the server a query. Without it (d = 0)
// every request reads the generation, as tests that load and read at once need.
func Trust(d time.Duration) Option { return func(s *Store) { s.trust = d } }

// Observed has f told how long each read the Store computes takes (a cached result costs
// none), by kind: summary, breakdown, lots, export and so on.
func Observed(f func(kind string, took time.Duration)) Option {
	return func(s *Store) { s.observe = f }
}

// Counted has f told of each lookup of a result the Store caches: hit when the result was
// kept, and not when it had to be computed (or was being computed for another request).
func Counted(f func(hit bool)) Option {
	return func(s *Store) { s.counted = f }
}

// count reports a lookup of a cached result.
func (s *Store) count(hit bool) {
	if s.counted != nil {
		s.counted(hit)
	}
}

// took reports a computation of kind that started at start.
func (s *Store) took(kind string, start time.Time) {
	if s.observe != nil {
		s.observe(kind, time.Since(start))
	}
}

// heavyReads is how many lot lists not cached run at once, and exportReads how many lot
// exports. They read the lots themselves, which takes tenths of a second to seconds at
// national scale; bounded below the connection pool, they queue here rather than hold every
// connection while the figures, read from the daily table in milliseconds, wait for one.
// Exports have their own lane: one streams as slowly as its client downloads, and must not
// keep the lists waiting.
const (
	heavyReads  = 4
	exportReads = 2
)

// New returns a Store reading the lots of region through conn.
func New(conn driver.Conn, region division.Region, opts ...Option) *Store {
	s := &Store{conn: conn, region: region, heavy: make(chan struct{}, heavyReads), exports: make(chan struct{}, exportReads), smallList: smallList}
	for _, o := range opts {
		o(s)
	}
	return s
}

// For is a store of the same data reading another region (an account's, within the
// deployment's): a result cache of its own, so that no result read for one region ever
// answers another; the same lanes, so that the bound on heavy reads holds for the server.
func (s *Store) For(region division.Region) *Store {
	return &Store{conn: s.conn, region: region, heavy: s.heavy, exports: s.exports, observe: s.observe, counted: s.counted,
		smallList: s.smallList, noCubes: s.noCubes, trust: s.trust, scoped: true, whole: s.wholeStore()}
}

// wholeStore is the deployment's store: s itself, or the one s was made from.
func (s *Store) wholeStore() *Store {
	if s.whole != nil {
		return s.whole
	}
	return s
}

// Region is the region the store reads.
func (s *Store) Region() division.Region { return s.region }

// lane waits for a place in the lane l; done gives it back.
func lane(ctx context.Context, l chan struct{}) (done func(), err error) {
	select {
	case l <- struct{}{}:
		return func() { <-l }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
