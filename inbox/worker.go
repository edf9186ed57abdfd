package inbox

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat"
	"tradestat/commit"
	"tradestat/division"
	"tradestat/ingest"
)

// Worker is `tradestat ingest --watch DIR`: it loads every new file dropped into an inbox
// directory exactly once, by content hash, and moves it to done/ or failed/ with its report
// beside it; the files of a region inbox under it (Inbox) are loaded with that region. Its
// state lives in ClickHouse (a file's batch record is written only after all of its lots) and
// in where files are, so it survives restarts: a file whose load was cut off is still in the
// inbox and is loaded again in full, and the replace-on-reload rule keeps every figure counted
// once.
type Worker struct {
	Inbox   string
	Connect func(context.Context) (driver.Conn, error) // opens (and migrates) the database
	Options ingest.Options                             // how to read files; Rejects is set per file
	Log     *slog.Logger
	// Poll is how often the inbox is scanned; Settle is how long a file must be unchanged
	// before it is read, so that a file still being copied in is not loaded half-written.
	Poll, Settle time.Duration
	// MaxBackoff bounds the wait between retries while ClickHouse is unreachable.
	MaxBackoff time.Duration
	// BatchSize is the rows per block sent and InsertRows the rows per INSERT;
	// DefaultBatchSize and DefaultInsertRows when zero.
	BatchSize, InsertRows int

	conn    driver.Conn
	loaders map[string]*commit.Loader // by region inbox ("" the top one's)
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
		w.conn, w.loaders = nil, nil
	}
}

