package export_test

import (
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"tradestat"
	"tradestat/export"
	"tradestat/money"
	"tradestat/query"
)

// BenchmarkWriteLots streams a million lots into each format and reports the peak heap,
// sampled as the rows go: it must stay flat, whatever the number of lots (the server's rows
// reach the writer as they are read, as query.Store.EachLot delivers them).
func BenchmarkWriteLots(b *testing.B) {
	const n = 1_000_000
	for _, f := range []export.Format{export.CSV, export.XLSX} {
		b.Run(string(f), func(b *testing.B) {
			var peak uint64
			for b.Loop() {
				lots := func(emit func(query.LotRow) error) error {
					var ms runtime.MemStats
					for i := range n {
						if i%50000 == 0 {
							runtime.ReadMemStats(&ms)
							peak = max(peak, ms.HeapInuse)
						}
						l := query.LotRow{ProjectCode: fmt.Sprintf("BSGC2021-%07d", i), LotCode: "001", Name: "保山市道路工程施工项目",
							Type: tradestat.Construction, Place: "530502", Region: "530502", Date: tradestat.Date{Year: 2021, Month: 3, Day: 1},
							Budget: money.Fen(i%100000+200000) * 100, Amount: money.Fen(i%100000+150000) * 100, Online: i%3 == 0}
						l.Savings = l.Budget - l.Amount
						if err := emit(l); err != nil {
							return err
						}
					}
					return nil
				}
				if err := export.WriteLots(io.Discard, f, export.Meta{Title: "bench", At: time.Now()}, lots); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}
