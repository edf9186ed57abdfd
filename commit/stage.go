package commit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"tradestat"
	"tradestat/ingest"
	"tradestat/money"
)

// stage is where a load's lots go until the whole file has been read: a staging table of its
// own, deals_stage_<batch>, with the structure of deals, which no reader looks at. Moving its
// parts into deals (ALTER TABLE … ATTACH PARTITION tuple() FROM, on 18.16 and current
// ClickHouse alike) makes every lot of the load visible at once, or none.
//
// In cluster mode (deals is a Distributed table) there is no staging: lots go straight into
// deals, and a load cut off midway leaves the lots it sent visible until the file is loaded
// again (deploy/cluster/README.md).
type stage struct {
	table  string // where the lots are sent: the staging table, or deals
	staged bool
	batch  uint64
	loader *Loader
	bids   bidStage
	// pending is set while the load's bids are current and its lots not yet: past that
	// point the load is completed, never undone, so its lots' stage must outlive a writer
	// that stops (a SIGTERM runs drop) for the next writer to move them (complete).
	pending bool
}

const stagePrefix = "deals_stage_"

// newStage creates the staging table of a load.
func (l *Loader) newStage(ctx context.Context, batch uint64) (*stage, error) {
	var engine string
	if err := l.conn.QueryRow(ctx, "SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = 'deals'").Scan(&engine); err != nil {
		return nil, fmt.Errorf("read the deals table's engine: %w", err)
	}
	if engine == "Distributed" {
		return &stage{table: "deals", batch: batch, loader: l}, nil
	}
	st := &stage{table: fmt.Sprintf("%s%016x", stagePrefix, batch), staged: true, batch: batch, loader: l}
	if err := l.conn.Exec(ctx, "CREATE TABLE "+st.table+" AS deals"); err != nil {
		return nil, fmt.Errorf("create staging table: %w", err)
	}
	return st, nil
}

// rows is the FROM clause of the load's own lots.
func (st *stage) rows() string {
	if st.staged {
		return "FROM " + st.table
	}
	return fmt.Sprintf("FROM deals WHERE batch_id = %d", st.batch)
}

// drop removes the staging table: after the move, or after a load that failed (its lots are
// then never seen). A stage a killed process leaves is dropped by Recover.
func (st *stage) drop(ctx context.Context) {
	if !st.staged {
		return
	}
	var tables []string
	if !st.pending {
		tables = append(tables, st.table)
	}
	if st.bids.created {
		tables = append(tables, st.bidTable(), st.bidListTable(), st.bidTable()+"_kept")
	}
	for _, t := range tables {
		_ = st.loader.conn.Exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+t)
	}
}

