package ingest

import (
	"context"
	"os"
	"testing"

	"tradestat"
)

// BenchmarkScan measures parsing and validation alone (no database) over a canonical CSV
// named by TRADESTAT_BENCH_CSV (make bench-ingest writes one); without it, a small testdata file.
func BenchmarkScan(b *testing.B) {
	path := os.Getenv("TRADESTAT_BENCH_CSV")
	if path == "" {
		path = "testdata/mixed.csv"
	}
	for b.Loop() {
		var rep Report
		if err := scan(context.Background(), SourceFromPath(path), Options{Region: baoshan}, &rep, func(tradestat.Lot) error { return nil }); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rep.Read), "rows/op")
	}
}
