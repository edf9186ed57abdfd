package commit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat"
	"tradestat/ingest"
)

// The columns of an insert into deals, in the order chunk fills them. They are named: 18.16
// refuses a batch without them (docs/domain.md).
const dealsColumns = `(project_code, lot_code, name, trade_type, place_code,
	region_code, deal_date, budget_fen, reserve_fen, amount_fen, savings_fen, premium_fen, online,
	batch_id, source_row, version, cancelled, sub_type, bidders, valid_bidders, remote, notice_date, deadline_date,
	open_date, ceiling_fen, eval_method, fail_reason, solicitation, buyer)`

// chunk is a batch of lots held column by column, so that it is sent with one columnar
// append per column instead of one reflective append per row (docs/domain.md, ClickHouse:
// the row-wise path is what makes clickhouse-go several times slower than clickhouse-client).
type chunk struct {
	projects, lots, names, types, places, regions []string
	subTypes                                      []string
	dates                                         []time.Time
	budget, reserve, amount, savings, premium     []int64
	online, cancelled                             []uint8
	batches                                       []uint64
	rows                                          []uint32
	versions                                      []uint64
	// The procedure (tradestat.Procedure), in the forms migration 060 stores it.
	bidders, valid               []int32
	remote, solicitations        []uint8
	notices, deadlines, openings []time.Time
	ceiling                      []int64
	methods, reasons, buyers     []string
}

func newChunk(n int) *chunk {
	return &chunk{
		projects: make([]string, 0, n), lots: make([]string, 0, n), names: make([]string, 0, n),
		types: make([]string, 0, n), places: make([]string, 0, n), regions: make([]string, 0, n),
		dates: make([]time.Time, 0, n), budget: make([]int64, 0, n), reserve: make([]int64, 0, n),
		amount: make([]int64, 0, n), savings: make([]int64, 0, n), premium: make([]int64, 0, n),
		online: make([]uint8, 0, n), cancelled: make([]uint8, 0, n), batches: make([]uint64, 0, n), rows: make([]uint32, 0, n),
		versions: make([]uint64, 0, n), subTypes: make([]string, 0, n),
		bidders: make([]int32, 0, n), valid: make([]int32, 0, n), remote: make([]uint8, 0, n),
		notices: make([]time.Time, 0, n), deadlines: make([]time.Time, 0, n), openings: make([]time.Time, 0, n),
		ceiling: make([]int64, 0, n), methods: make([]string, 0, n), reasons: make([]string, 0, n), buyers: make([]string, 0, n),
		solicitations: make([]uint8, 0, n),
	}
}

func (c *chunk) len() int { return len(c.projects) }

// reset empties the chunk for reuse, dropping its strings so that it keeps no file data alive.
func (c *chunk) reset() {
	for _, col := range [][]string{c.projects, c.lots, c.names, c.types, c.places, c.regions, c.subTypes, c.methods, c.reasons, c.buyers} {
		clear(col)
	}
	c.methods, c.reasons, c.bidders, c.valid, c.remote = c.methods[:0], c.reasons[:0], c.bidders[:0], c.valid[:0], c.remote[:0]
	c.solicitations, c.buyers = c.solicitations[:0], c.buyers[:0]
	c.notices, c.deadlines, c.openings, c.ceiling = c.notices[:0], c.deadlines[:0], c.openings[:0], c.ceiling[:0]
	c.projects, c.lots, c.names, c.types, c.places, c.regions = c.projects[:0], c.lots[:0], c.names[:0], c.types[:0], c.places[:0], c.regions[:0]
	c.subTypes = c.subTypes[:0]
	c.dates, c.budget, c.reserve, c.amount, c.savings, c.premium = c.dates[:0], c.budget[:0], c.reserve[:0], c.amount[:0], c.savings[:0], c.premium[:0]
	c.online, c.cancelled, c.batches, c.rows, c.versions = c.online[:0], c.cancelled[:0], c.batches[:0], c.rows[:0], c.versions[:0]
}

