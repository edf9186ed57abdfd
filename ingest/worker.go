package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Worker is `tradestat ingest --watch DIR`: it loads every new file dropped into an inbox
// directory exactly once, by content hash, and moves it to done/ or failed/ with its report
// beside it. Its state lives in ClickHouse (a file's batch record is written only after all of
// its lots) and in where files are, so it survives restarts: a file whose load was cut off is
// still in the inbox and is loaded again in full, and the replace-on-reload rule keeps every
// figure counted once.
type Worker struct {
	Inbox   string
	Connect func(context.Context) (driver.Conn, error) // opens (and migrates) the database
	Options Options                                    // how to read files; Rejects is set per file
	Log     *slog.Logger
	// Poll is how often the inbox is scanned; Settle is how long a file must be unchanged
	// before it is read, so that a file still being copied in is not loaded half-written.
	Poll, Settle time.Duration
	// MaxBackoff bounds the wait between retries while ClickHouse is unreachable.
	MaxBackoff time.Duration
	// BatchSize is the rows per block sent and InsertRows the rows per INSERT;
	// DefaultBatchSize and DefaultInsertRows when zero.
	BatchSize, InsertRows int

	conn   driver.Conn
	loader *Loader
}

// Run processes the inbox until ctx is cancelled.
func (w *Worker) Run(ctx context.Context) error {
	defer w.close()
	backoff := time.Second
	for {
		err := w.ProcessOnce(ctx)
		wait := w.Poll
		if err != nil && ctx.Err() == nil {
			w.Log.Warn("ClickHouse unavailable; files stay in the inbox and will be retried", "err", err, "retry_in", backoff)
			w.close()
			wait = backoff
			backoff = min(backoff*2, w.MaxBackoff)
		} else {
			backoff = time.Second
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
}

func (w *Worker) close() {
	if w.conn != nil {
		w.conn.Close()
		w.conn, w.loader = nil, nil
	}
}

// ProcessOnce handles every settled file in the inbox once. It returns an error only when the
// database failed; the file it was on stays in the inbox for the next pass.
func (w *Worker) ProcessOnce(ctx context.Context) error {
	for _, d := range []string{"done", "failed"} {
		if err := os.MkdirAll(filepath.Join(w.Inbox, d), 0o755); err != nil {
			return fmt.Errorf("inbox: %w", err)
		}
	}
	files, err := w.pending()
	if err != nil {
		return err
	}
	for _, name := range files {
		if ctx.Err() != nil {
			return nil
		}
		if w.loader == nil {
			conn, err := w.Connect(ctx)
			if err != nil {
				return err
			}
			w.conn, w.loader = conn, NewLoader(conn)
			if w.BatchSize > 0 {
				w.loader.BatchSize = w.BatchSize
			}
			if w.InsertRows > 0 {
				w.loader.InsertRows = w.InsertRows
			}
		}
		if err := w.process(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

// pending lists the inbox's settled files, oldest first.
func (w *Worker) pending() ([]string, error) {
	entries, err := os.ReadDir(w.Inbox)
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	type file struct {
		name string
		mod  time.Time
	}
	var files []file
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") || strings.HasPrefix(e.Name(), "~$") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		if time.Since(info.ModTime()) < w.Settle {
			continue
		}
		files = append(files, file{e.Name(), info.ModTime()})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].mod.Before(files[j].mod) })
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.name
	}
	return names, nil
}

