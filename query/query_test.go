package query_test

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat"
	"tradestat/commit"
	"tradestat/demo"
	"tradestat/division"
	"tradestat/ingest"
	"tradestat/internal/chtest"
	"tradestat/internal/tradestattest"
	"tradestat/money"
	"tradestat/query"
)

// loadDemo gives the test a fresh database holding the demo dataset.
func loadDemo(t *testing.T) *query.Store {
	t.Helper()
	_, s := loadDemoConn(t)
	return s
}

// loadDemoConn is loadDemo with the connection to the database.
func loadDemoConn(t *testing.T) (driver.Conn, *query.Store) {
	t.Helper()
	conn, _ := chtest.Open(t)
	if _, err := demo.Load(context.Background(), commit.NewLoader(conn, division.MustRegion("530500")), division.MustRegion("530500")); err != nil {
		t.Fatal(err)
	}
	return conn, query.New(conn, division.MustRegion("530500"))
}

// expected sums the demo lots in Go, independently of the SQL, for the lots f selects.
func expected(f query.Filter) query.Totals {
	return tradestattest.Sum(division.MustRegion("530500"), demoLots(), f)
}

// expectedCompetition is the competition figures of the demo's sections f selects, computed
// in Go.
func expectedCompetition(f query.Filter) query.Competition {
	return tradestattest.Compete(division.MustRegion("530500"), demoLots(), f)
}

func demoLots() []tradestat.Lot {
	var lots []tradestat.Lot
	years, err := demo.Dataset(division.MustRegion("530500"))
	if err != nil {
		panic(err)
	}
	for _, y := range years {
		lots = append(lots, y.Lots...)
	}
	return lots
}

func TestSummary(t *testing.T) {
	store := loadDemo(t)
	ctx := context.Background()
	y2021 := tradestattest.Year(t, 2021)
	withPlace := y2021
	withPlace.Place = "530581"
	city := y2021
	city.Level = division.CentreCity
	county := y2021
	county.Level = division.CentreCounty
	land := tradestattest.Period(t, "2019-01-01", "2023-12-31")
	land.Type = tradestat.Land
	proc := tradestattest.Period(t, "2020-01-01", "2020-08-31")
	proc.Family = tradestat.FamilyProcurement
	tests := []struct {
		name   string
		filter query.Filter
		want   *query.Totals // nil: compare with the independent Go sum only
	}{
		{"T1 2021", y2021, &query.Totals{Projects: 1651, Amount: 1107371 * money.Wan, Savings: 3530382 * money.Wan / 100, Premium: 173388 * money.Wan / 10, Online: 289}},
		{"T2 procurement", proc, &query.Totals{Projects: 406, Amount: 7174271 * money.Wan / 100, Savings: 481593 * money.Wan / 100, Online: expected(proc).Online}},
		{"one place", withPlace, nil},
		{"city level", city, nil},
		{"county level", county, nil},
		{"one type, all years", land, nil},
		{"a single day", tradestattest.Period(t, "2021-12-31", "2021-12-31"), nil},
		{"partial months at both ends", tradestattest.Period(t, "2020-02-15", "2021-03-10"), nil},
		{"whole years between partial months and days", tradestattest.Period(t, "2019-03-15", "2022-05-10"), nil},
		{"whole years and months", tradestattest.Period(t, "2019-11-01", "2022-02-28"), nil},
		{"two whole years", tradestattest.Period(t, "2020-01-01", "2021-12-31"), nil},
		{"a partial month at the start", tradestattest.Period(t, "2021-02-28", "2021-12-31"), nil},
		{"a partial month at the end", tradestattest.Period(t, "2021-01-01", "2021-02-27"), nil},
		{"within one month", tradestattest.Period(t, "2021-03-02", "2021-03-30"), nil},
		{"a leap February whole", tradestattest.Period(t, "2020-02-01", "2020-02-29"), nil},
		{"one area", func() query.Filter { f := y2021; f.Area = "530581"; return f }(), nil},
		{"no lots", tradestattest.Year(t, 2030), &query.Totals{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := store.Summary(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != nil && got.Five() != *tt.want {
				t.Errorf("got %+v, want %+v", got, *tt.want)
			}
			if exp := expected(tt.filter); got != exp {
				t.Errorf("got %+v, the lots add up to %+v", got, exp)
			}
		})
	}
}

// TestBreakdownAddsUp: for every dimension, the rows add up to the Summary of the same filter,
// and each row equals the lots of its key, summed independently: for the whole region over two
// years (one read per breakdown), for its counties over two years, a year and a quarter, and
// over parts of months within a year; for some places, with the cubes (whole months) and
// without them (one read of the figures by month × place × type).
func TestBreakdownAddsUp(t *testing.T) {
	store := loadDemo(t)
	ctx := context.Background()
	f := tradestattest.Period(t, "2020-01-01", "2021-12-31")
	counties := f
	counties.Level = "县区级"
	countiesIn2021 := tradestattest.Year(t, 2021)
	countiesIn2021.Level = "县区级"
	quarter := tradestattest.Period(t, "2021-04-01", "2021-06-30")
	quarter.Level = "县区级"
	partial := tradestattest.Period(t, "2021-03-15", "2021-11-20") // parts of months: never the cubes
	partial.Level = "县区级"
	for _, c := range []struct {
		cubes bool
		bases []query.Filter
	}{{false, []query.Filter{f, counties, partial}}, {true, []query.Filter{counties, countiesIn2021, quarter}}} {
		if err := query.SetCubes(ctx, store, c.cubes, 2019, 2023); err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprintf("cubes=%v", c.cubes), func(t *testing.T) { breakdownAddsUp(t, store, c.bases) })
	}
	rows, _, err := store.Breakdown(ctx, f, query.ByMonth)
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Key != "2020-01" || rows[0].Name != "2020年1月" || rows[23].Key != "2021-12" {
		t.Errorf("months: first %s %s, last %s", rows[0].Key, rows[0].Name, rows[23].Key)
	}
}