// commit makes a fully read load official, under the write lease (lease.go), so that it is
// one step whatever else writes to the database: it completes the loads that were stopped
// before it, refuses the load when a total would leave the exact range, rejects the rows
// that would change a lot outside the loader's region, counts the load's lots, writes its
// account to ingest_pending, moves its lots into deals, brings the rollups up to date and
// records the batch. Once it has the lease it is not cancelled: a SIGTERM lets it end its
// step. Stopped all the same (SIGKILL), it is completed by the next writer (recoverStopped).
func (l *Loader) commit(ctx context.Context, st *stage, rec record, own totals, rejects func(ingest.Reject) error) error {
	rep := rec.rep
	le, err := l.leases.hold(ctx)
	if err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	defer le.release(ctx)
	if err := l.recoverStopped(ctx); err != nil {
		return err
	}
	var others uint64
	var errOthers error
	var wg sync.WaitGroup
	wg.Go(func() {
		errOthers = l.conn.QueryRow(ctx, "SELECT count() FROM (SELECT 1 FROM deals WHERE batch_id != ? LIMIT 1)", st.batch).Scan(&others)
	})
	errTotals := l.checkTotals(ctx, own)
	wg.Wait()
	if errTotals != nil {
		return errTotals
	}
	if errOthers != nil {
		return fmt.Errorf("earlier lots: %w", errOthers)
	}
	first := others == 0
	if !st.staged {
		return l.commitUnstaged(ctx, st, rec, first)
	}
	outside := 0
	if !first {
		if outside, err = l.rejectOutside(ctx, st, rep, rejects); err != nil {
			return err
		}
		rec.lots -= outside
	}
	bidsRefused, err := l.prepareBids(ctx, st, rep, rejects)
	if err != nil {
		return err
	}
	rec.versions = true
	// Duplicates are counted by the server, which holds every row sent, rather than in a
	// client-side set that would grow with the file; before the move, so that the account
	// written with the load is whole and a load completed by another writer keeps it.
	if err := l.countLots(ctx, st, rec); err != nil {
		return err
	}
	rep.Loaded += rep.Bids
	rep.Duplicates += st.bids.rows - bidsRefused - rep.Bids
	if err := l.recordGaps(ctx, st, rep, outside > 0); err != nil {
		return err
	}
	if err := l.insertBatch(ctx, "ingest_pending", "pending", rec); err != nil {
		return err
	}
	// The versions the load replaces are kept before it replaces them, so that it can be
	// withdrawn (a first load replaces none); after its account is pending, so that a writer
	// stopped here leaves a load the next one finds, and whose kept versions it removes.
	lots := rec.lots > 0 // a bid list alone changes no lot and no figure of lots
	if !first && lots {
		if err := l.keepVersions(ctx, st); err != nil {
			return err
		}
	}
	if err := le.check(ctx); err != nil {
		return err
	}
	if lots || st.bids.created {
		if err := l.markWinners(ctx, st.stagedDays(lots)); err != nil {
			return err
		}
	}
	// The bids move first: a writer stopped between the two moves leaves a load whose bids
	// are in and whose lots the next writer moves from the stage (complete).
	if err := l.moveBids(ctx, st); err != nil {
		return err
	}
	st.pending = lots && st.bids.created
	if l.betweenMoves != nil {
		if err := l.betweenMoves(); err != nil {
			return err
		}
	}
	if lots {
		if err := l.conn.Exec(ctx, "ALTER TABLE deals ATTACH PARTITION tuple() FROM "+st.table); err != nil {
			return fmt.Errorf("move the load's lots into deals: %w", err)
		}
	}
	st.pending = false
	if l.afterMove != nil {
		if err := l.afterMove(); err != nil {
			return err
		}
	}
	if lots {
		if err := l.refreshFigures(ctx, st.batch, first && rep.Duplicates == 0); err != nil {
			return figuresBehind(rep, err)
		}
	}
	if err := l.refreshWinners(ctx); err != nil {
		return figuresBehind(rep, err)
	}
	if err := le.check(ctx); err != nil {
		return figuresBehind(rep, err)
	}
	return l.insertBatch(ctx, "ingest_batches", "", rec)
}

// figuresBehind is a load whose lots moved into deals but whose figures could not be brought
// up to date: the next writer (a load, the worker, a withdrawal) completes them from the
// account the load left, and the message says so.
func figuresBehind(rep *ingest.Report, err error) error {
	return tradestat.FailWith(tradestat.Unavailable, err, "the lots of %s are in the database but its figures could not be brought up to date (%v); the next load or the ingest worker completes them", rep.File, err)
}

// commitUnstaged is the commit of cluster mode, whose lots went straight into deals.
func (l *Loader) commitUnstaged(ctx context.Context, st *stage, rec record, first bool) error {
	rep := rec.rep
	if err := l.countLots(ctx, st, rec); err != nil {
		return err
	}
	if err := l.recordGaps(ctx, st, rep, false); err != nil {
		return err
	}
	if err := l.refreshFigures(ctx, st.batch, first && rep.Duplicates == 0); err != nil {
		return err
	}
	return l.insertBatch(ctx, "ingest_batches", "", rec)
}

// refreshFigures brings the rollups up to date after a load's lots moved: by adding the load's
// own figures when it alone makes the lots (a first load without duplicates), else by
// recomputing every group.
func (l *Loader) refreshFigures(ctx context.Context, batch uint64, alone bool) error {
	if alone {
		return l.addDaily(ctx, batch)
	}
	return l.recomputeDaily(ctx)
}

// countLots counts the load's distinct lots and those of them that did not complete; the rows
// that became no lot of their own were merged as duplicates.
func (l *Loader) countLots(ctx context.Context, st *stage, rec record) error {
	rep := rec.rep
	var loaded, cancelled uint64
	if err := l.conn.QueryRow(ctx, "SELECT count(), countIf(c = 1) FROM ("+cancelledOf(st.rows())+")").Scan(&loaded, &cancelled); err != nil {
		return fmt.Errorf("count distinct lots: %w", err)
	}
	rep.Loaded, rep.Cancelled = int(loaded), int(cancelled)
	rep.Duplicates = rec.lots - rep.Loaded
	return nil
}

