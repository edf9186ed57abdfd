package ingest

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tradestat"
)

var update = flag.Bool("update", false, "rewrite the .golden files from the current output")

// render writes what parsing a file gave, in the form of the .golden files.
func render(file string, p parsed, err error) string {
	var b strings.Builder
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
		return b.String()
	}
	rep := Report{File: file, Read: p.read, Loaded: len(p.lots), Rejected: len(p.rejects), Skipped: p.skipped, Duplicates: p.duplicates, Rejects: p.rejects}
	fmt.Fprintln(&b, rep.String())
	if !rep.Balanced() {
		fmt.Fprintln(&b, "UNBALANCED")
	}
	if len(p.ignored) > 0 {
		fmt.Fprintf(&b, "ignored columns: %s\n", strings.Join(p.ignored, ", "))
	}
	for _, r := range p.rejects {
		fmt.Fprintln(&b, r.Error())
	}
	for _, l := range p.lots {
		fmt.Fprintf(&b, "lot %s row %d %s %s %s budget %s reserve %s amount %s savings %s premium %s online %v\n",
			l.ID(), l.SourceRow, l.Type, l.PlaceCode, l.DealDate, l.Budget.Yuan(), l.Reserve.Yuan(),
			l.Amount.Yuan(), l.Savings().Yuan(), l.Premium().Yuan(), l.Online)
	}
	return b.String()
}

// TestParseCanonical parses every testdata/*.csv and compares with its .golden file.
func TestParseCanonical(t *testing.T) {
	files, err := filepath.Glob("testdata/*.csv")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(path)
			p, perr := parseCanonical(name, bytes.NewReader(data))
			got := render(name, p, perr)
			golden := strings.TrimSuffix(path, ".csv") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./ingest -run TestParseCanonical -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestCanonicalRoundTrip: what WriteCanonical writes, parseCanonical reads back unchanged.
func TestCanonicalRoundTrip(t *testing.T) {
	d, _ := tradestat.ParseDate("2021-06-30")
	lots := []tradestat.Lot{
		{ProjectCode: "P1", LotCode: "1", Name: `带"引号",和逗号`, Type: tradestat.Construction, PlaceCode: "530500", RegionCode: "530524", DealDate: d, Budget: 123456789, Amount: 123000000, Online: true},
		{ProjectCode: "P2", LotCode: "1", Type: tradestat.Mining, PlaceCode: "530581", DealDate: d, Reserve: 100, Amount: 101},
		{LotCode: "L3", Type: tradestat.OtherType, PlaceCode: "530521", DealDate: d, Amount: 1},
	}
	var buf bytes.Buffer
	if err := WriteCanonical(&buf, lots); err != nil {
		t.Fatal(err)
	}
	p, err := parseCanonical("rt.csv", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.lots) != len(lots) || len(p.rejects) != 0 {
		t.Fatalf("got %d lots, %d rejects: %v", len(p.lots), len(p.rejects), p.rejects)
	}
	for i, want := range lots {
		want.SourceFile, want.SourceRow = "rt.csv", i+2
		if p.lots[i] != want {
			t.Errorf("lot %d: got %+v, want %+v", i, p.lots[i], want)
		}
	}
}