func breakdownAddsUp(t *testing.T, store *query.Store, bases []query.Filter) {
	ctx := context.Background()
	clip := func(base query.Filter, from, to string) (tradestat.Date, tradestat.Date) {
		p := tradestattest.Period(t, from, to)
		if p.From.Before(base.From) {
			p.From = base.From
		}
		if base.To.Before(p.To) {
			p.To = base.To
		}
		return p.From, p.To
	}
	for _, base := range bases {
		sum, err := store.Summary(ctx, base)
		if err != nil {
			t.Fatal(err)
		}
		if exp := expected(base); sum != exp {
			t.Errorf("level %q: summary %+v, the lots add up to %+v", base.Level, sum, exp)
		}
		years := base.To.Year - base.From.Year + 1
		months := 12*(base.To.Year-base.From.Year) + int(base.To.Month-base.From.Month) + 1
		wantRows := map[query.Dimension]int{query.ByYear: years, query.ByMonth: months, query.ByPlace: 6, query.ByLevel: 2, query.ByType: 8, query.ByFamily: 4}
		for dim, n := range wantRows {
			rows, total, err := store.Breakdown(ctx, base, dim)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != n {
				t.Errorf("%s–%s, level %q, by %s: %d rows, want %d", base.From, base.To, base.Level, dim, len(rows), n)
			}
			if total != sum {
				t.Errorf("level %q, by %s: total %+v, summary %+v", base.Level, dim, total, sum)
			}
			for _, r := range rows {
				narrowed := base
				switch dim {
				case query.ByPlace:
					narrowed.Place = r.Key
				case query.ByLevel:
					if base.Level != "" && r.Key != base.Level { // outside the filter: nothing
						if r.Totals != (query.Totals{}) {
							t.Errorf("level %q, by level, %s: %+v, want nothing", base.Level, r.Key, r.Totals)
						}
						continue
					}
					narrowed.Level = r.Key
				case query.ByType:
					narrowed.Type = tradestat.TradeType(r.Key)
				case query.ByFamily:
					narrowed.Family = tradestat.Family(r.Key)
				case query.ByYear:
					narrowed.From, narrowed.To = clip(base, r.Key+"-01-01", r.Key+"-12-31")
				case query.ByMonth:
					y, _ := strconv.Atoi(r.Key[:4])
					m, _ := strconv.Atoi(r.Key[5:])
					narrowed.From, narrowed.To = clip(base, r.Key+"-01", fmt.Sprintf("%s-%02d", r.Key, tradestat.DaysIn(y, time.Month(m))))
				default:
					continue
				}
				if exp := expected(narrowed); r.Totals != exp {
					t.Errorf("%s–%s, level %q, by %s, %s (%s): got %+v, the lots add up to %+v", base.From, base.To, base.Level, dim, r.Key, r.Name, r.Totals, exp)
				}
			}
		}
	}
}

