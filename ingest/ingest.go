// Package ingest loads transaction files into ClickHouse: CSV (UTF-8, UTF-16 or GBK/GB18030)
// and XLSX exports as trading platforms write them (docs/domain.md). It finds the header row, maps
// columns by a built-in alias table (or a mapping file), normalises every value exactly,
// accounts for every row (loaded, rejected with a reason, skipped as blank or summary, or
// merged as a duplicate) and holds all of tradestat's writing SQL.
//
// Files are streamed: rows are parsed and validated in one goroutine while bounded columnar
// batches are sent in another, so memory stays flat whatever the file size.
package ingest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat"
	"tradestat/division"
	"tradestat/msg"
)

// DefaultBatchSize is how many rows travel in one block: it bounds the client's memory.
const DefaultBatchSize = 50000

// DefaultInsertRows is how many rows one INSERT carries before it is ended and the next
// begins; each INSERT becomes one part. A quarter of a million rows did best in make
// bench-ingest (README has the figures): the server writes one part while the client reads the
// rows of the next, so a load ends soon after its last row is read, and the few parts it
// leaves are merged in the background. One INSERT per file would leave the server's whole
// write until after the reading; one per block, dozens of small parts to write and merge.
const DefaultInsertRows = 1 << 18

// Loader writes lots into the lots table and records each file in ingest_batches.
type Loader struct {
	conn       driver.Conn
	region     division.Region
	BatchSize  int // rows per block sent; DefaultBatchSize unless set
	InsertRows int // rows per INSERT; DefaultInsertRows unless set
	now        func() time.Time
	leases     *leases // one commit, withdrawal, seal or recovery at a time, shared by the loaders of For
	// afterMove, when set, runs right after a load's lots moved into deals: tests stop a
	// load there, as a kill at that moment would.
	afterMove func() error
}

// NewLoader returns a Loader writing through conn the lots of files whose trading places lie
// within region.
func NewLoader(conn driver.Conn, region division.Region) *Loader {
	return &Loader{conn: conn, region: region, BatchSize: DefaultBatchSize, InsertRows: DefaultInsertRows, now: time.Now, leases: newLeases(conn)}
}

// For is a loader of the same database for lots within region (an admin's, a region inbox's):
// its commits and withdrawals wait for those of l, as l's own do.
func (l *Loader) For(region division.Region) *Loader {
	c := *l
	c.region = region
	return &c
}

// Source is one file to load: a path, or bytes already in memory.
type Source struct {
	Name string // shown in reports and stored with every lot
	Path string // read from this file when set
	Data []byte // otherwise these bytes
	Demo bool   // the synthetic demo dataset, which the dashboard labels 示例数据
}

func (s Source) open() (io.ReadCloser, int64, error) {
	if s.Path == "" {
		return io.NopCloser(bytes.NewReader(s.Data)), int64(len(s.Data)), nil
	}
	f, err := os.Open(s.Path)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// Options say how to read a file.
type Options struct {
	Sheet string // read only this XLSX sheet; "" reads every sheet that holds lots
	Place string // trading place for files that have no such column (a one-centre export)
	// Region is where the lots must lie: a lot whose trading place is outside it is rejected
	// with a reason that names it. A Loader sets its own; Inspect needs it set.
	Region  division.Region
	Mapping Mapping // header → field entries beyond the built-in aliases
	// Rejects receives every rejected row, in file order (the CLI writes the reject report).
	Rejects func(Reject) error
	// Progress is called every progressEvery rows and at the end.
	Progress func(Progress)
	// Today is the last day a lot may have completed on; today in Asia/Shanghai when zero.
	Today tradestat.Date
	// Lang is the language of the account, the reports and the reject reasons (Chinese
	// unless English is asked for).
	Lang msg.Lang
	// SHA256, when set, is the content the caller expects (the worker hashed the file before
	// loading it): a file whose bytes differ by the end of the load was changed while it was
	// read, and nothing of it is kept.
	SHA256 string
}

func (o Options) today() tradestat.Date {
	if !o.Today.IsZero() {
		return o.Today
	}
	return tradestat.DateOf(time.Now().In(tradestat.Shanghai))
}

// Progress is how far a load has come.
type Progress struct {
	Rows  int64 // data rows read so far
	Bytes int64 // bytes of the file read so far (CSV; 0 for XLSX, which is read whole)
	Total int64 // size of the file
}

const progressEvery = 20000

// SourceFromPath names a file source by its base name.
func SourceFromPath(path string) Source {
	name := path
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		name = path[i+1:]
	}
	return Source{Name: name, Path: path}
}

