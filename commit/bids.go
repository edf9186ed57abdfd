package commit

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"tradestat"
	"tradestat/ingest"
)

// The bids of bid lists travel with a load as its lots do: into a staging table of the load's
// own, then, under the lease and before the lots, into bids in one step (ATTACH PARTITION).
// bids keeps every load's rows; a section's current list is its newest load's (migration 066),
// so a withdrawal deletes the load's rows and the earlier list is current again. A load may
// write the bids of sections in its region only: a section whose lot or whose current list lies
// outside it is refused, row by row, as lots are (scope.go).

// bidsColumns are the columns of an insert into bids, in the order bidChunk fills them.
const bidsColumns = `(project_code, lot_code, bidder_key, bidder_code, bidder_name, place_code, price_fen,
	valid, reject_reason, winner, batch_id, version, source_row)`

// bidChunk is a block of bids held column by column, as chunk holds lots.
type bidChunk struct {
	projects, lots, keys, codes, names, places, reasons []string
	prices                                              []int64
	valid, winner                                       []uint8
	batches, versions                                   []uint64
	rows                                                []uint32
}

func (c *bidChunk) len() int { return len(c.projects) }

func (c *bidChunk) add(b tradestat.Bid, batch, version uint64) {
	c.projects = append(c.projects, b.ProjectCode)
	c.lots = append(c.lots, b.LotCode)
	c.keys = append(c.keys, b.BidderKey())
	c.codes = append(c.codes, b.BidderCode)
	c.names = append(c.names, b.BidderName)
	c.places = append(c.places, b.PlaceCode)
	c.prices = append(c.prices, int64(b.Price))
	c.valid = append(c.valid, uint8(b.Validity))
	c.reasons = append(c.reasons, b.RejectReason)
	c.winner = append(c.winner, uint8(b.Winner))
	c.batches = append(c.batches, batch)
	c.versions = append(c.versions, version)
	c.rows = append(c.rows, uint32(b.SourceRow))
}

// bidStage is where a load's bids wait: deals_stage_<batch>_bids, named after the load's lot
// stage so that whatever drops that drops it too (dropOldStages). It is created with the first
// bid; a load of lots alone has none.
type bidStage struct {
	table   string
	created bool
	cur     *bidChunk
	rows    int // bid rows handed by the reader
}

func (st *stage) bidTable() string { return st.table + "_bids" }

// bidListTable holds the load's bids one per section and bidder, ready to move into bids.
func (st *stage) bidListTable() string { return st.table + "_bidlist" }

// TakesBids reports whether the loader's database takes bid lists: not in cluster mode (deals
// a Distributed table), where a load has no stage to gather a list in yet.
func (l *Loader) TakesBids(ctx context.Context) (bool, error) {
	var engine string
	if err := l.conn.QueryRow(ctx, "SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = 'deals'").Scan(&engine); err != nil {
		return false, fmt.Errorf("read the deals table's engine: %w", err)
	}
	return engine != "Distributed", nil
}

// addBid takes one bid of the load, sending a block to the stage when it is full.
func (l *Loader) addBid(ctx context.Context, st *stage, b tradestat.Bid, version uint64) error {
	bs := &st.bids
	if !st.staged {
		return tradestat.Fail(tradestat.Unsupported, "bid lists cannot be loaded in cluster mode yet; nothing was loaded")
	}
	if !bs.created {
		bs.table = st.bidTable()
		if err := l.conn.Exec(ctx, "CREATE TABLE "+bs.table+" AS bids ENGINE = MergeTree() ORDER BY ("+gatherBucket+", project_code, lot_code, version, bidder_key)"); err != nil {
			return fmt.Errorf("create the bids' staging table: %w", err)
		}
		bs.created, bs.cur = true, &bidChunk{}
	}
	bs.rows++
	bs.cur.add(b, st.batch, version)
	if bs.cur.len() >= l.BatchSize {
		return l.sendBids(ctx, st)
	}
	return nil
}