func (c *chunk) add(l tradestat.Lot, batch, version uint64) {
	var online uint8
	if l.Online {
		online = 1
	}
	c.projects = append(c.projects, l.ProjectCode)
	c.lots = append(c.lots, l.LotCode)
	c.names = append(c.names, l.Name)
	c.types = append(c.types, string(l.Type))
	c.places = append(c.places, l.PlaceCode)
	c.regions = append(c.regions, l.RegionCode)
	c.dates = append(c.dates, civil(l.DealDate))
	c.budget = append(c.budget, int64(l.Budget))
	c.reserve = append(c.reserve, int64(l.Reserve))
	c.amount = append(c.amount, int64(l.Amount))
	c.savings = append(c.savings, int64(l.Savings()))
	c.premium = append(c.premium, int64(l.Premium()))
	c.online = append(c.online, online)
	c.cancelled = append(c.cancelled, boolByte(l.Cancelled))
	c.batches = append(c.batches, batch)
	c.rows = append(c.rows, uint32(l.SourceRow))
	c.versions = append(c.versions, version)
	c.subTypes = append(c.subTypes, l.SubType)
	p := l.Procedure
	c.bidders = append(c.bidders, count(p.Bidders, p.BiddersKnown))
	c.valid = append(c.valid, count(p.Valid, p.ValidKnown))
	c.remote = append(c.remote, uint8(p.Remote))
	c.notices = append(c.notices, civil(p.Notice))
	c.deadlines = append(c.deadlines, civil(p.Deadline))
	c.openings = append(c.openings, civil(p.Opening))
	c.ceiling = append(c.ceiling, int64(p.Ceiling))
	c.methods = append(c.methods, p.Method)
	c.reasons = append(c.reasons, p.FailReason)
	c.solicitations = append(c.solicitations, uint8(p.Solicitation))
	c.buyers = append(c.buyers, p.Buyer)
}

// count is a number of bidders as deals holds it: -1 when the export did not say.
func count(n int, known bool) int32 {
	if !known {
		return -1
	}
	return int32(n)
}

