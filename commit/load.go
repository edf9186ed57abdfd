// Package commit takes the lots a reader hands it (package ingest reads files and uploads)
// into the warehouse as one load, and holds every other write the warehouse takes: the
// withdrawal of a load, seals and the recovery of a load stopped midway. It is the one place
// for the guarantees of writing: a load limited to a region changes nothing outside it
// (scope.go); a load is one atomic step whatever runs beside it or stops it (stage.go, under
// the lease of lease.go, which serialises the writers of a database across processes and
// servers); and every row of a load is accounted for.
package commit

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat"
	"tradestat/division"
	"tradestat/ingest"
)

// DefaultBatchSize is how many rows travel in one block: it bounds the client's memory.
const DefaultBatchSize = 50000

// DefaultInsertRows is how many rows one INSERT carries before it is ended and the next
// begins; each INSERT becomes one part. A quarter of a million rows did best in make
// bench-ingest (README has the figures): the server writes one part while the client reads the
// rows of the next, so a load ends soon after its last row is read, and the few parts it
// leaves are merged in the background. One INSERT per file would leave the server's whole
// write until after the reading; one per block, dozens of small parts to write and merge.
const DefaultInsertRows = 1 << 18

// Loader writes lots into the lots table and records each file in ingest_batches.
type Loader struct {
	conn       driver.Conn
	region     division.Region
	BatchSize  int // rows per block sent; DefaultBatchSize unless set
	InsertRows int // rows per INSERT; DefaultInsertRows unless set
	GatherRows int // staged bids grouped in one step; DefaultGatherRows unless set
	// RefreshSections is about how many sections one step of the winners' recomputation
	// reads; DefaultRefreshSections unless set.
	RefreshSections int
	// HeadWinners is how many of a year's largest winners its head keeps; DefaultHeadWinners
	// unless set.
	HeadWinners int
	// winnerNumber, when set, is the SQL that numbers a winner key in place of the
	// constant winnerNumber (cityHash64): tests number keys so that some share a number.
	winnerNumber string
	now          func() time.Time
	leases       *leases // one commit, withdrawal, seal or recovery at a time, shared by the loaders of For
	// afterMove, when set, runs right after a load's lots moved into deals: tests stop a
	// load there, as a kill at that moment would.
	afterMove func() error
	// betweenMoves, when set, runs after a load's bids moved and before its lots do.
	betweenMoves func() error
}

// NewLoader returns a Loader writing through conn the lots of files whose trading places lie
// within region.
func NewLoader(conn driver.Conn, region division.Region) *Loader {
	return &Loader{conn: conn, region: region, BatchSize: DefaultBatchSize, InsertRows: DefaultInsertRows, now: time.Now, leases: newLeases(conn)}
}

// For is a loader of the same database for lots within region (an admin's, a region inbox's):
// its commits and withdrawals wait for those of l, as l's own do.
func (l *Loader) For(region division.Region) *Loader {
	c := *l
	c.region = region
	return &c
}

// Records is a source read into lots for one load: ingest.File reads a file or an upload;
// whatever reads lots from elsewhere (a request's body, a platform's database) hands them the
// same way, and the guarantees of a load hold for each alike.
type Records interface {
	// Origin names the source for the load's record and account, and says where rejects go.
	Origin() ingest.Origin
	// Read calls emit for each lot read, in order, reading trading places within region, and
	// fills in the reading's part of the account (rows read, rejected, skipped; size and hash).
	Read(ctx context.Context, region division.Region, rep *ingest.Report, out ingest.Emit) error
}

// LoadFile loads the file at path.
func (l *Loader) LoadFile(ctx context.Context, path string, opts ingest.Options) (ingest.Report, error) {
	return l.Load(ctx, ingest.SourceFromPath(path), opts)
}

// Load reads a file or an upload and commits its lots as one load.
func (l *Loader) Load(ctx context.Context, src ingest.Source, opts ingest.Options) (ingest.Report, error) {
	return l.Commit(ctx, ingest.File{Source: src, Options: opts})
}

