package commit

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"tradestat"
)

// The winners rollups (winners_daily, winners_monthly, winners_yearly: migrations 078, 080,
// 082) hold, by section day (month, year), place, type and winner, the awards of the completed
// sections whose current bid list marks exactly one winning bid: what the concentration of
// awards reads, rather than every bid of the period. A section's winner changes with a bid
// list, and its day, place, type, amount or failure with a lot; so every write that changes
// either, a load or a withdrawal, takes the same three steps under the write lease:
//
//  1. before it changes anything, it marks stale (winners_stale) the months of every section
//     it may change, as the section is now and as it will be;
//  2. it makes its change;
//  3. it recomputes the stale months from the lots and the current bid lists, then the years
//     of those months from their months and the years' heads (winners_heads: their totals
//     and largest winners), and clears the months.
//
// A month's recomputation inserts the difference between its winners as the lots and lists
// give them and what the table holds, so it is right whatever the table held, and running it
// again changes nothing. A writer stopped anywhere leaves its months marked, and the next
// writer (or the ingest worker's Recover) recomputes them; until then readers read a stale
// month's winners from the bid lists (package query). The rollups are thus the lots' and
// lists' winners whenever no month is marked, after any sequence of loads, withdrawals and
// stops (TestWinnersFollowEveryWrite).

// DefaultRefreshSections is about how many sections one step of a recomputation reads: the
// stale months are recomputed a few at a time, so that the server holds one step's sections
// and their bids however many months a load touched.
const DefaultRefreshSections = 1 << 20

// sectionMonth is the month a section counts in: that of its day in the competition figures.
const sectionMonth = "toStartOfMonth(" + sectionDay + ")"

// markWinners marks stale the months of the rows days selects (a SELECT of open_date and
// deal_date, args bound in it): step 1.
func (l *Loader) markWinners(ctx context.Context, days string, args ...any) error {
	seq, err := l.staleSeq(ctx)
	if err != nil {
		return err
	}
	if err := l.conn.Exec(ctx, `INSERT INTO winners_stale (month, marked, done)
		SELECT m, toUInt64(?), toUInt8(0) FROM (SELECT DISTINCT `+sectionMonth+` AS m FROM (`+days+`))`,
		append([]any{seq + 1}, args...)...); err != nil {
		return fmt.Errorf("mark the winners' months: %w", err)
	}
	return nil
}

// staleSeq is the newest mark's number: marks and clears count up from it, so that a month's
// newest row says whether it is stale whatever the clocks say.
func (l *Loader) staleSeq(ctx context.Context) (uint64, error) {
	var seq uint64
	if err := l.conn.QueryRow(ctx, "SELECT max(marked) FROM winners_stale").Scan(&seq); err != nil {
		return 0, fmt.Errorf("read the winners' marks: %w", err)
	}
	return seq, nil
}

// stagedDays is the SELECT of the days of the sections a staged load changes: its lots as they
// will be, and the current lots of its lots' and its bid lists' sections.
func (st *stage) stagedDays(lots bool) string {
	var parts []string
	if lots {
		parts = append(parts, "SELECT open_date, deal_date "+st.rows(),
			"SELECT open_date, deal_date FROM deals FINAL WHERE (project_code, lot_code) IN (SELECT project_code, lot_code "+st.rows()+")")
	}
	if st.bids.created {
		parts = append(parts, "SELECT open_date, deal_date FROM deals FINAL WHERE (project_code, lot_code) IN (SELECT project_code, lot_code FROM "+st.bidListTable()+")")
	}
	return strings.Join(parts, " UNION ALL ")
}

// withdrawnDays is the SELECT of the days of the sections a withdrawal of batch changes: the
// lots it holds now, the versions it gives back and the lots of the sections of its bid
// lists. Its arguments are batch, then restorable's (batch, batch, base), then batch.
func withdrawnDays() string {
	return `SELECT open_date, deal_date FROM deals FINAL WHERE batch_id = ?
		UNION ALL
		SELECT r_open_date AS open_date, r_deal_date AS deal_date FROM (` + restorable() + `)
		UNION ALL
		SELECT open_date, deal_date FROM deals FINAL WHERE (project_code, lot_code) IN (SELECT project_code, lot_code FROM bids WHERE batch_id = ?)`
}

