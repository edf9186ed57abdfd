package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
	"tradestat/msg"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in    string
		unit  money.Fen
		excel bool
		want  money.Fen
		err   string // "" ok, "empty", or "error"
	}{
		{"950000.00", money.Yuan, false, 95000000, ""},
		{"1,107,371.5", money.Yuan, false, 110737150, ""},
		{"¥1,234.56", money.Yuan, false, 123456, ""},
		{"￥ 1 234.56", money.Yuan, false, 123456, ""},
		{"１２３４．５６", money.Yuan, false, 123456, ""}, // full-width digits and point
		{"１，２３４", money.Yuan, false, 123400, ""},
		{"35303.82", money.Wan, false, 35303820000, ""},
		{"0.000001", money.Wan, false, 1, ""},
		{"12.5万元", money.Yuan, false, 125000 * 100, ""}, // unit in the cell wins
		{"12.5万", money.Yuan, false, 125000 * 100, ""},
		{"3000元", money.Wan, false, 300000, ""},
		{"(100.00)", money.Yuan, false, -10000, ""},
		{"1.5E+7", money.Yuan, false, 1500000000, ""},
		{"1234.5600000000001", money.Yuan, true, 123456, ""}, // Excel binary noise
		{"0.30000000000000004", money.Yuan, true, 30, ""},
		{"775064.72", money.Wan, true, 775064720000, ""},
		{"9999.9999999999999", money.Yuan, true, 1000000, ""}, // rounds up through the nines
		{"1.23E-2", money.Yuan, true, 0, "error"},             // 1.23 fen is not whole
		{"1234.5600000000001", money.Yuan, false, 0, "error"}, // typed text is not rounded
		{"1.234", money.Yuan, false, 0, "error"},
		{"待定", money.Yuan, false, 0, "error"},
		{"约100万", money.Yuan, false, 0, "error"},
		{"12-34", money.Yuan, false, 0, "error"},
		{"1e999", money.Yuan, false, 0, "error"},
		{"", money.Yuan, false, 0, "empty"},
		{"  ", money.Yuan, false, 0, "empty"},
		{"-", money.Yuan, false, 0, "empty"},
		{"／", money.Yuan, false, 0, "empty"},
		{"无", money.Yuan, false, 0, "empty"},
	}
	for _, tt := range tests {
		got, err := parseAmount(tt.in, tt.unit, tt.excel)
		switch {
		case tt.err == "empty" && !errors.Is(err, errEmpty),
			tt.err == "error" && (err == nil || errors.Is(err, errEmpty)),
			tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("parseAmount(%q, %d, %v) = %d, %v; want %d, %s", tt.in, tt.unit, tt.excel, got, err, tt.want, tt.err)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2021-03-01", "2021-03-01"},
		{"2021/3/1", "2021-03-01"},
		{"2021.3.1", "2021-03-01"},
		{"2021年3月1日", "2021-03-01"},
		{"2021年03月01号", "2021-03-01"},
		{"20210301", "2021-03-01"},
		{"2021-03-01 09:30:00", "2021-03-01"},
		{"2021/3/1 9:30", "2021-03-01"},
		{"2021-02-28T20:00:00Z", "2021-03-01"}, // 04:00 in Shanghai
		{"44256", "2021-03-01"},                // Excel serial
		{"44256.75", "2021-03-01"},
		{"２０２１－０３－０１", "2021-03-01"},
		{"2020-02-29", "2020-02-29"},
		{"2021-02-29", ""},
		{"2021-02-30", ""},
		{"2021-13-01", ""},
		{"2021-00-10", ""},
		{"2021-04-31", ""},
		{"2021-12-31", "2021-12-31"},
		{"2000-02-29", "2000-02-29"}, // divisible by 400: a leap year
		{"2100-02-29", ""},           // divisible by 100: not one
		{"2021/6/0", ""},
		{"2021年3月", ""},
		{"21-3-1", ""},
		{"1899-12-31", ""},
		{"00059", ""},
		{"下月初", ""},
		{"", "empty"},
	}
	for _, tt := range tests {
		got, err := parseDate(tt.in)
		switch tt.want {
		case "empty":
			if !errors.Is(err, errEmpty) {
				t.Errorf("parseDate(%q) = %v, %v; want empty", tt.in, got, err)
			}
		case "":
			if err == nil {
				t.Errorf("parseDate(%q) = %v; want an error", tt.in, got)
			}
		default:
			if err != nil || got.String() != tt.want {
				t.Errorf("parseDate(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
			}
		}
	}
}

func TestParsePlace(t *testing.T) {
	tests := []struct{ in, want string }{
		{"530581", "530581"},
		{"530522", "530581"},
		{"腾冲", "530581"},
		{"腾冲县", "530581"},
		{"腾冲市", "530581"},
		{"保山市腾冲市", "530581"},
		{"云南省保山市隆阳区", "530502"},
		{"隆阳", "530502"},
		{"施甸县公共资源交易中心", "530521"},
		{"保山市公共资源交易中心", "530500"},
		{"保山市", "530500"},
		{"市本级", "530500"},
		{"龙陵县", "530523"},
		{"昌宁", "530524"},
		{"（昌宁县）", "530524"},
		{"保山市公共资源交易中心腾冲分中心", "530581"},
		{"龙陵县公共资源交易中心", "530523"},
		{"昆明市", ""},
		{"110000", ""},
		{"", "empty"},
	}
	for _, tt := range tests {
		got, err := parsePlace(baoshan, tt.in)
		switch tt.want {
		case "empty":
			if !errors.Is(err, errEmpty) {
				t.Errorf("parsePlace(%q) = %v, %v; want empty", tt.in, got, err)
			}
		case "":
			if err == nil {
				t.Errorf("parsePlace(%q) = %v; want an error", tt.in, got)
			}
		default:
			if err != nil || got.Code != tt.want {
				t.Errorf("parsePlace(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
			}
		}
	}
	tree := baoshan.Tree()
	for in, want := range map[string]string{"昆明市五华区": "530102", "腾冲县": "530581", "某某工业园区": "某某工业园区"} {
		if got := parseRegion(tree, in); got != want {
			t.Errorf("parseRegion(%s) = %q, want %q (a region anywhere in the country as its code, else as written)", in, got, want)
		}
	}
}

// TestValueCorpus reads every categorical value of testdata/values as the file says: a trade
// type (and its sub-type, with the sheet it stands on where that matters), a status and an
// opening mode, the ambiguous and unknown ones rejected.
func TestValueCorpus(t *testing.T) {
	v := vocab()
	read := map[string]func(value, sheet string) (string, error){
		"trade_type.tsv": func(value, sheet string) (string, error) {
			var allowed []string
			if sheet != "" {
				allowed = v.trades.read(sheet).labels
			}
			ty, sub, err := parseTradeType(value, allowed)
			if sub != "" {
				return string(ty) + "/" + sub, err
			}
			return string(ty), err
		},
		"status.tsv": func(value, _ string) (string, error) {
			done, known := v.completed(value)
			if !known {
				return "", errors.New("unknown")
			}
			return map[bool]string{true: "成交", false: "未成交"}[done], nil
		},
		"opening.tsv": func(value, _ string) (string, error) {
			online, err := parseFlag(value)
			return map[bool]string{true: "是", false: "否"}[online], err
		},
	}
	for file, readValue := range read {
		b, err := os.ReadFile(filepath.Join("testdata", "values", file))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for line := range strings.Lines(string(b)) {
			line = strings.TrimRight(line, "\n")
			if strings.HasPrefix(line, "#") || line == "" {
				continue
			}
			parts := strings.Split(line, "\t")
			if len(parts) < 2 {
				t.Fatalf("%s: line %q: no tab", file, line)
			}
			value, want, sheet := parts[0], parts[1], ""
			if len(parts) > 2 {
				sheet = parts[2]
			}
			n++
			got, err := readValue(value, sheet)
			switch {
			case want == "reject" && err == nil:
				t.Errorf("%s: %q (sheet %q) read as %q; want a reject", file, value, sheet, got)
			case want != "reject" && (err != nil || got != want):
				t.Errorf("%s: %q (sheet %q) read as %q, %v; want %s", file, value, sheet, got, err, want)
			}
		}
		if n < 30 {
			t.Fatalf("%s: %d values read", file, n)
		}
	}
}

// TestTradeRejectsSayWhy: a value that could be two types names both; one naming nothing
// known names the nearest word.
func TestTradeRejectsSayWhy(t *testing.T) {
	for value, want := range map[string][]string{
		"工程类":       {"工程建设", "政府采购"},
		"土地使用权和矿业权": {"土地使用权出让", "矿业权出让"},
		"建设用途":      {"建设用地", "土地使用权出让"},
	} {
		_, _, err := parseTradeType(value, nil)
		if err == nil {
			t.Fatalf("%q read; want a reject", value)
		}
		text := msg.Chinese.Say(err)
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%q: %s; want it to name %s", value, text, w)
			}
		}
	}
}