// civil is a date as the driver writes a Date: its UTC midnight, the same day whatever the
// zone; a date not said is the Date column's zero, 1970-01-01.
func civil(d tradestat.Date) time.Time {
	if d.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// inserter streams chunks into deals as the blocks of a long INSERT. Each chunk is flushed as
// it comes, so the client holds one chunk at a time, while the server squashes the blocks
// into parts of up to limit rows (one part per INSERT): a few large parts instead of one small part per chunk,
// which costs the server far less to write and then to merge. The driver keeps the columns'
// buffers from block to block, so they stop growing after the first chunk.
type inserter struct {
	conn  driver.Conn
	table string // deals, or the load's staging table
	limit int    // rows per INSERT
	batch driver.Batch
	rows  int
}

// write sends one chunk.
func (in *inserter) write(ctx context.Context, c *chunk) error {
	if in.batch == nil {
		batch, err := in.conn.PrepareBatch(ctx, "INSERT INTO "+in.table+" "+dealsColumns)
		if err != nil {
			return fmt.Errorf("prepare insert: %w", err)
		}
		in.batch = batch
	}
	cols := []any{c.projects, c.lots, c.names, c.types, c.places, c.regions, c.dates, c.budget,
		c.reserve, c.amount, c.savings, c.premium, c.online, c.batches, c.rows, c.versions, c.cancelled, c.subTypes,
		c.bidders, c.valid, c.remote, c.notices, c.deadlines, c.openings, c.ceiling, c.methods, c.reasons, c.solicitations, c.buyers}
	for i, col := range cols {
		if err := in.batch.Column(i).Append(col); err != nil {
			return fmt.Errorf("insert deals, column %d: %w", i, err)
		}
	}
	if err := in.batch.Flush(); err != nil {
		return fmt.Errorf("insert deals: %w", err)
	}
	if in.rows += c.len(); in.rows >= in.limit {
		return in.finish()
	}
	return nil
}

// finish ends the INSERT under way: the server writes what it holds and confirms.
func (in *inserter) finish() error {
	if in.batch == nil {
		return nil
	}
	err := in.batch.Send()
	in.batch, in.rows = nil, 0
	if err != nil {
		return fmt.Errorf("insert deals: %w", err)
	}
	return nil
}

// abort gives up the INSERT under way without ending it: the driver closes its connection.
// The server may still write the blocks it had (18.16 takes a closed connection as the end
// of the data), but into the load's staging table, which no reader sees and which is dropped.
func (in *inserter) abort() {
	if in.batch != nil {
		_ = in.batch.Abort() // its only error is "already sent"
		in.batch = nil
	}
}

// batchColumns are the account of a load as ingest_batches and ingest_pending hold it.
const batchColumns = `batch_id, file_name, file_size, sha256, demo, started_at, finished_at,
	rows_read, loaded, rejected, skipped, duplicates, region, versions, cancelled, bids`

// record is a load's account as its batch record holds it: the reading's account and what the
// commit adds to it.
type record struct {
	rep     *ingest.Report
	demo    bool
	started time.Time
	lots    int // rows the reader handed as lots: Loaded + Duplicates once counted
	// versions: the lot versions the load replaced were kept in deal_versions, so that it can
	// be withdrawn (not in cluster mode).
	versions bool
}

// insertBatch writes a load's account into ingest_batches, or with a state into ingest_pending.
func (l *Loader) insertBatch(ctx context.Context, table, state string, rec record) error {
	rep := rec.rep
	cols := batchColumns
	if state != "" {
		cols += ", state"
	}
	batch, err := l.conn.PrepareBatch(ctx, "INSERT INTO "+table+" ("+cols+")")
	if err != nil {
		return fmt.Errorf("prepare batch record: %w", err)
	}
	defer batch.Close()
	row := []any{rep.BatchID, rep.File, uint64(rep.Size), rep.SHA256, boolByte(rec.demo), rec.started, l.now(),
		uint64(rep.Read), uint64(rep.Loaded), uint64(rep.Rejected), uint64(rep.Skipped), uint64(rep.Duplicates), l.region.Code(), boolByte(rec.versions), uint64(rep.Cancelled), uint64(rep.Bids)}
	if state != "" {
		row = append(row, state)
	}
	if err := batch.Append(row...); err != nil {
		return fmt.Errorf("batch record: %w", err)
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("insert batch record: %w", err)
	}
	return nil
}

// rollup is a table that follows deals after every load (migrations 019, 021, 024 and 027): its
// rows are keyed groups of current lots with summed columns, stored as changes that add up
// (SummingMergeTree), so that a read is a plain sum.
type rollup struct {
	table string
	keys  []string // the table's key columns
	of    []string // each key as computed from a row of deals
	sums  []string // the table's summed columns
	over  string   // their values over a group of deals' rows, in order
	args  func() []any
	// each, when set, is the sums' values for one row of deals: a rollup whose key names a
	// lot version takes a first load's rows as they are, without grouping them.
	each string
	// rows are the rows of deals the rollup adds up: the lots that completed trading for the
	// figures, every section for the competition figures.
	rows string
}

// rollups are the tables that follow deals: the report figures by day, by month and by year
// (a lot's day grouped by the first day of its month or year), each place × type; and the
// lots by place and day, one row per current lot version, for the lot lists.
func rollups() []rollup {
	figures := figureColumns()
	tender, auction := tradestat.TypeNames(tradestat.Tender), tradestat.TypeNames(tradestat.Auction)
	typeArgs := func() []any { return []any{tender, auction, tender, auction} }
	// A lot version's row holds every column a lot list shows, all of them in its key.
	lotKey := []string{"place_code", "deal_date", "project_code", "lot_code", "trade_type", "amount_fen", "savings_fen", "premium_fen",
		"name", "region_code", "budget_fen", "reserve_fen", "online", "sub_type"}
	const completed = "cancelled = 0"
	groups := []string{"deal_date", "place_code", "trade_type"}
	compKeys := []string{"deal_date", "place_code", "trade_type", "bidders"}
	compSums, compOver, compArgs := competitionSums()
	return []rollup{
		{"figures_daily", groups, []string{"deal_date", "place_code", "trade_type"}, figures, dailySums, typeArgs, "", completed},
		{"figures_monthly", groups, []string{"toStartOfMonth(deal_date)", "place_code", "trade_type"}, figures, dailySums, typeArgs, "", completed},
		{"figures_yearly", groups, []string{"toStartOfYear(deal_date)", "place_code", "trade_type"}, figures, dailySums, typeArgs, "", completed},
		{"lots_by_place", lotKey, lotKey, []string{"lots"}, "toInt64(count())", func() []any { return nil }, "toInt64(1)", completed},
		{"competition_daily", compKeys, []string{sectionDay, "place_code", "trade_type", competitorsKey()}, compSums, compOver, compArgs, "", "1"},
		{"competition_monthly", compKeys, []string{"toStartOfMonth(" + sectionDay + ")", "place_code", "trade_type", competitorsKey()}, compSums, compOver, compArgs, "", "1"},
	}
}

// sectionDay is the day a section counts on in the competition figures: its opening date, or
// its record's date where the export gives none (docs/competition.md).
const sectionDay = "if(toUInt16(open_date) > 0, open_date, deal_date)"

// competitors is the number of bidders the competition figures count: the valid ones where
// the export says, else those that bid; -1 where it says neither. competitorsKey groups
// tradestat.ManyBidders or more together, so that a day's groups stay few; the exact count
// is summed.
const competitors = "if(valid_bidders >= 0, valid_bidders, bidders)"

func competitorsKey() string {
	return "toInt16(least(" + competitors + ", " + strconv.Itoa(tradestat.ManyBidders) + "))"
}

// competitionSums are the summed columns of the competition rollups (migration 062), their
// aggregates over a group of deals' rows, and the values bound in them: the legal minimum
// submission period of each trade type and procurement method that has one
// (tradestat.SubmissionMinimums; 0, which no period is under, for the others). Periods are
// whole days; one of 0 days or less, or over a year, is a typing error rather than a period
// and counts in no period figure (docs/competition.md).
func competitionSums() ([]string, string, func() []any) {
	submission := "(toInt32(deadline_date) - toInt32(notice_date))"
	submitted := "toUInt16(notice_date) > 0 AND toUInt16(deadline_date) > 0 AND " + submission + " BETWEEN 1 AND 365"
	decision := "(toInt32(deal_date) - toInt32(open_date))"
	decided := "cancelled = 0 AND toUInt16(open_date) > 0 AND " + decision + " BETWEEN 1 AND 365"
	capped := "cancelled = 0 AND ceiling_fen > 0 AND amount_fen > 0 AND amount_fen <= ceiling_fen"
	mins := tradestat.SubmissionMinimums()
	minimum := "0"
	if len(mins) > 0 {
		minimum = "multiIf(" + strings.Repeat("trade_type = ? AND solicitation = ?, ?, ", len(mins)) + "0)"
	}
	args := func() []any {
		var out []any
		for _, m := range mins {
			out = append(out, string(m.Type), uint8(m.Solicitation), m.Days)
		}
		return out
	}
	// Every row's ratio is computed before sumIf's condition picks the rows: no row may divide
	// by a ceiling of 0.
	sums := []string{"sections", "failed", "remote_known", "remote", "bidders_sum", "submission_known", "submission_days",
		"submission_short", "decision_known", "decision_days", "ceiling_known", "ceiling_ratio_bp", "at_cap"}
	over := `toInt64(count()), toInt64(countIf(cancelled = 1)), toInt64(countIf(remote > 0)), toInt64(countIf(remote = 2)),
	toInt64(sumIf(` + competitors + `, ` + competitors + ` > 0)),
	toInt64(countIf(` + submitted + `)), toInt64(sumIf(` + submission + `, ` + submitted + `)),
	toInt64(countIf(` + submitted + ` AND ` + submission + ` < ` + minimum + `)),
	toInt64(countIf(` + decided + `)), toInt64(sumIf(` + decision + `, ` + decided + `)),
	toInt64(countIf(` + capped + `)),
	toInt64(sumIf(intDiv(amount_fen * 10000, greatest(ceiling_fen, 1)), ` + capped + `)),
	toInt64(countIf(` + capped + ` AND amount_fen * 100 >= ceiling_fen * 98))`
	return sums, over, args
}

// figureColumns are the summed columns of the figures' rollups (and of seal_figures), in the
// order of dailySums.
func figureColumns() []string {
	return []string{"lots", "amount_fen", "savings_fen", "premium_fen", "online", "budget_fen", "reserve_fen", "no_budget", "no_reserve"}
}

// dailySums are the aggregates of a group of lots, after its day (or month, or year),
// place_code and trade_type; their bound values are the tender and the auction types, twice.
// The last two count the lots without a basis for savings (a tender lot without a budget) or
// premium (an auction lot without a reserve). Counts are signed, as the rollups hold changes.
const dailySums = `toInt64(count()), sum(amount_fen), sum(savings_fen), sum(premium_fen), toInt64(sum(online)),
	sumIf(budget_fen, budget_fen != 0 AND has(?, toString(trade_type))),
	sumIf(reserve_fen, reserve_fen != 0 AND has(?, toString(trade_type))),
	toInt64(countIf(budget_fen = 0 AND has(?, toString(trade_type)))),
	toInt64(countIf(reserve_fen = 0 AND has(?, toString(trade_type))))`

// aliased is each expression given the alias prefix followed by its position.
func aliased(exprs []string, prefix string) string {
	out := make([]string, len(exprs))
	for i, e := range exprs {
		out[i] = fmt.Sprintf("%s AS %s%d", e, prefix, i)
	}
	return strings.Join(out, ", ")
}

// names are the aliases of aliased.
func names(n int, prefix string) string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return strings.Join(out, ", ")
}

