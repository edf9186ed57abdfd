package ingest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"tradestat"
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
	if st.staged {
		_ = st.loader.conn.Exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+st.table)
	}
}

// commit makes a fully read load official: it refuses it when a total would leave the exact
// range, writes its account to ingest_pending, moves its lots into deals, counts its distinct
// lots while the daily figures take them in, and records the batch. Stopped after the move,
// it is completed by Recover.
func (l *Loader) commit(ctx context.Context, st *stage, rep *Report, own totals, demo bool, started time.Time) error {
	l.refresh.Lock()
	defer l.refresh.Unlock()
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
	if st.staged {
		// The versions the load replaces are kept before it replaces them, so that it can be
		// withdrawn; a first load replaces none.
		if !first {
			if err := l.keepVersions(ctx, st); err != nil {
				return err
			}
		}
		rep.versions = true
		// Its lots and duplicates are counted after the move (Recover counts them itself).
		if err := l.insertBatch(ctx, "ingest_pending", "pending", *rep, demo, started, l.now()); err != nil {
			return err
		}
		if err := l.conn.Exec(ctx, "ALTER TABLE deals ATTACH PARTITION tuple() FROM "+st.table); err != nil {
			return fmt.Errorf("move the load's lots into deals: %w", err)
		}
		if l.afterMove != nil {
			if err := l.afterMove(); err != nil {
				return err
			}
		}
	}
	// Duplicates are counted by the server, which holds every row sent, rather than in a
	// client-side set that would grow with the file. A background merge may already have
	// dropped a duplicate's earlier row, but never a lot, so the count is exact either way.
	// A first load's own figures are added meanwhile: they are right unless it had duplicates,
	// when every group is recomputed.
	var loaded, cancelled uint64
	var errCount, errDaily error
	wg.Go(func() {
		errCount = l.conn.QueryRow(ctx, "SELECT count(), countIf(c = 1) FROM ("+cancelledOf(st.rows())+")").Scan(&loaded, &cancelled)
	})
	if first {
		errDaily = l.addDaily(ctx, st.batch)
	}
	wg.Wait()
	if errCount != nil {
		return fmt.Errorf("count distinct lots: %w", errCount)
	}
	if errDaily != nil {
		return errDaily
	}
	rep.Loaded, rep.Cancelled = int(loaded), int(cancelled)
	rep.Duplicates = rep.valid - rep.Loaded
	if err := l.recordGaps(ctx, st.batch, rep); err != nil {
		return err
	}
	if !first || rep.Duplicates != 0 {
		if err := l.recomputeDaily(ctx); err != nil {
			return err
		}
	}
	return l.insertBatch(ctx, "ingest_batches", "", *rep, demo, started, l.now())
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
			return unreadable("the total of the lots would pass the range that is computed exactly (%s in 10k yuan); nothing was loaded", tradestat.MaxTotal.Wan())
		}
	}
	return nil
}

// recoverAfter is how old a load's pending account must be before Recover completes it: a
// live load takes seconds from its account to its batch record, never minutes.
const recoverAfter = 10 * time.Minute

// Recover completes the loads that were stopped after their lots moved into deals and before
// their batch record (a kill at the wrong moment): their daily figures and records are
// written from ingest_pending. It drops the staging tables of loads that ended or died.
// Every load runs it first.
func (l *Loader) Recover(ctx context.Context) error {
	open, err := l.strings(ctx, `SELECT batch_id FROM ingest_pending
		WHERE batch_id GLOBAL NOT IN (SELECT batch_id FROM ingest_batches)
		GROUP BY batch_id HAVING countIf(state = 'abandoned') = 0 AND max(finished_at) < now() - ?`, int64(recoverAfter/time.Second))
	if err != nil {
		return fmt.Errorf("recover stopped loads: %w", err)
	}
	for _, id := range open {
		if err := l.complete(ctx, id); err != nil {
			return err
		}
	}
	return l.dropOldStages(ctx)
}