// totals adds up a load's budgets, reserve prices and deal amounts as it reads them, every
// row that becomes a lot (a duplicate too, which only makes the bound safer). Each amount is
// at most tradestat.MaxLotAmount, so a sum stops growing at the bound, never overflowing.
type totals [3]money.Fen

func (t *totals) add(l tradestat.Lot) {
	for i, v := range [3]money.Fen{l.Budget, l.Reserve, l.Amount} {
		t[i] = min(t[i]+v, tradestat.MaxTotal)
	}
}

// checkTotals refuses a load after which the sum of a money column could pass
// tradestat.MaxTotal: ClickHouse sums Int64 without a word when they overflow. Every figure
// adds up current lots, so the daily figures' totals (the current lots before this load) plus
// this load's own bound every sum any reader can ask for; savings are at most budgets and
// premiums at most amounts. Each lot is bounded by tradestat.MaxLotAmount, so only an absurd
// file is refused.
func (l *Loader) checkTotals(ctx context.Context, own totals) error {
	var stored [3]int64
	if err := l.conn.QueryRow(ctx, "SELECT sum(budget_fen), sum(reserve_fen), sum(amount_fen) FROM figures_daily").Scan(&stored[0], &stored[1], &stored[2]); err != nil {
		return fmt.Errorf("check totals: %w", err)
	}
	for i := range own {
		if s := money.Fen(stored[i]); s < 0 || s >= tradestat.MaxTotal-own[i] {
			return tradestat.Fail(tradestat.Unsupported, "the total of the lots would pass the range that is computed exactly (%s in 10k yuan); nothing was loaded", tradestat.MaxTotal.Wan())
		}
	}
	return nil
}

// Recover completes the loads that were stopped after their lots moved into deals and before
// their batch record (a kill at the wrong moment), recomputes the winners of the months a
// stopped writer left stale and the heads of the years that have none, and drops the staging
// tables of loads that ended or died. The worker runs it when it finds such a load, month or
// year; every commit, withdrawal and seal runs it first.
func (l *Loader) Recover(ctx context.Context) error {
	var open uint64
	if err := l.conn.QueryRow(ctx, "SELECT (SELECT count() FROM ("+stoppedLoads+")) + (SELECT count() FROM winners_stale FINAL WHERE done = 0) + (SELECT count() FROM ("+missingHeads+"))").Scan(&open); err != nil {
		return fmt.Errorf("recover stopped loads: %w", err)
	}
	if open == 0 {
		return nil
	}
	le, err := l.leases.hold(ctx)
	if err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	defer le.release(ctx)
	return l.recoverStopped(ctx)
}

// stoppedLoads are the loads with an account in ingest_pending and no record: under the
// lease, loads whose writer stopped, since a live one holds the lease from its account to
// its record.
const stoppedLoads = `SELECT batch_id FROM ingest_pending
	WHERE batch_id GLOBAL NOT IN (SELECT batch_id FROM ingest_batches)
	GROUP BY batch_id HAVING countIf(state = 'abandoned') = 0`

// recoverStopped is Recover under the lease.
func (l *Loader) recoverStopped(ctx context.Context) error {
	open, err := l.strings(ctx, stoppedLoads)
	if err != nil {
		return fmt.Errorf("recover stopped loads: %w", err)
	}
	for _, id := range open {
		if err := l.complete(ctx, id); err != nil {
			return err
		}
	}
	// A writer stopped between its marks and its recomputation (step 1 or 2 of winners.go)
	// left months the rollups may have wrong.
	if err := l.refreshWinners(ctx); err != nil {
		return err
	}
	return l.dropOldStages(ctx)
}