// process loads one file and files it away. Only a database error is returned.
func (w *Worker) process(ctx context.Context, name string) error {
	path := filepath.Join(w.Inbox, name)
	src := SourceFromPath(path)
	_, sha, err := Hash(src)
	if err != nil {
		return w.fail(name, err)
	}
	prev, err := w.loader.CompletedBatch(ctx, sha)
	if err != nil {
		return err
	}
	if prev != "" {
		w.Log.Info("already loaded; not loading again", "file", name, "sha256", sha, "batch", prev)
		return w.file(name, "done", fmt.Sprintf("%s: the same content (SHA-256 %s) was loaded before as batch %s; nothing was done.\n", name, sha, prev), "")
	}
	rejectsPath := filepath.Join(w.Inbox, ".rejects-"+name+".csv")
	rf, err := os.Create(rejectsPath)
	if err != nil {
		return fmt.Errorf("reject report: %w", err)
	}
	defer os.Remove(rejectsPath)
	rw, err := NewRejectWriter(rf)
	if err != nil {
		rf.Close()
		return fmt.Errorf("reject report: %w", err)
	}
	opts := w.Options
	opts.Rejects = rw.Write
	var last time.Time
	opts.Progress = func(p Progress) { // plain lines for logs, at most one every 5 s
		if w.Options.Progress != nil {
			w.Options.Progress(p)
		}
		if time.Since(last) >= 5*time.Second {
			last = time.Now()
			w.Log.Info("loading", "file", name, "rows", p.Rows, "bytes", p.Bytes, "of", p.Total)
		}
	}
	w.Log.Info("loading", "file", name, "sha256", sha)
	rep, err := w.loader.Load(ctx, src, opts)
	cerr := rw.Close()
	rf.Close()
	if err != nil {
		if IsUnreadable(err) {
			return w.fail(name, err)
		}
		return err
	}
	if cerr != nil {
		return fmt.Errorf("reject report: %w", cerr)
	}
	w.Log.Info("loaded", "file", name, "read", rep.Read, "loaded", rep.Loaded, "rejected", rep.Rejected,
		"skipped", rep.Skipped, "duplicates", rep.Duplicates, "batch", rep.BatchID)
	rejects := ""
	if rep.Rejected > 0 {
		rejects = rejectsPath
	}
	return w.file(name, "done", ReportText(rep), rejects)
}

func (w *Worker) fail(name string, cause error) error {
	w.Log.Error("cannot read file; moved to failed/", "file", name, "err", cause)
	return w.file(name, "failed", fmt.Sprintf("%s could not be read: %v\n", name, cause), "")
}

// file moves an inbox file to dir (done or failed) with its report, and its reject report if
// any, beside it. A name already taken there gets a time prefix rather than overwriting.
func (w *Worker) file(name, dir, report, rejects string) error {
	dest := filepath.Join(w.Inbox, dir, name)
	if _, err := os.Stat(dest); err == nil {
		dest = filepath.Join(w.Inbox, dir, time.Now().Format("20060102-150405.000")+"-"+name)
	}
	if err := os.WriteFile(dest+".report.txt", []byte(report), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if rejects != "" {
		if err := os.Rename(rejects, dest+".rejects.csv"); err != nil {
			return fmt.Errorf("move reject report: %w", err)
		}
	}
	if err := os.Rename(filepath.Join(w.Inbox, name), dest); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("move %s to %s/: %w", name, dir, err)
	}
	return nil
}

// ReportText is a load's report as a person reads it: the accounting line, the format, the
// notes and the first rejects.
func ReportText(rep Report) string {
	var b strings.Builder
	fmt.Fprintln(&b, rep.String())
	fmt.Fprintf(&b, "format: %s, %d bytes, SHA-256 %s, batch %s\n", rep.Format, rep.Size, rep.SHA256, rep.BatchID)
	if len(rep.Sheets) > 0 {
		fmt.Fprintf(&b, "sheets read: %s\n", strings.Join(rep.Sheets, ", "))
	}
	for _, n := range rep.Notes {
		fmt.Fprintln(&b, "note:", n)
	}
	for _, r := range rep.FirstRejects {
		fmt.Fprintln(&b, "rejected:", r.Error())
	}
	if rep.Rejected > len(rep.FirstRejects) {
		fmt.Fprintf(&b, "… and %d more rejects in the reject report\n", rep.Rejected-len(rep.FirstRejects))
	}
	return b.String()
}
