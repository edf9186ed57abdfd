package commit_test

import (
	"context"
	"os"
	"testing"

	"tradestat/commit"
	"tradestat/division"
	"tradestat/ingest"
	"tradestat/internal/chtest"
)

// BenchmarkLoad measures a whole load into the real server (parse, validate, send) of the
// canonical CSV named by TRADESTAT_BENCH_CSV, or of a small testdata file without it.
func BenchmarkLoad(b *testing.B) {
	path := os.Getenv("TRADESTAT_BENCH_CSV")
	if path == "" {
		path = "testdata/mixed.csv"
	}
	conn, _ := chtest.Open(b)
	loader := commit.NewLoader(conn, division.MustRegion("530500"))
	for b.Loop() {
		rep, err := loader.LoadFile(context.Background(), path, ingest.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rep.Read), "rows/op")
	}
}
