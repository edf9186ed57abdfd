package query

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
)

// LotSort is a column the lot list can be sorted by; only these fixed expressions are ever
// put into SQL text.
type LotSort string

// The sort columns of the lot list.
const (
	SortDate    LotSort = "date"
	SortAmount  LotSort = "amount"
	SortSavings LotSort = "savings"
	SortPremium LotSort = "premium"
	SortCode    LotSort = "code"
)

var lotSortExpr = map[LotSort]string{
	SortDate: "deal_date", SortAmount: "amount_fen", SortSavings: "savings_fen",
	SortPremium: "premium_fen", SortCode: "project_code",
}

// ParseLotSort accepts a sort column name; "" is the default, newest first.
func ParseLotSort(s string) (LotSort, error) {
	if s == "" {
		return SortDate, nil
	}
	if _, ok := lotSortExpr[LotSort(s)]; !ok {
		return "", tradestat.Fail(tradestat.Invalid, "unknown sort %q (want date, amount, savings, premium or code)", s)
	}
	return LotSort(s), nil
}

// MaxPageSize bounds one page of the lot list.
const MaxPageSize = 500

// LotQuery selects one page of the lot list within a Filter.
type LotQuery struct {
	Search string // part of a project code, lot code or name; "" for every lot
	// NoBasis keeps only the lots a figure lacks a basis for: tender-type lots without a
	// budget (not in savings) and auction-type lots without a reserve (not in premium).
	NoBasis bool
	// Cancelled lists the lots the exports said did not complete trading (流标, 废标, 终止 …),
	// which no figure counts, instead of those that did.
	Cancelled bool
	Sort      LotSort
	Asc       bool
	Page      int // from 1
	Size      int // lots per page, 1..MaxPageSize
}

// LotRow is one lot as the list shows it.
type LotRow struct {
	ProjectCode, LotCode, Name string
	Type                       tradestat.TradeType
	SubType                    string // the sector, class or kind under the type, as the export named it
	Place, Region              string // codes: the trading place, the project's region (or as written)
	PlaceName, RegionName      string // as the region's readers name them: 腾冲市, 保山市腾冲市 in 云南省
	Date                       tradestat.Date
	Budget, Reserve, Amount    money.Fen
	Savings, Premium           money.Fen
	Online                     bool
}

// LotPage is one page of lots and the totals of every lot the query selects (all pages): with
// no search they are the Summary of the same filter, so a figure and its lot list agree.
type LotPage struct {
	Lots   []LotRow
	Totals Totals
}

// maxCachedPage is the largest lot-list page kept in the result cache, which bounds the
// cache's memory by entries: pages of the usual sizes are kept, rare large ones computed.
const maxCachedPage = 100

// Lots lists the lots behind a figure, one page at a time. A page of the whole region is cached
// until the data changes like every other result: it costs the server a pass over the
// period's lots, while people open the same few pages again and again. A page of some places
// is read from their own rows in tens of milliseconds, and there are too many such pages (a
// country's counties × periods × sorts) for a cache to keep the ones asked again.
func (s *Store) Lots(ctx context.Context, f Filter, q LotQuery) (LotPage, error) {
	if _, ok := lotSortExpr[q.Sort]; !ok || q.Page < 1 || q.Size < 1 || q.Size > MaxPageSize {
		return LotPage{}, fmt.Errorf("lot list: bad page request %+v", q)
	}
	if s.someOf(f) || q.Size > maxCachedPage {
		return s.lots(ctx, f, q)
	}
	return cached(ctx, s, fmt.Sprintf(lotsKey+"%+v %+v", f, q), func(ctx context.Context) (LotPage, error) { return s.lots(ctx, f, q) })
}