// complete finishes one stopped load: if its lots are in deals, their figures and the record
// of the account it left; otherwise it is marked abandoned.
func (l *Loader) complete(ctx context.Context, id string) error {
	batch, err := strconv.ParseUint(id, 16, 64)
	if err != nil {
		return fmt.Errorf("recover load %q: %w", id, err)
	}
	var moved, movedBids uint64
	if err := l.conn.QueryRow(ctx, "SELECT count() FROM (SELECT 1 FROM deals WHERE batch_id = ? LIMIT 1)", batch).Scan(&moved); err != nil {
		return fmt.Errorf("recover load %s: %w", id, err)
	}
	if err := l.conn.QueryRow(ctx, "SELECT count() FROM (SELECT 1 FROM bids WHERE batch_id = ? LIMIT 1)", batch).Scan(&movedBids); err != nil {
		return fmt.Errorf("recover load %s: %w", id, err)
	}
	if moved == 0 && movedBids > 0 {
		// Stopped between the moves: its lots, if it had any, are still in its stage. A stage
		// that is gone (removed by hand, or by a version that dropped it on the way out) leaves
		// a load whose lots cannot be had: its bids are taken out again, and it is abandoned
		// whole, rather than recorded with lots that are not there.
		staged, err := l.moveStaged(ctx, batch)
		if err != nil {
			return fmt.Errorf("recover load %s: %w", id, err)
		}
		var lots int64
		if err := l.conn.QueryRow(ctx, `SELECT toInt64(loaded) - toInt64(bids) FROM ingest_pending
			WHERE batch_id = ? AND state = 'pending' LIMIT 1`, id).Scan(&lots); err != nil {
			return fmt.Errorf("recover load %s: %w", id, err)
		}
		if staged || lots <= 0 {
			moved = 1
		} else {
			if err := l.conn.Exec(ctx, "ALTER TABLE bids DELETE WHERE batch_id = ?", batch); err != nil {
				return fmt.Errorf("recover load %s: %w", id, err)
			}
			if err := l.awaitMutations(ctx, "bids"); err != nil {
				return fmt.Errorf("recover load %s: %w", id, err)
			}
		}
	}
	if moved == 0 {
		// Its lots never moved: whatever versions it kept of the lots it would have replaced
		// are versions nothing replaced, and would give a withdrawal a load with no record.
		var kept uint64
		if err := l.conn.QueryRow(ctx, "SELECT count() FROM (SELECT 1 FROM deal_versions WHERE replaced_by = ? LIMIT 1)", batch).Scan(&kept); err != nil {
			return fmt.Errorf("recover load %s: %w", id, err)
		}
		if kept > 0 {
			if err := l.conn.Exec(ctx, "ALTER TABLE deal_versions DELETE WHERE replaced_by = ?", batch); err != nil {
				return fmt.Errorf("recover load %s: %w", id, err)
			}
			if err := l.awaitMutations(ctx, "deal_versions"); err != nil {
				return fmt.Errorf("recover load %s: %w", id, err)
			}
		}
		return l.conn.Exec(ctx, `INSERT INTO ingest_pending (`+batchColumns+`, state)
			SELECT `+batchColumns+`, 'abandoned' FROM ingest_pending WHERE batch_id = ? AND state = 'pending' LIMIT 1`, id)
	}
	if err := l.recomputeDaily(ctx); err != nil {
		return fmt.Errorf("recover load %s: %w", id, err)
	}
	// An account written by a version that counted a load's lots only after the move does not
	// add up: its lots are counted here, as that version did.
	var balanced uint8
	if err := l.conn.QueryRow(ctx, `SELECT rows_read = loaded + rejected + skipped + duplicates FROM ingest_pending
		WHERE batch_id = ? AND state = 'pending' LIMIT 1`, id).Scan(&balanced); err != nil {
		return fmt.Errorf("recover load %s: %w", id, err)
	}
	if balanced == 1 {
		if err := l.conn.Exec(ctx, `INSERT INTO ingest_batches (`+batchColumns+`)
			SELECT `+batchColumns+` FROM ingest_pending WHERE batch_id = ? AND state = 'pending' LIMIT 1`, id); err != nil {
			return fmt.Errorf("recover load %s: %w", id, err)
		}
		return nil
	}
	var loaded, cancelled uint64
	if err := l.conn.QueryRow(ctx, "SELECT count(), countIf(c = 1) FROM ("+cancelledOf("FROM deals WHERE batch_id = ?")+")", batch).Scan(&loaded, &cancelled); err != nil {
		return fmt.Errorf("recover load %s: %w", id, err)
	}
	if err := l.conn.Exec(ctx, `INSERT INTO ingest_batches (`+batchColumns+`)
		SELECT batch_id, file_name, file_size, sha256, demo, started_at, finished_at, rows_read, ?,
			rejected, skipped, rows_read - rejected - skipped - ?, region, versions, ?, bids
		FROM ingest_pending WHERE batch_id = ? AND state = 'pending' LIMIT 1`, loaded, loaded, cancelled, id); err != nil {
		return fmt.Errorf("recover load %s: %w", id, err)
	}
	return nil
}

