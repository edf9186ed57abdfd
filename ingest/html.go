package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Web systems' 导出Excel buttons often give an HTML table named .xls: a charset meta tag (GBK
// or UTF-8), title rows and a 共N条记录 line, <br> inside headers, &nbsp; in cells, cells
// spanning rows and columns. htmlTable reads the rows of every <table> of such a file in
// order, as a spreadsheet shows them: a cell spanning columns or rows lends its text to each
// cell it covers, as a merged XLSX cell does. It reads the file as a stream of tokens, so
// that a large export is never held whole.

// htmlSniff is how much of a file's start tells an HTML table from text.
const htmlSniff = 16 << 10

// looksHTML reports a file whose first bytes are markup holding a table.
func looksHTML(head []byte) bool {
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		head, _ = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(head[:len(head)&^1])
	}
	head = bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	head = bytes.TrimLeft(head, " \t\r\n")
	return len(head) > 0 && head[0] == '<' && bytes.Contains(bytes.ToLower(head), []byte("<table"))
}

// htmlTable reads the rows of an HTML file's tables.
type htmlTable struct {
	z        *html.Tokenizer
	encoding string
	line     int        // the rows (<tr>) read so far
	below    []spanDown // per column: a cell of an earlier row that spans down into the next
	done     bool
	// begun: the last Read ended at a <tr> that opened a row before the one it returned was
	// closed (</tr> is optional in HTML): the next Read reads that row.
	begun bool
}

// spanDown is a cell's text and how many more rows it covers.
type spanDown struct {
	text string
	left int
}

// Bounds on what one cell may claim: a colspan or rowspan beyond them is a broken or hostile
// file, not an export.
const (
	maxSpanRows = 10000
)

func newHTMLTable(r io.Reader) (*htmlTable, error) {
	br := bufio.NewReaderSize(r, htmlSniff)
	head, err := br.Peek(htmlSniff)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	enc, name := htmlEncoding(head)
	var src io.Reader = br
	if enc != nil {
		src = transform.NewReader(br, enc.NewDecoder())
	}
	z := html.NewTokenizer(src)
	// One token (a tag, a run of text) is held whole while it is read: bounded, as a CSV
	// record is.
	z.SetMaxBuf(maxRecordBytes)
	return &htmlTable{z: z, encoding: name}, nil
}

// htmlEncoding is a file's encoding as its byte-order mark or charset meta tag says, else as
// its bytes show (UTF-8, or GB18030 for GBK and GB2312); nil for UTF-8.
func htmlEncoding(head []byte) (encoding.Encoding, string) {
	if e, name, certain := charset.DetermineEncoding(head, "text/html"); certain {
		switch name = strings.ToLower(name); name {
		case "utf-8":
			return nil, "UTF-8"
		case "gbk", "gb2312", "gb18030", "x-gbk":
			return simplifiedchinese.GB18030, "GB18030"
		default:
			return e, strings.ToUpper(name)
		}
	}
	if mostlyUTF8(head) {
		return nil, "UTF-8"
	}
	return simplifiedchinese.GB18030, "GB18030"
}

func (t *htmlTable) Sheet() string { return "" }
func (t *htmlTable) Excel() bool   { return false }

// Read returns the next row (<tr>), its cells' text with spans filled in.
func (t *htmlTable) Read() ([]string, int, error) {
	if t.done {
		return nil, 0, io.EOF
	}
	inRow := t.begun
	if t.begun {
		t.begun = false
		t.line++
	}
	var (
		row      []string
		cell     *strings.Builder
		cols     int // colspan of the open cell
		rows     int // rowspan of the open cell
		rowBytes int
	)
	place := func() {
		// Columns an earlier row's cell still covers come first.
		for len(row) < len(t.below) && t.below[len(row)].left > 0 {
			t.below[len(row)].left--
			row = append(row, t.below[len(row)].text)
		}
	}
	closeCell := func() error {
		if cell == nil {
			return nil
		}
		text := strings.TrimSpace(cell.String())
		cell = nil
		place()
		for range cols {
			if len(row) >= maxColumns {
				return errTooWide(t.line, len(row)+1)
			}
			at := len(row)
			row = append(row, text)
			if rows > 1 {
				for len(t.below) <= at {
					t.below = append(t.below, spanDown{})
				}
				t.below[at] = spanDown{text: text, left: rows - 1}
			}
		}
		return nil
	}
	closeRow := func() ([]string, int, error) {
		if err := closeCell(); err != nil {
			return nil, t.line, err
		}
		for len(row) < len(t.below) {
			if t.below[len(row)].left == 0 {
				row = append(row, "")
				continue
			}
			place()
		}
		for len(row) > 0 && row[len(row)-1] == "" {
			row = row[:len(row)-1]
		}
		return row, t.line, nil
	}
	for {
		tt := t.z.Next()
		switch tt {
		case html.ErrorToken:
			err := t.z.Err()
			if errors.Is(err, io.EOF) {
				t.done = true
				if inRow {
					return closeRow()
				}
				return nil, 0, io.EOF
			}
			if errors.Is(err, html.ErrBufferExceeded) {
				return nil, t.line, unreadable("row %d is longer than %d KiB: not an export's row", t.line, maxRecordBytes>>10)
			}
			return nil, t.line, unreadable("reading stopped: %v", err)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := t.z.TagName()
			switch string(name) {
			case "tr":
				if inRow {
					// A row left open (<tr> without </tr>) ends where the next begins.
					t.begun = true
					return closeRow()
				}
				inRow, row = true, nil
				t.line++
			case "td", "th":
				if !inRow {
					inRow, row = true, nil
					t.line++
				}
				if err := closeCell(); err != nil {
					return nil, t.line, err
				}
				cell, cols, rows = &strings.Builder{}, 1, 1
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = t.z.TagAttr()
					n, err := strconv.Atoi(strings.TrimSpace(string(v)))
					if err != nil || n < 1 {
						continue
					}
					switch string(k) {
					case "colspan":
						cols = min(n, maxColumns)
					case "rowspan":
						rows = min(n, maxSpanRows)
					}
				}
			case "br", "p", "div":
				if cell != nil && cell.Len() > 0 {
					cell.WriteByte('\n')
				}
			}
		case html.EndTagToken:
			name, _ := t.z.TagName()
			switch string(name) {
			case "td", "th":
				if err := closeCell(); err != nil {
					return nil, t.line, err
				}
			case "tr", "table":
				if inRow {
					return closeRow()
				}
			}
		case html.TextToken:
			if cell == nil {
				continue
			}
			text := collapseSpace(string(t.z.Text()))
			if rowBytes += len(text); rowBytes > maxRecordBytes {
				return nil, t.line, unreadable("row %d is longer than %d KiB: not an export's row", t.line, maxRecordBytes>>10)
			}
			cell.WriteString(text)
		}
	}
}

// collapseSpace turns each run of white space in HTML text into one space, as a browser shows
// it; &nbsp; (already a no-break space) is kept.
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	if space && b.Len() > 0 {
		b.WriteByte(' ')
	}
	return b.String()
}