func (s *Store) lots(ctx context.Context, f Filter, q LotQuery) (LotPage, error) {
	var page LotPage
	done, err := lane(ctx, s.heavy)
	if err != nil {
		return page, fmt.Errorf("lot list: %w", err)
	}
	defer done()
	sortExpr := lotSortExpr[q.Sort]
	where, args := lotWhere(f, s.region, q.Search, q.NoBasis)
	pre, preArgs := s.byPlace(f)
	if q.Cancelled { // in no rollup, so not narrowed by lots_by_place's projects either
		where, args = cancelledWhere(f, s.region, q.Search)
		pre, preArgs = "", nil
	}
	narrowed := q.Search != "" || q.NoBasis || q.Cancelled
	// The totals are read beside the page: the page needs their count only in some cases
	// (totals waits for it then), and a list waits for the slower of the two reads.
	var sum Totals
	var errTotals error
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() {
		if !narrowed { // the figures of the filter, as the cards show them
			sum, errTotals = s.Summary(ctx, f)
			return
		}
		cols, cargs := totalsColumns()
		sum, errTotals = scanTotals(s.conn.QueryRow(ctx, "SELECT "+cols+" FROM deals FINAL "+pre+where+byPlaceSettings, concat(cargs, preArgs, args)...))
	})
	totals := func() (Totals, error) {
		wg.Wait()
		if errTotals != nil {
			return Totals{}, fmt.Errorf("lot list totals: %w", errTotals)
		}
		return sum, nil
	}
	dir := "DESC"
	if q.Asc {
		dir = "ASC"
	}
	order := ` ORDER BY ` + sortExpr + ` ` + dir + `, project_code, lot_code`
	if !narrowed && s.placesOnly(f) {
		lots, err := s.placesPage(ctx, f, q, order, totals)
		if err != nil {
			return page, fmt.Errorf("lot list: %w", err)
		}
		page.Totals, err = totals()
		page.Lots = lots
		return page, err
	}
	if !narrowed {
		listed, ok, err := s.regionPage(ctx, f, q, order, totals)
		if err != nil {
			return page, fmt.Errorf("lot list: %w", err)
		}
		if ok {
			lots, whole, err := s.lotsOf(ctx, listed)
			if err != nil {
				return page, err
			}
			if whole {
				page.Totals, err = totals()
				page.Lots = lots
				return page, err
			}
		}
		// Earlier versions of some lots are still there, or a load replaced some of the page's
		// lots between the two reads: read as below.
	}
	if page.Totals, err = totals(); err != nil {
		return page, err
	}
	// LIMIT offset, count: the form both 18.16 and current ClickHouse accept.
	rows, err := s.conn.Query(ctx, `SELECT `+lotColumns+` FROM deals FINAL `+pre+where+order+` LIMIT ?, ?`+byPlaceSettings,
		concat(preArgs, args, []any{(q.Page - 1) * q.Size, q.Size})...)
	if err != nil {
		return page, fmt.Errorf("lot list: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := s.scanLot(rows)
		if err != nil {
			return page, fmt.Errorf("lot list: %w", err)
		}
		page.Lots = append(page.Lots, r)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("lot list: %w", err)
	}
	return page, nil
}

// byPlace is the PREWHERE that narrows a read of deals FINAL to the projects lots_by_place
// lists under the filter's places: FINAL then merges those projects' rows alone rather than
// every lot of the region, which at a country's scale is what keeps a lot page interactive.
// The table is ordered by lot identity, so the server finds the projects through its
// primary index, and as a PREWHERE it reads the other columns of those rows alone (a WHERE
// reads them for every row first). A PREWHERE applies before FINAL merges the versions of a
// lot; on the project code, which every version of a lot shares, it keeps all of them or
// none, so FINAL still finds the current one. A filter of the whole
// region narrows nothing here: the period alone selects too many projects for the set to
// pay. lots_by_place holds a row for every current lot (and perhaps for earlier versions
// not yet cancelled out), so nothing the filter selects is lost; the filter itself, the
// WHERE after FINAL, keeps exactly the current lots.
func (s *Store) byPlace(f Filter) (string, []any) {
	if !s.placesOnly(f) {
		return "", nil
	}
	where, args := where(f, s.region)
	return "PREWHERE project_code IN (SELECT project_code FROM lots_by_place " + where + ") ", args
}

// placesOnly tells whether f selects the lots of some of the database's places only: a view of
// some places, or any view of an account whose region is smaller than the deployment's. Their
// lists are read from lots_by_place, ordered by place and day, which holds those places' lots
// together; a read of deals would go through every place's rows to find them, since deals is
// ordered by lot identity.
func (s *Store) placesOnly(f Filter) bool {
	return s.someOf(f) || s.region.Code() != s.wholeStore().region.Code()
}

