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
// with --out, else loaded through the ordinary ingest path; with bids (--bids), their bid
// lists too, in DIR/demo-scale-N-bids.csv, loaded after the lots.
func runScaled(ctx context.Context, cfg warehouse.Config, region division.Region, n int, bids bool, out string, stdout, stderr io.Writer) error {
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
	files := []string{path}
	var bw *os.File
	if bids {
		files = append(files, filepath.Join(dir, fmt.Sprintf("demo-scale-%d-bids.csv", n)))
		if bw, err = os.Create(files[1]); err != nil {
			f.Close()
			return err
		}
	}
	progress, finish := countProgress("generating lots", n, stderr)
	if bw != nil {
		err = demo.WriteScaled(f, bw, region, n, progress)
		if cerr := bw.Close(); err == nil {
			err = cerr
		}
	} else {
		err = demo.WriteScaled(f, nil, region, n, progress)
	}
	finish()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Fprintf(stdout, "wrote %s (%d lots)\n", path, n)
	if bids {
		fmt.Fprintf(stdout, "wrote %s (their bid lists)\n", files[1])
	}
	if out != "" {
		return nil
	}
	conn, err := warehouse.Open(ctx, cfg.Writing())
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, p := range files {
		if err := ingestFile(ctx, commit.NewLoader(conn, region), p, ingest.Options{}, dir, stdout, stderr); err != nil {
			return err
		}
	}
	return nil
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