// FuzzParseAmount: never panics; whatever it accepts is exact (its canonical text reads back
// to the same fen), and the same input in 万元 is 10000 times the value in 元.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1,234.56", "¥0.01", "12.5万元", "1.5E+7", "１２３", "(5)", "待定", ""} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, excel bool) {
		v, err := parseAmount(s, money.Yuan, excel)
		if err != nil {
			return
		}
		back, err := money.Parse(v.Yuan(), money.Yuan)
		if err != nil || back != v {
			t.Fatalf("parseAmount(%q) = %d, which does not round-trip (%d, %v)", s, v, back, err)
		}
	})
}

// FuzzParseDate: never panics; whatever it accepts is a real day within range whose canonical
// text parses back to the same day.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2021-03-01", "2021/3/1", "2021年3月1日", "20210301", "44256.5", "2021-02-28T20:00:00Z", "2021-02-30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDate(s)
		if err != nil {
			return
		}
		back, err := tradestat.ParseDate(d.String())
		if err != nil || back != d || d.Year < 1990 || d.Year > 2100 {
			t.Fatalf("parseDate(%q) = %v, which does not round-trip (%v, %v)", s, d, back, err)
		}
	})
}

// FuzzConvertRow: any row of cells under a known header converts to a lot, a reject or a
// skip without panicking, and a lot it yields is whole: an identity, a known type and place,
// a real date and no negative amount.
func FuzzConvertRow(f *testing.F) {
	header := []string{"序号", "项目编号", "标段编号", "交易类型", "交易地点", "成交日期", "控制价(万元)", "起始价(元)", "成交金额(万元)", "不见面开标"}
	l := assign(header, nil, 0)
	conv := &converter{file: "fuzz.csv", l: l, today: tradestat.Date{Year: 2026, Month: 12, Day: 4}, p: msg.Chinese.Printer(), region: baoshan}
	conv.again = headerText(l.header(l.againField())).key
	f.Add("1", "P1", "01", "工程建设", "腾冲", "2021-03-01", "100", "", "95.5", "是")
	f.Add("合计", "", "", "", "", "", "", "", "1,000", "")
	f.Add("2", "", "", "土地出让", "530522", "44256", "", "1,000.00", "12.5万元", "")
	f.Add("3", "P3", "", "罚没", "保山市", "2021年13月1日", "-", "x", "待定", "maybe")
	f.Fuzz(func(t *testing.T, a, b, c, d, e, g, h, i, j, k string) {
		r := convertRow(conv, []string{a, b, c, d, e, g, h, i, j, k}, 2, nil)
		switch r.kind {
		case rowReject:
			if r.reject == nil || r.reject.Reason == "" {
				t.Fatal("a reject without a reason")
			}
		case rowLot:
			lot := r.lot
			if lot.ID() == "" || lot.Type == "" || lot.PlaceCode == "" || lot.DealDate.IsZero() ||
				lot.Amount < 0 || lot.Budget < 0 || lot.Reserve < 0 || lot.Savings() < 0 || lot.Premium() < 0 {
				t.Fatalf("an incomplete lot: %+v", lot)
			}
			if _, err := baoshan.Place(lot.PlaceCode); err != nil {
				t.Fatalf("lot with place %q: %v", lot.PlaceCode, err)
			}
		}
	})
}