// complete finishes one stopped load: if its lots are in deals, their figures and record;
// otherwise it is marked abandoned.
func (l *Loader) complete(ctx context.Context, id string) error {
	batch, err := strconv.ParseUint(id, 16, 64)
	if err != nil {
		return fmt.Errorf("recover load %q: %w", id, err)
	}
	l.refresh.Lock()
	defer l.refresh.Unlock()
	var moved uint64
	if err := l.conn.QueryRow(ctx, "SELECT count() FROM (SELECT 1 FROM deals WHERE batch_id = ? LIMIT 1)", batch).Scan(&moved); err != nil {
		return fmt.Errorf("recover load %s: %w", id, err)
	}
	if moved == 0 {
		return l.conn.Exec(ctx, `INSERT INTO ingest_pending (`+batchColumns+`, state)
			SELECT `+batchColumns+`, 'abandoned' FROM ingest_pending WHERE batch_id = ? AND state = 'pending' LIMIT 1`, id)
	}
	if err := l.recomputeDaily(ctx); err != nil {
		return fmt.Errorf("recover load %s: %w", id, err)
	}
	var loaded, cancelled uint64
	if err := l.conn.QueryRow(ctx, "SELECT count(), countIf(c = 1) FROM ("+cancelledOf("FROM deals WHERE batch_id = ?")+")", batch).Scan(&loaded, &cancelled); err != nil {
		return fmt.Errorf("recover load %s: %w", id, err)
	}
	if err := l.conn.Exec(ctx, `INSERT INTO ingest_batches (`+batchColumns+`)
		SELECT batch_id, file_name, file_size, sha256, demo, started_at, finished_at, rows_read, ?,
			rejected, skipped, rows_read - rejected - skipped - ?, region, versions, ?
		FROM ingest_pending WHERE batch_id = ? AND state = 'pending' LIMIT 1`, loaded, loaded, cancelled, id); err != nil {
		return fmt.Errorf("recover load %s: %w", id, err)
	}
	return nil
}

// dropOldStages drops staging tables whose load has its record, or that are over an hour old
// (a load that died before its lots moved).
func (l *Loader) dropOldStages(ctx context.Context) error {
	names, err := l.strings(ctx, `SELECT name FROM system.tables
		WHERE database = currentDatabase() AND startsWith(name, ?)
		AND (metadata_modification_time < now() - 3600 OR substring(name, ?) GLOBAL IN (SELECT batch_id FROM ingest_batches))`,
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
	rows, err := l.conn.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// cancelledOf is a load's lots, one row each, from the rows of from (a FROM clause), with c,
// whether the lot's last row in the file says it did not complete trading.
func cancelledOf(from string) string {
	return "SELECT argMax(cancelled, version) AS c " + from + " GROUP BY project_code, lot_code"
}

// recordGaps writes what a load could not give to ingest_gaps. The lots without a savings or
// premium basis were counted over the file's rows; when rows of one lot were merged, they are
// counted again over the lots the load brought, so that the account states lots, not rows.
func (l *Loader) recordGaps(ctx context.Context, batch uint64, rep *Report) error {
	if rep.NoBudget+rep.NoReserve == 0 && len(rep.Unread) == 0 && len(rep.Notes) == 0 {
		return nil
	}
	if rep.Duplicates > 0 && rep.NoBudget+rep.NoReserve > 0 {
		var nb, nr uint64
		if err := l.conn.QueryRow(ctx, `SELECT countIf(budget_fen = 0 AND has(?, toString(trade_type))),
			countIf(reserve_fen = 0 AND has(?, toString(trade_type))) FROM deals FINAL WHERE batch_id = ? AND cancelled = 0`,
			tradestat.TypeNames(tradestat.Tender), tradestat.TypeNames(tradestat.Auction), batch).Scan(&nb, &nr); err != nil {
			return fmt.Errorf("count lots without a basis: %w", err)
		}
		rep.gaps.noBudget, rep.gaps.noReserve = int(nb), int(nr)
		rep.NoBudget, rep.NoReserve, rep.Gaps = int(nb), int(nr), rep.gaps.describe(rep.Lang.Printer())
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
