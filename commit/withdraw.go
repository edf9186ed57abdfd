package commit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"tradestat"
	"tradestat/money"
	"tradestat/msg"
)

// A load can be withdrawn: the lots it brought go back to what they were before it. deals is
// a ReplacingMergeTree, which forgets a replaced version at its next merge, so a load that
// replaces lots first copies their current versions into deal_versions (keepVersions), and a
// withdrawal puts back, for each lot the load still holds, the newest version in
// deal_versions older than the load that no withdrawn load brought; a lot with none is
// removed. A lot a later load has changed since is left as that load has it, and counted.

// keptColumns are the columns of a lot version beside its identity (project_code, lot_code)
// and its version, as deals and deal_versions hold them: what a withdrawal gives back.
func keptColumns() []string {
	return []string{"name", "trade_type", "place_code", "region_code", "deal_date",
		"budget_fen", "reserve_fen", "amount_fen", "savings_fen", "premium_fen", "online", "batch_id", "source_row", "cancelled", "sub_type",
		"bidders", "valid_bidders", "remote", "notice_date", "deadline_date", "open_date", "ceiling_fen", "eval_method", "fail_reason", "solicitation", "buyer"}
}

// versionColumns are the columns of a lot version, as deals and deal_versions hold them.
func versionColumns() string {
	return "project_code, lot_code, " + strings.Join(keptColumns(), ", ") + ", version"
}

// keepVersions copies into deal_versions the current versions of the lots the staged load is
// about to replace, marked as replaced by it.
func (l *Loader) keepVersions(ctx context.Context, st *stage) error {
	err := l.conn.Exec(ctx, `INSERT INTO deal_versions (`+versionColumns()+`, replaced_by)
		SELECT `+versionColumns()+`, ? FROM deals FINAL
		WHERE (project_code, lot_code) IN (SELECT project_code, lot_code `+st.rows()+`)`, st.batch)
	if err != nil {
		return fmt.Errorf("keep the versions the load replaces: %w", err)
	}
	return nil
}

// Withdrawal is what withdrawing a load changes (Plan) or changed (Withdraw).
type Withdrawal struct {
	Batch, File string
	Region      string // the region the load was made for
	Finished    time.Time
	// Removed lots had no version before the load; Restored got their earlier version back;
	// Kept were changed by a later load since, and stay as it has them.
	Removed, Restored, Kept uint64
	// Bids are the bids of bid lists the load brought, removed with it: each section's list
	// is then the one an earlier load gave, if any.
	Bids uint64
	// The lots and the deal amount of the loader's region (Scope) before and after the
	// withdrawal, and by year of completion those that change.
	Scope                     string
	LotsBefore, LotsAfter     uint64
	AmountBefore, AmountAfter money.Fen
	Years                     []YearChange
	At                        time.Time // when it was withdrawn (Withdraw)
	User                      string
}

// YearChange is how a withdrawal changes one year's figures.
type YearChange struct {
	Year   int
	Lots   int64
	Amount money.Fen
}

// refused is an action on loads or seals (withdraw, seal, revoke) that the request, not the
// database, stands in the way of: the request names nothing that could be (Invalid), no
// completed load or seal has its ID (NotFound), the load or seal is of a region outside the
// loader's (Forbidden), or it was withdrawn or revoked already or made before versions were
// kept (Conflict); with why, in the catalog's words.
func refused(kind tradestat.FailureKind, key string, args ...any) error {
	return tradestat.Fail(kind, key, args...)
}

