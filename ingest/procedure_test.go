package ingest

import (
	"context"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v2"

	"tradestat"
	"tradestat/division"
	"tradestat/internal/tradestattest"
	"tradestat/money"
)

// TestProcedureColumns: what happened before the deal is read from the columns an export has
// (counts with their counter words, dates with times, an evaluation place by its words, a
// ceiling price beside the budget, a failed section's opening date and reason, its buyer and
// not the buyer's agent), and a cell that cannot be what its column holds is a reject naming
// it (testdata/procedure: each file with what it must give beside it).
func TestProcedureColumns(t *testing.T) {
	region := division.MustRegion("530500")
	for _, file := range []string{"opening-records.csv", "procurement-methods.csv"} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile("testdata/procedure/" + file)
			if err != nil {
				t.Fatal(err)
			}
			expected := expectedProcedures(t, "testdata/procedure/"+strings.TrimSuffix(file, ".csv")+".yaml")
			got := map[int]tradestat.Lot{}
			var rep Report
			if err := scan(context.Background(), Source{Name: file, Data: data}, Options{Region: region}, &rep, func(l tradestat.Lot) error {
				got[l.SourceRow] = l
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for row, want := range expected.lots {
				l, ok := got[row]
				if !ok {
					t.Errorf("row %d not loaded", row)
					continue
				}
				if l.DealDate != want.DealDate || l.Budget != want.Budget || l.Cancelled != want.Cancelled || l.Procedure != want.Procedure {
					t.Errorf("row %d: date %s budget %d cancelled %v %+v,\nwant date %s budget %d cancelled %v %+v",
						row, l.DealDate, l.Budget, l.Cancelled, l.Procedure, want.DealDate, want.Budget, want.Cancelled, want.Procedure)
				}
			}
			if len(rep.FirstRejects) != len(expected.rejects) {
				t.Errorf("rejects %+v, want rows %v", rep.FirstRejects, expected.rejects)
			}
			for _, r := range rep.FirstRejects {
				if col, ok := expected.rejects[r.Row]; !ok || r.Column != col || strings.TrimSpace(r.Reason) == "" {
					t.Errorf("reject %+v, want column %q", r, col)
				}
			}
			if rep.Read != len(got)+rep.Rejected+rep.Skipped { // the reader hands lots; the commit counts them loaded
				t.Errorf("account does not add up: %+v", rep)
			}
		})
	}
}

// procedures is what a file of testdata/procedure must give (its .yaml beside it): the lots by
// source row, with the fields the test checks, and the rejects by row with the column named.
type procedures struct {
	lots    map[int]tradestat.Lot
	rejects map[int]string
}

func expectedProcedures(t *testing.T, path string) procedures {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Lots map[int]struct {
			Date, Notice, Deadline, Opening string
			Budget, Ceiling                 int64 // 万元
			Cancelled                       bool
			Bidders, Valid                  *int
			Remote                          string
			Method, Buyer                   string
			FailReason                      string `yaml:"fail_reason"`
			Solicitation                    string
		}
		Rejects map[int]string
	}
	if err := yaml.UnmarshalStrict(data, &file); err != nil {
		t.Fatal(err)
	}
	date := func(s string) tradestat.Date { return tradestattest.Date(t, s) }
	remotes := map[string]tradestat.Remote{"": tradestat.RemoteUnknown, "remote": tradestat.RemoteYes, "local": tradestat.RemoteNo}
	out := procedures{lots: map[int]tradestat.Lot{}, rejects: file.Rejects}
	for row, l := range file.Lots {
		method, okMethod := tradestat.SolicitationNamed(l.Solicitation)
		remote, okRemote := remotes[l.Remote]
		if !okMethod || !okRemote {
			t.Fatalf("%s row %d: method %q, remote %q", path, row, l.Solicitation, l.Remote)
		}
		p := tradestat.Procedure{Remote: remote, Notice: date(l.Notice), Deadline: date(l.Deadline), Opening: date(l.Opening),
			Ceiling: money.Fen(l.Ceiling) * money.Wan, Method: l.Method, Buyer: l.Buyer, FailReason: l.FailReason, Solicitation: method}
		if l.Bidders != nil {
			p.Bidders, p.BiddersKnown = *l.Bidders, true
		}
		if l.Valid != nil {
			p.Valid, p.ValidKnown = *l.Valid, true
		}
		out.lots[row] = tradestat.Lot{DealDate: date(l.Date), Budget: money.Fen(l.Budget) * money.Wan, Cancelled: l.Cancelled, Procedure: p}
	}
	return out
}
