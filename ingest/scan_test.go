package ingest

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tradestat"
	"tradestat/division"
	"tradestat/msg"
)

var update = flag.Bool("update", false, "rewrite the .golden files from the current output")

// scanGolden scans a file without a database and renders what came of every row, in the
// form of the .golden files.
func scanGolden(t *testing.T, path string, opts Options) string {
	t.Helper()
	var b strings.Builder
	var rejects []Reject
	opts.Rejects = func(r Reject) error { rejects = append(rejects, r); return nil }
	var lots []tradestat.Lot
	var bids []tradestat.Bid
	rep := Report{File: filepath.Base(path)}
	err := scanAll(context.Background(), SourceFromPath(path), opts, &rep, Emit{
		Lot: func(l tradestat.Lot) error { lots = append(lots, l); return nil },
		Bid: func(b tradestat.Bid) error { bids = append(bids, b); return nil },
	})
	if err != nil {
		fmt.Fprintf(&b, "error (unreadable %v): %v\n", isUnreadable(err), opts.Lang.Say(err))
		return b.String()
	}
	ids := map[string]bool{} // what the server counts after a load: distinct lots
	for _, l := range lots {
		ids[l.ID()] = true
	}
	for _, b := range bids {
		ids[b.ProjectCode+"|"+b.LotCode+"|"+b.BidderKey()] = true
	}
	rep.Bids = len(bids)
	rep.Loaded, rep.Duplicates = len(ids), len(lots)+len(bids)-len(ids)
	fmt.Fprintln(&b, rep.String())
	fmt.Fprintf(&b, "format: %s; sheets: %v\n", rep.Format, rep.Sheets)
	if !rep.Balanced() || rep.Rejected != len(rejects) {
		fmt.Fprintln(&b, "UNBALANCED")
	}
	for _, n := range rep.Notes {
		fmt.Fprintln(&b, "note:", n)
	}
	for _, u := range rep.Unread {
		fmt.Fprintln(&b, "unread:", u)
	}
	for _, g := range rep.Gaps {
		fmt.Fprintln(&b, "cannot give:", g)
	}
	for _, r := range rejects {
		fmt.Fprintln(&b, r.Text(rep.Lang))
	}
	for _, bid := range bids {
		fmt.Fprintf(&b, "bid %s/%s row %d place %s bidder %q code %q price %s valid %d reason %q winner %d\n",
			bid.ProjectCode, bid.LotCode, bid.SourceRow, bid.PlaceCode, bid.BidderName, bid.BidderCode, bid.Price.Yuan(), bid.Validity, bid.RejectReason, bid.Winner)
	}
	for _, l := range lots {
		fmt.Fprintf(&b, "lot %s row %d %s %s region %s %s budget %s reserve %s amount %s savings %s premium %s online %v name %s\n",
			l.ID(), l.SourceRow, l.Type, l.PlaceCode, l.RegionCode, l.DealDate, l.Budget.Yuan(), l.Reserve.Yuan(),
			l.Amount.Yuan(), l.Savings().Yuan(), l.Premium().Yuan(), l.Online, l.Name)
		if l.SubType != "" {
			fmt.Fprintf(&b, "  sub-type %s\n", l.SubType)
		}
	}
	return b.String()
}

