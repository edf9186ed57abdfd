package ingest

import (
	"archive/zip"
	"errors"
	"io"
	"os"
	"strings"
)

// What one file may make a load hold. Each bound is far above what a real export needs and
// far below what would take the machine's memory; a file past one is refused as a whole,
// with the bound named, before anything of it is kept (a load is all or nothing).
const (
	// maxRecordBytes bounds one CSV record (a line, or several when a quoted cell holds line
	// breaks): real records are under a kilobyte.
	maxRecordBytes = 1 << 20
	// maxColumns bounds the cells of a row: exports have a few dozen columns.
	maxColumns = 512
	// maxXLSXBytes bounds a workbook file, which is copied to a temporary file to be
	// unzipped: a million-row export is about 60 MB.
	maxXLSXBytes = 200 << 20
	// maxXLSXUnzipped bounds everything a workbook unzips to.
	maxXLSXUnzipped = 2 << 30
	// maxZipRatio bounds how much larger than its compressed form a part of a workbook may
	// be (over its first MiB): spreadsheet XML compresses about 10:1, a zip bomb 1000:1.
	maxZipRatio = 100
	// maxXMLRun bounds a run of XML text without markup, and so one cell: Excel holds at most
	// 32,767 characters in a cell, under 200 KB even written as entities.
	maxXMLRun = 256 << 10
	// maxSharedStrings bounds the part that holds a workbook's text: a million rows of codes
	// and names take about 100 MB.
	maxSharedStrings = 128 << 20
	// maxOtherPart bounds every other part but the sheets (styles, the workbook, themes),
	// which are read whole too; sheets are streamed.
	maxOtherPart = 16 << 20
	// maxMergedRanges bounds the merged ranges of a sheet, counted in its XML before they are
	// read (each row is checked against the ranges over it): real exports merge a title, group
	// headings and a type cell per group, a few hundred at most.
	maxMergedRanges = 5000
)

// checkWorkbook copies a workbook, within the bounds above, into a temporary file (unlinked at
// once, so nothing is left behind) and unzips it once to prove that no part is a bomb (a part
// that unzips to far more than its size, or a cell longer than Excel allows): what a load
// holds of a workbook does not grow with the file.
func checkWorkbook(r io.Reader) (*os.File, *zip.Reader, error) {
	f, err := os.CreateTemp("", "tradestat-workbook-")
	if err != nil {
		return nil, nil, err
	}
	_ = os.Remove(f.Name())
	zr, err := checkSpooled(f, r)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, zr, nil
}

func checkSpooled(f *os.File, r io.Reader) (*zip.Reader, error) {
	size, err := io.Copy(f, io.LimitReader(r, maxXLSXBytes+1))
	if err != nil {
		return nil, err
	}
	if size > maxXLSXBytes {
		return nil, unreadable("workbook larger than the bound of %d MiB; split it", maxXLSXBytes>>20)
	}
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return nil, unreadable("not a readable XLSX workbook: %v", err)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > maxXLSXUnzipped {
			return nil, unreadable("workbook unzips to more than %d GiB", maxXLSXUnzipped>>30)
		}
		if f.UncompressedSize64 > 1<<20 && f.UncompressedSize64 > maxZipRatio*f.CompressedSize64 {
			return nil, unreadable("part %s of the workbook unzips to over %d times its size", f.Name, maxZipRatio)
		}
		if bound := partBound(f.Name); f.UncompressedSize64 > bound {
			return nil, unreadable("part %s of the workbook unzips to more than %d MiB", f.Name, bound>>20)
		}
		if err := checkPart(f); err != nil {
			return nil, err
		}
	}
	return zr, nil
}

// partBound is the most a part of a workbook may unzip to: sheets are streamed and bounded
// only by the whole, the rest is read whole.
func partBound(name string) uint64 {
	switch {
	case strings.HasPrefix(name, "xl/worksheets/"):
		return maxXLSXUnzipped
	case name == "xl/sharedStrings.xml":
		return maxSharedStrings
	}
	return maxOtherPart
}

