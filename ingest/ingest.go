// Package ingest reads transaction files into lots: CSV (UTF-8, UTF-16 or GBK/GB18030) and
// XLSX exports as trading platforms write them (docs/domain.md). It finds the header row, maps
// columns by meaning (or a mapping file), normalises every value exactly and accounts for
// every row (a lot, rejected with a reason, skipped as blank or summary). It writes nothing:
// package commit takes the lots it reads into the warehouse as one load.
//
// Files are streamed: rows are parsed and validated in one goroutine while the caller takes
// the lots in another, so memory stays flat whatever the file size.
package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"tradestat"
	"tradestat/division"
	"tradestat/msg"
)

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
	// with a reason that names it. A load reads with its committer's; Inspect needs it set.
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

// File is a file or an upload to be read into lots: the records a load commits (package
// commit).
type File struct {
	Source
	Options
}

// Origin is what a load records of where its lots came from, and where its rejects go.
type Origin struct {
	Name    string // the file's name, shown in reports and stored with every lot
	Demo    bool   // the synthetic demo dataset
	Lang    msg.Lang
	Rejects func(Reject) error // every rejected row, the committer's too; may be nil
}

// Origin is the file's name, language and reject report.
func (f File) Origin() Origin {
	return Origin{Name: f.Source.Name, Demo: f.Source.Demo, Lang: f.Options.Lang, Rejects: f.Options.Rejects}
}

// Read reads the file's lots, reading trading places within region (the committer's), calls
// emit for each valid lot in file order (a lot that appears again is emitted again: the later
// row wins) and fills in the reading's part of rep: rows read, rejected and skipped, how the
// file was read, its size and hash. A file whose content is not Options.SHA256 by the end, when
// that is set, is refused whole.
func (f File) Read(ctx context.Context, region division.Region, rep *Report, out Emit) error {
	opts := f.Options
	opts.Region = region
	if err := scanAll(ctx, f.Source, opts, rep, out); err != nil {
		return err
	}
	if opts.SHA256 != "" && rep.SHA256 != opts.SHA256 {
		return tradestat.FailWith(tradestat.Conflict, errChanged, "%s changed while it was loaded; nothing was kept", f.Source.Name)
	}
	return nil
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
	head := make([]byte, htmlSniff)
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
	case "html":
		t, err := newHTMLTable(body)
		if err != nil {
			ft.Close()
			return nil, unreadable("%s: %v", src.Name, err)
		}
		ft.tables, ft.format = []table{t}, "HTML ("+t.encoding+")"
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

// Emit receives what a reader reads, in file order: the lots of lot exports and the bids of
// bid lists. A reader that takes no bids leaves Bid nil, and a bid list is then refused whole.
type Emit struct {
	Lot func(tradestat.Lot) error
	Bid func(tradestat.Bid) error
}

// scan is scanAll for lots alone.
func scan(ctx context.Context, src Source, opts Options, rep *Report, emit func(tradestat.Lot) error) error {
	return scanAll(ctx, src, opts, rep, Emit{Lot: emit})
}

// scanAll reads every table of src and hands each valid lot or bid to out, in file order (a
// lot or bid that appears again is handed again: the later row wins). It fills in rep's
// accounting and notes.
func scanAll(ctx context.Context, src Source, opts Options, rep *Report, out Emit) error {
	ft, err := openTables(src, opts)
	if err != nil {
		return err
	}
	defer ft.Close()
	tables, cr, size := ft.tables, ft.counter, ft.size
	rep.Format = ft.format
	p := opts.Lang.Printer()

	progress := func() {
		if opts.Progress != nil {
			opts.Progress(Progress{Rows: int64(rep.Read), Bytes: cr.n.Load(), Total: size})
		}
	}
	var headerProblems []msg.Message
	var gaps basisGaps
	for _, t := range tables {
		conv, data, err := newConverter(t, src.Name, opts)
		if err != nil {
			if t.Sheet() == "" || opts.Sheet != "" {
				return unreadable("%s: %v", src.Name, err)
			}
			headerProblems = append(headerProblems, msg.Of("sheet %s: %v", t.Sheet(), err))
			continue
		}
		if conv.l.kind == bidRows && out.Bid == nil {
			return unreadable("%s is a bid list (one row per bid), which this reader does not take", src.Name)
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
				return rep.reject(*r.reject, opts.Rejects)
			case rowBid:
				rep.BidRows++
				return out.Bid(r.bid)
			}
			gaps.add(r.lot, hasBudget, hasReserve)
			return out.Lot(r.lot)
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
func newConverter(t table, file string, opts Options) (*converter, table, error) {
	l, data, best, err := findLayout(t, opts)
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
		p: p, lang: opts.Lang, region: opts.Region}
	if l.at[fPriceUnit] >= 0 {
		c.unitCodes = opts.Mapping[l.header(fPriceUnit)].codes
	}
	for _, col := range l.columns {
		if col.field.categorical() {
			c.values[col.field] = opts.Mapping[col.header].values
		}
	}
	c.validHeader = headerReading(vocab().validity, l.header(fValidity))
	c.winHeader = headerReading(vocab().winner, l.header(fWinner))
	c.again = headerText(l.header(l.againField())).key
	return c, data, nil
}
