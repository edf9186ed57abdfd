package query_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"tradestat"
	"tradestat/commit"
	"tradestat/division"
	"tradestat/ingest"
	"tradestat/internal/tradestattest"
	"tradestat/money"
	"tradestat/query"
)

// TestSealedFigures seals 2021, records every breakdown of several views, changes the data
// and reads the seal again: its figures stay what they were (and what the Go sums of the
// lots say), the current ones move by exactly the change, and views the seal does not cover
// are refused rather than answered with part of their figures.
func TestSealedFigures(t *testing.T) {
	conn, store := loadDemoConn(t)
	ctx := context.Background()
	loader := commit.NewLoader(conn, division.MustRegion("530500"))
	if _, err := loader.Seal(ctx, 2021, "", "2021年度项目支出绩效自评报告", "writer", ""); err != nil {
		t.Fatal(err)
	}
	seal, ok, err := store.SealFor(ctx, tradestattest.Year(t, 2021))
	if err != nil || !ok {
		t.Fatalf("no seal of 2021: %v", err)
	}
	sealed := store.Sealed(seal)

	y2021 := tradestattest.Year(t, 2021)
	views := []query.Filter{y2021}
	for _, mod := range []func(*query.Filter){
		func(f *query.Filter) { f.Area = "530581" },
		func(f *query.Filter) { f.Place = "530502" },
		func(f *query.Filter) { f.Level = division.CentreCounty },
		func(f *query.Filter) { f.Family = tradestat.FamilyAuction },
		func(f *query.Filter) { f.Type = tradestat.Procurement },
	} {
		f := y2021
		mod(&f)
		views = append(views, f)
	}
	dims := []query.Dimension{query.ByYear, query.ByMonth, query.ByPlace, query.ByArea, query.ByLevel, query.ByType, query.ByFamily}
	type breakdown struct {
		rows  []query.Row
		total query.Totals
	}
	before := map[string]breakdown{}
	key := func(f query.Filter, d query.Dimension) string {
		return string(d) + " " + f.Area + f.Place + string(f.Level) + string(f.Family) + string(f.Type)
	}
	type competitionBreakdown struct {
		rows  []query.CompetitionRow
		total query.Competition
	}
	competitionBefore := map[string]competitionBreakdown{}
	for _, f := range views {
		want := expected(f)
		got, err := sealed.Summary(ctx, f)
		if err != nil || got != want {
			t.Errorf("%+v: sealed %+v (%v), the lots sum to %+v", f, got, err, want)
		}
		if got, err := sealed.Competition(ctx, f); err != nil || got != expectedCompetition(f) {
			t.Errorf("%+v: sealed competition %+v (%v), the sections give %+v", f, got, err, expectedCompetition(f))
		}
		for _, d := range dims {
			rows, total, err := store.Breakdown(ctx, f, d)
			if err != nil {
				t.Fatal(err)
			}
			before[key(f, d)] = breakdown{rows, total}
			crows, ctotal, err := store.CompetitionBreakdown(ctx, f, d)
			if err != nil {
				t.Fatal(err)
			}
			competitionBefore[key(f, d)] = competitionBreakdown{crows, ctotal}
		}
	}

	// A lot added to 2021 at 隆阳区 and one of the demo's lots withdrawn from the figures (its
	// place corrected into 2022): the current figures move, the sealed ones do not.
	if _, err := loader.Load(ctx, ingest.Source{Name: "late.csv", Data: []byte("project_code,lot_code,name,trade_type,place_code,deal_date,budget_yuan,amount_yuan\n" +
		"SEAL-NEW-1,001,定稿后补录工程,工程建设,530502,2021-11-30,1300000,1253000\n")}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	now, err := store.Summary(ctx, y2021)
	if err != nil {
		t.Fatal(err)
	}
	was, _ := sealed.Summary(ctx, y2021)
	if d := now.Projects - was.Projects; d != 1 || now.Amount-was.Amount != money.Fen(125300000) {
		t.Errorf("current %+v against sealed %+v: want +1 lot, +125.3万元", now, was)
	}
	for _, f := range views {
		for _, d := range dims {
			rows, total, err := sealed.Breakdown(ctx, f, d)
			if err != nil {
				t.Fatalf("%s: %v", key(f, d), err)
			}
			if b := before[key(f, d)]; !reflect.DeepEqual(rows, b.rows) || total != b.total {
				t.Errorf("%s: sealed breakdown %+v / %+v, at the seal %+v / %+v", key(f, d), rows, total, b.rows, b.total)
			}
			crows, ctotal, err := sealed.CompetitionBreakdown(ctx, f, d)
			if err != nil {
				t.Fatalf("%s: %v", key(f, d), err)
			}
			if b := competitionBefore[key(f, d)]; !reflect.DeepEqual(crows, b.rows) || ctotal != b.total {
				t.Errorf("%s: sealed competition %+v / %+v, at the seal %+v / %+v", key(f, d), crows, ctotal, b.rows, b.total)
			}
		}
	}
	// The late section counts in the current competition figures, not in the sealed ones.
	figures, against, err := store.ChooseCompetition(ctx, y2021, true)
	if err != nil || against == nil || against.Seal.ID != seal.ID || against.Current.Sections-against.Sealed.Sections != 1 {
		t.Errorf("the sealed competition of 2021: %+v (%v), want the seal's and one section more now", against, err)
	} else if _, ok := figures.(query.Sealed); !ok {
		t.Errorf("as sealed, the competition figures are %T", figures)
	}
	// A seal made before competition figures were sealed recorded none: asked for them, it
	// refuses by name rather than answering zeros.
	older := seal
	older.Competition = false
	if _, err := store.Sealed(older).Competition(ctx, y2021); tradestat.KindOf(err) != tradestat.NotFound || !strings.Contains(err.Error(), seal.ID) {
		t.Errorf("a seal without competition figures answered: %v", err)
	}
	if _, _, err := store.ChooseCompetition(ctx, tradestattest.Year(t, 2020), true); tradestat.KindOf(err) != tradestat.NotFound {
		t.Errorf("sealed competition of a year no seal covers: %v, want NotFound", err)
	}

	// Views the seal does not cover.
	county, ok, err := store.SealFor(ctx, views[1])
	if err != nil || !ok || county.ID != seal.ID {
		t.Fatalf("the city's seal should cover its county: %+v %v %v", county, ok, err)
	}
	// The city's seal is in force over 腾冲市's 2021: a seal of it is made only to supersede it.
	if _, err := loader.Seal(ctx, 2021, "530581", "腾冲市2021年度报告", "writer", ""); err == nil || !strings.Contains(err.Error(), seal.ID) {
		t.Fatalf("sealing a sealed period without superseding: %v, want a refusal naming seal %s", err, seal.ID)
	}
	if _, err := loader.Seal(ctx, 2021, "530581", "腾冲市2021年度报告", "writer", "0000000000000001"); err == nil {
		t.Fatal("superseding a seal that is not in force: no refusal")
	}
	if own, err := loader.Seal(ctx, 2021, "530581", "腾冲市2021年度报告", "writer", seal.ID); err != nil || own.Supersedes != seal.ID {
		t.Fatalf("superseding the city's seal: %+v %v", own, err)
	}
	tengchong, ok, err := store.SealFor(ctx, views[1])
	if err != nil || !ok || tengchong.ID == seal.ID {
		t.Fatalf("腾冲市's own seal, newer, is in force over it: %+v %v %v", tengchong, ok, err)
	}
	for _, f := range []query.Filter{tradestattest.Year(t, 2022), tradestattest.Period(t, "2021-01-01", "2021-06-30")} {
		if _, err := sealed.Summary(ctx, f); err == nil {
			t.Errorf("the seal of 2021 answered %s–%s", f.From, f.To)
		}
	}
	if _, _, err := store.Sealed(tengchong).Breakdown(ctx, y2021, query.ByArea); err == nil {
		t.Error("腾冲市's seal answered the whole city")
	}
	if got, err := store.Sealed(tengchong).Summary(ctx, views[1]); err != nil || got != expected(views[1]) {
		t.Errorf("腾冲市's seal: %+v (%v), want %+v", got, err, expected(views[1]))
	}
}
