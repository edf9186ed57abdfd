package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"tradestat"
)

// table is one grid of cells to read lots from: a CSV file or one XLSX sheet.
type table interface {
	// Read returns the next row and its row number as a spreadsheet shows it (1-based);
	// io.EOF after the last row.
	Read() ([]string, int, error)
	// Sheet names the XLSX sheet; "" for CSV.
	Sheet() string
	// Excel reports raw XLSX cells, whose numbers may carry binary floating-point noise.
	Excel() bool
}

// unreadable is a file that cannot be read at all, as opposed to rows that are bad: not CSV
// or XLSX, past a bound, no header row, a required column missing. Nothing of it is loaded,
// and given again unchanged it fails again (tradestat.FailureKind.OfInput), so the worker sets
// it aside. key is a catalog message: the clerk reads it in their language.
func unreadable(key string, args ...any) error {
	return tradestat.Fail(tradestat.Unsupported, key, args...)
}

// isUnreadable reports an error that is the file's as a whole rather than one row's.
func isUnreadable(err error) bool { return tradestat.KindOf(err) == tradestat.Unsupported }

// fileKind tells how to read a file from its first bytes, whatever its name says: a web
// system's 导出Excel named .xls is often an HTML table, or tab-separated text ("Unicode text");
// only a name ending in .xlsx with bytes that are not a workbook is sent to the workbook reader,
// whose refusal says what it is not.
func fileKind(name string, head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "xlsx"
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return "xls"
	case looksHTML(head):
		return "html"
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		return "xlsx"
	}
	return "csv"
}

// csvTable reads a CSV file in UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030,
// detected from the bytes, with comma or tab separators.
type csvTable struct {
	r        *csv.Reader
	encoding string
	width    int // the most cells a record had so far (the header's, once it is read)
}

// sniffSize is how much of a CSV file is examined to tell its encoding and separator.
const sniffSize = 1 << 20

func newCSVTable(r io.Reader) (*csvTable, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	var src io.Reader = br
	enc := "UTF-8"
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
		head = head[3:]
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		enc = "UTF-16" // Excel's "Unicode text"; the BOM gives the byte order
		src = transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
		head, _ = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(head[:min(len(head), 64<<10)&^1])
	case !mostlyUTF8(head):
		// GB18030 is a superset of GBK and GB2312, so one decoder reads all three.
		enc = "GB18030"
		src = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
		head, _ = simplifiedchinese.GB18030.NewDecoder().Bytes(head[:min(len(head), 64<<10)])
	}
	// Excel's "CSV (Macintosh)" ends lines with a carriage return alone, which encoding/csv
	// takes for part of a cell: the whole file would be one row.
	if bytes.IndexByte(head, '\r') >= 0 && bytes.IndexByte(head, '\n') < 0 {
		src = crLines{src}
		head = bytes.ReplaceAll(head, []byte("\r"), []byte("\n"))
	}
	sep := byte(',')
	if firstLine, _, _ := bytes.Cut(head, []byte("\n")); bytes.Count(firstLine, []byte("\t")) > bytes.Count(firstLine, []byte(",")) {
		sep = '\t'
	}
	c := csv.NewReader(newRecordLimiter(src, sep))
	c.Comma = rune(sep)
	c.FieldsPerRecord = -1
	// Exports quote carelessly: a quote inside a cell is taken as it is. A quote left open
	// would swallow the rows after it; the record limiter and swallowed refuse that.
	c.LazyQuotes = true
	c.ReuseRecord = false // rows are converted concurrently, after later rows were read
	return &csvTable{r: c, encoding: enc}, nil
}

// mostlyUTF8 reports whether a file's first bytes are UTF-8: whether the lines that hold any
// byte beyond ASCII are valid UTF-8 more often than not. One line in another encoding (a row
// pasted from a GBK file) then leaves the file UTF-8 and that row a reject (converter.badText),
// rather than turning every other row into garbled GB18030.
func mostlyUTF8(head []byte) bool {
	valid, invalid := 0, 0
	for len(head) > 0 {
		line, rest, cut := bytes.Cut(head, []byte("\n"))
		if bytes.IndexFunc(line, func(r rune) bool { return r >= utf8.RuneSelf }) >= 0 {
			switch {
			case utf8.Valid(line), !cut && validUTF8Prefix(line): // the sample may end inside a character
				valid++
			default:
				invalid++
			}
		}
		head = rest
	}
	return invalid <= valid
}

// crLines reads line ends written as a carriage return alone as line feeds.
type crLines struct{ r io.Reader }

func (c crLines) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// validUTF8Prefix is utf8.Valid, forgiving a character cut off at the end of the sample.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

func (t *csvTable) Read() ([]string, int, error) {
	rec, err := t.r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, pe.StartLine, err
		}
		if errors.Is(err, io.EOF) || isUnreadable(err) {
			return nil, 0, err
		}
		return nil, 0, unreadable("reading stopped: %v", err)
	}
	line, _ := t.r.FieldPos(0)
	if len(rec) > maxColumns {
		return nil, line, errTooWide(line, len(rec))
	}
	if n, ok := swallowed(rec, t.r.Comma, t.width); ok {
		return nil, line, unreadable("row %d: an unbalanced quote swallows the %d lines after it; nothing was loaded: close the quote in that row and load the file again", line, n)
	}
	t.width = max(t.width, len(rec))
	return rec, line, nil
}