// moveStaged moves into deals the lots a stopped load left in its stage, saying whether it
// found any.
func (l *Loader) moveStaged(ctx context.Context, batch uint64) (bool, error) {
	table := fmt.Sprintf("%s%016x", stagePrefix, batch)
	var n uint64
	if err := l.conn.QueryRow(ctx, "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = ?", table).Scan(&n); err != nil || n == 0 {
		return false, err
	}
	if err := l.conn.QueryRow(ctx, "SELECT count() FROM "+table).Scan(&n); err != nil || n == 0 {
		return false, err
	}
	return true, l.conn.Exec(ctx, "ALTER TABLE deals ATTACH PARTITION tuple() FROM "+table)
}

// dropOldStages drops staging tables whose load has its record, or that nothing has written
// to for an hour (a load that died before its lots moved; a live load writes a part every
// few seconds while it reads).
func (l *Loader) dropOldStages(ctx context.Context) error {
	names, err := l.strings(ctx, `SELECT name FROM system.tables
		WHERE database = currentDatabase() AND startsWith(name, ?)
		AND (substring(name, ?, 16) GLOBAL IN (SELECT batch_id FROM ingest_batches)
			OR (metadata_modification_time < now() - 3600 AND name GLOBAL NOT IN (
				SELECT table FROM system.parts WHERE database = currentDatabase() AND modification_time >= now() - 3600)))`,
		stagePrefix, len(stagePrefix)+1)
	if err != nil {
		return fmt.Errorf("find old staging tables: %w", err)
	}
	for _, n := range names {
		if err := l.conn.Exec(ctx, "DROP TABLE IF EXISTS "+n); err != nil {
			return fmt.Errorf("drop staging table %s: %w", n, err)
		}
	}
	return nil
}

// strings runs a query of one String column and returns its values.
func (l *Loader) strings(ctx context.Context, query string, args ...any) ([]string, error) {
	return stringsOf(ctx, l.conn, query, args...)
}

// cancelledOf is a load's lots, one row each, from the rows of from (a FROM clause), with c,
// whether the lot's last row in the file says it did not complete trading.
func cancelledOf(from string) string {
	return "SELECT argMax(cancelled, version) AS c " + from + " GROUP BY project_code, lot_code"
}

// recordGaps writes what a load could not give to ingest_gaps. The lots without a savings or
// premium basis were counted over the file's rows; when rows of one lot were merged, or rows
// were rejected after the file was read, they are counted again over the lots the load
// brings, so that the account states lots, not rows.
func (l *Loader) recordGaps(ctx context.Context, st *stage, rep *ingest.Report, recount bool) error {
	if rep.NoBudget+rep.NoReserve == 0 && len(rep.Unread) == 0 && len(rep.Notes) == 0 {
		return nil
	}
	if (rep.Duplicates > 0 || recount) && rep.NoBudget+rep.NoReserve > 0 {
		from := st.table + " FINAL WHERE cancelled = 0"
		if !st.staged {
			from = fmt.Sprintf("deals FINAL WHERE batch_id = %d AND cancelled = 0", st.batch)
		}
		var nb, nr uint64
		if err := l.conn.QueryRow(ctx, `SELECT countIf(budget_fen = 0 AND has(?, toString(trade_type))),
			countIf(reserve_fen = 0 AND has(?, toString(trade_type))) FROM `+from,
			tradestat.TypeNames(tradestat.Tender), tradestat.TypeNames(tradestat.Auction)).Scan(&nb, &nr); err != nil {
			return fmt.Errorf("count lots without a basis: %w", err)
		}
		rep.Recount(int(nb), int(nr))
	}
	notes := append(append(append([]string{}, rep.Gaps...), rep.Unread...), rep.Notes...)
	batchIns, err := l.conn.PrepareBatch(ctx, "INSERT INTO ingest_gaps (batch_id, no_budget, no_reserve, notes)")
	if err != nil {
		return fmt.Errorf("record what the load could not give: %w", err)
	}
	defer batchIns.Close()
	if err := batchIns.Append(rep.BatchID, uint64(rep.NoBudget), uint64(rep.NoReserve), strings.Join(notes, "\n")); err != nil {
		return fmt.Errorf("record what the load could not give: %w", err)
	}
	if err := batchIns.Send(); err != nil {
		return fmt.Errorf("record what the load could not give: %w", err)
	}
	return nil
}
