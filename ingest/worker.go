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
			w.Log.Warn("cannot go on; files stay in the inbox and will be retried", "err", err, "retry_in", backoff)
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
			w.conn, w.loader = conn, NewLoader(conn, w.Options.Region)
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
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") || strings.HasPrefix(e.Name(), "~$") || inProgress(e.Name()) {
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

// inProgress reports the names copies are written under before they are renamed into
// place (docs/inbox.md): a .part, .tmp, .partial, .crdownload or .filepart file is never read.
func inProgress(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".part", ".tmp", ".partial", ".crdownload", ".filepart":
		return true
	}
	return false
}

// ReservedName reports the names of the worker's own reports, which an inbox file may not
// take: a file named x.csv.report.txt would overwrite the report of x.csv.
func ReservedName(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".report.txt") || strings.HasSuffix(n, ".rejects.csv")
}

// process loads one file and files it away. Only a database error is returned: a file that
// cannot be read goes to failed/, and one whose own handling fails on disk (its report, its
// move) is logged and left where it is, so that one bad file never holds up the others.
func (w *Worker) process(ctx context.Context, name string) error {
	path := filepath.Join(w.Inbox, name)
	if ReservedName(name) {
		w.fail(name, fmt.Errorf("以 .report.txt 或 .rejects.csv 结尾的名称留给导入报告，请改名 (names ending in .report.txt or .rejects.csv are reserved for reports; rename the file)"))
		return nil
	}
	before, err := os.Stat(path)
	if err != nil {
		return nil // gone meanwhile
	}
	src := SourceFromPath(path)
	_, sha, err := Hash(src)
	if err != nil {
		w.fail(name, err)
		return nil
	}
	prev, err := w.loader.CompletedBatch(ctx, sha)
	if err != nil {
		return err
	}
	if prev != "" {
		w.Log.Info("already loaded; not loading again", "file", name, "sha256", sha, "batch", prev)
		w.file(name, "done", w.Options.Lang.T("%s: the same content (SHA-256 %s) was loaded before as batch %s; nothing was done.", name, sha, prev)+"\n", "")
		return nil
	}
	rejectsPath := filepath.Join(w.Inbox, ".rejects-"+name+".csv")
	rf, err := os.Create(rejectsPath)
	if err != nil {
		w.Log.Error("cannot write the reject report; the file stays in the inbox", "file", name, "err", err)
		return nil
	}
	defer os.Remove(rejectsPath)
	rw, err := NewRejectWriter(rf)
	if err != nil {
		rf.Close()
		w.Log.Error("cannot write the reject report; the file stays in the inbox", "file", name, "err", err)
		return nil
	}
	opts := w.Options
	opts.Rejects = rw.Write
	opts.SHA256 = sha
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
	switch {
	case IsChanged(err):
		w.Log.Warn("the file changed while it was loaded; nothing was kept, and it is loaded again once it is complete", "file", name)
		return nil
	case IsUnreadable(err):
		w.fail(name, err)
		return nil
	case err != nil:
		return err
	case cerr != nil:
		w.Log.Error("reject report", "file", name, "err", cerr)
	}
	w.Log.Info("loaded", "file", name, "read", rep.Read, "loaded", rep.Loaded, "rejected", rep.Rejected,
		"skipped", rep.Skipped, "duplicates", rep.Duplicates, "batch", rep.BatchID)
	if after, err := os.Stat(path); err != nil || after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
		// What was loaded is what the file held when it was hashed; a file written to since is
		// not archived as if it were that content: it stays, and its new content is loaded next.
		w.Log.Warn("the file changed after it was loaded; it stays in the inbox", "file", name)
		return nil
	}
	rejects := ""
	if rep.Rejected > 0 {
		rejects = rejectsPath
	}
	w.file(name, "done", ReportText(rep), rejects)
	return nil
}

func (w *Worker) fail(name string, cause error) {
	w.Log.Error("cannot read file; moved to failed/", "file", name, "err", cause)
	w.file(name, "failed", w.Options.Lang.T("%s could not be read: %v", name, cause)+"\n", "")
}

// file moves an inbox file to dir (done or failed) with its report, and its reject report if
// any, beside it. A name taken there (by the file or by either report) gets a time prefix
// rather than overwriting anything. A failure is logged: the file stays in the inbox.
func (w *Worker) file(name, dir, report, rejects string) {
	dest := filepath.Join(w.Inbox, dir, name)
	for _, p := range []string{dest, dest + ".report.txt", dest + ".rejects.csv"} {
		if _, err := os.Lstat(p); err == nil {
			dest = filepath.Join(w.Inbox, dir, time.Now().Format("20060102-150405.000000")+"-"+name)
			break
		}
	}
	err := os.WriteFile(dest+".report.txt", []byte(report), 0o644)
	if err == nil && rejects != "" {
		err = os.Rename(rejects, dest+".rejects.csv")
	}
	if err == nil {
		if err = os.Rename(filepath.Join(w.Inbox, name), dest); errors.Is(err, os.ErrNotExist) {
			err = nil
		}
	}
	if err != nil {
		w.Log.Error("cannot file away; it stays in the inbox, and the other files go on", "file", name, "to", dir, "err", err)
	}
}

// ReportText is a load's report as a person reads it, in the load's language: the
// accounting line, the format, the figures the file cannot give, the columns left unread, the
// notes and the first rejects.
func ReportText(rep Report) string {
	p := rep.Lang.Printer()
	var b strings.Builder
	fmt.Fprintln(&b, rep.String())
	fmt.Fprintln(&b, p.T("format: %s, %d bytes, SHA-256 %s, batch %s", rep.Format, rep.Size, rep.SHA256, rep.BatchID))
	if len(rep.Sheets) > 0 {
		fmt.Fprintln(&b, p.T("sheets read: %s", strings.Join(rep.Sheets, ", ")))
	}
	if len(rep.Gaps) > 0 {
		fmt.Fprintln(&b, p.T("figures this file cannot give:"))
		for _, g := range rep.Gaps {
			fmt.Fprintln(&b, "  -", g)
		}
	}
	if len(rep.Unread) > 0 {
		fmt.Fprintln(&b, p.T("columns left unread: %s", strings.Join(rep.Unread, p.T(", "))))
	}
	for _, n := range rep.Notes {
		fmt.Fprintln(&b, p.T("note: %s", n))
	}
	for _, r := range rep.FirstRejects {
		fmt.Fprintln(&b, p.T("rejected: %s", r.Text(rep.Lang)))
	}
	if rep.Rejected > len(rep.FirstRejects) {
		fmt.Fprintln(&b, p.T("… and %d more rejects in the reject report", rep.Rejected-len(rep.FirstRejects)))
	}
	return b.String()
}
