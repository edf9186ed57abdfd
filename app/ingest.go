package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"tradestat"
	"tradestat/commit"
	"tradestat/division"
	"tradestat/inbox"
	"tradestat/ingest"
	"tradestat/msg"
	"tradestat/warehouse"
)

// runIngest is `tradestat ingest`: load files, inspect them (--dry-run), or run as the inbox
// worker (--watch). Exit status 0 when every file was processed, even with rejects; non-zero
// when a file could not be read at all or the database failed.
func runIngest(ctx context.Context, cfg *warehouse.Config, fs *flag.FlagSet, args []string, lang func() (msg.Lang, error), region func() (division.Region, error), stdout, stderr io.Writer) error {
	sheet := fs.String("sheet", "", "read only this XLSX sheet (default: every sheet that holds lots)")
	place := fs.String("place", "", "trading place (GB/T 2260 code or name) for files without a place column")
	mappingFile := fs.String("mapping", "", "CSV file of `header,field[,unit]` lines for columns the built-in aliases do not know")
	dryRun := fs.Bool("dry-run", false, "print the detected header row, the mapping with units and the first rows; load nothing")
	rows := fs.Int("rows", 10, "rows to show with --dry-run")
	reports := fs.String("reports", "", "directory for reject reports (default: beside each file, as FILE.rejects.csv)")
	watch := fs.String("watch", "", "run as the ingest worker on this inbox directory")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tradestat ingest [flags] FILE...\n       tradestat ingest [flags] --watch DIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	var opts ingest.Options
	var err error
	if opts.Lang, err = lang(); err != nil {
		return err
	}
	opts.Sheet = *sheet
	if opts.Region, err = region(); err != nil {
		return err
	}
	if *place != "" {
		p, err := opts.Region.Place(*place)
		if err != nil {
			return tradestat.FailWith(tradestat.Invalid, err, "--place: %v", err)
		}
		opts.Place = p.Code
	}
	if *mappingFile != "" {
		m, err := ingest.LoadMapping(*mappingFile)
		if err != nil {
			return err
		}
		opts.Mapping = m
	}
	if *watch != "" {
		if fs.NArg() > 0 {
			return tradestat.FailWith(tradestat.Invalid, errUsage, "--watch takes no file arguments")
		}
		w := &inbox.Worker{
			Inbox:      *watch,
			Connect:    func(ctx context.Context) (driver.Conn, error) { return warehouse.Open(ctx, cfg.Writing()) },
			Options:    opts,
			Log:        slog.New(slog.NewTextHandler(stderr, nil)),
			Poll:       2 * time.Second,
			Settle:     2 * time.Second,
			MaxBackoff: time.Minute,
		}
		boundMemory()
		w.Log.Info("ingest worker watching inbox", "dir", *watch, "clickhouse", cfg.Addr, "database", cfg.Database)
		return w.Run(ctx)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	boundMemory()
	if *dryRun {
		for _, f := range fs.Args() {
			if err := ingest.Inspect(ingest.SourceFromPath(f), opts, stdout, *rows); err != nil {
				return err
			}
		}
		return nil
	}
	if *reports != "" {
		// Created before anything is loaded: a missing directory would otherwise make every
		// file's reject report fail after its lots were loaded.
		if err := os.MkdirAll(*reports, 0o755); err != nil {
			return fmt.Errorf("--reports %s: %w", *reports, err)
		}
	}
	// A writer's statements (a country's figures recomputed, a month's winners) may each take
	// minutes: the connection waits for them as the worker's does, rather than give up on a
	// load halfway.
	conn, err := warehouse.Open(ctx, cfg.Writing())
	if err != nil {
		return err
	}
	defer conn.Close()
	loader := commit.NewLoader(conn, opts.Region)
	failed, kind := 0, tradestat.Invalid
	for _, f := range fs.Args() {
		if err := ingestFile(ctx, loader, f, opts, *reports, stdout, stderr); err != nil {
			fmt.Fprintln(stderr, "tradestat:", opts.Lang.Say(err))
			failed, kind = failed+1, tradestat.KindOf(err)
			if !kind.OfInput() {
				break // the database failed: the next file would fail too
			}
		}
	}
	if failed > 0 {
		return tradestat.Fail(kind, "%d of %d files could not be loaded", failed, len(fs.Args()))
	}
	return nil
}

// ingestFile loads one file, writing its reject report and showing progress.
func ingestFile(ctx context.Context, loader *commit.Loader, path string, opts ingest.Options, reportDir string, stdout, stderr io.Writer) error {
	rejectsPath := path + ".rejects.csv"
	if reportDir != "" {
		rejectsPath = filepath.Join(reportDir, filepath.Base(path)+".rejects.csv")
	}
	tmp := rejectsPath + ".partial"
	rf, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("reject report: %w", err)
	}
	defer os.Remove(tmp)
	rw, err := ingest.NewRejectWriter(rf)
	if err != nil {
		rf.Close()
		return fmt.Errorf("reject report: %w", err)
	}
	opts.Rejects = rw.Write
	done := showProgress(&opts, filepath.Base(path), stderr)
	rep, err := loader.LoadFile(ctx, path, opts)
	done()
	cerr := rw.Close()
	rf.Close()
	if err != nil {
		return err
	}
	if cerr != nil {
		return fmt.Errorf("reject report: %w", cerr)
	}
	fmt.Fprint(stdout, ingest.ReportText(rep))
	if rep.Rejected > 0 {
		if err := os.Rename(tmp, rejectsPath); err != nil {
			return fmt.Errorf("reject report: %w", err)
		}
		fmt.Fprintln(stdout, opts.Lang.T("reject report: %s", rejectsPath))
	}
	return nil
}

// showProgress sets opts.Progress: a progress bar (rows, rows/s, ETA) on a terminal, plain
// lines every few seconds otherwise. The returned func ends the display.
func showProgress(opts *ingest.Options, name string, stderr io.Writer) func() {
	start := time.Now()
	f, isFile := stderr.(*os.File)
	if !isFile || !term.IsTerminal(int(f.Fd())) {
		var last time.Time
		opts.Progress = func(p ingest.Progress) {
			if time.Since(last) >= 5*time.Second {
				last = time.Now()
				fmt.Fprintln(stderr, opts.Lang.T("%s: %d rows, %d rows/s, %d of %d bytes", name, p.Rows, int64(rate(p.Rows, start)), p.Bytes, p.Total))
			}
		}
		return func() {}
	}
	var bar *progressbar.ProgressBar
	opts.Progress = func(p ingest.Progress) {
		if bar == nil {
			bar = progressbar.NewOptions64(p.Total, progressbar.OptionSetWriter(stderr),
				progressbar.OptionShowBytes(true), progressbar.OptionSetPredictTime(true),
				progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
		}
		bar.Describe(opts.Lang.T("%s: %d rows, %d rows/s", name, p.Rows, int64(rate(p.Rows, start))))
		_ = bar.Set64(p.Bytes)
	}
	return func() {
		if bar != nil {
			_ = bar.Finish()
		}
	}
}

func rate(rows int64, since time.Time) float64 {
	s := time.Since(since).Seconds()
	if s <= 0 {
		return 0
	}
	return float64(rows) / s
}

// ingestMemoryLimit is the heap a load may use. Loads stream, so their live heap is small and
// flat; with the collector paced by this limit instead of by heap growth (GOGC), a load
// collects rarely and still stays under it, whatever the file size.
const ingestMemoryLimit = 150 << 20

// boundMemory applies ingestMemoryLimit unless GOGC or GOMEMLIMIT say otherwise.
func boundMemory() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(ingestMemoryLimit)
	}
}