func TestExtentAndFreshness(t *testing.T) {
	store := loadDemo(t)
	ctx := context.Background()
	from, to, ok, err := store.Extent(ctx)
	if err != nil || !ok {
		t.Fatalf("extent: %v %v", ok, err)
	}
	if from.Year != 2019 || to.Year != 2023 {
		t.Errorf("extent %s..%s, want 2019..2023", from, to)
	}
	fr, err := store.LoadInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !fr.Demo || fr.LastLoad.IsZero() {
		t.Errorf("freshness %+v", fr)
	}
}

// TestExtentOfRegion: an account's store knows the extent and the last load of its region's
// lots only — a lot of another county dated years later, loaded later, moves neither.
func TestExtentOfRegion(t *testing.T) {
	conn, whole := loadDemoConn(t)
	ctx := context.Background()
	tengchong := whole.For(division.MustRegion("530581"))
	before, err := tengchong.LoadInfo(ctx)
	if err != nil || before.LastLoad.IsZero() {
		t.Fatalf("腾冲市's last load: %+v %v", before, err)
	}
	time.Sleep(1100 * time.Millisecond) // finished_at is in seconds
	if _, err := commit.NewLoader(conn, division.MustRegion("530502")).LoadFile(ctx, "testdata/longyang-2025.csv", ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		st       *query.Store
		lastYear int
		later    bool // the last load is 隆阳区's
	}{
		{query.New(conn, division.MustRegion("530500")), 2025, true},
		{whole.For(division.MustRegion("530502")), 2025, true},
		{query.New(conn, division.MustRegion("530500")).For(division.MustRegion("530581")), 2023, false},
	} {
		_, to, ok, err := tt.st.Extent(ctx)
		if err != nil || !ok || to.Year != tt.lastYear {
			t.Errorf("%s: extent to %s (%v %v), want %d", tt.st.Region().Name(), to, ok, err, tt.lastYear)
		}
		fr, err := tt.st.LoadInfo(ctx)
		if err != nil || fr.LastLoad.After(before.LastLoad) != tt.later {
			t.Errorf("%s: last load %s (%v), 腾冲市's before %s: want the later load %v", tt.st.Region().Name(), fr.LastLoad, err, before.LastLoad, tt.later)
		}
	}
}

func TestPreviousYear(t *testing.T) {
	tests := []struct{ from, to, wantFrom, wantTo string }{
		{"2021-01-01", "2021-12-31", "2020-01-01", "2020-12-31"},
		{"2025-01-01", "2025-02-28", "2024-01-01", "2024-02-29"},
		{"2024-02-29", "2024-03-10", "2023-02-28", "2023-03-10"},
		{"2024-01-01", "2024-02-29", "2023-01-01", "2023-02-28"},
		{"2021-03-05", "2021-04-29", "2020-03-05", "2020-04-29"},
	}
	for _, tt := range tests {
		got := tradestattest.Period(t, tt.from, tt.to).PreviousYear()
		if got.From.String() != tt.wantFrom || got.To.String() != tt.wantTo {
			t.Errorf("%s..%s a year earlier: %s..%s, want %s..%s", tt.from, tt.to, got.From, got.To, tt.wantFrom, tt.wantTo)
		}
	}
}

