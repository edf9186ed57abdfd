package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"tradestat"
	"tradestat/commit"
	"tradestat/division"
	"tradestat/ingest"
	"tradestat/money"
)

// TestFiguresSayWhatTheyLeaveOut: once lots without a budget or a reserve price are loaded,
// every place that shows savings or premium for a view holding them says how many lots the
// figure leaves out — the cards, the API, the report sentence, the indicator export — and the
// lot list shows exactly those lots; a view without such lots says nothing.
func TestFiguresSayWhatTheyLeaveOut(t *testing.T) {
	t.Parallel()
	svc, conn := startDemoConn(t)
	d, _ := tradestat.ParseDate("2021-11-02")
	lots := []tradestat.Lot{
		{ProjectCode: "NB-1", Type: tradestat.Construction, PlaceCode: "530502", DealDate: d, Amount: 100 * money.Wan},
		{ProjectCode: "NB-2", Type: tradestat.Procurement, PlaceCode: "530581", DealDate: d, Amount: 20 * money.Wan},
		{ProjectCode: "NB-3", Type: tradestat.Land, PlaceCode: "530500", DealDate: d, Amount: 300 * money.Wan},
	}
	var b bytes.Buffer
	if err := ingest.WriteCanonical(&b, lots); err != nil {
		t.Fatal(err)
	}
	rep, err := commit.NewLoader(conn, division.MustRegion("530500")).Load(context.Background(), ingest.Source{Name: "no-basis.csv", Data: b.Bytes()}, ingest.Options{})
	if err != nil || rep.NoBudget != 2 || rep.NoReserve != 1 || len(rep.Gaps) != 2 {
		t.Fatalf("load: %v, %+v", err, rep)
	}
	for _, tc := range []struct {
		path string
		want []string
		not  []string
	}{
		{"/?year=2021", []string{"未含2个无预算价项目", "未含1个无起始价项目", "basis=none"}, nil},
		{"/?year=2021&lang=en", []string{"excludes 2 lots without a budget or ceiling price"}, nil},
		{"/?year=2020", nil, []string{"未含"}},
		{"/api/v1/summary?year=2021", []string{`"lots_without_budget":2`, `"lots_without_reserve":1`}, nil},
		{"/api/v1/summary?year=2021&family=" + string(tradestat.FamilyConstruction), []string{`"lots_without_budget":1`, `"lots_without_reserve":0`}, nil},
		{"/report?year=2021", []string{"（未含2个无预算价项目）", "（未含1个无起始价项目）"}, nil},
		{"/export/indicators?year=2021&format=csv", []string{"注：节约资金、节约率未含2个无预算价项目；增价、增值率未含1个无起始价项目。"}, nil},
		{"/lots?year=2021&basis=none", []string{"NB-1", "NB-2", "NB-3"}, nil},
		{"/export/lots?year=2021&basis=none&format=csv", []string{"NB-1", "NB-2", "NB-3"}, []string{"BSGC"}},
	} {
		code, body := get(t, svc.URL+tc.path)
		if code != 200 {
			t.Errorf("%s: %d %s", tc.path, code, body)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(string(body), w) {
				t.Errorf("%s lacks %q", tc.path, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(string(body), w) {
				t.Errorf("%s says %q", tc.path, w)
			}
		}
	}
	if code, _ := get(t, svc.URL+"/lots?year=2021&basis=some"); code != 400 {
		t.Errorf("basis=some: %d, want 400", code)
	}
}