func (t *csvTable) Sheet() string { return "" }
func (t *csvTable) Excel() bool   { return false }

// sheetTable reads one XLSX sheet with raw cell values: an Excel date is its serial number
// and a number its stored value, never their display format. Merged cells lend their value to
// every cell they cover, so a merged 交易类型 cell spanning rows applies to each row; they are
// filled row by row as rows are read, and beyond the first rows (where the header is looked
// for) only within the table's width, so that a range drawn over the whole sheet costs little.
// A range's value is its first cell's, taken as its first row passes.
type sheetTable struct {
	name   string
	rows   *sheetRows
	line   int
	width  int           // the most cells a row had so far
	merged []mergedRange // by first row
	next   int           // the first range of merged not yet reached
	active []mergedRange // the ranges that cover the row being read
}

// mergedRange is a merged range (1-based rows, 0-based columns) and its value.
type mergedRange struct {
	r1, r2, c1, c2 int
	value          string
}

func (t *sheetTable) Read() ([]string, int, error) {
	rec, line, err := t.rows.Next()
	if errors.Is(err, io.EOF) {
		return nil, t.line, io.EOF
	}
	if err != nil {
		return nil, t.line, unreadable("sheet %s cannot be read: %v", t.name, err)
	}
	t.line = line
	for len(rec) > 0 && rec[len(rec)-1] == "" {
		rec = rec[:len(rec)-1]
	}
	if len(rec) > maxColumns {
		return nil, t.line, errTooWide(t.line, len(rec))
	}
	t.width = max(t.width, len(rec))
	for ; t.next < len(t.merged) && t.merged[t.next].r1 <= t.line; t.next++ {
		m := t.merged[t.next]
		if m.r1 == t.line && m.c1 < len(rec) {
			m.value = rec[m.c1]
		}
		t.active = append(t.active, m)
	}
	keep := t.active[:0]
	for _, m := range t.active {
		if m.r2 >= t.line {
			keep = append(keep, m)
		}
	}
	t.active = keep
	// Among the first rows, where the header is looked for, a range fills its whole width: a
	// group label merged over the table's last columns (金额 over 预算 | 成交) is wider than
	// any row read so far.
	limit := t.width
	if t.line <= maxHeaderSearch {
		limit = maxColumns
	}
	for _, m := range t.active {
		for col := m.c1; col <= m.c2 && col < limit; col++ {
			if t.line == m.r1 && col == m.c1 {
				continue
			}
			for len(rec) <= col {
				rec = append(rec, "")
			}
			if rec[col] == "" {
				rec[col] = m.value
			}
		}
	}
	return rec, t.line, nil
}

func (t *sheetTable) Sheet() string { return t.name }
func (t *sheetTable) Excel() bool   { return true }

// openXLSX opens a workbook, within the bounds of checkWorkbook, and returns one table per
// sheet (or only the named sheet), and what closes them.
func openXLSX(r io.Reader, sheet string) (io.Closer, []table, error) {
	spool, zr, err := checkWorkbook(r)
	if err != nil {
		return nil, nil, err
	}
	w, err := openWorkbook(zr)
	if err != nil {
		spool.Close()
		return nil, nil, unreadable("not a readable XLSX workbook: %v", err)
	}
	closers := closeAll{spool, &w.strings}
	parts := w.sheets
	if sheet != "" {
		parts = nil
		var names []string
		for _, p := range w.sheets {
			names = append(names, p.name)
			if p.name == sheet {
				parts = append(parts, p)
			}
		}
		if len(parts) == 0 {
			closers.Close()
			return nil, nil, unreadable("no sheet %q (sheets: %s)", sheet, strings.Join(names, ", "))
		}
	}
	var tables []table
	for _, p := range parts {
		merged, err := mergedRanges(p.file)
		if err != nil {
			closers.Close()
			return nil, nil, unreadable("sheet %s: merged cells: %v", p.name, err)
		}
		kept := merged[:0]
		for _, m := range merged {
			if m.c1 < maxColumns { // beyond any table's width: it can fill no cell that is read
				kept = append(kept, m)
			}
		}
		sort.SliceStable(kept, func(i, j int) bool { return kept[i].r1 < kept[j].r1 })
		rows, err := w.rows(p)
		if err != nil {
			closers.Close()
			return nil, nil, unreadable("sheet %s: %v", p.name, err)
		}
		closers = append(closers, rows)
		tables = append(tables, &sheetTable{name: p.name, rows: rows, merged: kept})
	}
	return closers, tables, nil
}

// closeAll closes each of its closers.
type closeAll []io.Closer

func (c closeAll) Close() error {
	var errs []error
	for _, x := range c {
		errs = append(errs, x.Close())
	}
	return errors.Join(errs...)
}
