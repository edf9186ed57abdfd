package query_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"tradestat"
	"tradestat/commit"
	"tradestat/demo"
	"tradestat/division"
	"tradestat/ingest"
	"tradestat/internal/chtest"
	"tradestat/internal/tradestattest"
	"tradestat/query"
)

// TestCompetitionEqualsItsDefinition: the competition figures the rollups give equal those
// computed in Go from the demo's sections (tradestattest.Compete), for periods of whole
// years, months and days, areas, levels and types, and every breakdown adds up to them.
func TestCompetitionEqualsItsDefinition(t *testing.T) {
	store := loadDemo(t)
	ctx := context.Background()
	years, err := demo.Dataset(division.MustRegion("530500"))
	if err != nil {
		t.Fatal(err)
	}
	var lots []tradestat.Lot
	for _, y := range years {
		lots = append(lots, y.Lots...)
	}
	y2021 := tradestattest.Year(t, 2021)
	county := y2021
	county.Area = "530581"
	counties := tradestattest.Period(t, "2020-03-15", "2021-11-20")
	counties.Level = division.CentreCounty
	construction := tradestattest.Period(t, "2019-01-01", "2023-12-31")
	construction.Type = tradestat.Construction
	for _, f := range []query.Filter{y2021, county, counties, construction, tradestattest.Period(t, "2022-02-01", "2022-02-01")} {
		got, err := store.Competition(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if want := tradestattest.Compete(division.MustRegion("530500"), lots, f); got != want {
			t.Errorf("%+v:\n got %+v\nwant %+v", f, got, want)
		}
		for _, d := range []query.Dimension{query.ByMonth, query.ByArea, query.ByLevel, query.ByType, query.ByFamily} {
			rows, total, err := store.CompetitionBreakdown(ctx, f, d)
			if err != nil {
				t.Fatal(err)
			}
			var sum query.Competition
			for _, r := range rows {
				sum = sum.Add(r.Competition)
			}
			if sum != got || total != got {
				t.Errorf("%+v by %s: rows add up to %+v, total %+v; want %+v", f, d, sum, total, got)
			}
		}
	}
	if c, _ := store.Competition(ctx, y2021); c.Failed == 0 || c.Remote == 0 || c.SubmissionShort == 0 || c.AtCap == 0 || c.ByCompetitors[1] == 0 {
		t.Errorf("the demo's 2021 lacks a case the figures must show: %+v", c)
	}
}

// TestCompetitionByHand: a small export whose figures are computed by hand (testdata), each
// rate and mean as the pages show it, and none where its basis is empty.
func TestCompetitionByHand(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	region := division.MustRegion("530500")
	data, err := os.ReadFile("testdata/competition.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := commit.NewLoader(conn, region).Load(ctx, ingest.Source{Name: "competition.csv", Data: data}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	c, err := query.New(conn, region).Competition(ctx, tradestattest.Year(t, 2021))
	if err != nil {
		t.Fatal(err)
	}
	figure := func(s string, ok bool) string {
		if !ok {
			return "none"
		}
		return s
	}
	for _, tt := range []struct{ name, got, want string }{
		{"sections", figure(ratioOf(c.Sections)), "6"},
		{"流标率", figure(c.FailureRate()), "33.33"},                    // 2 of 6
		{"远程异地评标率", figure(c.RemoteRate()), "66.67"},                 // 2 of the 3 that say
		{"mean bidders", figure(c.MeanBidders()), "3.40"},            // 4+3+1+2+7 over the 5 that say (valid where given)
		{"median bidders", figure(c.MedianBidders()), "3"},           // 1 2 3 4 7
		{"single", figure(c.SingleShare()), "20.00"},                 // 1 of 5
		{"under three", figure(c.UnderThreeShare()), "40.00"},        // 1 and 2
		{"submission days", figure(c.MeanSubmissionDays()), "16.33"}, // 21, 14 and 14
		{"decision days", figure(c.MeanDecisionDays()), "5.00"},      // 7 and 3
		{"award ÷ ceiling", figure(c.MeanCeilingRatio()), "94.50"},   // 99% and 90%
		{"at the cap", figure(c.AtCapShare()), "50.00"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, tt.got, tt.want)
		}
	}
	// 14 days for 工程建设 (20) and for 政府采购 by open tender (20).
	if c.SubmissionShort != 2 {
		t.Errorf("%d sections under the legal minimum, want 2", c.SubmissionShort)
	}
	if none, _ := query.New(conn, region).Competition(ctx, tradestattest.Year(t, 2020)); none != (query.Competition{}) {
		t.Errorf("2020 has no section: %+v", none)
	}
	if _, ok := (query.Competition{}).MedianBidders(); ok {
		t.Error("a median of no section")
	}
}

func ratioOf(n int64) (string, bool) { return strconv.FormatInt(n, 10), true }