// LoadFile loads the file at path.
func (l *Loader) LoadFile(ctx context.Context, path string, opts Options) (Report, error) {
	return l.Load(ctx, SourceFromPath(path), opts)
}

// Hash returns the size and SHA-256 of a source's content: its identity for the worker.
func Hash(src Source) (int64, string, error) {
	r, _, err := src.open()
	if err != nil {
		return 0, "", unreadable("%s could not be read: %v", src.Name, err)
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return 0, "", unreadable("%s could not be read: %v", src.Name, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// errChanged is a file whose bytes changed while it was loaded: a copy still being written.
var errChanged = errors.New("the file changed while it was loaded")

// IsChanged reports a load refused because the file changed while it was read.
func IsChanged(err error) bool { return errors.Is(err, errChanged) }

// Load reads src, loads its valid lots and records the batch. An error means the file could
// not be read (a failure of the input: tradestat.FailureKind.OfInput) or written; row
// problems are rejects and never stop the file.
//
// A load is all or nothing for every reader: its lots are streamed into a staging table of
// its own, which no reader sees, and move into deals in one step only once the whole file
// has been read (stage.go), under the write lease that serialises every writer of the
// database (lease.go). A load stopped before that leaves nothing visible; one stopped after it
// is completed by the next writer (Recover).
func (l *Loader) Load(ctx context.Context, src Source, opts Options) (Report, error) {
	batch := newBatch()
	rep := Report{File: src.Name, BatchID: fmt.Sprintf("%016x", batch), Lang: opts.Lang}
	opts.Region = l.region
	started := l.now()
	st, err := l.newStage(ctx, batch)
	if err != nil {
		return rep, fmt.Errorf("load %s: %w", src.Name, err)
	}
	defer st.drop(ctx)

	// The scan stops when sending fails. Database calls use the caller's ctx, never scanCtx:
	// the driver ties a connection to the context it was used with, and cancelling that
	// context after the call returned would close a connection already back in the pool.
	scanCtx, stopScan := context.WithCancelCause(ctx)
	defer stopScan(nil)
	chunks := make(chan *chunk, 1)
	spare := make(chan *chunk, 2) // sent chunks, for reuse: two are in flight at most
	sent := make(chan error, 1)
	go func() {
		in := &inserter{conn: l.conn, table: st.table, limit: l.InsertRows}
		var err error
		for c := range chunks {
			if err == nil {
				if err = in.write(ctx, c); err != nil {
					stopScan(err)
				}
			}
			c.reset()
			select {
			case spare <- c:
			default:
			}
		}
		if err == nil && context.Cause(scanCtx) == nil {
			err = in.finish()
		} else {
			in.abort()
		}
		sent <- err
	}()

	// The version orders loads of the same lot: the newest load wins, and within a file the
	// later row (ReplacingMergeTree keeps the highest version).
	version := uint64(started.UnixNano())
	cur := newChunk(l.BatchSize)
	var own totals // the load's own money, for the bound on totals (commit)
	err = scan(scanCtx, src, opts, &rep, func(lot tradestat.Lot) error {
		version++
		own.add(lot)
		cur.add(lot, batch, version)
		if cur.len() < l.BatchSize {
			return nil
		}
		select {
		case chunks <- cur:
		case <-scanCtx.Done():
			return context.Cause(scanCtx)
		}
		select {
		case cur = <-spare:
		default:
			cur = newChunk(l.BatchSize)
		}
		return nil
	})
	if err != nil {
		stopScan(err) // the sender drops the INSERT under way rather than ending it
	} else if cur.len() > 0 {
		chunks <- cur
	}
	close(chunks)
	if serr := <-sent; serr != nil {
		return rep, fmt.Errorf("load %s: %w", src.Name, serr)
	}
	if err != nil {
		return rep, err
	}
	if opts.SHA256 != "" && rep.SHA256 != opts.SHA256 {
		return rep, tradestat.FailWith(tradestat.Conflict, errChanged, "%s changed while it was loaded; nothing was kept", src.Name)
	}
	if err := l.commit(ctx, st, &rep, own, src.Demo, started, opts.Rejects); err != nil {
		return rep, fmt.Errorf("load %s: %w", src.Name, err)
	}
	return rep, nil
}

// newBatch picks a load's identity: random, so that loads from several workers never
// collide, and never 0, which marks no load.
func newBatch() uint64 {
	b := make([]byte, 8)
	for {
		_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
		if n := binary.BigEndian.Uint64(b); n != 0 {
			return n
		}
	}
}

// countingReader counts the bytes read through it, for progress, and hashes them, so that a
// file's SHA-256 costs no second pass over it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
	h hash.Hash
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	c.h.Write(p[:n])
	return n, err
}

// fileTables is an open file as the tables it holds.
type fileTables struct {
	tables  []table
	format  string
	counter *countingReader
	size    int64
	closers []io.Closer
}

// Close releases the file.
func (f *fileTables) Close() {
	for _, c := range f.closers {
		c.Close()
	}
}

// openTables opens src as a workbook (every sheet, or opts.Sheet) or as a CSV file, telling
// them by their first bytes and name.
func openTables(src Source, opts Options) (*fileTables, error) {
	r, size, err := src.open()
	if err != nil {
		return nil, unreadable("%s could not be read: %v", src.Name, err)
	}
	ft := &fileTables{counter: &countingReader{r: r, h: sha256.New()}, size: size, closers: []io.Closer{r}}
	head := make([]byte, 8)
	n, _ := io.ReadFull(ft.counter, head)
	body := io.MultiReader(bytes.NewReader(head[:n]), ft.counter)
	switch fileKind(src.Name, head[:n]) {
	case "xls":
		ft.Close()
		return nil, unreadable("%s is a legacy Excel 97–2003 workbook (.xls); open it in Excel or WPS and save it as .xlsx, then load that", src.Name)
	case "xlsx":
		f, ts, err := openXLSX(body, opts.Sheet)
		if err != nil {
			ft.Close()
			return nil, unreadable("%s: %v", src.Name, err)
		}
		ft.tables, ft.format, ft.closers = ts, "XLSX", append(ft.closers, f)
	default:
		t, err := newCSVTable(body)
		if err != nil {
			ft.Close()
			return nil, unreadable("%s: %v", src.Name, err)
		}
		ft.tables, ft.format = []table{t}, "CSV ("+t.encoding+")"
	}
	return ft, nil
}

// scan reads every table of src and calls emit for each valid lot, in file order (a lot that
// appears again is emitted again: the later row wins). It fills in rep's accounting and notes.
func scan(ctx context.Context, src Source, opts Options, rep *Report, emit func(tradestat.Lot) error) error {
	ft, err := openTables(src, opts)
	if err != nil {
		return err
	}
	defer ft.Close()
	tables, cr, size := ft.tables, ft.counter, ft.size
	rep.Format = ft.format
	p := opts.Lang.Printer()

	types := typeAliases()
	progress := func() {
		if opts.Progress != nil {
			opts.Progress(Progress{Rows: int64(rep.Read), Bytes: cr.n.Load(), Total: size})
		}
	}
	var headerProblems []msg.Message
	var gaps basisGaps
	for _, t := range tables {
		conv, data, err := newConverter(t, src.Name, opts, types)
		if err != nil {
			if t.Sheet() == "" || opts.Sheet != "" {
				return unreadable("%s: %v", src.Name, err)
			}
			headerProblems = append(headerProblems, msg.Of("sheet %s: %v", t.Sheet(), err))
			continue
		}
		if t.Sheet() != "" {
			rep.Sheets = append(rep.Sheets, t.Sheet())
		}
		rep.Notes = append(rep.Notes, conv.l.notes(p, t.Sheet())...)
		for _, u := range conv.l.unread {
			rep.Unread = append(rep.Unread, u.describe(p))
		}
		hasBudget := conv.l.at[fBudget] >= 0 || conv.l.at[fBasis] >= 0
		hasReserve := conv.l.at[fReserve] >= 0 || conv.l.at[fBasis] >= 0
		err = convertRows(ctx, data, conv, func(r rowResult) error {
			rep.Read++
			if rep.Read%progressEvery == 0 {
				progress()
			}
			switch r.kind {
			case rowSkipped:
				rep.Skipped++
				return nil
			case rowReject:
				rep.Rejected++
				if len(rep.FirstRejects) < maxFirstRejects {
					rep.FirstRejects = append(rep.FirstRejects, *r.reject)
				}
				if opts.Rejects != nil {
					if err := opts.Rejects(*r.reject); err != nil {
						return fmt.Errorf("reject report: %w", err)
					}
				}
				return nil
			}
			rep.valid++
			gaps.add(r.lot, hasBudget, hasReserve)
			return emit(r.lot)
		})
		if err != nil {
			return err
		}
	}
	progress()
	// The hash covers the whole file, including whatever follows the last row read.
	if _, err := io.Copy(io.Discard, cr); err != nil {
		return unreadable("%s could not be read: %v", src.Name, err)
	}
	rep.Size, rep.SHA256 = cr.n.Load(), hex.EncodeToString(cr.h.Sum(nil))
	if len(rep.Sheets) == 0 && len(headerProblems) > 0 {
		return unreadable("%s: no sheet holds lots: %s", src.Name, msg.Join(headerProblems))
	}
	// A file that yields no row at all is not a load that succeeded: its record would mark
	// its content as loaded, and the corrected file would differ from it in nothing a clerk
	// sees.
	if rep.Read == 0 {
		return unreadable("%s holds no data row: nothing was loaded", src.Name)
	}
	for _, hp := range headerProblems {
		rep.Notes = append(rep.Notes, p.T("%s (not read)", hp))
	}
	rep.gaps = gaps
	rep.NoBudget, rep.NoReserve, rep.Gaps = gaps.noBudget, gaps.noReserve, gaps.describe(p)
	return nil
}

// newConverter finds t's header and returns the converter of its data rows and the table
// that reads them.
func newConverter(t table, file string, opts Options, types map[string]tradestat.TradeType) (*converter, table, error) {
	l, data, best, err := findLayout(t, opts, types)
	p := opts.Lang.Printer()
	if errors.Is(err, errNoHeader) {
		if best.recognised() == 0 {
			return nil, nil, unreadable("no header row found in the first %d rows: no cell names a known column (see tradestat ingest --dry-run, or give --mapping)", maxHeaderSearch)
		}
		var miss []msg.Phrase
		for _, m := range best.missing(opts.Place != "") {
			miss = append(miss, func(l msg.Lang) string { return m.describe(l.Printer()) })
		}
		summary := msg.Phrase(func(l msg.Lang) string { return best.summary(l.Printer()) })
		return nil, nil, unreadable("no header row in the first %d rows names everything a lot needs; the best candidate, row %d, lacks %s (recognised: %s; give --mapping for columns named otherwise)",
			maxHeaderSearch, best.headerLine, msg.Join(miss), summary)
	}
	if err != nil {
		return nil, nil, err
	}
	if opts.Region.Root() == nil {
		return nil, nil, fmt.Errorf("%s: no region to read trading places in", file)
	}
	c := &converter{file: file, sheet: t.Sheet(), l: l, excel: t.Excel(), defaultPlace: opts.Place, today: opts.today(),
		types: types, p: p, lang: opts.Lang, region: opts.Region}
	if l.at[fPriceUnit] >= 0 {
		c.unitCodes = opts.Mapping[l.columns[c.colIndex(fPriceUnit)].header].codes
	}
	return c, data, nil
}