// batchToWithdraw reads what ingest_batches holds of load id and checks that it can be
// withdrawn by a loader of l's region.
func (l *Loader) batchToWithdraw(ctx context.Context, id string) (Withdrawal, uint64, error) {
	w := Withdrawal{Batch: id}
	batch, err := strconv.ParseUint(id, 16, 64)
	if err != nil || len(id) != 16 {
		return w, 0, refused(tradestat.Invalid, "%q is no load's batch ID (16 hexadecimal digits, as tradestat batch list shows them)", id)
	}
	rows, err := l.conn.Query(ctx, `SELECT file_name, region, versions, finished_at,
			batch_id GLOBAL IN (SELECT batch_id FROM batch_withdrawals)
		FROM ingest_batches WHERE batch_id = ?`, id)
	if err != nil {
		return w, 0, fmt.Errorf("read load %s: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return w, 0, fmt.Errorf("read load %s: %w", id, err)
		}
		return w, 0, refused(tradestat.NotFound, "there is no completed load %s", id)
	}
	var versions, withdrawn uint8
	if err := rows.Scan(&w.File, &w.Region, &versions, &w.Finished, &withdrawn); err != nil {
		return w, 0, fmt.Errorf("read load %s: %w", id, err)
	}
	// Another region's load is refused before anything is said of it: its file, its region
	// and its state are that region's to know.
	if d, ok := l.region.Tree().Code(w.Region); !ok || !d.Within(l.region.Root()) {
		return Withdrawal{}, 0, refused(tradestat.Forbidden, "load %s was not made for %s: an account may withdraw only the loads of its region", id, l.region.Name())
	}
	switch {
	case withdrawn == 1:
		return w, 0, refused(tradestat.Conflict, "load %s (%s) was withdrawn already", id, w.File)
	case versions == 0:
		return w, 0, refused(tradestat.Conflict, "load %s (%s) was made before loads kept the versions they replace, or in cluster mode: it cannot be withdrawn; load a corrected file instead", id, w.File)
	}
	return w, batch, nil
}

// restorable is the SELECT of the versions a withdrawal of batch puts back: for each lot the
// batch holds now, its newest version older than the batch (whose versions start at base)
// that no withdrawn load brought, its columns named r_ and the column's name (an alias named as
// a column would take its place in the WHERE). Its arguments are batch, batch, base.
func restorable() string {
	latest := make([]string, len(keptColumns()))
	for i, c := range keptColumns() {
		latest[i] = "argMax(" + c + ", version) AS r_" + c
	}
	return `SELECT project_code, lot_code, ` + strings.Join(latest, ", ") + `
	FROM deal_versions
	WHERE (project_code, lot_code) IN (SELECT project_code, lot_code FROM deals FINAL WHERE batch_id = ?)
		AND batch_id != ? AND version < ? AND batch_id GLOBAL NOT IN (SELECT batch FROM batch_withdrawals)
	GROUP BY project_code, lot_code`
}

// Plan tells what withdrawing load id would change, without changing anything: the
// confirmation step says it before anything is done.
func (l *Loader) Plan(ctx context.Context, id string) (Withdrawal, error) {
	w, batch, err := l.batchToWithdraw(ctx, id)
	if err != nil {
		return w, err
	}
	return l.plan(ctx, w, batch)
}

