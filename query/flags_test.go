package query_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
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

// TestFlagsByHand: a small set of sections and bids, each flag raised on one section and
// applicable to others where it is not (testdata/flags-*.csv), against the counts, scores and
// order worked out by hand (testdata/flags.golden).
func TestFlagsByHand(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	loader := commit.NewLoader(conn, division.MustRegion("530500"))
	for _, f := range []string{"testdata/flags-lots.csv", "testdata/flags-bids.csv"} {
		if rep, err := loader.LoadFile(ctx, f, ingest.Options{}); err != nil || rep.Rejected > 0 {
			t.Fatalf("%s: %v %s", f, err, ingest.ReportText(rep))
		}
	}
	store := query.New(conn, division.MustRegion("530500"))
	got, err := store.Flags(ctx, tradestattest.Year(t, 2021), 1, 50)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/flags.golden")
	if err != nil {
		t.Fatal(err)
	}
	if text := flagText(got); text != string(want) {
		t.Errorf("got\n%s\nwant\n%s", text, want)
	}
	// Each flagged section's own page raises what the list raised, with its list of bids; a
	// county not its own does not find it.
	for _, r := range got.Rows {
		sec, err := store.Section(ctx, query.Filter{}, r.ProjectCode, r.LotCode)
		if err != nil || !reflect.DeepEqual(sec.Risk, r.Risk) || len(sec.List) != r.Bids || sec.Bids != r.Bids || sec.Name != r.Name {
			t.Errorf("section %s %s: %+v, %v; its row in the list %+v", r.ProjectCode, r.LotCode, sec, err, r)
		}
		other := map[bool]string{true: "530502", false: "530581"}[r.PlaceCode == "530581"]
		if _, err := store.For(division.MustRegion(other)).Section(ctx, query.Filter{}, r.ProjectCode, r.LotCode); tradestat.KindOf(err) != tradestat.NotFound {
			t.Errorf("section %s %s of %s, asked as %s: %v, want not found", r.ProjectCode, r.LotCode, r.PlaceCode, other, err)
		}
	}
	// A section's page says how its bidders were sought; its single bid is not flagged.
	for code, want := range map[string]tradestat.Solicitation{"F01": tradestat.SolicitOpen, "F08": tradestat.SolicitInvited, "F09": tradestat.SolicitSingleSource, "F02": tradestat.SolicitUnknown} {
		sec, err := store.Section(ctx, query.Filter{}, code, "01")
		if err != nil || sec.Solicitation != want || (code != "F01" && code != "F02" && len(sec.Applicable) != 0) {
			t.Errorf("section %s: method %v, applicable %v, %v; want method %v", code, sec.Solicitation, sec.Applicable, err, want)
		}
	}
	// A page past the flagged sections is empty, and the counts stay.
	if p2, err := store.Flags(ctx, tradestattest.Year(t, 2021), 2, 5); err != nil || len(p2.Rows) != 4 || p2.Flagged != 9 {
		t.Errorf("page 2 of 5: %d rows, %d flagged, %v", len(p2.Rows), p2.Flagged, err)
	}
	if _, err := store.Flags(ctx, tradestattest.Year(t, 2021), query.MaxFlagPages+1, 5); err == nil {
		t.Error("a page beyond the bound was read")
	}
}

func flagText(p query.FlagPage) string {
	var b strings.Builder
	fmt.Fprintf(&b, "sections %d flagged %d with bids %d\n", p.Sections, p.Flagged, p.WithBids)
	for _, c := range p.Counts {
		fmt.Fprintf(&b, "%s applicable %d raised %d\n", c.Code, c.Applicable, c.Raised)
	}
	for _, r := range p.Rows {
		score, _ := r.ScoreBP()
		var raised []string
		for _, f := range r.Raised {
			rule := ""
			if f.Minimum.Days > 0 {
				rule = " " + f.Minimum.Rule.Key()
			}
			raised = append(raised, fmt.Sprintf("%s(%d/%d%s)", f.Code, f.Value, f.Bound, rule))
		}
		fmt.Fprintf(&b, "%s/%s score %d raised %s\n", r.ProjectCode, r.LotCode, score, strings.Join(raised, " "))
	}
	return b.String()
}

// TestFlagsEqualTheirDefinition: the demo's flags, read through SQL, equal those computed in
// Go from its lots and bid lists, for filters of every kind; the pages are the Go ranking's.
func TestFlagsEqualTheirDefinition(t *testing.T) {
	store := loadDemo(t)
	ctx := context.Background()
	years, err := demo.Dataset(division.MustRegion("530500"))
	if err != nil {
		t.Fatal(err)
	}
	var lots []tradestat.Lot
	var bids []tradestat.Bid
	for _, y := range years {
		lots, bids = append(lots, y.Lots...), append(bids, y.Bids...)
	}
	county := tradestattest.Year(t, 2021)
	county.Area = "530581"
	construction := tradestattest.Period(t, "2019-01-01", "2023-12-31")
	construction.Type = tradestat.Construction
	raisedSomewhere := map[tradestat.FlagCode]bool{}
	for _, f := range []query.Filter{tradestattest.Year(t, 2021), county, construction, tradestattest.Period(t, "2022-02-01", "2022-02-01")} {
		want := tradestattest.Flag(division.MustRegion("530500"), lots, bids, f)
		got, err := store.Flags(ctx, f, 1, 20)
		if err != nil {
			t.Fatal(err)
		}
		if got.Sections != want.Sections || got.Flagged != want.Flagged || got.WithBids != want.WithBids {
			t.Errorf("%+v: %d sections, %d flagged, %d with bids; want %d, %d, %d", f, got.Sections, got.Flagged, got.WithBids, want.Sections, want.Flagged, want.WithBids)
		}
		for _, c := range got.Counts {
			if w := want.Counts[c.Code]; c.Applicable != w[0] || c.Raised != w[1] {
				t.Errorf("%+v: %s applies to %d and is raised on %d; want %d and %d", f, c.Code, c.Applicable, c.Raised, w[0], w[1])
			}
			if c.Raised > c.Applicable {
				t.Errorf("%+v: %s raised on more sections than it applies to", f, c.Code)
			}
			raisedSomewhere[c.Code] = raisedSomewhere[c.Code] || c.Raised > 0
		}
		for i, row := range got.Rows {
			if i >= len(want.Ranked) || row.ProjectCode != want.Ranked[i].ProjectCode || row.LotCode != want.Ranked[i].LotCode ||
				fmt.Sprint(row.Risk) != fmt.Sprint(want.Ranked[i].Risk) {
				t.Errorf("%+v: row %d is %s/%s %+v", f, i, row.ProjectCode, row.LotCode, row.Risk)
				break
			}
		}
	}
	for _, c := range tradestat.Flags() {
		if !raisedSomewhere[c] {
			t.Errorf("the demo raises no %s: the test would not see it go wrong", c)
		}
	}
}