// sendBids sends the bids held to the stage.
func (l *Loader) sendBids(ctx context.Context, st *stage) error {
	c := st.bids.cur
	if c == nil || c.len() == 0 {
		return nil
	}
	batch, err := l.conn.PrepareBatch(ctx, "INSERT INTO "+st.bids.table+" "+bidsColumns)
	if err != nil {
		return fmt.Errorf("insert bids: %w", err)
	}
	defer batch.Close()
	for i, col := range []any{c.projects, c.lots, c.keys, c.codes, c.names, c.places, c.prices, c.valid, c.reasons, c.winner, c.batches, c.versions, c.rows} {
		if err := batch.Column(i).Append(col); err != nil {
			return fmt.Errorf("insert bids, column %d: %w", i, err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("insert bids: %w", err)
	}
	st.bids.cur = &bidChunk{}
	return nil
}

// DefaultGatherRows is how many staged bids one step of gathering a load's bids groups at
// most: each step's memory on the server is bounded by it whatever the size of the list.
// Grouping a list's every bid at once took 3.8 GB for six million bids.
const DefaultGatherRows = 500000

// gatherBucket is the bucket of a staged bid's section, the first key of the bids' stage;
// gatherBuckets how many there are.
const (
	gatherBucket  = "cityHash64(project_code, lot_code) % 65536"
	gatherBuckets = 65536
)

// prepareBids readies a load's bids under the lease: refuses the rows of sections outside the
// loader's region, keeps one bid per section and bidder (the file's last row of it; the others
// are duplicates), counts them into the account and notes the sections no load has given a lot
// yet. It returns the bid rows refused.
//
// The list is gathered in steps, each the sections whose codes hash into one range of
// gatherBuckets buckets, as many steps as hold about GatherRows bids each: a section's bids all
// fall in one step, so the steps' results are disjoint and together the whole list. The stage
// is ordered by bucket, so that a step reads its own bids alone rather than the whole stage.
func (l *Loader) prepareBids(ctx context.Context, st *stage, rep *ingest.Report, rejects func(ingest.Reject) error) (int, error) {
	bs := &st.bids
	if !bs.created {
		return 0, nil
	}
	refused, err := l.rejectOutsideBids(ctx, st, rep, rejects)
	if err != nil {
		return 0, err
	}
	list := st.bidListTable()
	cols := []string{"bidder_code", "bidder_name", "place_code", "price_fen", "valid", "reject_reason", "winner", "batch_id", "version", "source_row"}
	sel := ""
	for _, c := range cols {
		sel += ", argMax(" + c + ", source_row)"
	}
	for _, q := range []string{"DROP TABLE IF EXISTS " + list, "CREATE TABLE " + list + " AS bids"} {
		if err := l.conn.Exec(ctx, q); err != nil {
			return 0, fmt.Errorf("gather the load's bids: %w", err)
		}
	}
	steps := max(1, min((bs.rows-refused+l.gatherRows()-1)/l.gatherRows(), gatherBuckets))
	var kept, orphans uint64
	for i := range steps {
		in := fmt.Sprintf(" WHERE %s BETWEEN %d AND %d", gatherBucket, i*gatherBuckets/steps, (i+1)*gatherBuckets/steps-1)
		step := "SELECT project_code, lot_code, bidder_key" + sel + " FROM " + bs.table + in + " GROUP BY project_code, lot_code, bidder_key"
		if err := l.conn.Exec(ctx, "INSERT INTO "+list+" (project_code, lot_code, bidder_key, "+strings.Join(cols, ", ")+") "+step); err != nil {
			return 0, fmt.Errorf("gather the load's bids: %w", err)
		}
		// Counted again from the stage's step, which its order reads alone, rather than from
		// the list, which grows with every step; and the sections of the step that some load
		// gave a lot: a set of the step's sections, never of every lot in deals.
		var n, sections, given uint64
		if err := l.conn.QueryRow(ctx, `SELECT count(), uniqExact(project_code, lot_code) FROM (`+step+`)`).Scan(&n, &sections); err != nil {
			return 0, fmt.Errorf("count the load's bids: %w", err)
		}
		if err := l.conn.QueryRow(ctx, `SELECT uniqExact(project_code, lot_code) FROM deals
			WHERE (project_code, lot_code) IN (SELECT project_code, lot_code FROM `+bs.table+in+`)`).Scan(&given); err != nil {
			return 0, fmt.Errorf("count the load's bids: %w", err)
		}
		kept, orphans = kept+n, orphans+sections-given
	}
	rep.Bids = int(kept)
	if orphans > 0 {
		rep.Notes = append(rep.Notes, rep.Lang.T("the bids of %d sections name a section no load has given yet: they are kept, and count in the flags once their section is loaded", orphans))
	}
	return refused, nil
}

func (l *Loader) gatherRows() int { return cmp.Or(max(l.GatherRows, 0), DefaultGatherRows) }

// rejectOutsideBids refuses the staged bids of sections whose lot, or whose current bid list,
// lies outside the loader's region, and removes them from the stage.
func (l *Loader) rejectOutsideBids(ctx context.Context, st *stage, rep *ingest.Report, rejects func(ingest.Reject) error) (int, error) {
	codes, all := tradestat.Filter{}.Places(l.region)
	if all {
		return 0, nil
	}
	table := st.bids.table
	outside := `SELECT project_code, lot_code FROM (
			SELECT project_code, lot_code, argMax(place_code, version) AS p FROM deals
			WHERE (project_code, lot_code) IN (SELECT project_code, lot_code FROM ` + table + `)
			GROUP BY project_code, lot_code
			UNION ALL
			SELECT project_code, lot_code, argMax(place_code, version) AS p FROM bids
			WHERE (project_code, lot_code) IN (SELECT project_code, lot_code FROM ` + table + `)
			GROUP BY project_code, lot_code)
		WHERE NOT has(?, p)`
	p := rep.Lang.Printer()
	return l.setAside(ctx, table, outside, codes, rep, rejects,
		p.T("a section with these codes is already loaded for a trading place outside %s; a load for %s may only give the bids of its own sections", l.region.Name(), l.region.Name()))
}

// moveBids makes the load's bids current, in one step.
func (l *Loader) moveBids(ctx context.Context, st *stage) error {
	if !st.bids.created {
		return nil
	}
	if err := l.conn.Exec(ctx, "ALTER TABLE bids ATTACH PARTITION tuple() FROM "+st.bidListTable()); err != nil {
		return fmt.Errorf("move the load's bids into bids: %w", err)
	}
	return nil
}
