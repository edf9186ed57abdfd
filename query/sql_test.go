package query

import (
	"reflect"
	"strings"
	"testing"

	"tradestat"
	"tradestat/division"
)

// The SQL builders, without a server: what each filter reads, and with which bound values.

func period(t *testing.T, from, to string) Filter {
	t.Helper()
	f, err := tradestat.ParseDate(from)
	if err != nil {
		t.Fatal(err)
	}
	g, err := tradestat.ParseDate(to)
	if err != nil {
		t.Fatal(err)
	}
	return Filter{From: f, To: g}
}

func TestWhere(t *testing.T) {
	baoshan := division.MustRegion("530500")
	y2021 := period(t, "2021-01-01", "2021-12-31")
	with := func(mod func(*Filter)) Filter { f := y2021; mod(&f); return f }
	for _, tt := range []struct {
		name string
		f    Filter
		sql  string
		args []any
	}{
		// The region's places are named: a database may hold lots of places outside it.
		{"the whole region", y2021, "WHERE deal_date >= toDate(?) AND deal_date <= toDate(?) AND place_code IN (?, ?, ?, ?, ?, ?)",
			[]any{"2021-01-01", "2021-12-31", "530500", "530502", "530521", "530523", "530524", "530581"}},
		{"a county", with(func(f *Filter) { f.Area = "530581" }),
			"WHERE deal_date >= toDate(?) AND deal_date <= toDate(?) AND place_code IN (?)", []any{"2021-01-01", "2021-12-31", "530581"}},
		{"a type", with(func(f *Filter) { f.Type = tradestat.Procurement }),
			"WHERE deal_date >= toDate(?) AND deal_date <= toDate(?) AND place_code IN (?, ?, ?, ?, ?, ?) AND trade_type = ?",
			[]any{"2021-01-01", "2021-12-31", "530500", "530502", "530521", "530523", "530524", "530581", "政府采购"}},
		{"a family", with(func(f *Filter) { f.Family = tradestat.FamilyProcurement }),
			"WHERE deal_date >= toDate(?) AND deal_date <= toDate(?) AND place_code IN (?, ?, ?, ?, ?, ?) AND trade_type IN (?)",
			[]any{"2021-01-01", "2021-12-31", "530500", "530502", "530521", "530523", "530524", "530581", "政府采购"}},
		{"the city's own centre", with(func(f *Filter) { f.Place = "530500" }),
			"WHERE deal_date >= toDate(?) AND deal_date <= toDate(?) AND place_code IN (?)", []any{"2021-01-01", "2021-12-31", "530500"}},
	} {
		sql, args := where(tt.f, baoshan)
		if sql != tt.sql || !reflect.DeepEqual(args, tt.args) {
			t.Errorf("%s: %q %v, want %q %v", tt.name, sql, args, tt.sql, tt.args)
		}
	}
	// The county centres: the five counties' places.
	sql, args := where(with(func(f *Filter) { f.Level = division.CentreCounty }), baoshan)
	if strings.Count(sql, "?") != len(args) || len(args) != 2+5 {
		t.Errorf("the county centres: %q %v, want the five counties' codes", sql, args)
	}
}

func TestFiguresReadsTheCoarsestRollup(t *testing.T) {
	baoshan := division.MustRegion("530500")
	for _, tt := range []struct {
		name, from, to string
		byMonth        bool
		want           []string // table: its ranges, in order
	}{
		{"a year", "2021-01-01", "2021-12-31", false, []string{"figures_yearly 2021-01-01 2021-01-01"}},
		{"a year by month", "2021-01-01", "2021-12-31", true, []string{"figures_monthly 2021-01-01 2021-12-01"}},
		{"two years", "2020-01-01", "2021-12-31", false, []string{"figures_yearly 2020-01-01 2021-01-01"}},
		{"a quarter", "2021-04-01", "2021-06-30", false, []string{"figures_monthly 2021-04-01 2021-06-01"}},
		{"a leap February", "2020-02-01", "2020-02-29", false, []string{"figures_monthly 2020-02-01 2020-02-01"}},
		{"days within a month", "2021-03-02", "2021-03-30", false, []string{"figures_daily 2021-03-02 2021-03-30"}},
		{"partial months at both ends", "2021-02-15", "2021-04-10", false,
			[]string{"figures_monthly 2021-03-01 2021-03-01", "figures_daily 2021-02-15 2021-02-28 2021-04-01 2021-04-10"}},
		{"whole years between partial months", "2019-11-01", "2022-02-28", false,
			[]string{"figures_yearly 2020-01-01 2021-01-01", "figures_monthly 2019-11-01 2019-12-01 2022-01-01 2022-02-01"}},
	} {
		sql, args := figures(period(t, tt.from, tt.to), baoshan, tt.byMonth)
		var got []string
		i := 0
		for _, sel := range strings.Split(sql, " UNION ALL ") {
			table := strings.Fields(sel[strings.Index(sel, " FROM ")+6:])[0]
			n := strings.Count(sel, "?")
			parts := []string{table}
			for _, a := range args[i : i+n-6] { // the ranges, then the region's six places
				parts = append(parts, a.(string))
			}
			i += n
			got = append(got, strings.Join(parts, " "))
		}
		if !reflect.DeepEqual(got, tt.want) || i != len(args) {
			t.Errorf("%s: reads %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestTotalsAddsEveryField: a field added to Totals must be added up by Add and read by the
// scans, or this fails (rather than a figure silently staying zero).
func TestTotalsAddsEveryField(t *testing.T) {
	var a Totals
	v := reflect.ValueOf(&a).Elem()
	for i := range v.NumField() {
		v.Field(i).SetInt(int64(i + 1))
	}
	sum := reflect.ValueOf(a.Add(a))
	for i := range sum.NumField() {
		if got := sum.Field(i).Int(); got != 2*int64(i+1) {
			t.Errorf("Add: %s = %d, want %d", v.Type().Field(i).Name, got, 2*(i+1))
		}
	}
	// Every field is read by exactly one column of totalsList, and each column has a name.
	read := map[uintptr]string{}
	names := map[string]bool{}
	for _, c := range totalsList {
		p := reflect.ValueOf(c.of(&a)).Pointer()
		if other, ok := read[p]; ok {
			t.Errorf("columns %s and %s read the same field", other, c.name)
		}
		read[p] = c.name
		if names[c.name] || c.name == "" || c.lots == "" || c.rollup == "" {
			t.Errorf("column %q: named twice, or without its aggregates", c.name)
		}
		names[c.name] = true
	}
	for i := range v.NumField() {
		if _, ok := read[v.Field(i).Addr().Pointer()]; !ok {
			t.Errorf("Totals.%s is read by no column of totalsList", v.Type().Field(i).Name)
		}
	}
	// The bound values are those the placeholders of the select list stand for.
	for name, cols := range map[string]func() (string, []any){"totalsColumns": totalsColumns, "dailyTotalsColumns": dailyTotalsColumns} {
		sql, args := cols()
		if n := strings.Count(sql, "?"); n != len(args) || strings.Contains(sql, "{") {
			t.Errorf("%s: %d placeholders, %d values:\n%s", name, n, len(args), sql)
		}
	}
}