// baoshan is the region the ingest tests load for.
var baoshan = division.MustRegion("530500")

// TestInOrder: a header's reduction is found in the plain form of any cell that reduces to it,
// and inOrder rules out exactly the cells that lack its runes in order.
func TestInOrder(t *testing.T) {
	for _, cell := range []string{"中标金额（万元）", "投标人名称", "【投标人 名称】", "ＡＢＣ公司（联合体）", "合计", "#", "No.", "报价 单位：元"} {
		if key := headerText(cell).key; !inOrder(key, plainValue(cell)) {
			t.Errorf("%q reduces to %q, which inOrder does not find in %q", cell, key, plainValue(cell))
		}
	}
	for _, c := range []struct {
		sub, s string
		want   bool
	}{{"", "x", true}, {"\uFFFD", "a\xff", true}, {"\uFFFDb", "a\xff", false}, {"投标人", "投标人名称", true}, {"投标人", "人投标", false}, {"ab", "a", false}, {"名称", "甲名乙称", true}} {
		if got := inOrder(c.sub, c.s); got != c.want {
			t.Errorf("inOrder(%q, %q) = %v", c.sub, c.s, got)
		}
	}
}

// TestFieldsNamed: every field has its name (mapping files, the dry run) and its label (the
// account): the tables are indexed by field, so one left out shifts every field after it.
func TestFieldsNamed(t *testing.T) {
	for f := field(1); f < numFields; f++ {
		if fieldNames[f] == "" || fieldLabels[f] == "" {
			t.Errorf("field %d: name %q, label %q", f, fieldNames[f], fieldLabels[f])
		}
	}
}