// insert is the start of an INSERT into the rollup, its keys then its sums.
func (r rollup) insert() string {
	return "INSERT INTO " + r.table + " (" + strings.Join(r.keys, ", ") + ", " + strings.Join(r.sums, ", ") + ") "
}

// The rollups follow deals after every load in one of two ways.
//
// addDaily adds a load's own lots, added up by group: exact when the tables held no lots
// before the load and the load has no duplicates, which is the common first load.
//
// recomputeDaily inserts, in one statement per table, the difference between every group's
// sums over deals FINAL and what the table holds, for the groups where they differ: a group
// whose lots all moved away (to another day, place or type) comes to zero and is dropped as
// the table merges. It recomputes every group rather than only those the load touched:
// finding the groups earlier versions of the load's lots fell in means matching every lot of
// the table against the load, which is slower than recomputing (FINAL and a GROUP BY over the
// lots) however few lots the load holds.
//
// At a country's scale a day's group holds about one lot, so grouping millions of lots holds
// millions of groups: past rollupMemory bytes the server groups on disk rather than refuse the
// load for want of memory.
//
// Loads in one process refresh one at a time; two processes loading at the same moment could
// leave figures computed before the other's rows landed, which the next load corrects.
func (l *Loader) addDaily(ctx context.Context, batch uint64) error {
	ctx = rollupContext(ctx)
	// The tables are filled at once, each by a statement of its own: the server reads the
	// load's rows for each, and a core that waits for one statement can serve another.
	rs := rollups()
	errs := make([]error, len(rs))
	var wg sync.WaitGroup
	for i, r := range rs {
		sql, args := r.insert()+`SELECT `+aliased(r.of, "k")+`, `+r.over+`
			FROM deals WHERE batch_id = ? AND `+r.rows+` GROUP BY `+names(len(r.keys), "k"), append(r.args(), batch)
		if r.each != "" { // a row of deals is a row of the rollup (a lot loaded twice: below)
			sql, args = r.insert()+`SELECT `+strings.Join(r.of, ", ")+`, `+r.each+` FROM deals WHERE batch_id = ? AND `+r.rows, []any{batch}
		}
		wg.Go(func() {
			if err := l.conn.Exec(ctx, sql, args...); err != nil {
				errs[i] = fmt.Errorf("%s figures: %w", r.table, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (l *Loader) recomputeDaily(ctx context.Context) error {
	ctx = rollupContext(ctx)
	for _, r := range rollups() {
		negated := make([]string, len(r.sums))
		summed := make([]string, len(r.sums))
		changed := make([]string, len(r.sums))
		for i, c := range r.sums {
			negated[i] = "-" + c
			summed[i] = fmt.Sprintf("sum(s%d)", i)
			changed[i] = fmt.Sprintf("t%d != 0", i)
		}
		keys := names(len(r.keys), "k")
		if err := l.conn.Exec(ctx, r.insert()+`SELECT `+keys+`, `+aliased(summed, "t")+`
			FROM (
				SELECT `+aliased(r.keys, "k")+`, `+aliased(negated, "s")+` FROM `+r.table+`
				UNION ALL
				SELECT `+aliased(r.of, "k")+`, `+r.over+` FROM deals FINAL WHERE `+r.rows+` GROUP BY `+keys+`)
			GROUP BY `+keys+`
			HAVING `+strings.Join(changed, " OR "), r.args()...); err != nil {
			return fmt.Errorf("refresh %s figures: %w", r.table, err)
		}
	}
	return nil
}

// rollupMemory is how much a refresh's GROUP BY may hold in memory before it spills to disk.
const rollupMemory = 1 << 30

func rollupContext(ctx context.Context) context.Context {
	return clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{"max_bytes_before_external_group_by": rollupMemory}))
}

func boolByte(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// CompletedBatch returns the ID of an earlier load of content with this SHA-256 after which
// loading it again would change nothing, or "" when there is none. That load ran to its end,
// was not withdrawn, covered the loader's region (its region held the loader's: a file loaded
// for one county is loaded again for its city, whose other counties' lots the first load
// rejected), and every lot it brought is still as it brought it: a later load that changed
// one of its lots makes loading the file again a change. A batch record is written only
// after all of a file's lots, so a load cut off midway leaves none and the file is loaded
// again in full.
func (l *Loader) CompletedBatch(ctx context.Context, sha string) (string, error) {
	rows, err := l.conn.Query(ctx, `SELECT batch_id, region, loaded FROM ingest_batches
		WHERE sha256 = ? AND batch_id GLOBAL NOT IN (SELECT batch_id FROM batch_withdrawals) ORDER BY finished_at DESC, batch_id`, sha)
	if err != nil {
		return "", fmt.Errorf("look up earlier loads: %w", err)
	}
	type earlier struct {
		id     string
		loaded uint64
	}
	var found []earlier
	for rows.Next() {
		var e earlier
		var region string
		if err := rows.Scan(&e.id, &region, &e.loaded); err != nil {
			rows.Close()
			return "", fmt.Errorf("look up earlier loads: %w", err)
		}
		// A region of "" was recorded before loads had regions: the worker's, the whole one.
		if d, ok := l.region.Tree().Code(region); region == "" || ok && l.region.Root().Within(d) {
			found = append(found, e)
		}
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return "", fmt.Errorf("look up earlier loads: %w", err)
	}
	// Any of them that still holds every lot it brought, as it brought them, says that the same
	// content, loaded again, would bring the same versions.
	for _, e := range found {
		batch, err := strconv.ParseUint(e.id, 16, 64)
		if err != nil {
			return "", fmt.Errorf("look up earlier loads: batch %q: %w", e.id, err)
		}
		var current uint64
		if err := l.conn.QueryRow(ctx, `SELECT count() FROM (
				SELECT argMax(batch_id, version) AS b FROM deals
				WHERE (project_code, lot_code) IN (SELECT project_code, lot_code FROM deals WHERE batch_id = ?)
				GROUP BY project_code, lot_code)
			WHERE b = ?`, batch, batch).Scan(&current); err != nil {
			return "", fmt.Errorf("look up earlier loads: %w", err)
		}
		if current == e.loaded {
			return e.id, nil
		}
	}
	return "", nil
}
