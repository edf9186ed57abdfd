package commit_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat"
	"tradestat/commit"
	"tradestat/division"
	"tradestat/ingest"
	"tradestat/internal/chtest"
	"tradestat/internal/tradestattest"
	"tradestat/money"
	"tradestat/msg"
	"tradestat/query"
)

// state is what the readers see of the data, without load IDs or versions: every current lot
// and every rollup's non-zero groups. Two loads of the same lots give the same state.
func state(t *testing.T, conn driver.Conn) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, q := range []string{
		`SELECT project_code, lot_code, name, toString(trade_type), place_code, region_code, toString(deal_date),
			budget_fen, reserve_fen, amount_fen, savings_fen, premium_fen, online FROM deals FINAL ORDER BY project_code, lot_code`,
		figuresOf("figures_daily"), figuresOf("figures_monthly"), figuresOf("figures_yearly"),
		`SELECT place_code, toString(deal_date), project_code, lot_code, name, amount_fen, sum(lots) AS n FROM lots_by_place
			GROUP BY place_code, deal_date, project_code, lot_code, name, amount_fen HAVING n != 0
			ORDER BY place_code, deal_date, project_code, lot_code, name, amount_fen`,
	} {
		rows, err := conn.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		types := rows.ColumnTypes()
		for rows.Next() {
			vals := make([]any, len(types))
			for i, ct := range types {
				vals[i] = newOf(ct.ScanType())
			}
			if err := rows.Scan(vals...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				fmt.Fprintf(&b, "%v ", deref(v))
			}
			b.WriteString("\n")
		}
		rows.Close()
		b.WriteString("--\n")
	}
	return b.String()
}

func figuresOf(table string) string {
	return `SELECT toString(deal_date), place_code, toString(trade_type), sum(lots) AS n, sum(amount_fen) AS a, sum(savings_fen),
		sum(premium_fen), sum(online), sum(budget_fen), sum(no_budget) FROM ` + table + `
		GROUP BY deal_date, place_code, trade_type HAVING n != 0 OR a != 0 ORDER BY deal_date, place_code, trade_type`
}

