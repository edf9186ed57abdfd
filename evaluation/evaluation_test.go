package evaluation

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tradestat/money"
	"tradestat/msg"
	"tradestat/query"
)

// t1 is Baoshan's 2021 (docs/domain.md), with rate bases for 4.49%, 5.18% and 21.75%.
var t1 = query.Totals{Projects: 1651, Amount: 1107371 * money.Wan, Savings: 3530382 * money.Wan / 100,
	Premium: 173388 * money.Wan / 10, Online: 289, SavingsBase: 786000 * money.Wan, PremiumBase: 334700 * money.Wan, TenderLots: 1329}

func TestDefaultTargetsOnT1(t *testing.T) {
	ins, err := ParseTargets(bytes.NewReader(DefaultTargets))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, in := range Evaluate(ins, t1) {
		got[in.Level3] = in.Actual + " " + in.Status.Text(msg.Chinese)
	}
	want := map[string]string{
		"交易项目数":    "1651个 达成",
		"交易金额":     "110.74亿元 达成",
		"不见面开标项目数": "289个 达成",
		"平台运行稳定率":  "100% 达成",
		"运维服务响应":   "24小时 达成",
		"节约资金":     "3.53亿元 达成",
		"增价":       "1.73亿元 达成",
		"节约率":      "4.49% 达成",
		"不见面开标率":   "21.75% 达成",
		"服务对象满意度":  "100% 达成",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
}

func TestExactComparison(t *testing.T) {
	tests := []struct {
		name, target string
		totals       query.Totals
		want         string
	}{
		{"交易金额", "≥100亿元", query.Totals{Amount: 999960 * money.Wan}, "未达成"}, // shows as 100亿元
		{"交易金额", "≥100亿元", query.Totals{Amount: 100 * money.Yi}, "达成"},
		{"交易金额", ">100亿元", query.Totals{Amount: 100 * money.Yi}, "未达成"},
		{"交易金额", "≥1000000万元", query.Totals{Amount: 100 * money.Yi}, "达成"},
		{"交易项目数", "≤1500个", query.Totals{Projects: 1501}, "未达成"},
		{"节约率", "≥3%", query.Totals{Savings: 2999, SavingsBase: 100000}, "未达成"}, // 2.999% shows as 3.00%
		{"节约率", "≥3%", query.Totals{Savings: 3, SavingsBase: 100}, "达成"},
		{"节约率", "≥3%", query.Totals{}, "待填"}, // no base, no rate
		{"交易项目数", "≥10亿元", query.Totals{Projects: 1}, "待填"},
	}
	for _, tt := range tests {
		in := Evaluate([]Indicator{{Level1: "a", Level2: "b", Level3: tt.name, Target: tt.target}}, tt.totals)[0]
		if in.Status.Text(msg.Chinese) != tt.want {
			t.Errorf("%s %s with %+v: %s (actual %s), want %s", tt.name, tt.target, tt.totals, in.Status, in.Actual, tt.want)
		}
	}
}

func TestParseTargetsRefuses(t *testing.T) {
	for file, want := range map[string]string{
		"testdata/missing-actual.csv": "row 2: 平台运行稳定率 is not computed",
		"testdata/bad-target.csv":     "row 2, 年度指标值 \"很多\"",
		"testdata/bad-area.csv":       "row 2, 地区代码 \"腾冲\"",
	} {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ParseTargets(f)
		f.Close()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error naming %q", file, err, want)
		}
	}
	f, err := os.Open("testdata/bare.csv") // a target without a unit still compares
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ins, err := ParseTargets(f)
	if err != nil || Evaluate(ins, t1)[0].Status != Met {
		t.Errorf("bare target: %v, %v", ins, err)
	}
}

func TestWriteXLSX(t *testing.T) {
	ins, err := ParseTargets(bytes.NewReader(DefaultTargets))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteXLSX(&b, msg.Chinese, "2021年项目支出绩效自评表", nil, Evaluate(ins, t1)); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("绩效自评表")
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "2021年项目支出绩效自评表" || strings.Join(rows[1], ",") != "一级指标,二级指标,三级指标,年度指标值,实际完成值,完成情况" {
		t.Fatalf("title and header: %q %q", rows[0], rows[1])
	}
	if strings.Join(rows[3][2:], ",") != "交易金额,≥100亿元,110.74亿元,达成" {
		t.Errorf("row 4: %q", rows[3])
	}
	merged, err := x.GetMergeCells("绩效自评表")
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, m := range merged {
		refs = append(refs, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	if !strings.Contains(strings.Join(refs, " "), "A3:A7") { // 产出指标 over its five rows
		t.Errorf("merged cells %v", refs)
	}
}

// TestFor: a table is judged against its own area's targets only — a row naming no area is
// the served region's — and an area the file sets nothing for gets the computed indicators
// without targets, never another area's.
func TestFor(t *testing.T) {
	f, err := os.Open("testdata/areas.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ins, err := ParseTargets(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		area   string
		served bool
		want   string // Level3 target status of each row
	}{
		{"530581", false, "交易项目数 ≥150个 达成"},
		{"530500", true, "交易项目数 ≥1500个 达成|服务对象满意度 ≥90% 达成"},
		{"530502", false, ""},
		{"530000", false, ""},
	} {
		var got []string
		for _, in := range Evaluate(For(ins, tt.area, tt.served), t1) {
			got = append(got, in.Level3+" "+in.Target+" "+in.Status.Text(msg.Chinese))
		}
		if strings.Join(got, "|") != tt.want {
			t.Errorf("%s: %q, want %q", tt.area, got, tt.want)
		}
	}
	un := Evaluate(Unjudged(ins), t1)
	if len(un) != 1 || un[0].Level3 != "交易项目数" || un[0].Target != "" || un[0].Actual != "1651个" || un[0].Status != NoTarget {
		t.Errorf("unjudged: %+v, want 交易项目数 1651个 with no target (satisfaction, whose value the file gives for another area, left out)", un)
	}
	def, err := ParseTargets(bytes.NewReader(DefaultTargets))
	if err != nil {
		t.Fatal(err)
	}
	if For(def, "530000", true) != nil || len(For(def, "530500", false)) != 10 {
		t.Errorf("the shipped targets are Baoshan's and no other area's")
	}
}