// Commit reads recs, loads their valid lots and records the batch. An error means the source
// could not be read (a failure of the input: tradestat.FailureKind.OfInput) or written; row
// problems are rejects and never stop the load.
//
// A load is all or nothing for every reader: its lots are streamed into a staging table of
// its own, which no reader sees, and move into deals in one step only once the whole source
// has been read (stage.go), under the write lease that serialises every writer of the
// database (lease.go). A load stopped before that leaves nothing visible; one stopped after it
// is completed by the next writer (Recover).
func (l *Loader) Commit(ctx context.Context, recs Records) (ingest.Report, error) {
	src := recs.Origin()
	batch := newBatch()
	rep := ingest.Report{File: src.Name, BatchID: fmt.Sprintf("%016x", batch), Lang: src.Lang}
	started := l.now()
	st, err := l.newStage(ctx, batch)
	if err != nil {
		return rep, fmt.Errorf("load %s: %w", src.Name, err)
	}
	defer st.drop(ctx)

	// The scan stops when sending fails. Database calls use the caller's ctx, never scanCtx:
	// the driver ties a connection to the context it was used with, and cancelling that
	// context after the call returned would close a connection already back in the pool.
	scanCtx, stopScan := context.WithCancelCause(ctx)
	defer stopScan(nil)
	chunks := make(chan *chunk, 1)
	spare := make(chan *chunk, 2) // sent chunks, for reuse: two are in flight at most
	sent := make(chan error, 1)
	go func() {
		in := &inserter{conn: l.conn, table: st.table, limit: l.InsertRows}
		var err error
		for c := range chunks {
			if err == nil {
				if err = in.write(ctx, c); err != nil {
					stopScan(err)
				}
			}
			c.reset()
			select {
			case spare <- c:
			default:
			}
		}
		if err == nil && context.Cause(scanCtx) == nil {
			err = in.finish()
		} else {
			in.abort()
		}
		sent <- err
	}()

	// The version orders loads of the same lot: the newest load wins, and within a file the
	// later row (ReplacingMergeTree keeps the highest version).
	version := uint64(started.UnixNano())
	cur := newChunk(l.BatchSize)
	var own totals // the load's own money, for the bound on totals (commit)
	lots := 0
	bidVersion := version // a load's bids share its version: a section's list is one load's
	emitBid := func(b tradestat.Bid) error {
		if d, ok := l.region.Tree().Code(b.PlaceCode); !ok || !l.region.Contains(d) {
			return fmt.Errorf("%s row %d: the reader handed a bid at %q, outside %s; nothing was loaded", src.Name, b.SourceRow, b.PlaceCode, l.region.Code())
		}
		return l.addBid(ctx, st, b, bidVersion)
	}
	err = recs.Read(scanCtx, l.region, &rep, ingest.Emit{Bid: emitBid, Lot: func(lot tradestat.Lot) error {
		// A reader rejects a row whose place lies outside the region, with its reason; a lot
		// that got here all the same would be the reader's fault, and nothing of it is kept.
		if d, ok := l.region.Tree().Code(lot.PlaceCode); !ok || !l.region.Contains(d) {
			return fmt.Errorf("%s row %d: the reader handed a lot at %q, outside %s; nothing was loaded", src.Name, lot.SourceRow, lot.PlaceCode, l.region.Code())
		}
		version++
		lots++
		own.add(lot)
		cur.add(lot, batch, version)
		if cur.len() < l.BatchSize {
			return nil
		}
		select {
		case chunks <- cur:
		case <-scanCtx.Done():
			return context.Cause(scanCtx)
		}
		select {
		case cur = <-spare:
		default:
			cur = newChunk(l.BatchSize)
		}
		return nil
	}})
	if err == nil {
		err = l.sendBids(ctx, st)
	}
	if err != nil {
		stopScan(err) // the sender drops the INSERT under way rather than ending it
	} else if cur.len() > 0 {
		chunks <- cur
	}
	close(chunks)
	if serr := <-sent; serr != nil {
		return rep, fmt.Errorf("load %s: %w", src.Name, serr)
	}
	if err != nil {
		return rep, err
	}
	if err := l.commit(ctx, st, record{rep: &rep, demo: src.Demo, started: started, lots: lots}, own, src.Rejects); err != nil {
		return rep, fmt.Errorf("load %s: %w", src.Name, err)
	}
	return rep, nil
}

// newBatch picks a load's identity: random, so that loads from several workers never
// collide, and never 0, which marks no load.
func newBatch() uint64 {
	b := make([]byte, 8)
	for {
		_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
		if n := binary.BigEndian.Uint64(b); n != 0 {
			return n
		}
	}
}
