package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"go.yaml.in/yaml/v2"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
)

// headerLayout is one header row of the corpus and the field every cell must become.
type headerLayout struct {
	Source     string      `yaml:"source"`
	Incomplete bool        `yaml:"incomplete"`
	Cells      [][2]string `yaml:"cells"`
}

func readCorpus(t *testing.T) []headerLayout {
	t.Helper()
	b, err := os.ReadFile("testdata/headers/corpus.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c []headerLayout
	if err := yaml.UnmarshalStrict(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestHeaderCorpus: every cell of every real-style header row becomes the field the corpus
// says (or stays unread, or is known as a figure tradestat computes), and every layout names
// everything a lot needs.
func TestHeaderCorpus(t *testing.T) {
	corpus := readCorpus(t)
	if len(corpus) < 16 {
		t.Fatalf("the corpus has %d layouts; it keeps the specification's identifiers and at least 15 more", len(corpus))
	}
	for _, lay := range corpus {
		t.Run(lay.Source, func(t *testing.T) {
			cells := make([]string, len(lay.Cells))
			for i, c := range lay.Cells {
				cells[i] = c[0]
			}
			l := assign(cells, nil, 0)
			for i, c := range lay.Cells {
				if got := cellField(l, i, c[0]); got != c[1] {
					t.Errorf("%q became %s, want %s", c[0], got, c[1])
				}
			}
			if miss := l.missing(false); len(miss) > 0 != lay.Incomplete {
				t.Errorf("lacks %v; the corpus says incomplete: %v", miss, lay.Incomplete)
			}
		})
	}
}

// cellField is what the layout made of cell i, as the corpus writes it.
func cellField(l layout, i int, text string) string {
	if slices.Contains(l.serials, i) {
		return "serial"
	}
	if slices.Contains(l.derived, strings.TrimSpace(text)) {
		return "derived"
	}
	for _, c := range l.columns {
		if c.index == i {
			name := c.field.String()
			for _, sh := range l.shared {
				if l.at[sh[0]] == i {
					name += "+" + sh[0].String()
				}
			}
			return name
		}
	}
	for f := range numFields {
		if l.at[f] == i {
			return field(f).String()
		}
	}
	return "-"
}

// statedUnit is a unit written into a header: (万元), （单位：元）, [元], _yuan.
var statedUnit = regexp.MustCompile(`\s*[（(\[［〔【]\s*(单位[:：])?\s*(万元|元)\s*[）)\]］〕】]|_yuan$`)

// variants are the corpus's names of each field, the way platforms and clerks write them.
func variants(t *testing.T) map[field][]string {
	out := map[field][]string{}
	for _, lay := range readCorpus(t) {
		for _, c := range lay.Cells {
			if f, ok := parseField(c[1]); ok {
				name := statedUnit.ReplaceAllString(c[0], "") // units are the property test's own choice
				if headerText(name).unit == 0 {
					out[f] = append(out[f], name)
				}
			}
		}
	}
	return out
}

// TestRewrittenHeadersLoadTheSameLots is the property: the canonical layout's header rewritten
// with real variants of each name (drawn from the corpus), a unit in the headers or in a note
// above the table, a title row and group labels in a row above the names, reads exactly the
// same lots as the canonical file.
func TestRewrittenHeadersLoadTheSameLots(t *testing.T) {
	lots := propertyLots()
	names := variants(t)
	fields := []field{fProjectCode, fLotCode, fName, fType, fPlace, fDate, fBudget, fReserve, fAmount, fOnline}
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 13))
		header := make([]string, len(fields))
		for i, f := range fields {
			header[i] = names[f][rng.IntN(len(names[f]))]
		}
		unitMode := rng.IntN(3) // 0: 元 (stated or not), 1: (万元) in each money header, 2: a 单位：万元 note
		var b bytes.Buffer
		cw := csv.NewWriter(&b)
		w := func(cells ...string) { _ = cw.Write(cells) }
		if rng.IntN(2) == 0 {
			w("2021年公共资源交易项目统计表")
		}
		if unitMode == 2 {
			w("单位：万元")
		}
		for i, f := range fields {
			switch {
			case f.isMoney() && unitMode == 1:
				header[i] += "（万元）"
			case f.isMoney() && unitMode == 0 && rng.IntN(2) == 0:
				header[i] += "(元)"
			}
		}
		if rng.IntN(2) == 0 {
			group := make([]string, len(fields))
			for i, f := range fields {
				group[i] = "基本信息"
				if f.isMoney() {
					group[i] = "金额"
				}
			}
			w(group...)
		}
		w(header...)
		money := func(v money.Fen) string {
			switch {
			case v == 0:
				return ""
			case unitMode == 0:
				return v.Yuan()
			}
			return fmt.Sprintf("%d.%06d", v/money.Wan, v%money.Wan) // exact, as a clerk's 万元 column may be
		}
		for _, l := range lots {
			online := "否"
			if l.Online {
				online = "是"
			}
			w(l.ProjectCode, l.LotCode, l.Name, string(l.Type), l.PlaceCode, l.DealDate.String(), money(l.Budget), money(l.Reserve), money(l.Amount), online)
		}
		cw.Flush()
		var got []tradestat.Lot
		var rep Report
		err := scan(context.Background(), Source{Name: "p.csv", Data: b.Bytes()}, Options{Region: baoshan}, &rep, func(l tradestat.Lot) error {
			l.SourceFile, l.SourceRow = "", 0
			got = append(got, l)
			return nil
		})
		if err != nil || rep.Rejected != 0 || len(got) != len(lots) {
			t.Fatalf("seed %d: %v, %d lots, %d rejected %v\n%s", seed, err, len(got), rep.Rejected, rep.FirstRejects, b.String()[:min(b.Len(), 600)])
		}
		for i := range lots {
			// A budget column named as a ceiling price (最高投标限价) gives both.
			if c := got[i].Procedure.Ceiling; c != 0 && c == got[i].Budget {
				got[i].Procedure.Ceiling = 0
			}
			if got[i] != lots[i] {
				t.Fatalf("seed %d: header %q: lot %d is %+v, want %+v", seed, header, i, got[i], lots[i])
			}
		}
	}
}

