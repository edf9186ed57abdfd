package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"tradestat/commit"
	"tradestat/demo"
	"tradestat/division"
	"tradestat/ingest"
	"tradestat/warehouse"
)

// runScaled is `tradestat demo --scale N`: N synthetic lots, written to DIR/demo-scale-N.csv
// with --out, else loaded through the ordinary ingest path.
func runScaled(ctx context.Context, cfg warehouse.Config, region division.Region, n int, out string, stdout, stderr io.Writer) error {
	dir := out
	if dir == "" {
		tmp, err := os.MkdirTemp("", "tradestat-scale-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, fmt.Sprintf("demo-scale-%d.csv", n))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	progress, finish := countProgress("generating lots", n, stderr)
	err = demo.WriteScaled(f, region, n, progress)
	finish()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Fprintf(stdout, "wrote %s (%d lots)\n", path, n)
	if out != "" {
		return nil
	}
	conn, err := warehouse.Open(ctx, cfg.Writing())
	if err != nil {
		return err
	}
	defer conn.Close()
	return ingestFile(ctx, commit.NewLoader(conn, region), path, ingest.Options{}, dir, stdout, stderr)
}

// countProgress shows progress through n items: a bar (count, rate, ETA) on a terminal,
// plain lines every few seconds otherwise. It returns the func to report a count with and the
// func that ends the display.
func countProgress(what string, n int, stderr io.Writer) (func(int), func()) {
	start := time.Now()
	if f, ok := stderr.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		var last time.Time
		return func(done int) {
			if time.Since(last) >= 5*time.Second || done == n {
				last = time.Now()
				fmt.Fprintf(stderr, "%s: %d of %d, %.0f/s\n", what, done, n, rate(int64(done), start))
			}
		}, func() {}
	}
	bar := progressbar.NewOptions(n, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
	return func(done int) { _ = bar.Set(done) }, func() { _ = bar.Finish() }
}