// ProcessOnce handles every settled file in the inbox once, then those of its region
// inboxes (Inbox). It returns an error only when the database failed; the file it was on
// stays in the inbox for the next pass.
func (w *Worker) ProcessOnce(ctx context.Context) error {
	top := Inbox{Dir: w.Inbox}
	for _, d := range []string{doneDir, failedDir} {
		if err := os.MkdirAll(filepath.Join(w.Inbox, d), 0o755); err != nil {
			return fmt.Errorf("inbox: %w", err)
		}
	}
	regions, err := top.Regions()
	if err != nil {
		return err
	}
	for _, in := range append([]Inbox{top}, regions...) {
		if err := w.processInbox(ctx, in); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	// A load that another process left stopped after its lots moved (killed, or its figures
	// failed) is completed here, within a poll of its writer's end, rather than at the next
	// load: until then readers would see its lots without its record and figures.
	loader, err := w.top(ctx)
	if err != nil {
		return err
	}
	return loader.Recover(ctx)
}

// top is the loader of the top inbox, connecting first when the worker has no connection.
func (w *Worker) top(ctx context.Context) (*commit.Loader, error) {
	if w.conn == nil {
		conn, err := w.Connect(ctx)
		if err != nil {
			return nil, err
		}
		w.conn, w.loaders = conn, map[string]*commit.Loader{}
	}
	top := w.loaders[""]
	if top == nil {
		top = commit.NewLoader(w.conn, w.Options.Region)
		if w.BatchSize > 0 {
			top.BatchSize = w.BatchSize
		}
		if w.InsertRows > 0 {
			top.InsertRows = w.InsertRows
		}
		w.loaders[""] = top
	}
	return top, nil
}

// processInbox loads the settled files of one inbox with the region it is for.
func (w *Worker) processInbox(ctx context.Context, in Inbox) error {
	files, err := in.pending(w.Settle)
	if err != nil || len(files) == 0 {
		return err
	}
	region, err := w.regionOf(in)
	if err != nil {
		for _, name := range files {
			w.fail(in, name, err)
		}
		return nil
	}
	for _, name := range files {
		if ctx.Err() != nil {
			return nil
		}
		top, err := w.top(ctx)
		if err != nil {
			return err
		}
		loader := w.loaders[in.Region]
		if loader == nil {
			loader = top.For(region)
			w.loaders[in.Region] = loader
		}
		if err := w.process(ctx, in, loader, name); err != nil {
			return err
		}
	}
	return nil
}

// regionOf is the region an inbox's lots must lie in: the worker's for the top inbox, the
// division a region inbox is named by, which must lie within the worker's.
func (w *Worker) regionOf(in Inbox) (division.Region, error) {
	if in.Region == "" {
		return w.Options.Region, nil
	}
	r, err := w.Options.Region.Tree().Region(in.Region)
	if err != nil || !w.Options.Region.Contains(r.Root()) {
		return division.Region{}, tradestat.Fail(tradestat.Invalid, "the directory regions/%s is for no division within %s; only an admin's uploads create such directories", in.Region, w.Options.Region.Name())
	}
	return r, nil
}

// process loads one file and files it away. Only a database error is returned: a file that
// cannot be read goes to failed/, and one whose own handling fails on disk (its report, its
// move) is logged and left where it is, so that one bad file never holds up the others.
func (w *Worker) process(ctx context.Context, in Inbox, loader *commit.Loader, name string) error {
	path := filepath.Join(in.Dir, name)
	if ReservedName(name) {
		w.fail(in, name, tradestat.Fail(tradestat.Unsupported, "names ending in .report.txt or .rejects.csv are reserved for reports; rename the file"))
		return nil
	}
	if fit := FitName(name); fit != name {
		// Its reports could not be written beside it: it is loaded under a name that fits.
		if err := os.Rename(path, filepath.Join(in.Dir, fit)); err != nil {
			w.Log.Error("cannot shorten the file's name; it stays in the inbox", "file", name, "err", err)
			return nil
		}
		w.Log.Info("name too long for its reports; shortened", "file", name, "to", fit)
		name, path = fit, filepath.Join(in.Dir, fit)
	}
	before, err := os.Stat(path)
	if err != nil {
		return nil // gone meanwhile
	}
	src := ingest.SourceFromPath(path)
	_, sha, err := ingest.Hash(src)
	if err != nil {
		w.fail(in, name, err)
		return nil
	}
	prev, err := loader.CompletedBatch(ctx, sha)
	if err != nil {
		return err
	}
	if prev != "" {
		w.Log.Info("already loaded; not loading again", "file", name, "region", in.Region, "sha256", sha, "batch", prev)
		w.file(in, name, doneDir, w.Options.Lang.T("%s: the same content (SHA-256 %s) was loaded before as batch %s; nothing was done.", name, sha, prev)+"\n", "")
		return nil
	}
	rejectsPath := filepath.Join(in.Dir, ".rejects-"+name+".csv")
	rf, err := os.Create(rejectsPath)
	if err != nil {
		w.Log.Error("cannot write the reject report; the file stays in the inbox", "file", name, "err", err)
		return nil
	}
	defer os.Remove(rejectsPath)
	rw, err := ingest.NewRejectWriter(rf)
	if err != nil {
		rf.Close()
		w.Log.Error("cannot write the reject report; the file stays in the inbox", "file", name, "err", err)
		return nil
	}
	opts := w.Options
	opts.Rejects = rw.Write
	opts.SHA256 = sha
	var last time.Time
	opts.Progress = func(p ingest.Progress) { // plain lines for logs, at most one every 5 s
		if w.Options.Progress != nil {
			w.Options.Progress(p)
		}
		if time.Since(last) >= 5*time.Second {
			last = time.Now()
			w.Log.Info("loading", "file", name, "rows", p.Rows, "bytes", p.Bytes, "of", p.Total)
		}
	}
	w.Log.Info("loading", "file", name, "region", in.Region, "sha256", sha)
	rep, err := loader.Load(ctx, src, opts)
	cerr := rw.Close()
	rf.Close()
	switch {
	case ingest.IsChanged(err):
		w.Log.Warn("the file changed while it was loaded; nothing was kept, and it is loaded again once it is complete", "file", name)
		return nil
	case tradestat.KindOf(err).OfInput():
		w.fail(in, name, err)
		return nil
	case err != nil:
		return err
	case cerr != nil:
		w.Log.Error("reject report", "file", name, "err", cerr)
	}
	w.Log.Info("loaded", "file", name, "region", in.Region, "read", rep.Read, "loaded", rep.Loaded, "rejected", rep.Rejected,
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
	w.file(in, name, doneDir, ingest.ReportText(rep), rejects)
	return nil
}

func (w *Worker) fail(in Inbox, name string, cause error) {
	w.Log.Error("cannot read file; moved to failed/", "file", name, "region", in.Region, "err", cause)
	w.file(in, name, failedDir, w.Options.Lang.T("%s could not be read: %v", name, cause)+"\n", "")
}

// file moves an inbox file to dir with its reports. A failure is logged: the file stays in
// the inbox, and the other files go on.
func (w *Worker) file(in Inbox, name, dir, report, rejects string) {
	if err := in.file(name, dir, report, rejects); err != nil {
		w.Log.Error("cannot file away; it stays in the inbox, and the other files go on", "file", name, "region", in.Region, "to", dir, "err", err)
	}
}
