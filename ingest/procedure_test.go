package ingest

import (
	"context"
	"os"
	"strings"
	"testing"
	gotime "time"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
)

// TestProcedureColumns: what happened before the deal is read from the columns an export has
// (counts with their counter words, dates with times, an evaluation place by its words, a
// ceiling price beside the budget, a failed section's opening date and reason, its buyer and
// not the buyer's agent), and a cell that cannot be what its column holds is a reject naming
// it.
func TestProcedureColumns(t *testing.T) {
	day := func(m, d int) tradestat.Date { return tradestat.Date{Year: 2021, Month: month(m), Day: d} }
	wan := func(v int64) money.Fen { return money.Fen(v) * money.Wan }
	tests := []struct {
		file    string
		lots    map[int]tradestat.Lot // by source row: the fields this test is about
		rejects map[int]string        // by source row: the column named
	}{{
		file: "opening-records.csv",
		lots: map[int]tradestat.Lot{
			2: {DealDate: day(3, 29), Budget: wan(120), Procedure: tradestat.Procedure{Bidders: 5, BiddersKnown: true, Valid: 4, ValidKnown: true,
				Remote: tradestat.RemoteYes, Notice: day(3, 1), Deadline: day(3, 22), Opening: day(3, 22), Ceiling: wan(110), Method: "综合评估法", Buyer: "腾冲市住房和城乡建设局"}},
			3: {DealDate: day(4, 25), Budget: wan(50), Procedure: tradestat.Procedure{Bidders: 3, BiddersKnown: true, Valid: 3, ValidKnown: true,
				Notice: day(4, 1), Deadline: day(4, 21), Opening: day(4, 21), Method: "最低评标价法", Buyer: "保山市隆阳区教育局（本级）"}},
			4: {DealDate: day(5, 21), Budget: wan(80), Cancelled: true, Procedure: tradestat.Procedure{Bidders: 2, BiddersKnown: true, Valid: 1, ValidKnown: true,
				Remote: tradestat.RemoteNo, Notice: day(5, 1), Deadline: day(5, 21), Opening: day(5, 21), Ceiling: wan(80), Method: "综合评估法", FailReason: "有效投标人不足三家"}},
			7: {DealDate: day(6, 30), Budget: wan(80), Procedure: tradestat.Procedure{Remote: tradestat.RemoteYes}},
		},
		rejects: map[int]string{5: "有效投标人数", 6: "投标人数", 8: "中标金额（万元）"},
	}, {
		// A procurement method is read by its words, whatever surrounds them; a cell that names
		// none (框架协议), or says only what it is not, says nothing of it.
		file: "procurement-methods.csv",
		lots: func() map[int]tradestat.Lot {
			out := map[int]tradestat.Lot{}
			for row, m := range []tradestat.Solicitation{tradestat.SolicitOpen, tradestat.SolicitOpen, tradestat.SolicitInvited,
				tradestat.SolicitNegotiated, tradestat.SolicitConsultation, tradestat.SolicitInquiry, tradestat.SolicitSingleSource,
				tradestat.SolicitUnknown, tradestat.SolicitUnknown, tradestat.SolicitUnknown, tradestat.SolicitOpen} {
				out[row+2] = tradestat.Lot{DealDate: day(3, 29), Budget: wan(120), Procedure: tradestat.Procedure{Solicitation: m}}
			}
			return out
		}(),
	}}
	region := division.MustRegion("530500")
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile("testdata/procedure/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			got := map[int]tradestat.Lot{}
			var rep Report
			if err := scan(context.Background(), Source{Name: tt.file, Data: data}, Options{Region: region}, &rep, func(l tradestat.Lot) error {
				got[l.SourceRow] = l
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for row, want := range tt.lots {
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
			if len(rep.FirstRejects) != len(tt.rejects) {
				t.Errorf("rejects %+v, want rows %v", rep.FirstRejects, tt.rejects)
			}
			for _, r := range rep.FirstRejects {
				if col, ok := tt.rejects[r.Row]; !ok || r.Column != col || strings.TrimSpace(r.Reason) == "" {
					t.Errorf("reject %+v, want column %q", r, col)
				}
			}
			if rep.Read != len(got)+rep.Rejected+rep.Skipped { // the reader hands lots; the commit counts them loaded
				t.Errorf("account does not add up: %+v", rep)
			}
		})
	}
}

func month(m int) gotime.Month { return gotime.Month(m) }
