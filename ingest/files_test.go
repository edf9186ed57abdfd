package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tradestat"
	"tradestat/money"
	"tradestat/msg"
)

var today = tradestat.Date{Year: 2026, Month: 12, Day: 4}

const canonicalHeader = "project_code,lot_code,name,trade_type,place_code,deal_date,budget_yuan,amount_yuan,online\n"

// scanBytes scans a file held in memory as a load would, without a database, and returns
// its account, its lots, its rejects and the bytes it allocated.
func scanBytes(t testing.TB, name string, data []byte) (Report, []tradestat.Lot, []Reject, uint64, error) {
	t.Helper()
	var rep Report
	var lots []tradestat.Lot
	var rejects []Reject
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := scan(context.Background(), Source{Name: name, Data: data}, Options{Region: baoshan, Today: today, Rejects: func(r Reject) error {
		rejects = append(rejects, r)
		return nil
	}}, &rep, func(l tradestat.Lot) error { lots = append(lots, l); return nil })
	runtime.ReadMemStats(&after)
	return rep, lots, rejects, after.TotalAlloc - before.TotalAlloc, err
}

// workbook is a small valid XLSX: a header and one lot, with edit applied to the sheet.
func workbook(t testing.TB, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, row := range [][]any{
		{"项目编号", "标段编号", "项目名称", "交易类型", "交易地点", "成交日期", "控制价(元)", "成交金额(元)"},
		{"P1", "1", "道路工程", "工程建设", "530502", "2021-03-01", 1000, 900},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(f)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// replacePart rewrites one part of a workbook with data (stored compressed).
func replacePart(t testing.TB, xlsx []byte, name string, data []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == name {
			w.Write(data)
			continue
		}
		rc, _ := f.Open()
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		w.Write(b.Bytes())
	}
	zw.Close()
	return out.Bytes()
}

// sheetWith is a sheet part holding the header row and one row with cell as its name, and
// after the cells whatever extra says (merged ranges).
func sheetWith(cell, extra string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>项目编号</t></is></c><c r="B1" t="inlineStr"><is><t>项目名称</t></is></c><c r="C1" t="inlineStr"><is><t>交易类型</t></is></c><c r="D1" t="inlineStr"><is><t>交易地点</t></is></c><c r="E1" t="inlineStr"><is><t>成交日期</t></is></c><c r="F1" t="inlineStr"><is><t>成交金额</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>P1</t></is></c><c r="B2" t="inlineStr"><is><t>` + cell + `</t></is></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><t>merged</t></is></c></row></sheetData>` + extra + `</worksheet>`)
}

// manyMerges is n one-cell-apart merged ranges, each two cells wide.
func manyMerges(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `<mergeCell ref="A%d:B%d"/>`, i+4, i+4)
	}
	return b.String()
}

// TestFilesThatWouldExhaustMemory: small files built to make a reader hold gigabytes, or
// spend minutes, are read within bounds or refused naming the bound, having allocated little.
func TestFilesThatWouldExhaustMemory(t *testing.T) {
	pseudo := func(n int) string { // text that does not compress
		var b strings.Builder
		x := uint32(1)
		for b.Len() < n {
			x = x*1664525 + 1013904223
			b.WriteByte('a' + byte(x>>27)%26)
		}
		return b.String()
	}
	merged := replacePart(t, workbook(t, nil), "xl/worksheets/sheet1.xml", sheetWith("x", `<mergeCells count="1"><mergeCell ref="A3:XFD1048576"/></mergeCells>`))
	for _, tc := range []struct {
		name, file string
		data       []byte
		says       string // "" when the file is read, within bounds
	}{
		{name: "a merged range over the whole sheet", file: "merge.xlsx", data: merged},
		{name: "600 merged ranges over one another", file: "overlap.xlsx", data: replacePart(t, workbook(t, nil), "xl/worksheets/sheet1.xml",
			sheetWith("x", `<mergeCells count="600">`+strings.Repeat(`<mergeCell ref="A3:XFD1048576"/>`, 600)+`</mergeCells>`))},
		{name: "50,000 merged ranges", file: "many.xlsx", data: replacePart(t, workbook(t, nil), "xl/worksheets/sheet1.xml",
			sheetWith("x", `<mergeCells count="50000">`+manyMerges(50000)+`</mergeCells>`)), says: "合并区域"},
		{name: "a cell of 64 MB that compresses 1000:1", file: "cell.xlsx", data: replacePart(t, workbook(t, nil), "xl/worksheets/sheet1.xml", sheetWith(strings.Repeat("x", 64<<20), "")), says: "压缩比"},
		{name: "a cell longer than Excel allows", file: "long.xlsx", data: replacePart(t, workbook(t, nil), "xl/worksheets/sheet1.xml", sheetWith(pseudo(400<<10), "")), says: "单元格"},
		{name: "64 MB of whitespace in the shared strings", file: "ws.xlsx", data: replacePart(t, workbook(t, nil), "xl/sharedStrings.xml", bytes.Repeat([]byte(" "), 64<<20)), says: "压缩比"},
		{name: "a CSV line of 4 MB", file: "line.csv", data: []byte(canonicalHeader + "P1,1," + strings.Repeat("名", 4<<20/3) + ",工程建设,530502,2021-03-01,100,90,否\n"), says: "超过 1024 KiB"},
		{name: "a CSV row of 100,000 cells", file: "wide.csv", data: []byte(canonicalHeader + "P1" + strings.Repeat(",", 100000) + "\n"), says: "列的上限"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, alloc, err := scanBytes(t, tc.file, tc.data)
			switch {
			case tc.says == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.says != "" && (err == nil || !isUnreadable(err) || !strings.Contains(msg.Chinese.Say(err), tc.says)):
				t.Errorf("got %v; want it refused saying %q", err, tc.says)
			}
			if alloc > 400<<20 {
				t.Errorf("allocated %d MiB for a %d KiB file", alloc>>20, len(tc.data)>>10)
			}
		})
	}
}

// TestStrayQuote: a quote left open in row 11 of a 10,000-row file does not quietly end the
// file: the file is refused, naming the row and how many lines the cell swallowed.
func TestStrayQuote(t *testing.T) {
	var b strings.Builder
	b.WriteString(canonicalHeader)
	for i := 1; i <= 10000; i++ {
		name := fmt.Sprintf("工程%d", i)
		if i == 10 {
			name = `"道路工程` // opens a quote that nothing closes
		}
		fmt.Fprintf(&b, "P%05d,1,%s,工程建设,530502,2021-03-01,100,90,否\n", i, name)
	}
	for _, data := range []string{b.String(), strings.Replace(b.String(), "P00500,1,工程500", `P00500,1,工程500"`, 1)} {
		_, lots, _, _, err := scanBytes(t, "quote.csv", []byte(data))
		if err == nil || !isUnreadable(err) || !strings.Contains(msg.Chinese.Say(err), "第11行") {
			t.Errorf("%d lots, %v; want the file refused naming row 11", len(lots), err)
		}
	}
	// A quoted cell that holds a line break, as an address may, is one cell.
	rep, lots, _, _, err := scanBytes(t, "ok.csv", []byte(canonicalHeader+"P1,1,\"道路\n工程\",工程建设,530502,2021-03-01,100,90,否\nP2,1,x,工程建设,530502,2021-03-01,100,90,否\n"))
	if err != nil || len(lots) != 2 || lots[0].Name != "道路\n工程" || rep.Read != 2 {
		t.Errorf("a line break in a quoted cell: %v, %+v", err, lots)
	}
}