// propertyLots are lots of every trade type, with budgets on tender lots and reserves on
// auction lots, in whole yuan (so that they are exact in 万元 too).
func propertyLots() []tradestat.Lot {
	start, _ := tradestat.ParseDate("2021-01-04")
	types := tradestat.TradeTypes()
	places := division.MustRegion("530500").Root().Descendants()
	var lots []tradestat.Lot
	for i := range 40 {
		ty := types[i%len(types)]
		l := tradestat.Lot{ProjectCode: fmt.Sprintf("P2021-%03d", i), LotCode: fmt.Sprintf("%02d", 1+i%3), Name: fmt.Sprintf("项目%d", i),
			Type: ty, PlaceCode: places[i%len(places)].Code, DealDate: tradestat.DateOf(start.Time().AddDate(0, 0, 7*i)),
			Amount: money.Fen(12345*(i+1)) * money.Yuan}
		switch ty.Kind() {
		case tradestat.Tender:
			l.Budget = l.Amount + money.Fen(100*i)*money.Yuan
			l.Online = i%2 == 0
		case tradestat.Auction:
			l.Reserve = l.Amount - money.Fen(10*i)*money.Yuan
		}
		lots = append(lots, l)
	}
	return lots
}

// TestCityWorkbook reads a city centre's workbook of the kind real exports are: a merged
// title, a unit note, a header over two rows with merged group labels, a completion-date
// header with nested brackets, one column for the budget and the reserve, sub-categories of
// trade types, centre names as places, an auction mode word in the opening-mode column, no lot
// column, and a second sheet named after its trade type with no type column.
func TestCityWorkbook(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	s1 := "交易明细"
	if err := f.SetSheetName("Sheet1", s1); err != nil {
		t.Fatal(err)
	}
	set := func(sheet, cell string, v any) {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	merge := func(sheet, a, b string) {
		if err := f.MergeCell(sheet, a, b); err != nil {
			t.Fatal(err)
		}
	}
	set(s1, "A1", "2021年保山市公共资源交易项目明细表")
	merge(s1, "A1", "H1")
	set(s1, "A2", "单位：万元")
	set(s1, "A3", "基本信息")
	merge(s1, "A3", "E3")
	set(s1, "F3", "金额")
	merge(s1, "F3", "G3")
	for i, h := range []string{"项目编号", "项目名称", "交易类型", "交易中心", "成交日期（确认日期【YYYY-MM-DD】）", "控制价/起拍价", "中标（成交）", "开标方式"} {
		set(s1, string(rune('A'+i))+"4", h)
	}
	rows := [][]any{
		{"SL2021-01", "水库除险加固", "工程建设-水利", "龙陵县公共资源交易中心", "2021-03-01", 120.5, 118.25, "不见面开标"},
		{"TD2021-07", "国有建设用地使用权", "土地出让（挂牌）", "市本级", "2021-04-02", 800, 950.5, "网上竞价"},
		{"CQ2021-03", "国有房产转让", "产权交易-股权", "保山市公共资源交易中心腾冲分中心", "2021/5/6", 50, 52, "拍卖"},
	}
	for r, row := range rows {
		for c, v := range row {
			set(s1, string(rune('A'+c))+fmt.Sprint(5+r), v)
		}
	}
	set(s1, "A8", "合计")
	set(s1, "G8", 1120.75)
	s2 := "政府采购"
	if _, err := f.NewSheet(s2); err != nil {
		t.Fatal(err)
	}
	for i, h := range []string{"采购项目编号", "包号", "采购项目名称", "交易地点", "成交日期", "采购预算（元）", "成交金额（元）"} {
		set(s2, string(rune('A'+i))+"1", h)
	}
	for c, v := range []any{"CG2021-9", "1", "办公家具", "施甸县", "2021-06-30", "200,000.00", "¥180,000.50"} {
		set(s2, string(rune('A'+c))+"2", v)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	var got []tradestat.Lot
	rep := Report{}
	err := scan(context.Background(), Source{Name: "city.xlsx", Data: b.Bytes()}, Options{Region: baoshan}, &rep, func(l tradestat.Lot) error {
		l.SourceFile, l.SourceRow = "", 0
		got = append(got, l)
		return nil
	})
	if err != nil || rep.Read != 5 || rep.Skipped != 1 || rep.Rejected != 0 {
		t.Fatalf("%v: %s %v", err, rep, rep.FirstRejects)
	}
	date := func(s string) tradestat.Date { d, _ := tradestat.ParseDate(s); return d }
	want := []tradestat.Lot{
		{ProjectCode: "SL2021-01", Name: "水库除险加固", Type: tradestat.Construction, SubType: "水利", PlaceCode: "530523", DealDate: date("2021-03-01"), Budget: 120_5000_00, Amount: 118_2500_00, Online: true},
		{ProjectCode: "TD2021-07", Name: "国有建设用地使用权", Type: tradestat.Land, PlaceCode: "530500", DealDate: date("2021-04-02"), Reserve: 800_0000_00, Amount: 950_5000_00},
		{ProjectCode: "CQ2021-03", Name: "国有房产转让", Type: tradestat.StateProp, SubType: "股权", PlaceCode: "530581", DealDate: date("2021-05-06"), Reserve: 50_0000_00, Amount: 52_0000_00},
		{ProjectCode: "CG2021-9", LotCode: "1", Name: "办公家具", Type: tradestat.Procurement, PlaceCode: "530521", DealDate: date("2021-06-30"), Budget: 200_000_00, Amount: 180_000_50},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d lots: %+v", len(got), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("lot %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	notes := strings.Join(rep.Notes, "\n")
	for _, w := range []string{"表头占第3、4两行", "单位为万元", "同时写明预算价和起始价", "交易类型为政府采购"} {
		if !strings.Contains(notes, w) {
			t.Errorf("notes lack %q:\n%s", w, notes)
		}
	}
	if len(rep.Gaps) != 0 || rep.NoBudget != 0 || rep.NoReserve != 0 {
		t.Errorf("gaps %v", rep.Gaps)
	}
}

// TestRewrittenValuesLoadTheSameLots: the property lots with every categorical value rewritten
// by generated variants — a name of the type or one of its sub-types (taken from the
// catalogue itself), qualifiers and sub-types in brackets or after a separator, suffixes,
// full-width forms and spaces; opening modes and statuses by any word of their reading with
// qualifiers around it — load to the same lots, each with the type, the opening and the status
// its value says.
func TestRewrittenValuesLoadTheSameLots(t *testing.T) {
	v := vocab()
	lots := propertyLots()
	for i := range lots {
		lots[i].Cancelled = i%7 == 3
	}
	// decisive are each type's words that name it and no other type.
	decisive := map[string][]string{}
	subOf := map[string]string{}
	for _, w := range v.trades.words {
		if ls := w.labelSet(); len(ls) == 1 && !w.alone {
			decisive[ls[0]] = append(decisive[ls[0]], w.key)
			if len(w.readings) == 1 {
				subOf[w.key] = w.readings[0].sub
			}
		}
	}
	wordsOf := func(lx *lexicon, label string) []string {
		var out []string
		for _, w := range lx.words {
			if ls := w.labelSet(); len(ls) == 1 && ls[0] == label {
				out = append(out, w.key)
			}
		}
		return out
	}
	online, onSite := wordsOf(v.opening, "online"), wordsOf(v.opening, "on_site")
	done, notDone := wordsOf(v.status, "completed"), wordsOf(v.status, "not_completed")
	wide := strings.NewReplacer("-", "－", "/", "／", "(", "（", ")", "）", ">", "＞", " ", "　")
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 29))
		pick := func(s []string) string { return s[rng.IntN(len(s))] }
		decorate := func(word string) string {
			switch rng.IntN(6) {
			case 0:
				word += pick([]string{"类", "项目", "交易", ""})
			case 1:
				word = pick([]string{"【", "[", "(", "「"}) + word + pick([]string{"】", "]", ")", "」"})
			case 2:
				word = " " + word + " "
			}
			if rng.IntN(3) == 0 {
				word = wide.Replace(word)
			}
			return word
		}
		var b bytes.Buffer
		cw := csv.NewWriter(&b)
		_ = cw.Write([]string{"项目编号", "标段编号", "项目名称", "交易分类", "交易地点", "成交日期", "预算金额", "起始价", "成交金额", "开标方式", "交易状态"})
		wantSub := make([]string, len(lots))
		for i, l := range lots {
			ty := string(l.Type)
			word := pick(decisive[ty])
			if subOf[word] != "" {
				wantSub[i] = subOf[word]
			}
			switch rng.IntN(4) {
			case 0: // the type, then a sub-type word of it
				word = ty + pick([]string{"-", "/", " > ", "（", "("}) + word + pick([]string{"", ")", "）"})
			case 1: // a qualifier in brackets that names no trade
				word += pick([]string{"（公开）", "(第一次)", "【县级】"})
			}
			open := pick([]string{decorate(pick(onSite)), "否", "×", ""})
			if l.Online {
				open = pick([]string{decorate(pick(online)), pick(online) + "开标", "开标方式-" + pick(online), pick(online) + "开标（公开）", "是", "√", "Y"})
			}
			if l.Type.Kind() == tradestat.Auction {
				open = pick([]string{"否", "", "×"})
			}
			status := decorate(pick(done))
			if l.Cancelled {
				status = decorate(pick(notDone))
			}
			money := func(v money.Fen) string {
				if v == 0 {
					return ""
				}
				return v.Yuan()
			}
			_ = cw.Write([]string{l.ProjectCode, l.LotCode, l.Name, decorate(word), l.PlaceCode, l.DealDate.String(),
				money(l.Budget), money(l.Reserve), money(l.Amount), open, status})
		}
		cw.Flush()
		var got []tradestat.Lot
		var rep Report
		err := scan(context.Background(), Source{Name: "v.csv", Data: b.Bytes()}, Options{Region: baoshan, Today: today}, &rep, func(l tradestat.Lot) error {
			l.SourceFile, l.SourceRow = "", 0
			got = append(got, l)
			return nil
		})
		if err != nil || rep.Rejected != 0 || len(got) != len(lots) {
			t.Fatalf("seed %d: %v, %d lots, %d rejected %v", seed, err, len(got), rep.Rejected, rep.FirstRejects)
		}
		for i := range lots {
			g := got[i]
			if g.SubType != wantSub[i] {
				t.Errorf("seed %d: lot %d has the sub-type %q, want %q", seed, i, g.SubType, wantSub[i])
			}
			g.SubType = ""
			if g != lots[i] {
				t.Fatalf("seed %d: lot %d is %+v, want %+v", seed, i, got[i], lots[i])
			}
		}
	}
}
