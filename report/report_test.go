package report_test

import (
	"context"
	"flag"
	"os"
	"strings"
	"testing"

	"tradestat"
	"tradestat/commit"
	"tradestat/demo"
	"tradestat/division"
	"tradestat/internal/chtest"
	"tradestat/internal/tradestattest"
	"tradestat/money"
	"tradestat/query"
	"tradestat/report"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden: both styles on the published figures (T1, T2), from the demo dataset through
// the query layer, exactly as the documents print them.
func TestGolden(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, commit.NewLoader(conn, division.MustRegion("530500")), division.MustRegion("530500")); err != nil {
		t.Fatal(err)
	}
	store := query.New(conn, division.MustRegion("530500"))
	tests := []struct {
		golden string
		style  report.Style
		filter query.Filter
		first  string // the published sentence: the first paragraph must be exactly this
	}{
		{"testdata/t1-annual.golden", report.Annual, tradestattest.Year(t, 2021),
			"2021年1至12月，全市各级交易中心累计完成交易项目1651个，交易金额1107371万元，节约资金35303.82万元，增价17338.8万元。"},
		{"testdata/t2-bulletin.golden", report.Bulletin, tradestattest.Period(t, "2020-01-01", "2020-08-31"),
			"1-8月，全市共完成公共资源交易项目1300个，成交金额1367873.46万元，节约资金22468.44万元。其中：工程建设项目629个，中标金额775064.72万元，节约资金17652.51万元；政府采购项目406个，成交金额71742.71万元，节约资金4815.93万元；土地、罚没财物、矿业权和国有产权交易项目265个，成交金额521066.03万元，增价13016.69万元。"},
	}
	for _, tt := range tests {
		in, err := report.Gather(ctx, store, tt.filter)
		if err != nil {
			t.Fatal(err)
		}
		got := report.Sentences(tt.style, in)
		if got[0] != tt.first {
			t.Errorf("%s: first paragraph\n got %s\nwant %s", tt.golden, got[0], tt.first)
		}
		text := strings.Join(got, "\n") + "\n"
		if *update {
			if err := os.WriteFile(tt.golden, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(tt.golden)
		if err != nil {
			t.Fatal(err)
		}
		if text != string(want) {
			t.Errorf("%s:\n got %s\nwant %s", tt.golden, text, want)
		}
	}
}

func date(t *testing.T, s string) tradestat.Date {
	t.Helper()
	d, err := tradestat.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPeriods(t *testing.T) {
	tests := []struct{ from, to, annual, bulletin string }{
		{"2021-01-01", "2021-12-31", "2021年1至12月", "全年"},
		{"2020-01-01", "2020-08-31", "2020年1至8月", "1-8月"},
		{"2020-08-01", "2020-08-31", "2020年8月", "8月"},
		{"2024-02-01", "2024-02-29", "2024年2月", "2月"},
		{"2021-03-01", "2021-05-31", "2021年3至5月", "3-5月"},
		{"2021-03-05", "2021-05-31", "2021年3月5日至2021年5月31日", "2021年3月5日至2021年5月31日"},
		{"2021-02-01", "2021-02-27", "2021年2月1日至2021年2月27日", "2021年2月1日至2021年2月27日"},
		{"2020-11-01", "2021-02-28", "2020年11月1日至2021年2月28日", "2020年11月1日至2021年2月28日"},
		{"2021-06-18", "2021-06-18", "2021年6月18日", "2021年6月18日"},
	}
	for _, tt := range tests {
		from, to := date(t, tt.from), date(t, tt.to)
		if got := report.AnnualPeriod(from, to); got != tt.annual {
			t.Errorf("annual %s..%s: %s, want %s", tt.from, tt.to, got, tt.annual)
		}
		if got := report.BulletinPeriod(from, to); got != tt.bulletin {
			t.Errorf("bulletin %s..%s: %s, want %s", tt.from, tt.to, got, tt.bulletin)
		}
	}
}

// TestNaturalPhrasing: zeros and empty families are left out, not printed as 0个 noise, and
// narrowed views name their centre or category.
func TestNaturalPhrasing(t *testing.T) {
	year := tradestattest.Year(t, 2022)
	tender := query.Totals{Projects: 3, Amount: 1234500 * money.Wan / 100, Savings: 10 * money.Wan}
	tests := []struct {
		name  string
		style report.Style
		in    report.Input
		want  []string
	}{
		{"nothing traded", report.Annual, report.Input{Region: bs, Filter: year},
			[]string{"2022年1至12月，全市各级交易中心未完成交易项目。"}},
		{"no premium, no online openings", report.Annual, report.Input{Region: bs, Filter: year, Total: tender},
			[]string{"2022年1至12月，全市各级交易中心累计完成交易项目3个，交易金额12345万元，节约资金10万元。"}},
		{"one county, one type", report.Annual, report.Input{Region: bs, Filter: func() query.Filter {
			f := year
			f.Place, f.Type = "530581", tradestat.Procurement
			return f
		}(), Total: query.Totals{Projects: 1, Amount: money.Wan, Online: 1}},
			[]string{"2022年1至12月，腾冲市交易中心累计完成政府采购交易项目1个，交易金额1万元。", "服务网上不见面开标项目1个。"}},
		{"bulletin, nothing traded", report.Bulletin, report.Input{Region: bs, Filter: year},
			[]string{"全年，全市未完成公共资源交易项目。"}},
		{"bulletin, one family, both levels", report.Bulletin, report.Input{Region: bs, Filter: year, Total: tender,
			Families: []query.Row{{Key: "工程建设", Totals: tender}, {Key: "政府采购"}, {Key: "其他"}},
			Levels:   []query.Row{{Key: division.CentreCity, Totals: query.Totals{Projects: 1, Amount: money.Wan}}, {Key: division.CentreCounty, Totals: query.Totals{Projects: 2, Amount: 12344 * money.Wan}}}},
			[]string{"全年，全市共完成公共资源交易项目3个，成交金额12345万元，节约资金10万元。其中：工程建设项目3个，中标金额12345万元，节约资金10万元。",
				"分级看，市级交易中心完成项目1个，成交金额1万元；县（区）级交易中心完成项目2个，成交金额12344万元。"}},
	}
	for _, tt := range tests {
		if got := report.Sentences(tt.style, tt.in); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestFigures(t *testing.T) {
	got := report.Figures(query.Totals{Projects: 1651, Amount: 1107371 * money.Wan, Savings: 3530382 * money.Wan / 100, Premium: 173388 * money.Wan / 10, Online: 289})
	var texts []string
	for _, f := range got {
		texts = append(texts, f.Text)
	}
	want := "1651个 1107371万元 110.74亿元 35303.82万元 3.53亿元 17338.8万元 1.73亿元 289个"
	if strings.Join(texts, " ") != want {
		t.Errorf("figures %q, want %q", strings.Join(texts, " "), want)
	}
}

var bs = division.MustRegion("530500")