// TestWithdraw: a load withdrawn after a first load, after it replaced lots, and after a later
// load changed some of its lots: the data is exactly what it was before it, but for the lots
// the later load changed, which stay as that load has them; withdrawing the later load too
// brings back the first load's state exactly. What a withdrawal will change is told before,
// in lots and 万元 by year, and matches the sums of the files.
func TestWithdraw(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	loader := commit.NewLoader(conn, division.MustRegion("530500"))
	load := func(name string) string {
		t.Helper()
		rep, err := loader.LoadFile(ctx, "testdata/withdraw/"+name, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return rep.BatchID
	}
	a := load("a.csv")
	afterA := state(t, conn)
	b := load("b.csv")
	if state(t, conn) == afterA {
		t.Fatal("b.csv changed nothing: the test would prove nothing")
	}
	plan, err := loader.Plan(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	// b.csv: P1 (900 → 800 元, moved to 2022) and P2 (renamed) replaced; P5 (250 元, 2021) and P6
	// (90 元, 2023) added. Withdrawn: 2021 gets P1 back and loses P5, 2022 loses P1's 800, 2023
	// loses P6.
	want := []commit.YearChange{{Year: 2021, Lots: 0, Amount: money.Fen(90000 - 25000)}, {Year: 2022, Lots: -1, Amount: -80000}, {Year: 2023, Lots: -1, Amount: -9000}}
	if plan.Removed != 2 || plan.Restored != 2 || plan.Kept != 0 || fmt.Sprint(plan.Years) != fmt.Sprint(want) ||
		plan.LotsBefore != 6 || plan.LotsAfter != 4 || plan.AmountBefore != money.Fen(80000+45000+180000+500000+25000+9000) || plan.AmountAfter != money.Fen(90000+45000+180000+500000) {
		t.Errorf("plan:\n%s%+v", plan.Text(msg.Chinese), plan)
	}
	if text := plan.Text(msg.Chinese); !strings.Contains(text, "删除2个标段，2个恢复为此前的版本") || !strings.Contains(text, "2022年：交易项目-1个，交易金额-0.08万元") {
		t.Errorf("plan's text:\n%s", text)
	}
	if _, err := loader.Withdraw(ctx, b, "clerk"); err != nil {
		t.Fatal(err)
	}
	if got := state(t, conn); got != afterA {
		t.Errorf("after withdrawing b.csv:\n%s\nwant, as after a.csv:\n%s", got, afterA)
	}
	for _, bad := range []string{b, "0000000000000000", "x"} {
		if _, err := loader.Withdraw(ctx, bad, "clerk"); tradestat.KindOf(err) == tradestat.Internal {
			t.Errorf("withdraw %q: %v, want a refusal", bad, err)
		}
	}

	// The same file once more (a withdrawn load is not "loaded before"), then c.csv changes P1
	// again and adds P7: withdrawing b.csv's second load leaves P1 as c.csv has it.
	b2 := load("b.csv")
	if b2 == b {
		t.Fatal("b.csv was not loaded again after its withdrawal")
	}
	c := load("c.csv")
	w, err := loader.Withdraw(ctx, b2, "clerk")
	if err != nil {
		t.Fatal(err)
	}
	if w.Removed != 2 || w.Restored != 1 || w.Kept != 1 {
		t.Errorf("withdrawing b.csv after c.csv: %+v, want 2 removed, P2 restored, P1 kept", w)
	}
	fresh, _ := chtest.Open(t)
	other := commit.NewLoader(fresh, division.MustRegion("530500"))
	for _, f := range []string{"a.csv", "c.csv"} {
		if _, err := other.LoadFile(ctx, "testdata/withdraw/"+f, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := state(t, conn), state(t, fresh); got != want {
		t.Errorf("a, b, c loaded and b withdrawn:\n%s\nwant, as a then c:\n%s", got, want)
	}
	if _, err := loader.Withdraw(ctx, c, "clerk"); err != nil {
		t.Fatal(err)
	}
	if got := state(t, conn); got != afterA {
		t.Errorf("after withdrawing c.csv too:\n%s\nwant, as after a.csv:\n%s", got, afterA)
	}
	// The first load: every lot it holds goes.
	if w, err := loader.Withdraw(ctx, a, "clerk"); err != nil || w.Removed != 4 || w.LotsAfter != 0 || w.AmountAfter != 0 {
		t.Errorf("withdrawing a.csv: %+v %v", w, err)
	}
	var n uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM batch_withdrawals WHERE user_name = 'clerk'").Scan(&n); err != nil || n != 4 {
		t.Errorf("%d withdrawals recorded, want 4: %v", n, err)
	}
}

func newOf(t reflect.Type) any { return reflect.New(t).Interface() }
func deref(v any) any          { return reflect.ValueOf(v).Elem().Interface() }

// TestCancelledLots: a status column says which lots did not complete trading. Such a lot is
// loaded (replacing its earlier version) and leaves every figure, breakdown, rollup and lot
// list; a status that says neither is a reject naming it; an empty one is a completed lot;
// the load counts its cancelled lots; withdrawing the load brings the cancelled lot back.
func TestCancelledLots(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	loader := commit.NewLoader(conn, division.MustRegion("530500"))
	store := query.New(conn, division.MustRegion("530500"))
	if _, err := loader.LoadFile(ctx, "testdata/withdraw/a.csv", ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	afterA := state(t, conn)
	rep, err := loader.LoadFile(ctx, "testdata/withdraw/cancel.csv", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Read != 5 || rep.Loaded != 4 || rep.Rejected != 1 || rep.Cancelled != 2 || !strings.Contains(rep.FirstRejects[0].Text(msg.Chinese), "状态「已发布」既未说明成交") {
		t.Errorf("report: %s, %d cancelled, rejects %v", rep, rep.Cancelled, rep.FirstRejects)
	}
	if text := ingest.ReportText(rep); !strings.Contains(text, "载入的标段中有2个未成交") {
		t.Errorf("report text:\n%s", text)
	}
	var dry strings.Builder
	if err := ingest.Inspect(ingest.SourceFromPath("testdata/withdraw/cancel.csv"), ingest.Options{Region: division.MustRegion("530500")}, &dry, 10); err != nil ||
		strings.Count(dry.String(), "| 未成交：不计入任何统计") != 2 || !strings.Contains(dry.String(), "→ 交易状态") {
		t.Errorf("the dry run of the cancellations: %v\n%s", err, dry.String())
	}
	// 2021 as the files say it: P2 450 元 (as before), P4 5000 元, P10 280 元; P1 流标 and P8
	// 终止 in no figure.
	year := tradestattest.Year(t, 2021)
	sum, err := store.Summary(ctx, year)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Projects != 3 || sum.Amount != money.Fen(45000+500000+28000) {
		t.Errorf("2021: %d lots, %s元; want 3 lots, 5730元", sum.Projects, sum.Amount.Yuan())
	}
	for _, d := range []query.Dimension{query.ByMonth, query.ByPlace, query.ByType} {
		rows, _, err := store.Breakdown(ctx, year, d)
		if err != nil {
			t.Fatal(err)
		}
		var lots int64
		var amount money.Fen
		for _, r := range rows {
			lots, amount = lots+r.Totals.Projects, amount+r.Totals.Amount
		}
		if lots != sum.Projects || amount != sum.Amount {
			t.Errorf("breakdown by %v adds up to %d lots, %s元; the summary says %d, %s元", d, lots, amount.Yuan(), sum.Projects, sum.Amount.Yuan())
		}
	}
	page, err := store.Lots(ctx, year, query.LotQuery{Sort: query.SortDate, Page: 1, Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, l := range page.Lots {
		codes = append(codes, l.ProjectCode)
	}
	if strings.Join(codes, " ") != "P4 P10 P2" {
		t.Errorf("the lot list of 2021: %v, want P4 P10 P2, newest first (no cancelled lot)", codes)
	}
	for _, q := range []string{"P1", "P8"} {
		if page, err := store.Lots(ctx, year, query.LotQuery{Search: q, Sort: query.SortCode, Page: 1, Size: 10}); err != nil || len(page.Lots) != 0 && page.Lots[0].ProjectCode == q {
			t.Errorf("a search for the cancelled %s: %v %v", q, page.Lots, err)
		}
	}
	// The list of the lots that did not complete names them, with what the file said.
	page, err = store.Lots(ctx, year, query.LotQuery{Cancelled: true, Sort: query.SortCode, Page: 1, Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	codes = nil
	for _, l := range page.Lots {
		codes = append(codes, l.ProjectCode)
	}
	if strings.Join(codes, " ") != "P8 P1" || page.Totals.Projects != 2 || page.Totals.Amount != 70000 {
		t.Errorf("the cancelled lots of 2021: %v, %d lots, %s元; want P8 P1, 2 lots, 700元", codes, page.Totals.Projects, page.Totals.Amount.Yuan())
	}
	var cancelled uint64
	if err := conn.QueryRow(ctx, "SELECT cancelled FROM ingest_batches WHERE batch_id = ?", rep.BatchID).Scan(&cancelled); err != nil || cancelled != 2 {
		t.Errorf("ingest_batches.cancelled: %d %v, want 2", cancelled, err)
	}
	if _, err := loader.Withdraw(ctx, rep.BatchID, "clerk"); err != nil {
		t.Fatal(err)
	}
	if got := state(t, conn); got != afterA {
		t.Errorf("after withdrawing the cancellations:\n%s\nwant, as after a.csv:\n%s", got, afterA)
	}
}

// TestSubTypeKept: the sub-type an export names (水利 under 工程建设) is kept with its lot,
// shown by every lot list (both of its reads: the whole region's and some places'), replaced
// by a reload that names another, and given back with its version when that load is withdrawn.
func TestSubTypeKept(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	region := division.MustRegion("530500")
	loader := commit.NewLoader(conn, region)
	store := query.New(conn, region)
	year := tradestattest.Year(t, 2021)
	load := func(typ string) string {
		data := "项目编号,项目名称,交易类型,交易地点,成交日期,成交金额\nSL1,水库,工程建设-" + typ + ",530502,2021-03-01,1250\n"
		rep, err := loader.Load(ctx, ingest.Source{Name: typ + ".csv", Data: []byte(data)}, ingest.Options{})
		if err != nil || rep.Loaded != 1 {
			t.Fatalf("%s: %v %v", typ, rep, err)
		}
		return rep.BatchID
	}
	subTypes := func() []string {
		var out []string
		for _, f := range []query.Filter{year, {From: year.From, To: year.To, Place: "530502"}} {
			page, err := store.Lots(ctx, f, query.LotQuery{Sort: query.SortDate, Page: 1, Size: 10})
			if err != nil || len(page.Lots) != 1 {
				t.Fatalf("%v: %v", page, err)
			}
			out = append(out, page.Lots[0].SubType)
		}
		return out
	}
	load("水利")
	if got := subTypes(); got[0] != "水利" || got[1] != "水利" {
		t.Fatalf("sub-types listed %q, want 水利", got)
	}
	second := load("房建")
	if got := subTypes(); got[0] != "房屋建筑" || got[1] != "房屋建筑" {
		t.Fatalf("after a reload: %q, want 房屋建筑", got)
	}
	if _, err := loader.Withdraw(ctx, second, "clerk"); err != nil {
		t.Fatal(err)
	}
	if got := subTypes(); got[0] != "水利" || got[1] != "水利" {
		t.Fatalf("after the reload was withdrawn: %q, want 水利", got)
	}
}
