package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
)

// A workbook is read here rather than through a spreadsheet library, which parses a whole
// sheet into objects to give its merged ranges (about fifteen bytes of memory per byte of
// sheet XML: gigabytes for a workbook well inside the bounds). The file is unzipped from a
// temporary file (checkWorkbook); each sheet is streamed row by row through an XML decoder,
// its merged ranges read from the end of its XML (past the rows) and their values taken from
// the rows as they pass; the shared strings are kept in memory up to stringsInMemory bytes and
// in a temporary file past that, with four bytes a string in memory. What a load holds of a
// workbook is then a bound whatever its rows: buffers, one row, the merged ranges
// (maxMergedRanges) and the strings' ends.

// stringsInMemory is how much of a workbook's shared strings are kept in memory.
const stringsInMemory = 16 << 20

// xlsxFile is an opened XLSX workbook: its sheets in order and its shared strings.
type xlsxFile struct {
	zip     *zip.Reader
	sheets  []sheetPart
	strings sharedStrings
}

// sheetPart is a sheet's name and the zip entry of its XML.
type sheetPart struct {
	name string
	file *zip.File
}

// sharedStrings are the workbook's strings one after another, in text or, past
// stringsInMemory, in spill; string i ends at ends[i].
type sharedStrings struct {
	text  []byte
	spill *os.File
	w     *bufio.Writer // writes spill while the strings are read
	size  int           // the bytes of all strings
	ends  []uint32
	keep  int // how many bytes are kept in memory; stringsInMemory when 0
}

// add appends to the string being read.
func (s *sharedStrings) add(b []byte) error {
	if s.keep == 0 {
		s.keep = stringsInMemory
	}
	if s.spill == nil && s.size+len(b) > s.keep {
		f, err := os.CreateTemp("", "tradestat-strings-")
		if err != nil {
			return err
		}
		_ = os.Remove(f.Name())
		s.spill, s.w = f, bufio.NewWriterSize(f, 256<<10)
		if _, err := s.w.Write(s.text); err != nil {
			return err
		}
		s.text = nil
	}
	if s.spill != nil {
		if _, err := s.w.Write(b); err != nil {
			return err
		}
	} else {
		s.text = append(s.text, b...)
	}
	s.size += len(b)
	return nil
}

// end closes the string being read.
func (s *sharedStrings) end() { s.ends = append(s.ends, uint32(s.size)) }

func (s *sharedStrings) at(i int) (string, bool) {
	if i < 0 || i >= len(s.ends) {
		return "", false
	}
	start := uint32(0)
	if i > 0 {
		start = s.ends[i-1]
	}
	if s.spill == nil {
		return string(s.text[start:s.ends[i]]), true
	}
	b := make([]byte, s.ends[i]-start)
	if _, err := s.spill.ReadAt(b, int64(start)); err != nil {
		return "", false
	}
	return string(b), true
}

func (s *sharedStrings) Close() error {
	if s.spill != nil {
		return s.spill.Close()
	}
	return nil
}