// refreshWinners recomputes the stale months and clears them: step 3.
func (l *Loader) refreshWinners(ctx context.Context) error {
	seq, err := l.staleSeq(ctx)
	if err != nil {
		return err
	}
	var months []string
	if months, err = l.strings(ctx, "SELECT toString(month) FROM winners_stale FINAL WHERE done = 0 ORDER BY month"); err != nil {
		return fmt.Errorf("read the stale months: %w", err)
	}
	if len(months) == 0 {
		return l.refreshHeads(ctx, nil, seq+1)
	}
	// Without a bid list, and nothing in the rollups, there is nothing to recompute: so it is
	// in cluster mode, which takes no bid lists, and in a database of lots alone.
	var some uint64
	if err := l.conn.QueryRow(ctx, `SELECT (SELECT count() FROM (SELECT 1 FROM bids LIMIT 1))
		+ (SELECT count() FROM (SELECT 1 FROM winners_daily LIMIT 1))`).Scan(&some); err != nil {
		return fmt.Errorf("recompute the winners: %w", err)
	}
	if some > 0 {
		steps, err := l.refreshSteps(ctx, months)
		if err != nil {
			return err
		}
		rctx, number := rollupContext(ctx), cmp.Or(l.winnerNumber, winnerNumber)
		for _, step := range steps {
			for _, q := range refreshWinnersSQL(step, number) {
				if err := l.conn.Exec(rctx, q.sql, q.args...); err != nil {
					return fmt.Errorf("recompute the winners of %s to %s: %w", step[0], step[len(step)-1], err)
				}
			}
		}
		for _, q := range refreshYearsSQL(months) {
			if err := l.conn.Exec(rctx, q.sql, q.args...); err != nil {
				return fmt.Errorf("recompute the winners of the years of %s to %s: %w", months[0], months[len(months)-1], err)
			}
		}
		if err := l.refreshHeads(rctx, months, seq+1); err != nil {
			return err
		}
		// Months holding a number two keys share are marked again, after this writer's first
		// mark, so that the clearing below passes them by and readers keep reading them from
		// the bid lists; every writer recomputes and checks them again.
		held, heldArgs := inMonths("deal_date", months)
		if err := l.conn.Exec(rctx, `INSERT INTO winners_stale (month, marked, done)
			SELECT m, toUInt64(?), toUInt8(0) FROM (`+collidingMonths(held)+`)`, append([]any{seq + 1}, heldArgs...)...); err != nil {
			return fmt.Errorf("look for winners sharing a number: %w", err)
		}
	}
	if err := l.conn.Exec(ctx, `INSERT INTO winners_stale (month, marked, done)
		SELECT month, toUInt64(?), toUInt8(1) FROM winners_stale FINAL WHERE done = 0 AND marked <= ?`, seq+1, seq); err != nil {
		return fmt.Errorf("clear the stale months: %w", err)
	}
	return nil
}

// refreshSteps groups consecutive stale months so that a step holds about RefreshSections
// sections (by the competition figures, which count every section), a month at least.
func (l *Loader) refreshSteps(ctx context.Context, months []string) ([][]string, error) {
	rows, err := l.conn.Query(ctx, "SELECT toString(deal_date), toInt64(sum(sections)) FROM competition_monthly GROUP BY deal_date")
	if err != nil {
		return nil, fmt.Errorf("count the sections of the stale months: %w", err)
	}
	defer rows.Close()
	sections := map[string]int64{}
	for rows.Next() {
		var m string
		var n int64
		if err := rows.Scan(&m, &n); err != nil {
			return nil, fmt.Errorf("count the sections of the stale months: %w", err)
		}
		sections[m] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count the sections of the stale months: %w", err)
	}
	limit := int64(cmp.Or(max(l.RefreshSections, 0), DefaultRefreshSections))
	var steps [][]string
	var held int64
	for _, m := range months {
		if len(steps) == 0 || held+sections[m] > limit {
			steps, held = append(steps, nil), 0
		}
		steps[len(steps)-1] = append(steps[len(steps)-1], m)
		held += sections[m]
	}
	return steps, nil
}

type statement struct {
	sql  string
	args []any
}