// byPlaceSettings end a read of deals with byPlace's subquery. In cluster mode both tables are
// Distributed tables sharded alike by lot identity, so each shard answers the subquery from
// its own part of lots_by_place (GLOBAL IN would ship the whole set to every shard, and on
// 18.16 it keeps the server from using the primary index for it). On one server the setting
// changes nothing. It is written in the query: 18.16 takes only numbers as settings sent
// beside a query.
const byPlaceSettings = " SETTINGS distributed_product_mode = 'local'"

// listed is a lot of a page as the page's first read finds it: its identity and the values
// of the version that read saw.
type listed struct {
	project, lot, place, date, typ string
	amount, savings, premium       int64
}

// listedColumns are what regionPage reads of each lot: the columns a list sorts and filters on.
const listedColumns = `project_code, lot_code, place_code, toString(deal_date), toString(trade_type), amount_fen, savings_fen, premium_fen`

// pageSpan is the period and the offset a page of the lots f selects is read with: for a
// date-ordered page of many lots, the days that hold it (pageDays) and the page's place
// among those days' lots, so that the server reads those days alone.
func (s *Store) pageSpan(ctx context.Context, f Filter, q LotQuery, many bool) (Filter, int, error) {
	offset := (q.Page - 1) * q.Size
	if q.Sort != SortDate || !many {
		return f, offset, nil
	}
	from, to, skip, err := s.pageDays(ctx, f, q)
	if err != nil {
		return f, 0, err
	}
	f.From, f.To = from, to
	return f, offset - skip, nil
}

// placesPage reads a page of the lots of a filter of some places from lots_by_place, which
// holds every column a list shows, ordered by place and day: a county's or a province's lots
// are read without the rest of the region's (twoStepPage). Until the table has merged a
// replaced lot's rows away, its earlier version is there with its +1 and its -1, so the rows
// are summed by version; rows that are all +1 hold each current lot once and need no sum,
// which is worth a look first when they are many (a province's year in amount order).
func (s *Store) placesPage(ctx context.Context, f Filter, q LotQuery, order string, totals func() (Totals, error)) ([]LotRow, error) {
	t, err := totals()
	if err != nil {
		return nil, err
	}
	// A few places' lots of a period (a county's year is hundreds) are read in date order at
	// once; a province's year is worth finding the page's days first.
	few := t.Projects <= int64(s.smallList)
	narrow, offset, err := s.pageSpan(ctx, f, q, !few)
	if err != nil {
		return nil, err
	}
	where, args := where(narrow, s.region)
	grouped := q.Sort == SortDate || few
	if !grouped {
		var clean uint8
		if err := s.conn.QueryRow(ctx, "SELECT min(lots) = 1 AND max(lots) = 1 FROM lots_by_place "+where, args...).Scan(&clean); err != nil {
			return nil, fmt.Errorf("index rows: %w", err)
		}
		grouped = clean == 0
	}
	src := "lots_by_place " + where
	if grouped {
		src = "(SELECT " + lotSortKey + ", sum(lots) AS n FROM lots_by_place " + where + " GROUP BY " + lotSortKey + " HAVING n > 0)"
	}
	lots, ok, err := s.twoStepPage(ctx, src, where, args, order, offset, q.Size)
	if ok || err != nil {
		return lots, err
	}
	src = "(SELECT " + lotIndexKey + ", sum(lots) AS n FROM lots_by_place " + where + " GROUP BY " + lotIndexKey + " HAVING n > 0)"
	return s.readLots(ctx, `SELECT `+lotColumns+` FROM `+src+order+` LIMIT ?, ?`, append(args, offset, q.Size)...)
}