// TestScanGolden scans every file in testdata (CSV in several encodings, XLSX, broken files)
// and compares with its .golden file. A file's options come from the name: "place-530521"
// in it means --place 530521.
func TestScanGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range files {
		if strings.HasSuffix(path, ".golden") || strings.HasSuffix(path, ".mapping") {
			continue
		}
		n++
		t.Run(filepath.Base(path), func(t *testing.T) {
			opts := Options{Region: baoshan}
			if i := strings.Index(path, "place-"); i >= 0 {
				opts.Place = path[i+6 : i+12]
			}
			if i := strings.Index(path, "region-"); i >= 0 { // a file read within another region
				opts.Region = division.MustRegion(path[i+7 : i+13])
			}
			base := strings.TrimSuffix(path, filepath.Ext(path))
			if _, err := os.Stat(base + ".mapping"); err == nil {
				if opts.Mapping, err = LoadMapping(base + ".mapping"); err != nil {
					t.Fatal(err)
				}
			}
			got := scanGolden(t, path, opts)
			golden := base + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./ingest -run TestScanGolden -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
	if n < 5 {
		t.Fatalf("only %d test files", n)
	}
}

// TestCanonicalRoundTrip: what WriteCanonical writes, the reader reads back unchanged.
func TestCanonicalRoundTrip(t *testing.T) {
	d, _ := tradestat.ParseDate("2021-06-30")
	lots := []tradestat.Lot{
		{ProjectCode: "P1", LotCode: "1", Name: `带"引号",和逗号`, Type: tradestat.Construction, PlaceCode: "530500", RegionCode: "530524", DealDate: d, Budget: 123456789, Amount: 123000000, Online: true},
		{ProjectCode: "P2", LotCode: "1", Type: tradestat.Mining, PlaceCode: "530581", DealDate: d, Reserve: 100, Amount: 101},
		{ProjectCode: "P3", LotCode: "L3", Type: tradestat.OtherType, PlaceCode: "530521", DealDate: d, Amount: 1},
	}
	var buf bytes.Buffer
	if err := WriteCanonical(&buf, lots); err != nil {
		t.Fatal(err)
	}
	var got []tradestat.Lot
	var rep Report
	err := scan(context.Background(), Source{Name: "rt.csv", Data: buf.Bytes()}, Options{Region: baoshan}, &rep, func(l tradestat.Lot) error {
		got = append(got, l)
		return nil
	})
	if err != nil || rep.Rejected != 0 || len(got) != len(lots) {
		t.Fatalf("got %d lots, report %+v, %v", len(got), rep, err)
	}
	for i, want := range lots {
		want.SourceFile, want.SourceRow = "rt.csv", i+2
		if got[i] != want {
			t.Errorf("lot %d: got %+v, want %+v", i, got[i], want)
		}
	}
}

// TestInspect: --dry-run shows the header row, the mapping with units and normalised rows,
// in Chinese unless English is asked for.
func TestInspect(t *testing.T) {
	for _, tc := range []struct {
		lang msg.Lang
		want []string
	}{
		{msg.Chinese, []string{"文件：baoshan-2021.xlsx（XLSX）", "表头行：第4行", "成交金额（万元）", "→ 成交金额 [万元，表头写明]",
			"第5行：BSGC2021-0101/01 | 工程建设 | 530502 | 2021-03-01 | 成交 9505000.00元", "工作表「说明」：", "未读取", "未载入任何数据"}},
		{msg.English, []string{"file: baoshan-2021.xlsx (XLSX)", "header row: 4", "成交金额（万元）", "→ deal amount [万元, as its header states]",
			"row 5: BSGC2021-0101/01 | 工程建设 | 530502 | 2021-03-01 | deal 9505000.00 yuan", "sheet 说明:", "not read", "nothing was loaded"}},
	} {
		var b strings.Builder
		if err := Inspect(SourceFromPath("testdata/baoshan-2021.xlsx"), Options{Region: baoshan, Lang: tc.lang}, &b, 3); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, want := range tc.want {
			if !strings.Contains(out, want) {
				t.Errorf("dry run lacks %q:\n%s", want, out)
			}
		}
	}
}

// TestSheetOption: --sheet reads only the named sheet; a sheet without lots, or one that does
// not exist, makes the file unreadable with a message naming it.
func TestSheetOption(t *testing.T) {
	for _, tt := range []struct {
		sheet, wantErr string
		lots           int
	}{{"2021年", "", 6}, {"说明", "no header row", 0}, {"2022年", `no sheet "2022年"`, 0}} {
		var rep Report
		n := 0
		err := scan(context.Background(), SourceFromPath("testdata/baoshan-2021.xlsx"), Options{Region: baoshan, Sheet: tt.sheet, Lang: msg.English}, &rep,
			func(tradestat.Lot) error { n++; return nil })
		if tt.wantErr == "" && (err != nil || n != tt.lots) || tt.wantErr != "" && (err == nil || !isUnreadable(err) || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("--sheet %s: %d lots, %v", tt.sheet, n, err)
		}
	}
}

// TestRejectWriter: the reject report opens in Excel on Chinese Windows (BOM) and no value
// from a file can run as a formula there.
func TestRejectWriter(t *testing.T) {
	var b bytes.Buffer
	rw, err := NewRejectWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	if err := rw.Write(Reject{File: "a.csv", Row: 3, Column: "成交金额", Value: "=HYPERLINK(\"http://x\")", Reason: "amount is not a number"}); err != nil {
		t.Fatal(err)
	}
	if err := rw.Write(Reject{File: "@b.csv", Row: 4, Value: "-1+1", Reason: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFF文件,工作表,行号,列,值,原因\na.csv,,3,成交金额,\"'=HYPERLINK(\"\"http://x\"\")\",amount is not a number\n'@b.csv,,4,,'-1+1,x\n"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
}