// openWorkbook reads the workbook's list of sheets and its shared strings.
func openWorkbook(zr *zip.Reader) (*xlsxFile, error) {
	w := &xlsxFile{zip: zr}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.TrimPrefix(f.Name, "/")] = f
	}
	book, rels := files["xl/workbook.xml"], files["xl/_rels/workbook.xml.rels"]
	if book == nil || rels == nil {
		return nil, errors.New("no xl/workbook.xml")
	}
	targets := map[string]string{}
	sstPart := "xl/sharedStrings.xml" // where Excel writes it; the relationship says for others
	partOf := func(target string) string {
		if strings.HasPrefix(target, "/") {
			return strings.TrimPrefix(path.Clean(target), "/")
		}
		return path.Clean(path.Join("xl", target))
	}
	if err := eachElement(rels, func(d *xml.Decoder, e xml.StartElement) error {
		if e.Name.Local == "Relationship" {
			targets[attr(e, "Id")] = attr(e, "Target")
			if strings.HasSuffix(attr(e, "Type"), "/sharedStrings") {
				sstPart = partOf(attr(e, "Target"))
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := eachElement(book, func(d *xml.Decoder, e xml.StartElement) error {
		if e.Name.Local != "sheet" {
			return nil
		}
		id := ""
		for _, a := range e.Attr {
			if a.Name.Local == "id" && strings.Contains(a.Name.Space, "relationships") {
				id = a.Value
			}
		}
		if f := files[partOf(targets[id])]; f != nil {
			w.sheets = append(w.sheets, sheetPart{name: attr(e, "name"), file: f})
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if len(w.sheets) == 0 {
		return nil, errors.New("it has no sheet")
	}
	if sst := files[sstPart]; sst != nil {
		if err := w.readStrings(sst); err != nil {
			w.strings.Close()
			return nil, err
		}
	}
	return w, nil
}

// readStrings reads the shared strings: each <si> is its <t> texts joined, rich text runs
// included, phonetic guides (<rPh>) left out.
func (w *xlsxFile) readStrings(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("shared strings: %v", err)
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	inT, phonetic := false, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if w.strings.w != nil {
				return w.strings.w.Flush()
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("shared strings: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inT = phonetic == 0
			case "rPh":
				phonetic++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inT = false
			case "rPh":
				phonetic--
			case "si":
				w.strings.end()
			}
		case xml.CharData:
			if inT {
				if err := w.strings.add(t); err != nil {
					return fmt.Errorf("shared strings: %v", err)
				}
			}
		}
	}
}

// eachElement calls fn with every start element of a small part (the workbook, its
// relationships).
func eachElement(f *zip.File, fn func(*xml.Decoder, xml.StartElement) error) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("part %s: %v", f.Name, err)
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("part %s: %v", f.Name, err)
		}
		if e, ok := tok.(xml.StartElement); ok {
			if err := fn(d, e); err != nil {
				return err
			}
		}
	}
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// mergedRanges reads a sheet's merged ranges (1-based rows, 0-based columns) from its XML
// after </sheetData>, where they are written: the rows before are passed over as bytes.
func mergedRanges(f *zip.File) ([]mergedRange, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	const end = "</sheetData>"
	buf := make([]byte, 64<<10)
	var tail bytes.Buffer
	found := false
	keep := 0
	for !found {
		n, err := io.ReadFull(rc, buf[keep:])
		n += keep
		if i := bytes.Index(buf[:n], []byte(end)); i >= 0 {
			tail.Write(buf[i+len(end) : n])
			found = true
		} else {
			keep = min(len(end)-1, n) // a tag cut between two reads
			copy(buf, buf[n-keep:n])
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if !found {
		return nil, nil
	}
	// The rest of the sheet: merged ranges, page setup, drawings — bounded like any part but
	// the rows by checkWorkbook's count of merged ranges and its runs of text.
	d := xml.NewDecoder(io.MultiReader(strings.NewReader("<x>"), &tail, rc))
	var out []mergedRange
	for {
		tok, err := d.Token()
		if err != nil {
			return out, nil // the end of the sheet, which the wrapper leaves unclosed
		}
		e, ok := tok.(xml.StartElement)
		if !ok || e.Name.Local != "mergeCell" {
			continue
		}
		from, to, _ := strings.Cut(attr(e, "ref"), ":")
		if to == "" {
			to = from
		}
		c1, r1, err1 := cellCoordinates(from)
		c2, r2, err2 := cellCoordinates(to)
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, mergedRange{r1: min(r1, r2), r2: max(r1, r2), c1: min(c1, c2), c2: max(c1, c2)})
	}
}

// cellCoordinates reads a cell reference such as AB12: its 0-based column, 1-based row.
func cellCoordinates(ref string) (col, row int, err error) {
	i := 0
	for i < len(ref) && (ref[i] >= 'A' && ref[i] <= 'Z' || ref[i] >= 'a' && ref[i] <= 'z') {
		c := ref[i] | 0x20
		col = col*26 + int(c-'a'+1)
		if col > 1<<20 {
			return 0, 0, fmt.Errorf("cell %q", ref)
		}
		i++
	}
	row, err = strconv.Atoi(strings.TrimPrefix(ref[i:], "$"))
	if i == 0 || err != nil || row < 1 {
		return 0, 0, fmt.Errorf("cell %q", ref)
	}
	return col - 1, row, nil
}

// excelRows is how many rows a sheet can have (Excel 2007 and later): a row numbered past it
// is no spreadsheet's, and would read as a billion empty rows.
const excelRows = 1 << 20

// sheetRows streams a sheet's rows: each row's raw cell values (a number as written, a date
// as its serial, a shared string as its text), gaps in the rows read as empty rows, so that
// a row's place in the stream is its number.
type sheetRows struct {
	rc      io.ReadCloser
	d       *xml.Decoder
	strings *sharedStrings
	line    int      // the number of the row last returned
	ahead   []string // a row read ahead, numbered aheadAt
	aheadAt int
	have    bool // ahead holds a row
	done    bool // the rows are all read
}

func (w *xlsxFile) rows(p sheetPart) (*sheetRows, error) {
	rc, err := p.file.Open()
	if err != nil {
		return nil, err
	}
	return &sheetRows{rc: rc, d: xml.NewDecoder(rc), strings: &w.strings}, nil
}

func (s *sheetRows) Close() error { return s.rc.Close() }

// Next returns the next row and its number; io.EOF after the last.
func (s *sheetRows) Next() ([]string, int, error) {
	if !s.have && !s.done {
		row, at, err := s.readRow()
		switch {
		case errors.Is(err, io.EOF):
			s.done = true
		case err != nil:
			return nil, s.line, err
		default:
			s.ahead, s.aheadAt, s.have = row, at, true
		}
	}
	if !s.have {
		return nil, s.line, io.EOF
	}
	s.line++
	if s.aheadAt > s.line {
		return []string{}, s.line, nil // a row the sheet leaves out
	}
	s.have = false
	return s.ahead, s.line, nil
}

// readRow reads the next <row> of the sheet's XML and its number: its r, or the one after
// the row before.
func (s *sheetRows) readRow() ([]string, int, error) {
	for {
		tok, err := s.d.Token()
		if err != nil {
			return nil, 0, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Local != "row" {
				continue
			}
			at := s.aheadAt + 1
			if r := attr(e, "r"); r != "" {
				n, err := strconv.Atoi(r)
				if err != nil || n < at {
					return nil, 0, fmt.Errorf("row number %q out of order after row %d", r, at-1)
				}
				at = n
			}
			if at > excelRows {
				return nil, 0, fmt.Errorf("row %d is beyond the %d rows a sheet has", at, excelRows)
			}
			row, err := s.readCells(at)
			return row, at, err
		case xml.EndElement:
			if e.Name.Local == "sheetData" {
				return nil, 0, io.EOF
			}
		}
	}
}

// readCells reads the cells of row at up to its </row>.
func (s *sheetRows) readCells(at int) ([]string, error) {
	row := []string{}
	for {
		tok, err := s.d.Token()
		if err != nil {
			return nil, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Local != "c" {
				continue
			}
			col := len(row)
			if r := attr(e, "r"); r != "" {
				c, _, err := cellCoordinates(r)
				if err != nil || c < len(row) {
					return nil, fmt.Errorf("cell %q out of order", r)
				}
				col = c
			}
			v, err := s.readCell(attr(e, "t"))
			if err != nil {
				return nil, err
			}
			if col >= maxColumns {
				if v == "" {
					continue // a formatted empty cell far to the right: nothing to read
				}
				return nil, errTooWide(at, col+1)
			}
			for len(row) < col {
				row = append(row, "")
			}
			row = append(row, v)
		case xml.EndElement:
			if e.Name.Local == "row" {
				return row, nil
			}
		}
	}
}

// readCell reads a cell's value up to its </c>: the text of its <v>, or of its inline
// string, a shared string's text for an index.
func (s *sheetRows) readCell(kind string) (string, error) {
	var v, inline strings.Builder
	in := ""
	phonetic := 0
	for {
		tok, err := s.d.Token()
		if err != nil {
			return "", err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "v", "t":
				in = e.Name.Local
			case "rPh":
				phonetic++
			default:
				in = ""
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "c":
				switch kind {
				case "s":
					i, err := strconv.Atoi(strings.TrimSpace(v.String()))
					text, ok := s.strings.at(i)
					if err != nil || !ok {
						return "", fmt.Errorf("a cell names shared string %q, which the workbook does not have", v.String())
					}
					return text, nil
				case "inlineStr":
					return inline.String(), nil
				}
				return v.String(), nil
			case "rPh":
				phonetic--
			}
			in = ""
		case xml.CharData:
			switch {
			case in == "v":
				v.Write(e)
			case in == "t" && phonetic == 0:
				inline.Write(e)
			}
		}
	}
}