// twoStepPage reads a page of the lots of lots_by_place's rows where (args its arguments) in
// two steps: the page's lots from src (those rows, or their sums by lotSortKey), by the columns
// a list sorts on, then the rest of their columns for those lots alone. Sorting a province's
// year, or summing a province's day, reads every row it selects, and the names and the other
// wide columns would be most of that read. Summed by lotSortKey, the rows of a lot's versions
// that differ in a wide column only (a name corrected) add up to the lot once. It reports false
// when a load changed some of the page's lots between the two reads: the caller reads them as
// a whole.
func (s *Store) twoStepPage(ctx context.Context, src, where string, args []any, order string, offset, size int) ([]LotRow, bool, error) {
	rows, err := s.conn.Query(ctx, `SELECT `+listedColumns+` FROM `+src+order+` LIMIT ?, ?`,
		append(args, offset, size)...)
	if err != nil {
		return nil, false, err
	}
	var page []listed
	places, days, projects := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for rows.Next() {
		var l listed
		if err := rows.Scan(&l.project, &l.lot, &l.place, &l.date, &l.typ, &l.amount, &l.savings, &l.premium); err != nil {
			rows.Close()
			return nil, false, err
		}
		page = append(page, l)
		places[l.place], days[l.date], projects[l.project] = true, true, true
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(page) == 0 {
		return nil, err == nil, err
	}
	// The table's key begins with place, day and project: the server reads the granules that
	// hold the page's lots and no others. The rows are summed by version, as a load may have
	// replaced a lot since the first read.
	found, err := s.readLots(ctx, `SELECT `+lotColumns+` FROM (SELECT `+lotIndexKey+`, sum(lots) AS n FROM lots_by_place `+where+
		` AND place_code IN ? AND deal_date IN ? AND project_code IN ? GROUP BY `+lotIndexKey+` HAVING n > 0)`,
		append(args, groupSet(places), groupSet(days), groupSet(projects))...)
	if err != nil {
		return nil, false, err
	}
	type identity struct{ project, lot string }
	at := make(map[identity]LotRow, len(found))
	for _, r := range found {
		id := identity{r.ProjectCode, r.LotCode}
		if _, twice := at[id]; twice {
			return nil, false, nil
		}
		at[id] = r
	}
	out := make([]LotRow, 0, len(page))
	for _, l := range page {
		r, ok := at[identity{l.project, l.lot}]
		if !ok || r.Place != l.place || r.Date.String() != l.date || string(r.Type) != l.typ ||
			int64(r.Amount) != l.amount || int64(r.Savings) != l.savings || int64(r.Premium) != l.premium {
			return nil, false, nil
		}
		out = append(out, r)
	}
	return out, true, nil
}

// groupSet is the set of m's keys as one argument of an IN.
func groupSet(m map[string]bool) clickhouse.GroupSet {
	v := make([]any, 0, len(m))
	for k := range m {
		v = append(v, k)
	}
	return clickhouse.GroupSet{Value: v}
}

// readLots runs query, a SELECT of lotColumns, and reads every lot it returns.
func (s *Store) readLots(ctx context.Context, query string, args ...any) ([]LotRow, error) {
	rows, err := s.conn.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LotRow
	for rows.Next() {
		r, err := s.scanLot(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// regionPage finds the lots of a page of a filter of the whole region from deals when its
// rows are all current (onlyCurrent), reading only the columns a list sorts and filters on,
// and for a date-ordered page the days of the page alone, which the server finds without
// reading the others since project codes are given out in date order. It reports false when
// earlier versions of some lots are still there: the caller reads with FINAL.
func (s *Store) regionPage(ctx context.Context, f Filter, q LotQuery, order string, totals func() (Totals, error)) ([]listed, bool, error) {
	current, err := s.onlyCurrent(ctx, f, totals)
	if err != nil || !current {
		return nil, false, err
	}
	narrow, offset, err := s.pageSpan(ctx, f, q, true)
	if err != nil {
		return nil, false, err
	}
	where, args := dealsWhere(narrow, s.region)
	where, args = currentWhere(where, args, narrow.From, narrow.To)
	rows, err := s.conn.Query(ctx, `SELECT `+listedColumns+` FROM deals `+where+order+` LIMIT ?, ?`, append(args, offset, q.Size)...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []listed
	for rows.Next() {
		var l listed
		if err := rows.Scan(&l.project, &l.lot, &l.place, &l.date, &l.typ, &l.amount, &l.savings, &l.premium); err != nil {
			return nil, false, err
		}
		out = append(out, l)
	}
	return out, true, rows.Err()
}

// smallList is how many lots a filter of some places may select for placesPage to read them in
// date order without first finding the page's days, and to sum lots_by_place's rows by
// version without first looking whether it must (Store.smallList, which tests lower). The sum
// groups the rows by every column a list shows: for a county's year (hundreds of lots) it
// costs less than the look, for a province's (tens of thousands) several times more.
const smallList = 5000

// lotSortKey begins lotIndexKey: a lot's identity, place and day and the values a list sorts on.
const lotSortKey = `place_code, deal_date, project_code, lot_code, trade_type, amount_fen, savings_fen, premium_fen`

// lotIndexKey is the sorting key of lots_by_place: a lot version's row.
const lotIndexKey = lotSortKey + `,
	name, region_code, budget_fen, reserve_fen, online, sub_type`

// onlyCurrent tells whether every row of deals that the filter selects is the current
// version of its lot, so that the lots can be read without FINAL, which at national scale
// costs a merge of every lot on every read (a second at 10M lots on two cores, against tens
// of milliseconds without). The rows the filter selects always include the current version
// of every lot it selects, whose number the daily figures hold (lots); so when the rows
// number exactly that many, they are exactly those current versions, and no older version
// of a lot reloaded since, nor a copy of one loaded twice, is among them.
func (s *Store) onlyCurrent(ctx context.Context, f Filter, totals func() (Totals, error)) (bool, error) {
	// Most of the time no older version is left anywhere (the server has merged them away):
	// the table's row count, which the server knows without reading, equals all lots.
	var rows uint64
	if err := s.conn.QueryRow(ctx, "SELECT count() FROM deals").Scan(&rows); err != nil {
		return false, fmt.Errorf("count rows: %w", err)
	}
	all, err := cached(ctx, s, "all lots", func(ctx context.Context) (uint64, error) {
		var n uint64
		err := s.conn.QueryRow(ctx, "SELECT toUInt64(sum(lots)) FROM figures_monthly").Scan(&n)
		return n, err
	})
	if err != nil {
		return false, fmt.Errorf("count lots: %w", err)
	}
	if rows == all {
		return true, nil
	}
	where, args := dealsWhere(f, s.region)
	if err := s.conn.QueryRow(ctx, "SELECT count() FROM deals "+where, args...).Scan(&rows); err != nil {
		return false, fmt.Errorf("count rows: %w", err)
	}
	t, err := totals()
	if err != nil {
		return false, err
	}
	return rows == uint64(t.Projects), nil
}

// lotsOf reads the lots of a page found by regionPage, in its order, by their project codes
// (the sorting key of deals, so that names and the other wide columns are read for these
// lots alone). Of a lot's rows the highest version is the current one, as FINAL would keep.
// It reports false when a lot's current version is not the one regionPage saw: a load
// replaced it between the two reads.
func (s *Store) lotsOf(ctx context.Context, page []listed) ([]LotRow, bool, error) {
	if len(page) == 0 {
		return nil, true, nil
	}
	type identity struct{ project, lot string }
	type found struct {
		row     LotRow
		version uint64
	}
	at := make(map[identity]*found, len(page))
	projects := make([]any, 0, len(page))
	for _, l := range page {
		at[identity{l.project, l.lot}] = &found{}
		projects = append(projects, l.project)
	}
	// PREWHERE: the other columns are read for the page's projects' rows alone.
	rows, err := s.conn.Query(ctx, `SELECT `+lotColumns+`, version FROM deals PREWHERE project_code IN ?`, clickhouse.GroupSet{Value: projects})
	if err != nil {
		return nil, false, fmt.Errorf("lot list: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var version uint64
		r, err := s.scanLot(rows, &version)
		if err != nil {
			return nil, false, fmt.Errorf("lot list: %w", err)
		}
		if f := at[identity{r.ProjectCode, r.LotCode}]; f != nil && version >= f.version {
			f.row, f.version = r, version
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("lot list: %w", err)
	}
	out := make([]LotRow, len(page))
	for i, l := range page {
		r := at[identity{l.project, l.lot}].row
		if r.Place != l.place || r.Date.String() != l.date || string(r.Type) != l.typ ||
			int64(r.Amount) != l.amount || int64(r.Savings) != l.savings || int64(r.Premium) != l.premium {
			return nil, false, nil
		}
		out[i] = r
	}
	return out, true, nil
}

// pageDays is the span of days that holds a date-ordered page of the lots f selects, and how
// many of those lots come before that span in the page's order, from the lots per day (whose
// rows, changes that add up, sum to each day's current lots). A page past the last lot gets
// the last day and skips every lot before it.
func (s *Store) pageDays(ctx context.Context, f Filter, q LotQuery) (from, to tradestat.Date, skip int, err error) {
	type day struct {
		date tradestat.Date
		lots int
	}
	days, err := cached(ctx, s, fmt.Sprintf("days %+v", f), func(ctx context.Context) ([]day, error) {
		// lots_by_place finds a few places' days in their own rows; the whole region's are fewer
		// rows in figures_daily, a group per day × place × type rather than per lot.
		table := "figures_daily"
		if s.placesOnly(f) {
			table = "lots_by_place"
		}
		where, args := where(f, s.region)
		rows, err := s.conn.Query(ctx, "SELECT toString(deal_date), sum(lots) AS n FROM "+table+" "+where+
			" GROUP BY deal_date HAVING n != 0 ORDER BY deal_date", args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []day
		for rows.Next() {
			var d string
			var n int64
			if err := rows.Scan(&d, &n); err != nil {
				return nil, err
			}
			date, err := tradestat.ParseDate(d)
			if err != nil {
				return nil, err
			}
			out = append(out, day{date, int(n)})
		}
		return out, rows.Err()
	})
	if err != nil || len(days) == 0 {
		return f.From, f.To, 0, err
	}
	if !q.Asc { // newest first
		days = append([]day(nil), days...)
		for i, j := 0, len(days)-1; i < j; i, j = i+1, j-1 {
			days[i], days[j] = days[j], days[i]
		}
	}
	first, last := (q.Page-1)*q.Size, q.Page*q.Size-1 // the page's lots, counted from 0
	seen, start, end := 0, -1, len(days)-1
	for i, d := range days {
		if start < 0 && seen+d.lots > first {
			start, skip = i, seen
		}
		seen += d.lots
		if seen > last {
			end = i
			break
		}
	}
	if start < 0 { // past the last lot
		start, skip = len(days)-1, seen-days[len(days)-1].lots
	}
	from, to = days[start].date, days[end].date
	if to.Before(from) {
		from, to = to, from
	}
	return from, to, skip, nil
}

// datesWhere is how every where() begins: the period, with its two arguments first.
const datesWhere = "WHERE deal_date >= toDate(?) AND deal_date <= toDate(?)"

// currentWhere turns a where() (or searchWhere) clause for a read of rows known to be current
// (no FINAL) into a PREWHERE on the days from..to, which the server evaluates first and uses
// to skip whole granules, and the rest as WHERE. from..to lies within the filter's period.
func currentWhere(where string, args []any, from, to tradestat.Date) (string, []any) {
	rest, ok := strings.CutPrefix(where, datesWhere)
	if !ok { // not from where(): read as it is, only slower
		return where, args
	}
	return "PREWHERE deal_date >= toDate(?) AND deal_date <= toDate(?) WHERE 1" + rest,
		append([]any{from.String(), to.String()}, args[2:]...)
}

// EachLot streams every lot a filter and search select, in project and lot order, to emit:
// the driver reads the result block by block, so any number of lots passes through without
// being held. It stops at emit's first error.
func (s *Store) EachLot(ctx context.Context, f Filter, search string, noBasis bool, emit func(LotRow) error) error {
	done, err := lane(ctx, s.exports)
	if err != nil {
		return fmt.Errorf("lots: %w", err)
	}
	defer done()
	defer s.took("export", time.Now())
	where, args := lotWhere(f, s.region, search, noBasis)
	final := "FINAL "
	pre, preArgs := s.byPlace(f)
	if pre == "" && search == "" && !noBasis {
		t, err := s.Summary(ctx, f)
		if err != nil {
			return fmt.Errorf("lots: %w", err)
		}
		current, err := s.onlyCurrent(ctx, f, func() (Totals, error) { return t, nil })
		if err != nil {
			return fmt.Errorf("lots: %w", err)
		}
		if current {
			final = ""
			where, args = currentWhere(where, args, f.From, f.To)
		}
	}
	rows, err := s.conn.Query(ctx, `SELECT `+lotColumns+` FROM deals `+final+pre+where+` ORDER BY project_code, lot_code`+byPlaceSettings, concat(preArgs, args)...)
	if err != nil {
		return fmt.Errorf("lots: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := s.scanLot(rows)
		if err != nil {
			return fmt.Errorf("lots: %w", err)
		}
		if err := emit(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("lots: %w", err)
	}
	return nil
}

// lotColumns are what scanLot reads.
const lotColumns = `project_code, lot_code, name, toString(trade_type), place_code, region_code,
	toString(deal_date), budget_fen, reserve_fen, amount_fen, savings_fen, premium_fen, online, sub_type`

// scanLot reads one row of lotColumns (and any columns after them into extra), naming its places within the store's region.
func (s *Store) scanLot(rows interface{ Scan(...any) error }, extra ...any) (LotRow, error) {
	var (
		r                     LotRow
		typ, date             string
		bud, res, amt, sv, pr int64
		online                uint8
	)
	if err := rows.Scan(append([]any{&r.ProjectCode, &r.LotCode, &r.Name, &typ, &r.Place, &r.Region, &date,
		&bud, &res, &amt, &sv, &pr, &online, &r.SubType}, extra...)...); err != nil {
		return r, err
	}
	var err error
	if r.Date, err = tradestat.ParseDate(date); err != nil {
		return r, err
	}
	r.Type, r.Online = tradestat.TradeType(typ), online == 1
	r.Budget, r.Reserve, r.Amount, r.Savings, r.Premium = money.Fen(bud), money.Fen(res), money.Fen(amt), money.Fen(sv), money.Fen(pr)
	r.PlaceName, r.RegionName = s.region.NameOf(r.Place), s.region.NameOf(r.Region)
	return r, nil
}

// lotWhere is searchWhere, narrowed with noBasis to the lots a figure lacks a basis for.
func lotWhere(f Filter, r division.Region, search string, noBasis bool) (string, []any) {
	where, args := searchWhere(f, r, search)
	if !noBasis {
		return where, args
	}
	tender, targs := inTypes(tradestat.TypeNames(tradestat.Tender))
	auction, aargs := inTypes(tradestat.TypeNames(tradestat.Auction))
	return where + " AND (budget_fen = 0 AND " + tender + " OR reserve_fen = 0 AND " + auction + ")", concat(args, targs, aargs)
}

// dealsWhere is where for a read of the lots in deals: the filter's lots that completed
// trading. A lot that did not (流标, 废标, 终止 …) stays in deals, where it replaces its
// earlier version, and is in no figure and no list.
func dealsWhere(f Filter, r division.Region) (string, []any) {
	where, args := where(f, r)
	return where + " AND cancelled = 0", args
}

// searchWhere is the filter's WHERE clause narrowed to lots whose project code, lot code or
// name contains search (any case); "" narrows nothing.
func searchWhere(f Filter, r division.Region, search string) (string, []any) {
	where, args := dealsWhere(f, r)
	return narrowSearch(where, args, search)
}

// cancelledWhere is searchWhere for the lots that did not complete trading.
func cancelledWhere(f Filter, r division.Region, search string) (string, []any) {
	where, args := where(f, r)
	return narrowSearch(where+" AND cancelled = 1", args, search)
}

// narrowSearch narrows a WHERE clause to lots whose project code, lot code or name contains
// search (any case); "" narrows nothing.
func narrowSearch(where string, args []any, search string) (string, []any) {
	if search == "" {
		return where, args
	}
	return where + " AND (positionCaseInsensitiveUTF8(project_code, ?) > 0 OR positionCaseInsensitiveUTF8(lot_code, ?) > 0 OR positionCaseInsensitiveUTF8(name, ?) > 0)",
		append(args, search, search, search)
}