// checkPart unzips one part of a workbook, never holding more than a buffer of it: the zip
// reader fails a part that unzips to more than it declares, and a run of text without markup
// longer than maxXMLRun is refused.
func checkPart(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return unreadable("part %s of the workbook cannot be read: %v", f.Name, err)
	}
	defer rc.Close()
	buf := make([]byte, 64<<10)
	run := 0
	const mergeTag = "<mergeCell" // also matches the <mergeCells> around them: one more
	matched, merges := 0, 0
	for {
		n, err := rc.Read(buf)
		for _, b := range buf[:n] {
			switch {
			case b == mergeTag[matched]:
				if matched++; matched == len(mergeTag) {
					matched = 0
					if merges++; merges > maxMergedRanges+1 {
						return unreadable("part %s of the workbook has more than %d merged ranges", f.Name, maxMergedRanges)
					}
				}
			case b == '<':
				matched = 1
			default:
				matched = 0
			}
			if b == '<' || b == '>' {
				run = 0
				continue
			}
			if run++; run > maxXMLRun {
				return unreadable("part %s of the workbook holds a cell or text longer than %d KiB; Excel allows 32,767 characters", f.Name, maxXMLRun>>10)
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return unreadable("part %s of the workbook cannot be unzipped: %v", f.Name, err)
		}
	}
}

// recordLimiter passes CSV text through while following its quoting just enough to know
// where each record ends, and fails a record longer than maxRecordBytes: without it one
// endless line, or a stray quote that swallows the rest of a file, would be held whole.
type recordLimiter struct {
	r          io.Reader
	sep        byte
	n          int  // bytes of the record under way
	line       int  // line the record under way starts on (1-based)
	lines      int  // line breaks seen
	quoted     bool // inside a quoted field
	quote      bool // inside a quoted field, just after a quote (an escape or its end)
	fieldStart bool
}

func newRecordLimiter(r io.Reader, sep byte) *recordLimiter {
	return &recordLimiter{r: r, sep: sep, line: 1, fieldStart: true}
}

func (l *recordLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, b := range p[:n] {
		l.n++
		switch {
		case l.quote:
			l.quote = false
			if b == '"' { // an escaped quote
				break
			}
			l.quoted = false
			l.end(b)
		case l.quoted:
			if b == '"' {
				l.quote = true
			} else if b == '\n' {
				l.lines++
			}
		case b == '"' && l.fieldStart:
			l.quoted, l.fieldStart = true, false
		default:
			l.end(b)
		}
		if l.n > maxRecordBytes {
			return 0, unreadable("the record starting on line %d is longer than %d KiB, most likely an unbalanced quote swallowing the lines after it; nothing was loaded",
				l.line, maxRecordBytes>>10)
		}
	}
	return n, err
}

// end follows an unquoted byte: a separator starts a field, a line break a record.
func (l *recordLimiter) end(b byte) {
	switch b {
	case l.sep:
		l.fieldStart = true
	case '\n':
		l.lines++
		l.n, l.line, l.fieldStart = 0, l.lines+1, true
	case '\r':
	default:
		l.fieldStart = false
	}
}

// swallowed reports whether a record's cells hold what looks like whole rows of the file:
// a line break followed by a line with as many separators as half a row has. A quoted cell
// may hold line breaks (an address, a note), but not rows: that is a quote left open, and
// reading on would quietly lose every row it swallowed.
func swallowed(rec []string, sep rune, width int) (lines int, ok bool) {
	need := max(2, (width-1)/2)
	for _, cell := range rec {
		i := strings.IndexByte(cell, '\n')
		if i < 0 {
			continue
		}
		parts := strings.Split(cell[i+1:], "\n")
		for _, p := range parts {
			if strings.Count(p, string(sep)) >= need {
				ok = true
			}
		}
		lines += len(parts)
	}
	return lines, ok
}

// errTooWide is a row with more cells than any export has.
func errTooWide(line, n int) error {
	return unreadable("row %d has %d cells, more than the bound of %d columns; nothing was loaded", line, n, maxColumns)
}