// inMonths is the condition that col, a date, falls in one of the months (each its first
// day): as ranges, which the tables' sort order on the day serves.
func inMonths(col string, months []string) (string, []any) {
	conds := make([]string, len(months))
	var args []any
	for i, m := range months {
		d, _ := tradestat.ParseDate(m)
		conds[i] = col + " BETWEEN toDate(?) AND toDate(?)"
		args = append(args, m, tradestat.Date{Year: d.Year, Month: d.Month, Day: tradestat.DaysIn(d.Year, d.Month)}.String())
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// winnerNumber is the number the rollups give a winner key (the String column %s): a read
// groups the winners by it. Two keys of one number are looked for after every recomputation
// (collidingMonths).
const winnerNumber = "cityHash64(%s)"

// winnerKeys are the key columns of the winners rollups after deal_date; winnerSums their sums.
const (
	winnerKeys = "place_code, trade_type, winner_id, winner_key, winner_code, winner_name"
	winnerSums = "wins, won_fen"
)

// refreshWinnersSQL is the recomputation of months: winners_daily from the lots and the
// current bid lists, then winners_monthly from winners_daily; each inserts the difference
// between the months' winners and what the table holds (winnersDiff).
// number is the SQL numbering a key (winnerNumber). A row held with another number than the
// key's (numbered otherwise before) is taken back like any row the lists no longer give.
func refreshWinnersSQL(months []string, number string) []statement {
	dayIn, dayArgs := inMonths("s_day", months)
	sections := `SELECT project_code, lot_code, day AS s_day, place_code AS s_place, trade_type AS s_type, amount_fen AS s_amount
		FROM (SELECT project_code, lot_code, place_code, trade_type, amount_fen, cancelled, ` + sectionDay + ` AS day FROM deals FINAL)
		WHERE cancelled = 0 AND ` + strings.ReplaceAll(dayIn, "s_day", "day")
	// A section's current list is its newest version; it has a winner when that list marks
	// exactly one bid won.
	winners := `SELECT s_day, s_place, s_type, ` + fmt.Sprintf(number, "wkey") + `, wkey, wcode, wname, toInt64(count()), sum(s_amount)
		FROM (SELECT project_code, lot_code, argMax(nw, version) AS n, argMax(wk, version) AS wkey,
				argMax(wc, version) AS wcode, argMax(wn, version) AS wname
			FROM (SELECT project_code, lot_code, version, countIf(winner = 2) AS nw, anyIf(bidder_key, winner = 2) AS wk,
					anyIf(bidder_code, winner = 2) AS wc, anyIf(bidder_name, winner = 2) AS wn
				FROM bids WHERE (project_code, lot_code) IN (SELECT project_code, lot_code FROM (` + sections + `))
				GROUP BY project_code, lot_code, version)
			GROUP BY project_code, lot_code
			HAVING n = 1) AS w
		ANY INNER JOIN (` + sections + `) AS s USING (project_code, lot_code)
		GROUP BY s_day, s_place, s_type, wkey, wcode, wname`
	// Both tables date their rows within the months: a day, or the month's first.
	held, heldArgs := inMonths("deal_date", months)
	return []statement{
		withArgs(winnersDiff("winners_daily", held, winners), heldArgs, dayArgs, dayArgs),
		withArgs(winnersDiff("winners_monthly", held, `SELECT toStartOfMonth(deal_date), `+winnerKeys+`, `+winnerSums+`
				FROM winners_daily WHERE `+held), heldArgs, heldArgs),
	}
}

// refreshYearsSQL is the recomputation of winners_yearly for the years of months, from
// winners_monthly, once every month of those years is right: a year whole, as its months may
// have been recomputed in several steps.
func refreshYearsSQL(months []string) []statement {
	var out []statement
	var last int
	for _, m := range months {
		d, _ := tradestat.ParseDate(m)
		if d.Year == last {
			continue
		}
		last = d.Year
		from, to := tradestat.Date{Year: d.Year, Month: 1, Day: 1}.String(), tradestat.Date{Year: d.Year, Month: 12, Day: 31}.String()
		held := "deal_date BETWEEN toDate(?) AND toDate(?)"
		out = append(out, withArgs(winnersDiff("winners_yearly", held, `SELECT toStartOfYear(deal_date), `+winnerKeys+`, `+winnerSums+`
			FROM winners_monthly WHERE `+held), []any{from, to}, []any{from, to}))
	}
	return out
}

// DefaultHeadWinners is how many of a year's largest winners its head (winners_heads) keeps:
// more than a read lists, so that a read sees whether the last it lists shares its place.
const DefaultHeadWinners = 32

// missingHeads is the SELECT of the years winners_yearly holds with no head: those of a
// database made before the heads were, which the next writer or Recover fills.
const missingHeads = `SELECT DISTINCT toString(deal_date) FROM winners_yearly WHERE deal_date GLOBAL NOT IN (SELECT year FROM winners_heads)`

// refreshHeads recomputes the heads of the years of months and of the years missing one, from
// winners_yearly once those years are right, as the newest (mark) of each year.
func (l *Loader) refreshHeads(ctx context.Context, months []string, mark uint64) error {
	years, err := l.strings(ctx, missingHeads)
	if err != nil {
		return fmt.Errorf("read the years with no head of winners: %w", err)
	}
	for _, m := range months {
		years = append(years, m[:4]+"-01-01")
	}
	slices.Sort(years)
	for _, y := range slices.Compact(years) {
		if err := l.conn.Exec(ctx, headSQL(cmp.Or(max(l.HeadWinners, 0), DefaultHeadWinners)), y, mark, y, y, y); err != nil {
			return fmt.Errorf("recompute the head of the winners of %s: %w", y[:4], err)
		}
	}
	return nil
}

// headSQL is the insertion of a year's head: its places, its winners' totals as a read of the
// year groups them (by number, the winners whose wins do not sum to nought) and the
// n largest by amount won, then by wins. Its arguments are the year's first day, the mark, and
// the first day three times more.
func headSQL(n int) string {
	byNumber := `SELECT winner_id, toInt64(sum(wins)) AS w, toInt64(sum(won_fen)) AS a FROM winners_yearly
		WHERE deal_date = toDate(?) GROUP BY winner_id HAVING w != 0`
	return `INSERT INTO winners_heads (year, marked, places, winners, repeat, sections, amount_fen, top_ids, top_wins, top_won)
		SELECT toDate(?), toUInt64(?), (SELECT groupUniqArray(place_code) FROM winners_yearly WHERE deal_date = toDate(?)),
			n, r, s, t, ids, ws, won
		FROM (SELECT toInt64(count()) AS n, toInt64(countIf(w >= 2)) AS r, toInt64(sum(w)) AS s, toInt64(sum(a)) AS t FROM (` + byNumber + `)) AS totals
		CROSS JOIN (SELECT groupArray(winner_id) AS ids, groupArray(w) AS ws, groupArray(a) AS won
			FROM (SELECT * FROM (` + byNumber + `) ORDER BY a DESC, w DESC LIMIT ` + strconv.Itoa(n) + `)) AS largest`
}

// winnersDiff is the insertion into table, a winners rollup, of the difference between the
// rows fresh selects (its columns in the table's order) and the rows the table holds where
// held (a condition on deal_date) is true, for the groups where they differ: what makes the
// table's rows there sum to fresh's whatever it held. Its arguments are held's, then fresh's.
func winnersDiff(table, held, fresh string) statement {
	return statement{sql: `INSERT INTO ` + table + ` (deal_date, ` + winnerKeys + `, ` + winnerSums + `)
		SELECT k0, k1, k2, k3, k4, k5, k6, sum(s0) AS t0, sum(s1) AS t1 FROM (
			SELECT deal_date AS k0, place_code AS k1, trade_type AS k2, winner_id AS k3, winner_key AS k4, winner_code AS k5,
				winner_name AS k6, -wins AS s0, -won_fen AS s1
			FROM ` + table + ` WHERE ` + held + `
			UNION ALL
			` + fresh + `)
		GROUP BY k0, k1, k2, k3, k4, k5, k6
		HAVING t0 != 0 OR t1 != 0`}
}

// collidingMonths is the SELECT of the months (m) that hold a number two winner keys of
// the rollups share, among the numbers of the months recomputed (their condition held, args
// heldArgs): summed as one winner by a read, such months are kept stale.
func collidingMonths(held string) string {
	return `SELECT DISTINCT m FROM (
			SELECT deal_date AS m FROM winners_monthly WHERE winner_id IN (
				SELECT winner_id FROM (
					SELECT winner_id, winner_key FROM winners_monthly
					WHERE winner_id IN (SELECT winner_id FROM winners_monthly WHERE ` + held + `)
					GROUP BY winner_id, winner_key HAVING sum(wins) != 0 OR sum(won_fen) != 0)
				GROUP BY winner_id HAVING count() > 1)
			GROUP BY deal_date, winner_id, winner_key HAVING sum(wins) != 0 OR sum(won_fen) != 0)`
}

// withArgs is s with args bound in order, list after list.
func withArgs(s statement, lists ...[]any) statement {
	for _, l := range lists {
		s.args = append(s.args, l...)
	}
	return s
}
