package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"tradestat/demo"
	"tradestat/ingest"
	"tradestat/warehouse"
)

// runScaled is `tradestat demo --scale N`: N synthetic lots, written to DIR/demo-scale-N.csv
// with --out, else loaded through the ordinary ingest path.
func runScaled(ctx context.Context, cfg warehouse.Config, n int, out string, stdout, stderr io.Writer) error {
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
	err = demo.WriteScaled(f, n, func(done int) { fmt.Fprintf(stderr, "generated %d of %d lots\n", done, n) })
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
	conn, err := warehouse.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close()
	return ingestFile(ctx, ingest.NewLoader(conn), path, ingest.Options{}, dir, stdout, stderr)
}