func (l *Loader) plan(ctx context.Context, w Withdrawal, batch uint64) (Withdrawal, error) {
	fail := func(err error) (Withdrawal, error) {
		return w, fmt.Errorf("plan the withdrawal of %s: %w", w.Batch, err)
	}
	base, err := l.versionBase(ctx, batch)
	if err != nil {
		return fail(err)
	}
	var held, restored uint64
	if err := l.conn.QueryRow(ctx, "SELECT count() FROM deals FINAL WHERE batch_id = ?", batch).Scan(&held); err != nil {
		return fail(err)
	}
	if err := l.conn.QueryRow(ctx, "SELECT count() FROM ("+restorable()+")", batch, batch, base).Scan(&restored); err != nil {
		return fail(err)
	}
	if err := l.conn.QueryRow(ctx, `SELECT uniqExact(project_code, lot_code) FROM deal_versions WHERE batch_id = ?
		AND (project_code, lot_code) NOT IN (SELECT project_code, lot_code FROM deals FINAL WHERE batch_id = ?)`, batch, batch).Scan(&w.Kept); err != nil {
		return fail(err)
	}
	w.Removed, w.Restored = held-restored, restored
	if err := l.conn.QueryRow(ctx, "SELECT count() FROM bids WHERE batch_id = ?", batch).Scan(&w.Bids); err != nil {
		return fail(err)
	}
	// The figures before and after are of the loader's region: an account sees no other.
	var lots, amount int64
	cond, args := placeCondition(tradestat.Filter{}, l.region)
	if err := l.conn.QueryRow(ctx, "SELECT sum(lots), sum(amount_fen) FROM figures_yearly WHERE 1"+cond, args...).Scan(&lots, &amount); err != nil {
		return fail(err)
	}
	w.Scope = l.region.Name()
	w.LotsBefore, w.AmountBefore = uint64(lots), money.Fen(amount)
	rows, err := l.conn.Query(ctx, `SELECT toUInt16(toYear(deal_date)) AS y, sum(n), sum(a) FROM (
			SELECT deal_date, toInt64(-1) AS n, -amount_fen AS a FROM deals FINAL WHERE batch_id = ? AND cancelled = 0
			UNION ALL
			SELECT r_deal_date AS deal_date, toInt64(1) AS n, r_amount_fen AS a FROM (`+restorable()+`) WHERE r_cancelled = 0)
		GROUP BY y ORDER BY y`, batch, batch, batch, base)
	if err != nil {
		return fail(err)
	}
	defer rows.Close()
	w.Years = nil
	lotsAfter, amountAfter := lots, money.Fen(amount)
	for rows.Next() {
		var y uint16
		var c YearChange
		var a int64
		if err := rows.Scan(&y, &c.Lots, &a); err != nil {
			return fail(err)
		}
		c.Year, c.Amount = int(y), money.Fen(a)
		lotsAfter += c.Lots
		amountAfter += c.Amount
		if c.Lots != 0 || c.Amount != 0 {
			w.Years = append(w.Years, c)
		}
	}
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	w.LotsAfter, w.AmountAfter = uint64(lotsAfter), amountAfter
	return w, nil
}

// versionBase is the version a load's lots start at: the lowest of its rows in deals and in
// deal_versions (a version given back by a withdrawal is newer than the load).
func (l *Loader) versionBase(ctx context.Context, batch uint64) (uint64, error) {
	var base uint64
	err := l.conn.QueryRow(ctx, `SELECT min(version) FROM (
		SELECT version FROM deals WHERE batch_id = ? UNION ALL SELECT version FROM deal_versions WHERE batch_id = ?)`, batch, batch).Scan(&base)
	return base, err
}

// Withdraw takes load id back, as Plan tells, for user, and records it. The figures then
// equal what they were before the load, but for the lots later loads changed. A withdrawal
// stopped midway (a kill) leaves the figures as they were and is completed by running it again.
func (l *Loader) Withdraw(ctx context.Context, id, user string) (Withdrawal, error) {
	le, err := l.leases.hold(ctx)
	if err != nil {
		return Withdrawal{Batch: id}, err
	}
	ctx = context.WithoutCancel(ctx)
	defer le.release(ctx)
	if err := l.recoverStopped(ctx); err != nil {
		return Withdrawal{Batch: id}, err
	}
	w, batch, err := l.batchToWithdraw(ctx, id)
	if err != nil {
		return w, err
	}
	var engine string
	if err := l.conn.QueryRow(ctx, "SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = 'deals'").Scan(&engine); err != nil {
		return w, fmt.Errorf("withdraw %s: %w", id, err)
	}
	if engine == "Distributed" {
		return w, refused(tradestat.Conflict, "loads cannot be withdrawn in cluster mode yet; load a corrected file instead")
	}
	if w, err = l.plan(ctx, w, batch); err != nil {
		return w, err
	}
	fail := func(err error) (Withdrawal, error) { return w, fmt.Errorf("withdraw %s: %w", id, err) }
	base, err := l.versionBase(ctx, batch)
	if err != nil {
		return fail(err)
	}
	w.At, w.User = l.now(), user
	if err := l.markWinners(ctx, withdrawnDays(), batch, batch, batch, base, batch); err != nil {
		return fail(err)
	}
	if w.Bids > 0 {
		if err := l.conn.Exec(ctx, "ALTER TABLE bids DELETE WHERE batch_id = ?", batch); err != nil {
			return fail(fmt.Errorf("remove the load's bids: %w", err))
		}
		if err := l.awaitMutations(ctx, "bids"); err != nil {
			return fail(err)
		}
	}
	if w.Removed+w.Restored == 0 { // a bid list alone: no lot to give back
		if err := l.refreshWinners(ctx); err != nil {
			return fail(err)
		}
		if err := l.recordWithdrawal(ctx, w, batch); err != nil {
			return fail(fmt.Errorf("record the withdrawal: %w", err))
		}
		return w, nil
	}
	if err := l.conn.Exec(ctx, `INSERT INTO deals (`+versionColumns()+`)
		SELECT project_code, lot_code, r_`+strings.Join(keptColumns(), ", r_")+`, toUInt64(?)
		FROM (`+restorable()+`)`, uint64(w.At.UnixNano()), batch, batch, base); err != nil {
		return fail(fmt.Errorf("give back the earlier versions: %w", err))
	}
	if err := l.conn.Exec(ctx, "ALTER TABLE deals DELETE WHERE batch_id = ?", batch); err != nil {
		return fail(fmt.Errorf("remove the load's lots: %w", err))
	}
	if err := l.awaitMutations(ctx, "deals"); err != nil {
		return fail(err)
	}
	if err := l.recomputeDaily(ctx); err != nil {
		return fail(err)
	}
	if err := l.refreshWinners(ctx); err != nil {
		return fail(err)
	}
	if err := l.recordWithdrawal(ctx, w, batch); err != nil {
		return fail(fmt.Errorf("record the withdrawal: %w", err))
	}
	return w, nil
}

