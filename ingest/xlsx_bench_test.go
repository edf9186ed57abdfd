package ingest

import (
	"archive/zip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tradestat"
)

// BenchmarkXLSXMemory reads workbooks of 100,000, 300,000 and 1,000,000 rows (shared strings,
// merged ranges, as Excel writes them; TRADESTAT_BENCH_XLSX_ROWS chooses others) RUNS times
// each (default 3) and prints, for each size, the file and its unzipped sheet, and the peak
// heap of the read (median and worst), with the heap per unzipped byte: the figure that must
// stay flat as the rows grow. make bench-xlsx runs it.
func BenchmarkXLSXMemory(b *testing.B) {
	sizes := []int{100_000, 300_000, 1_000_000}
	if env := os.Getenv("TRADESTAT_BENCH_XLSX_ROWS"); env != "" {
		sizes = nil
		for _, f := range strings.Split(env, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				b.Fatal(err)
			}
			sizes = append(sizes, n)
		}
	}
	runs := 3
	if env := os.Getenv("RUNS"); env != "" {
		runs, _ = strconv.Atoi(env)
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%10s %8s %10s %16s %16s %12s\n", "rows", "file MB", "sheet MB", "peak heap MB", "heap/sheet B", "seconds")
	fmt.Fprintf(&table, "%10s %8s %10s %16s %16s %12s\n", "", "", "", "median / worst", "median / worst", "median")
	for b.Loop() {
		for _, rows := range sizes {
			path, sheetBytes := benchWorkbook(b, rows)
			st, _ := os.Stat(path)
			var peaks []float64
			var secs []float64
			for range runs {
				peak, took := peakHeap(b, func() {
					var rep Report
					lots := 0
					if err := scan(context.Background(), SourceFromPath(path), Options{Region: baoshan}, &rep, func(tradestat.Lot) error { lots++; return nil }); err != nil {
						b.Fatal(err)
					}
					if lots != rows {
						b.Fatalf("%d rows: %d lots, %d rejected: %v", rows, lots, rep.Rejected, rep.Notes)
					}
				})
				peaks, secs = append(peaks, float64(peak)/(1<<20)), append(secs, took.Seconds())
			}
			slices.Sort(peaks)
			slices.Sort(secs)
			med, worst := peaks[len(peaks)/2], peaks[len(peaks)-1]
			fmt.Fprintf(&table, "%10d %8.1f %10.1f %7.0f / %6.0f %7.3f / %6.3f %12.1f\n", rows, float64(st.Size())/(1<<20), float64(sheetBytes)/(1<<20),
				med, worst, med*(1<<20)/float64(sheetBytes), worst*(1<<20)/float64(sheetBytes), secs[len(secs)/2])
		}
	}
	fmt.Print(table.String())
}

// peakHeap runs f and samples the heap in use meanwhile: the most above what it was before.
func peakHeap(b *testing.B, f func()) (uint64, time.Duration) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
			}
		}
	})
	start := time.Now()
	f()
	took := time.Since(start)
	close(stop)
	wg.Wait()
	return peak - base, took
}

// benchWorkbook writes (once, under the temporary directory) a workbook of n lot rows as
// Excel writes one: a merged title, a header, codes and names as shared strings, numbers
// and dates as values, a 交易类型 merged over each group of ten rows for the first thousand
// groups. It returns its path and the size of its sheet's XML.
func benchWorkbook(b *testing.B, n int) (string, int64) {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("tradestat-bench-%d.xlsx", n))
	f, err := os.Create(path + ".part")
	if err != nil {
		b.Fatal(err)
	}
	z := zip.NewWriter(f)
	write := func(name, text string) {
		w, err := z.Create(name)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Write([]byte(text)); err != nil {
			b.Fatal(err)
		}
	}
	write("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	write("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	write("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="成交明细" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	write("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)
	// Shared strings: the title, the header, the types, then a code and a name per row.
	fixed := []string{"保山市公共资源交易成交明细", "项目编号", "标段编号", "项目名称", "交易类型", "交易地点", "成交日期", "预算金额（元）", "成交金额（元）", "是否不见面开标", "工程建设", "政府采购", "隆阳区", "腾冲市", "是", "否", "001"}
	sst, err := z.Create("xl/sharedStrings.xml")
	if err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(sst, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(fixed)+2*n, len(fixed)+2*n)
	for _, s := range fixed {
		fmt.Fprintf(sst, "<si><t>%s</t></si>", s)
	}
	for i := range n {
		fmt.Fprintf(sst, "<si><t>BENCH%07d</t></si><si><t>保山市第%d号道路及配套设施建设工程施工</t></si>", i, i)
	}
	sst.Write([]byte("</sst>"))
	sheet, err := z.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		b.Fatal(err)
	}
	counted := &countingWriter{w: sheet}
	fmt.Fprint(counted, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	fmt.Fprint(counted, `<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2">`)
	for c := range 9 {
		fmt.Fprintf(counted, `<c r="%c2" t="s"><v>%d</v></c>`, 'A'+c, 1+c)
	}
	fmt.Fprint(counted, `</row>`)
	for i := range n {
		r := i + 3
		typ := 10 + i%20/10 // 工程建设 or 政府采购, in groups of ten
		fmt.Fprintf(counted, `<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d" t="s"><v>16</v></c><c r="C%d" t="s"><v>%d</v></c>`,
			r, r, len(fixed)+2*i, r, r, len(fixed)+2*i+1)
		if i%10 == 0 || i >= 10_000 {
			fmt.Fprintf(counted, `<c r="D%d" t="s"><v>%d</v></c>`, r, typ)
		}
		fmt.Fprintf(counted, `<c r="E%d" t="s"><v>%d</v></c><c r="F%d" s="1"><v>%d</v></c><c r="G%d"><v>%d</v></c><c r="H%d"><v>%d.5</v></c><c r="I%d" t="s"><v>%d</v></c></row>`,
			r, 12+i%2, r, 44197+i%365, r, 1000000+i, r, 900000+i, r, 14+i%2)
	}
	fmt.Fprint(counted, `</sheetData><mergeCells count="1001"><mergeCell ref="A1:I1"/>`)
	for g := range min(1000, n/10) {
		fmt.Fprintf(counted, `<mergeCell ref="D%d:D%d"/>`, 3+10*g, 12+10*g)
	}
	fmt.Fprint(counted, `</mergeCells></worksheet>`)
	if err := z.Close(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(path+".part", path); err != nil {
		b.Fatal(err)
	}
	return path, counted.n
}

type countingWriter struct {
	w interface{ Write([]byte) (int, error) }
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