// TestRowBounds: identities that are empty or written two ways, fields and amounts past their
// bounds and dates after today are rejects with a reason, or one lot, never a silent merge
// or an overflow.
func TestRowBounds(t *testing.T) {
	rows := []string{
		"P1,1,ok,工程建设,530502,2021-03-01,100,90,否",
		",1,empty project,工程建设,530502,2021-03-01,100,90,否",
		"   ,2,blank project,工程建设,530502,2021-03-01,100,90,否",
		"\u200b,3,invisible project,工程建设,530502,2021-03-01,100,90,否",
		"Ｐ１,1,full-width twin of P1,工程建设,530502,2021-03-02,100,80,否",
		"P\u200b1,1,zero-width twin of P1,工程建设,530502,2021-03-03,100,70,否",
		"\ufeffP1,1,BOM twin of P1,工程建设,530502,2021-03-04,100,60,否",
		"P2,1," + strings.Repeat("长", 5000) + ",工程建设,530502,2021-03-01,100,90,否",
		strings.Repeat("C", 300) + ",1,long code,工程建设,530502,2021-03-01,100,90,否",
		"P3,1,huge,工程建设,530502,2021-03-01,92233720368547758,92233720368547758,否",
		"P4,1,future,工程建设,530502,2038-01-19,100,90,否",
	}
	_, lots, rejects, _, err := scanBytes(t, "rows.csv", []byte(canonicalHeader+strings.Join(rows, "\n")+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int{}
	for _, l := range lots {
		ids[l.ID()]++
	}
	if len(ids) != 1 || ids["P1/1"] != 4 {
		t.Errorf("lots by identity %v; want the four spellings of P1/1 as one identity", ids)
	}
	want := []string{"项目编号为空", "项目编号为空", "项目编号为空", "项目名称超过1000", "编号超过100", "金额超过", "晚于今天"}
	if len(rejects) != len(want) {
		t.Fatalf("%d rejects, want %d: %v", len(rejects), len(want), rejects)
	}
	for i, r := range rejects {
		if !strings.Contains(r.Reason, want[i]) {
			t.Errorf("reject %d: %q, want it to say %q", i, r.Reason, want[i])
		}
	}
}

// FuzzScanFile: any bytes, read as a CSV or as a workbook, are refused as a whole or read with
// every row accounted for (read = valid + rejected + skipped), and never make the reader
// allocate more than a bounded amount.
func FuzzScanFile(f *testing.F) {
	f.Add([]byte(canonicalHeader+"P1,1,x,工程建设,530502,2021-03-01,100,90,否\n"), false)
	f.Add([]byte(canonicalHeader+"P1,1,\"x,工程建设,530502,2021-03-01,100,90,否\nP2,1,y,工程建设,530502,2021-03-01,100,90,否\n"), false)
	f.Add(workbook(f, nil), true)
	f.Add(workbook(f, func(x *excelize.File) { _ = x.MergeCell("Sheet1", "A2", "H9") }), true)
	f.Fuzz(func(t *testing.T, data []byte, xlsx bool) {
		name := "f.csv"
		if xlsx {
			name = "f.xlsx"
		}
		rep, lots, _, alloc, err := scanBytes(t, name, data)
		if alloc > 256<<20+uint64(len(data))*64 {
			t.Fatalf("allocated %d MiB for %d bytes", alloc>>20, len(data))
		}
		if err != nil {
			return
		}
		if rep.Read != len(lots)+rep.Rejected+rep.Skipped {
			t.Fatalf("read %d ≠ %d lots + %d rejected + %d skipped", rep.Read, len(lots), rep.Rejected, rep.Skipped)
		}
	})
}

// BenchmarkRecordLimiter: what following the quoting of a CSV file costs per byte.
func BenchmarkRecordLimiter(b *testing.B) {
	var buf strings.Builder
	for i := 0; buf.Len() < 16<<20; i++ {
		fmt.Fprintf(&buf, "S%09d,1,\"项目, 名称 %d\",工程建设,530502,2021-03-01,1000.00,900.00,否\n", i, i)
	}
	data := []byte(buf.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := io.Copy(io.Discard, newRecordLimiter(bytes.NewReader(data), ',')); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPriceUnitCodes: a per-row unit is read when it names 元 or 万元; a unit written as a
// code (0, 1, 2 — platforms number them differently) rejects its row, naming the code, rather
// than being read as one platform's numbering.
func TestPriceUnitCodes(t *testing.T) {
	for _, tc := range []struct {
		unit   string
		amount money.Fen // 0: rejected
	}{
		{"元", 1250 * money.Yuan}, {"万元", 1250 * money.Wan}, {"CNY", 1250 * money.Yuan},
		{"0", 0}, {"1", 0}, {"2", 0}, {"１", 0}, {"亿元", 0},
	} {
		data := "项目编号,标段编号,项目名称,交易类型,交易地点,成交日期,成交金额,价格单位\nP1,1,道路工程,工程建设,530502,2021-03-01,1250," + tc.unit + "\n"
		rep, lots, rejects, _, err := scanBytes(t, "units.csv", []byte(data))
		if err != nil {
			t.Fatalf("%s: %v", tc.unit, err)
		}
		switch {
		case tc.amount != 0 && (len(lots) != 1 || lots[0].Amount != tc.amount):
			t.Errorf("unit %q: %v, want one lot of %s元", tc.unit, lots, tc.amount.Yuan())
		case tc.amount == 0 && (len(lots) != 0 || rep.Rejected != 1 || len(rejects) != 1 || !strings.Contains(rejects[0].Reason, "「"+tc.unit+"」")):
			t.Errorf("unit %q: %d lots, rejects %v; want the row rejected naming the unit", tc.unit, len(lots), rejects)
		case tc.amount == 0 && tc.unit != "亿元" && !strings.Contains(rejects[0].Reason, "代码"):
			t.Errorf("unit %q: the reason does not say it is a code: %s", tc.unit, rejects[0].Reason)
		}
	}

	// A mapping file says what the codes mean: the national specification's win-result
	// layout, whose 价格单位 2 is then 万元 (338.12 → 3381200.00元); a code it does not name is
	// still refused, and so is a mapping that gives a code no unit tradestat knows.
	dir := t.TempDir()
	mapping := func(line string) (Mapping, error) {
		path := filepath.Join(dir, "mapping.csv")
		if err := os.WriteFile(path, []byte(line+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return LoadMapping(path)
	}
	m, err := mapping("价格单位,price_unit,1=元 2=万元")
	if err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]money.Fen{"testdata/spec-win-result.csv": 3381200 * money.Yuan} {
		var rep Report
		var lots []tradestat.Lot
		err := scan(context.Background(), SourceFromPath(file), Options{Region: baoshan, Today: today, Mapping: m}, &rep,
			func(l tradestat.Lot) error { lots = append(lots, l); return nil })
		if err != nil || len(lots) != 1 || lots[0].Amount != want {
			t.Errorf("%s with the codes mapped: %v, %v; want one lot of %s元", file, lots, err, want.Yuan())
		}
	}
	data := "项目编号,标段编号,项目名称,交易类型,交易地点,成交日期,成交金额,价格单位\nP1,1,道路工程,工程建设,530502,2021-03-01,1250,3\n"
	var rep Report
	if err := scan(context.Background(), Source{Name: "units.csv", Data: []byte(data)}, Options{Region: baoshan, Today: today, Mapping: m}, &rep,
		func(tradestat.Lot) error { return nil }); err != nil || rep.Rejected != 1 {
		t.Errorf("a code the mapping does not name: %v, %d rejected", err, rep.Rejected)
	}
	for _, bad := range []string{"价格单位,price_unit,1=亿元", "价格单位,price_unit,1", "价格单位,price_unit,=元"} {
		if _, err := mapping(bad); err == nil {
			t.Errorf("mapping %q accepted", bad)
		}
	}
}

// TestMappingSaysWhatValuesMean: a deployment says in its mapping file what its values mean
// (工程=工程建设, a status code 9=流标), which the vocabulary alone would reject or not know; a
// meaning that does not read as one thing is refused when the mapping is loaded.
func TestMappingSaysWhatValuesMean(t *testing.T) {
	dir := t.TempDir()
	mapping := func(lines string) (Mapping, error) {
		path := filepath.Join(dir, "mapping.csv")
		if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
			t.Fatal(err)
		}
		return LoadMapping(path)
	}
	data := "项目编号,项目名称,交易分类,交易地点,成交日期,成交金额,交易状态\n" +
		"P1,道路,工程,530502,2021-03-01,1250,1\n" +
		"P2,家具,货物,530502,2021-03-02,300,1\n" +
		"P3,设计,工程,530502,2021-03-03,80,9\n"
	scanWith := func(m Mapping) ([]tradestat.Lot, Report) {
		var rep Report
		var lots []tradestat.Lot
		if err := scan(context.Background(), Source{Name: "values.csv", Data: []byte(data)}, Options{Region: baoshan, Today: today, Mapping: m}, &rep,
			func(l tradestat.Lot) error { lots = append(lots, l); return nil }); err != nil {
			t.Fatal(err)
		}
		return lots, rep
	}
	if lots, rep := scanWith(nil); len(lots) != 0 || rep.Rejected != 3 {
		t.Fatalf("without a mapping: %d lots, %d rejected; want every row rejected (工程 and 货物 could be two types, 1 and 9 say nothing)", len(lots), rep.Rejected)
	}
	m, err := mapping("交易分类,trade_type,工程=工程建设 货物=政府采购货物\n交易状态,status,1=成交 9=流标\n")
	if err != nil {
		t.Fatal(err)
	}
	lots, rep := scanWith(m)
	if len(lots) != 3 || rep.Rejected != 0 {
		t.Fatalf("with the mapping: %d lots, %v", len(lots), rep.FirstRejects)
	}
	want := []struct {
		t         tradestat.TradeType
		sub       string
		cancelled bool
	}{{tradestat.Construction, "", false}, {tradestat.Procurement, "货物", false}, {tradestat.Construction, "", true}}
	for i, w := range want {
		if lots[i].Type != w.t || lots[i].SubType != w.sub || lots[i].Cancelled != w.cancelled {
			t.Errorf("lot %d: %s/%s cancelled %v; want %s/%s cancelled %v", i, lots[i].Type, lots[i].SubType, lots[i].Cancelled, w.t, w.sub, w.cancelled)
		}
	}
	for _, bad := range []string{"交易分类,trade_type,工程=工程", "交易分类,trade_type,工程", "交易状态,status,1=进行中", "开标方式,online,1=待定"} {
		if _, err := mapping(bad + "\n"); err == nil {
			t.Errorf("mapping %q accepted", bad)
		}
	}
}

// TestUnitsBelongToTheirColumns: a unit a column's header states holds for that column, and a
// per-row unit (价格单位) for the columns that state none — a ceiling of 34,300,000元 beside an
// award of 3,380万元 is a saving of 50万元, not a ceiling ten thousand times larger; and prices
// that cannot both be true of one lot (a budget a thousand times its award) are a reject naming
// both, never a saving.
func TestUnitsBelongToTheirColumns(t *testing.T) {
	data := "项目编号,项目名称,交易类型,交易地点,成交日期,最高投标限价（元）,中标金额,价格单位\n" +
		"P1,道路,工程建设,530502,2021-03-01,34300000,3380,万元\n" +
		"P2,桥梁,工程建设,530502,2021-03-02,34300000,3380,元\n"
	rep, lots, rejects, _, err := scanBytes(t, "units.csv", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(lots) != 1 || lots[0].Budget != 34300000*money.Yuan || lots[0].Amount != 3380*money.Wan || lots[0].Savings() != 50*money.Wan {
		t.Fatalf("lots %+v; want P1 with a ceiling of 3430万元, an award of 3380万元, savings of 50万元", lots)
	}
	if rep.Rejected != 1 || len(rejects) != 1 || rejects[0].Row != 3 || !strings.Contains(rejects[0].Reason, "34300000.00") || !strings.Contains(rejects[0].Reason, "3380.00") {
		t.Fatalf("rejects %v; want row 3 rejected naming both prices", rejects)
	}
	var dry strings.Builder
	if err := Inspect(Source{Name: "units.csv", Data: []byte(data)}, Options{Region: baoshan, Today: today, Lang: msg.English}, &dry, 5); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[元, as its header states]", `[the unit in column "价格单位" of each row; 元 where it is empty]`} {
		if !strings.Contains(dry.String(), want) {
			t.Errorf("dry run lacks %q:\n%s", want, dry.String())
		}
	}
}

// TestRowsThatAreNotLots: signature, stamp and page lines below or inside a table are skipped
// as notes, not rejected as lots; a section that did not complete (流标) is loaded without a
// completion date or an amount, keeping its opening date where the file has one.
func TestRowsThatAreNotLots(t *testing.T) {
	data := "项目编号,项目名称,交易类型,交易地点,成交日期,开标日期,成交金额,交易状态\n" +
		"P1,道路,工程建设,530502,2021-03-01,2021-02-20,1250,成交\n" +
		"P2,桥梁,工程建设,530502,,2021-03-05,,流标\n" +
		"P3,隧道,工程建设,530502,,,,废标\n" +
		"第1页 共2页,,,,,,,\n" +
		"制表人：张三,,审核人：李四,,负责人：王五,,,\n" +
		"填报单位（盖章）：保山市公共资源交易中心,,,,,制表日期：,2022年1月5日,\n" +
		"（盖章）,,,,,,,\n" +
		"P4,水库,工程建设,530502,,2021-03-06,,成交\n"
	rep, lots, rejects, _, err := scanBytes(t, "notes.csv", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Read != 8 || rep.Skipped != 4 || rep.Rejected != 1 || len(lots) != 3 {
		t.Fatalf("%s, %d lots, rejects %v; want 3 lots, 4 note rows skipped, P4 rejected", rep, len(lots), rejects)
	}
	if rejects[0].Row != 9 {
		t.Errorf("reject %v; want P4 (a completed lot without its date)", rejects[0])
	}
	if !lots[1].Cancelled || lots[1].DealDate.String() != "2021-03-05" || lots[1].Amount != 0 {
		t.Errorf("P2 %+v; want a 流标 section kept at its opening date", lots[1])
	}
	if !lots[2].Cancelled || lots[2].DealDate != tradestat.NoDate() {
		t.Errorf("P3 %+v; want a 废标 section with no date kept", lots[2])
	}
}

// TestDryRunValues: the dry run lists, per categorical column, every distinct value of the
// whole table, how many rows hold it and how it is read, marking the refused ones.
func TestDryRunValues(t *testing.T) {
	var out strings.Builder
	if err := Inspect(SourceFromPath("testdata/web-export-place-530523.xls"), Options{Region: baoshan, Place: "530523", Today: today}, &out, 1); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{
		"「交易分类」列（交易类型）的各个值及其读法：",
		"「开标方式」列（不见面开标）的各个值及其读法：",
		"流标                       ×1     → 未成交：不计入任何统计",
		"×2     → 工程建设 / 市政",
		"服务类                      ×1     ✗ 拒收：",
		"不见面开标（远程异地评标）            ×1     → 不见面开标",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("dry run lacks %q:\n%s", want, text)
		}
	}
}

// TestTitleSettlesAValue: a title above the table (政府采购项目成交明细) settles a value that
// could be two types (工程类) as a sheet's name does; without it the value is a reject naming
// both.
func TestTitleSettlesAValue(t *testing.T) {
	table := "项目编号,项目名称,采购类别,交易地点,成交日期,成交金额\nP1,校舍维修,工程类,530502,2021-03-01,1250\n"
	for title, want := range map[string]tradestat.TradeType{"政府采购项目成交明细表\n": tradestat.Procurement, "2021年交易明细\n": ""} {
		rep, lots, _, _, err := scanBytes(t, "title.csv", []byte(title+table))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case want == "" && rep.Rejected != 1:
			t.Errorf("under %q: %d lots; want 工程类 rejected", title, len(lots))
		case want != "" && (len(lots) != 1 || lots[0].Type != want || lots[0].SubType != "工程"):
			t.Errorf("under %q: %+v; want one %s lot", title, lots, want)
		}
	}
}