// TestLots: the lot list behind a figure pages through every lot exactly once, in order, and
// its totals are the figure's.
func TestLots(t *testing.T) {
	conn, store := loadDemoConn(t)
	ctx := context.Background()
	f := tradestattest.Year(t, 2021)
	f.Place = "530581"
	sum, err := store.Summary(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	var seen query.Totals
	ids := map[string]bool{}
	var last money.Fen = -1
	for page := 1; ; page++ {
		p, err := store.Lots(ctx, f, query.LotQuery{Sort: query.SortAmount, Asc: true, Page: page, Size: 37})
		if err != nil {
			t.Fatal(err)
		}
		if p.Totals != sum {
			t.Fatalf("page %d: totals %+v, the summary is %+v", page, p.Totals, sum)
		}
		if len(p.Lots) == 0 {
			break
		}
		for _, l := range p.Lots {
			id := l.ProjectCode + "/" + l.LotCode
			if ids[id] || l.Amount < last || l.Place != "530581" || l.Date.Year != 2021 {
				t.Fatalf("page %d: lot %s (amount %d after %d) repeated, out of order or outside the filter", page, id, l.Amount, last)
			}
			ids[id], last = true, l.Amount
			seen.Projects++
			seen.Amount += l.Amount
			seen.Savings += l.Savings
			seen.Premium += l.Premium
			if l.Online {
				seen.Online++
			}
		}
	}
	if seen != sum.Five() {
		t.Errorf("the pages add up to %+v, the summary is %+v", seen, sum.Five())
	}

	// In every order, page after page, largest or smallest first: the lots in the order of the
	// whole list, read independently through the export's stream, for one place (read in date
	// order at once, and as a province's lots are, looking first whether the rows need a sum),
	// for the whole region and for the whole region of an account limited to part of it.
	looking := query.New(conn, division.MustRegion("530500"))
	query.SetSmallList(looking, 0)
	region := f
	region.Place = ""
	for _, c := range []struct {
		name  string
		store *query.Store
		f     query.Filter
		sizes []int
	}{{"one place", store, f, []int{7}}, {"one place, looking first", looking, f, []int{13, 50}}, {"the region", store, region, []int{50}},
		// An account's whole region is some of the database's places: read as they are.
		{"a county account's region", store.For(division.MustRegion("530581")), region, []int{9}},
		{"a district account's region, looking first", looking.For(division.MustRegion("530502")), region, []int{11}}} {
		var all []query.LotRow
		if err := c.store.EachLot(ctx, c.f, "", false, func(l query.LotRow) error { all = append(all, l); return nil }); err != nil {
			t.Fatal(err)
		}
		for _, order := range []query.LotSort{query.SortDate, query.SortAmount, query.SortSavings, query.SortPremium} {
			value := func(l query.LotRow) string {
				switch order {
				case query.SortAmount:
					return fmt.Sprintf("%020d", l.Amount)
				case query.SortSavings:
					return fmt.Sprintf("%020d", l.Savings)
				case query.SortPremium:
					return fmt.Sprintf("%020d", l.Premium)
				}
				return l.Date.String()
			}
			for _, asc := range []bool{false, true} {
				want := append([]query.LotRow(nil), all...)
				sort.SliceStable(want, func(i, j int) bool {
					a, b := want[i], want[j]
					if va, vb := value(a), value(b); va != vb {
						return (va < vb) == asc
					}
					return a.ProjectCode+"\x00"+a.LotCode < b.ProjectCode+"\x00"+b.LotCode
				})
				for _, size := range c.sizes {
					var got []query.LotRow
					for page := 1; page <= len(all)/size+2; page++ {
						p, err := c.store.Lots(ctx, c.f, query.LotQuery{Sort: order, Asc: asc, Page: page, Size: size})
						if err != nil {
							t.Fatal(err)
						}
						got = append(got, p.Lots...)
					}
					if len(got) != len(want) {
						t.Fatalf("%s, %s order (asc %v), pages of %d: %d lots, want %d", c.name, order, asc, size, len(got), len(want))
					}
					for i := range want {
						if got[i] != want[i] {
							t.Fatalf("%s, %s order (asc %v), pages of %d: lot %d is %s/%s %s, want %s/%s %s", c.name, order, asc, size, i,
								got[i].ProjectCode, got[i].LotCode, value(got[i]), want[i].ProjectCode, want[i].LotCode, value(want[i]))
						}
					}
				}
			}
		}
	}

	// A search narrows the list and its totals together.
	first, err := store.Lots(ctx, f, query.LotQuery{Sort: query.SortDate, Page: 1, Size: 1})
	if err != nil || len(first.Lots) != 1 {
		t.Fatalf("first lot: %v, %v", first, err)
	}
	code := first.Lots[0].ProjectCode
	found, err := store.Lots(ctx, f, query.LotQuery{Search: strings.ToLower(code), Sort: query.SortDate, Page: 1, Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(found.Lots) == 0 || found.Totals.Projects != int64(len(found.Lots)) || found.Lots[0].ProjectCode != code {
		t.Errorf("search %q: %d lots, totals %+v", code, len(found.Lots), found.Totals)
	}
	for _, q := range []query.LotQuery{{Sort: query.SortDate, Page: 0, Size: 10}, {Sort: query.SortDate, Page: 1, Size: query.MaxPageSize + 1}, {Sort: "name; DROP TABLE deals", Page: 1, Size: 10}} {
		if _, err := store.Lots(ctx, f, q); err == nil {
			t.Errorf("%+v accepted", q)
		}
	}
}

// TestPinned: reads under one pinned context ask for the data's generation once, so they all
// describe one state of the data; a new context sees a load that came in between, unless the
// store trusts the generation it read for a while (query.Trust), and sees it after that.
func TestPinned(t *testing.T) {
	conn, _ := chtest.Open(t)
	store := query.New(conn, division.MustRegion("530500"))
	const trust = 2 * time.Second
	trusting := query.New(conn, division.MustRegion("530500"), query.Trust(trust))
	ctx := context.Background()
	year := tradestattest.Year(t, 2021)
	load := func(code string) {
		t.Helper()
		csv := "project_code,lot_code,trade_type,place_code,deal_date,amount_yuan\n" + code + ",001,工程建设,530502,2021-05-01,100.00\n"
		if _, err := commit.NewLoader(conn, division.MustRegion("530500")).Load(ctx, ingest.Source{Name: code + ".csv", Data: []byte(csv)}, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	load("P1")
	pinned := query.Pinned(ctx)
	first, err := store.Summary(pinned, year)
	if err != nil {
		t.Fatal(err)
	}
	trusted, err := trusting.Summary(ctx, year)
	if err != nil {
		t.Fatal(err)
	}
	read := time.Now()
	load("P2")
	again, err := store.Summary(pinned, year)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := store.Summary(query.Pinned(ctx), year)
	if err != nil {
		t.Fatal(err)
	}
	if first.Projects != 1 || again != first || fresh.Projects != 2 {
		t.Errorf("pinned %d then %d, a new context %d; want 1, 1, 2", first.Projects, again.Projects, fresh.Projects)
	}
	still, err := trusting.Summary(ctx, year)
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(read) < trust && (trusted.Projects != 1 || still.Projects != 1) {
		t.Errorf("within the trusted time: %d then %d lots, want 1 and 1", trusted.Projects, still.Projects)
	}
	time.Sleep(time.Until(read.Add(trust)))
	later, err := trusting.Summary(ctx, year)
	if err != nil {
		t.Fatal(err)
	}
	if later.Projects != 2 {
		t.Errorf("after the trusted time: %d lots, want 2", later.Projects)
	}
}

// TestLotsReadAroundOlderVersions: the lot list and the lot export read without FINAL only
// when no older version of a lot is among the rows a filter selects. With merges stopped, a
// reload that moves a lot to another year, renames another and changes a third one's amount
// leaves the older rows in place, in deals and (with their -1) in lots_by_place: the lists of
// every place and of one place must still show each lot once, as it is now, in code and in date
// order; after the merge (when the cheap reads apply) they must show the same.
func TestLotsReadAroundOlderVersions(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	for _, table := range []string{"deals", "lots_by_place"} {
		if err := conn.Exec(ctx, "SYSTEM STOP MERGES "+table); err != nil {
			t.Fatal(err)
		}
	}
	const header = "project_code,lot_code,name,trade_type,place_code,deal_date,amount_yuan,budget_yuan,reserve_yuan,online\n"
	first := header +
		"P1,001,一标段,工程建设,530502,2021-03-01,100.00,120.00,,是\n" +
		"P1,002,二标段,工程建设,530502,2021-03-02,200.00,220.00,,否\n" +
		"P1,003,三标段,工程建设,530502,2021-03-03,300.00,330.00,,否\n" +
		"P2,001,采购,政府采购,530581,2021-04-01,50.00,60.00,,是\n" +
		"P3,001,出让,土地使用权出让,530502,2020-05-01,900.00,,800.00,否\n"
	second := header +
		"P1,002,二标段（更正）,工程建设,530502,2020-12-30,210.00,220.00,,否\n" + // moved to 2020
		"P1,003,三标段（更名）,工程建设,530502,2021-03-03,300.00,330.00,,否\n" + // a new name only
		"P2,001,采购（更正）,政府采购,530581,2021-04-01,55.00,60.00,,是\n" // new amount
	loader := commit.NewLoader(conn, division.MustRegion("530500"))
	for i, body := range []string{first, second} {
		if _, err := loader.Load(ctx, ingest.Source{Name: []string{"first.csv", "second.csv"}[i], Data: []byte(body)}, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	var rows, lots uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM deals").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, "SELECT count() FROM deals FINAL").Scan(&lots); err != nil {
		t.Fatal(err)
	}
	if rows != 8 || lots != 5 {
		t.Fatalf("deals holds %d rows for %d lots; the test needs the older versions unmerged", rows, lots)
	}
	if err := conn.QueryRow(ctx, "SELECT count() FROM lots_by_place").Scan(&rows); err != nil || rows != 11 {
		t.Fatalf("lots_by_place holds %d rows (%v); the test needs the replaced versions' +1 and -1 unmerged", rows, err)
	}
	// By year, of every place (read from deals) and of one place (read through lots_by_place),
	// in code order and in date order.
	want := []struct {
		year       int
		area       string
		code, date string
	}{
		{2021, "", "P1/001 100.00 一标段, P1/003 300.00 三标段（更名）, P2/001 55.00 采购（更正）", "P2/001 55.00 采购（更正）, P1/003 300.00 三标段（更名）, P1/001 100.00 一标段"},
		{2020, "", "P1/002 210.00 二标段（更正）, P3/001 900.00 出让", "P1/002 210.00 二标段（更正）, P3/001 900.00 出让"},
		{2021, "530502", "P1/001 100.00 一标段, P1/003 300.00 三标段（更名）", "P1/003 300.00 三标段（更名）, P1/001 100.00 一标段"},
		{2020, "530502", "P1/002 210.00 二标段（更正）, P3/001 900.00 出让", "P1/002 210.00 二标段（更正）, P3/001 900.00 出让"},
		{2021, "530581", "P2/001 55.00 采购（更正）", "P2/001 55.00 采购（更正）"},
	}
	check := func(when string) {
		store := query.New(conn, division.MustRegion("530500"))
		looking := query.New(conn, division.MustRegion("530500")) // looks before it sums
		query.SetSmallList(looking, 0)
		for _, w := range want {
			f := tradestattest.Year(t, w.year)
			f.Area = w.area
			var listed, dated, looked, exported []string
			for page := 1; page <= 4; page++ {
				p, err := store.Lots(ctx, f, query.LotQuery{Sort: query.SortCode, Asc: true, Page: page, Size: 1})
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range p.Lots {
					listed = append(listed, l.ProjectCode+"/"+l.LotCode+" "+l.Amount.Yuan()+" "+l.Name)
				}
				if p, err = store.Lots(ctx, f, query.LotQuery{Sort: query.SortDate, Page: page, Size: 1}); err != nil {
					t.Fatal(err)
				}
				for _, l := range p.Lots {
					dated = append(dated, l.ProjectCode+"/"+l.LotCode+" "+l.Amount.Yuan()+" "+l.Name)
				}
				if p, err = looking.Lots(ctx, f, query.LotQuery{Sort: query.SortCode, Asc: true, Page: page, Size: 1}); err != nil {
					t.Fatal(err)
				}
				for _, l := range p.Lots {
					looked = append(looked, l.ProjectCode+"/"+l.LotCode+" "+l.Amount.Yuan()+" "+l.Name)
				}
			}
			if got := strings.Join(dated, ", "); got != w.date {
				t.Errorf("%s, %d %s: newest first, the list shows %s; want %s", when, w.year, w.area, got, w.date)
			}
			if err := store.EachLot(ctx, f, "", false, func(l query.LotRow) error {
				exported = append(exported, l.ProjectCode+"/"+l.LotCode+" "+l.Amount.Yuan()+" "+l.Name)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(listed, ", "); got != w.code {
				t.Errorf("%s, %d %s: the list shows %s; want %s", when, w.year, w.area, got, w.code)
			}
			if got := strings.Join(looked, ", "); got != w.code {
				t.Errorf("%s, %d %s: the list that looks before it sums shows %s; want %s", when, w.year, w.area, got, w.code)
			}
			if got := strings.Join(exported, ", "); got != w.code {
				t.Errorf("%s, %d %s: the export holds %s; want %s", when, w.year, w.area, got, w.code)
			}
		}
	}
	check("older versions unmerged")
	for _, table := range []string{"deals", "lots_by_place"} {
		if err := conn.Exec(ctx, "SYSTEM START MERGES "+table); err != nil {
			t.Fatal(err)
		}
		if err := conn.Exec(ctx, "OPTIMIZE TABLE "+table+" FINAL"); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow(ctx, "SELECT count() FROM "+table).Scan(&rows); err != nil || rows != 5 {
			t.Fatalf("after OPTIMIZE: %s holds %d rows, %v", table, rows, err)
		}
	}
	check("merged")
}