// recordWithdrawal writes w into batch_withdrawals (a batch: 18.16 takes no INSERT … VALUES
// with bound values through the native protocol).
func (l *Loader) recordWithdrawal(ctx context.Context, w Withdrawal, batch uint64) error {
	b, err := l.conn.PrepareBatch(ctx, `INSERT INTO batch_withdrawals (batch_id, batch, at, user_name, region, removed, restored, kept,
		lots_before, lots_after, amount_before, amount_after)`)
	if err != nil {
		return err
	}
	defer b.Close()
	if err := b.Append(w.Batch, batch, w.At, w.User, l.region.Code(), w.Removed, w.Restored, w.Kept,
		w.LotsBefore, w.LotsAfter, int64(w.AmountBefore), int64(w.AmountAfter)); err != nil {
		return err
	}
	return b.Send()
}

// awaitMutations waits until table has no mutation left to run: ALTER … DELETE returns at
// once on every engine and rewrites the parts in the background.
func (l *Loader) awaitMutations(ctx context.Context, table string) error {
	for {
		var open uint64
		if err := l.conn.QueryRow(ctx, `SELECT count() FROM system.mutations
			WHERE database = currentDatabase() AND table = ? AND is_done = 0`, table).Scan(&open); err != nil {
			return fmt.Errorf("wait for the removal: %w", err)
		}
		if open == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Text is the withdrawal as a person reads it, in language l: what it changes (or changed)
// in lots and 万元, all the data's and each year's.
func (w Withdrawal) Text(l msg.Lang) string {
	var b strings.Builder
	fmt.Fprintln(&b, l.T("load %s (%s): %d lots removed, %d given back their earlier version, %d left as a later load changed them",
		w.Batch, w.File, w.Removed, w.Restored, w.Kept))
	if w.Bids > 0 {
		fmt.Fprintln(&b, l.T("%d bids of bid lists removed: each of their sections has the list an earlier load gave it, if any", w.Bids))
	}
	fmt.Fprintln(&b, l.T("%s: %d lots, %s (10k yuan) before; %d lots, %s (10k yuan) after",
		w.Scope, w.LotsBefore, w.AmountBefore.Wan(), w.LotsAfter, w.AmountAfter.Wan()))
	for _, y := range w.Years {
		fmt.Fprintln(&b, l.T("%d: lots %+d, deal amount %s (10k yuan)", y.Year, y.Lots, signedWan(y.Amount)))
	}
	return b.String()
}

func signedWan(f money.Fen) string {
	if f < 0 {
		return "-" + (-f).Wan()
	}
	return "+" + f.Wan()
}
