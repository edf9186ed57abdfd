// Package export writes what analysts hand to finance and leadership: the benefit indicators
// (效益指标) of a view grouped by year, month, place, level, type or family, and the lots behind
// them, as XLSX (excelize: real numbers with number formats, a title, a frozen header, a
// footer naming the source and the export time) and as CSV (UTF-8 with a BOM, which Excel on
// Chinese Windows needs). Figures come from the query layer and are formatted by the money
// package, so an export shows to the digit what the dashboard shows; every text cell goes
// through safecell.
package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
	"tradestat/msg"
	"tradestat/query"
	"tradestat/safecell"
)

// Format is a file format of an export.
type Format string

// The formats.
const (
	XLSX Format = "xlsx"
	CSV  Format = "csv"
)

// ParseFormat accepts a format name; "" is XLSX.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case "", XLSX:
		return XLSX, nil
	case CSV:
		return CSV, nil
	}
	return "", tradestat.Fail(tradestat.Invalid, "unknown format %q (want xlsx or csv)", s)
}

// ContentType is the media type of a format.
func (f Format) ContentType() string {
	if f == CSV {
		return "text/csv; charset=utf-8"
	}
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

// Line is one group of an indicator table, with the same group a year earlier.
type Line struct {
	Name      string
	Now, Prev query.Totals
}

// Table is the indicators of a view grouped one way.
type Table struct {
	By    query.Dimension
	Lines []Line
	Total Line
}

// DimensionName is how titles, sheet names and page headings call a grouping, in l.
func DimensionName(l msg.Lang, d query.Dimension) string {
	switch d {
	case query.ByYear:
		return l.T("by year")
	case query.ByMonth:
		return l.T("by month")
	case query.ByPlace:
		return l.T("by trading centre")
	case query.ByArea:
		return l.T("by area")
	case query.ByLevel:
		return l.T("by centre level")
	case query.ByType:
		return l.T("by trade type")
	}
	return l.T("by family")
}

// Indicators gathers the tables of a view, one per grouping, each group beside the same group
// in the same period a year earlier, each named by name (the page's words for a row). Years
// and months are paired by position (2021 with 2020, March with March); the other groupings
// by key. The total line's name is the writer's.
func Indicators(ctx context.Context, store *query.Store, f query.Filter, dims []query.Dimension, name func(query.Row) string) ([]Table, error) {
	var tables []Table
	for _, d := range dims {
		rows, total, err := store.Breakdown(ctx, f, d)
		if err != nil {
			return nil, err
		}
		prevRows, prevTotal, err := store.Breakdown(ctx, f.PreviousYear(), d)
		if err != nil {
			return nil, err
		}
		byKey := map[string]query.Totals{}
		for _, r := range prevRows {
			byKey[r.Key] = r.Totals
		}
		t := Table{By: d, Total: Line{Now: total, Prev: prevTotal}}
		for i, r := range rows {
			l := Line{Name: name(r), Now: r.Totals, Prev: byKey[r.Key]}
			if d == query.ByYear || d == query.ByMonth {
				l.Prev = query.Totals{}
				if i < len(prevRows) {
					l.Prev = prevRows[i].Totals
				}
			}
			t.Lines = append(t.Lines, l)
		}
		tables = append(tables, t)
	}
	return tables, nil
}

// basisNote says, in l, what the table's savings and premium leave out: the lots without a
// budget or a reserve price ("" when none).
func (t Table) basisNote(l msg.Lang) string {
	var parts []string
	if n := t.Total.Now.NoBudget; n > 0 {
		parts = append(parts, l.T("savings and the savings rate leave out %d lots without a budget", n))
	}
	if n := t.Total.Now.NoReserve; n > 0 {
		parts = append(parts, l.T("premium and the premium rate leave out %d lots without a reserve price", n))
	}
	if len(parts) == 0 {
		return ""
	}
	return l.T("note: %s.", strings.Join(parts, l.T("; ")))
}

// lines are a table's lines with its total, named in l.
func (t Table) lines(l msg.Lang) []Line {
	total := t.Total
	total.Name = l.T("total")
	return append(t.Lines[:len(t.Lines):len(t.Lines)], total)
}

// header is the headings of an indicator table, in l: the group's, then the figures'.
func header(l msg.Lang) []string {
	return []string{l.T("group"), l.T("projects (number)"), l.T("deal amount (10k yuan)"), l.T("savings (10k yuan)"), l.T("savings rate (%%)"),
		l.T("premium (10k yuan)"), l.T("premium rate (%%)"), l.T("online openings (number)"), l.T("online-opening rate (%%)"),
		l.T("projects, year on year (%%)"), l.T("deal amount, year on year (%%)")}
}

// sheetTitle is the title over a table: the export's, with the grouping.
func (m Meta) sheetTitle(d query.Dimension) string {
	return safecell.Text(m.Lang.T("%s (%s)", m.Title, DimensionName(m.Lang, d)))
}

// cell is one value of a table: a count, an amount in 万元 or a percentage, as the exact
// decimal text the money package writes ("" where there is no value, such as a rate without
// a base).
type cell struct {
	text string
	kind cellKind
}

type cellKind int

const (
	countCell cellKind = iota
	wanCell
	percentCell
)

func (l Line) cells() []cell {
	pct := func(s string, ok bool) cell {
		if !ok {
			return cell{kind: percentCell}
		}
		return cell{s, percentCell}
	}
	n, p := l.Now, l.Prev
	return []cell{
		{strconv.FormatInt(n.Projects, 10), countCell},
		{n.Amount.Wan(), wanCell},
		{n.Savings.Wan(), wanCell},
		pct(n.SavingsRate()),
		{n.Premium.Wan(), wanCell},
		pct(n.PremiumRate()),
		{strconv.FormatInt(n.Online, 10), countCell},
		pct(n.OnlineRate()),
		pct(money.Percent(n.Projects-p.Projects, p.Projects)),
		pct(money.Percent(int64(n.Amount-p.Amount), int64(p.Amount))),
	}
}

// Meta names an export: its title and when it was made, and the language of its words.
type Meta struct {
	Lang   msg.Lang           // the figures are the same in both; Chinese is the reports'
	Title  string             // 保山市公共资源交易效益指标（2021年，全市）
	At     time.Time          // the export time
	Region *division.Division // whose centres the data are of
	// Sealed, when the view's year is sealed (定稿), says so under the table: that the figures
	// are the current ones, and how they differ from the sealed ones.
	Sealed string
}

func (m Meta) footer() string {
	l := m.Lang
	source := l.T("public resource trading centres at every level")
	switch {
	case m.Region != nil && m.Region.Level == division.County:
		source = l.T("%s public resource trading centre", m.Region.Name)
	case m.Region != nil:
		source = l.T("public resource trading centres at every level in %s", m.Region.Name)
	}
	line := l.T("source: transaction data of %s (tradestat); exported %s (Beijing time)", source, m.At.In(tradestat.Shanghai).Format("2006-01-02 15:04"))
	if m.Sealed != "" {
		line += l.T("; ") + m.Sealed
	}
	return line
}

// WriteIndicators writes the tables in format f: a sheet per table in XLSX, sections one
// after another in CSV.
func WriteIndicators(w io.Writer, f Format, m Meta, tables []Table) error {
	if f == CSV {
		return indicatorsCSV(w, m, tables)
	}
	return indicatorsXLSX(w, m, tables)
}

func indicatorsCSV(w io.Writer, m Meta, tables []Table) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	for i, t := range tables {
		if i > 0 {
			cw.Write(nil) //nolint:errcheck // a csv.Writer keeps its first error for Flush
		}
		cw.Write([]string{m.sheetTitle(t.By)}) //nolint:errcheck
		cw.Write(header(m.Lang))               //nolint:errcheck
		for _, l := range t.lines(m.Lang) {
			rec := []string{safecell.Text(l.Name)}
			for _, c := range l.cells() {
				rec = append(rec, c.text)
			}
			cw.Write(rec) //nolint:errcheck
		}
	}
	for _, t := range tables {
		if note := t.basisNote(m.Lang); note != "" {
			cw.Write([]string{note}) //nolint:errcheck
			break                    // every table of an export covers the same lots
		}
	}
	cw.Write([]string{safecell.Text(m.footer())}) //nolint:errcheck
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func indicatorsXLSX(w io.Writer, m Meta, tables []Table) error {
	x := excelize.NewFile()
	defer x.Close()
	st, err := newStyles(x)
	if err != nil {
		return err
	}
	for i, t := range tables {
		name := DimensionName(m.Lang, t.By)
		if i == 0 {
			if err := x.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := x.NewSheet(name); err != nil {
			return err
		}
		if err := writeTable(x, st, name, m, t); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
	}
	return x.Write(w)
}

// styles are the cell styles of an indicator sheet.
type styles struct{ title, header, count, wan, percent, total, footer int }

func newStyles(x *excelize.File) (styles, error) {
	var s styles
	var err error
	mk := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = x.NewStyle(st)
		return id
	}
	general, count, percent := "General", "0", "0.00"
	s.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	s.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}},
		Alignment: &excelize.Alignment{Horizontal: "center", WrapText: true}})
	s.count = mk(&excelize.Style{CustomNumFmt: &count})
	s.wan = mk(&excelize.Style{CustomNumFmt: &general})
	s.percent = mk(&excelize.Style{CustomNumFmt: &percent})
	s.total = mk(&excelize.Style{Font: &excelize.Font{Bold: true}})
	s.footer = mk(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "666666"}})
	return s, err
}

func writeTable(x *excelize.File, st styles, sheet string, m Meta, t Table) error {
	heads := header(m.Lang)
	last, _ := excelize.ColumnNumberToName(len(heads))
	set := func(cellRef string, v any) error { return x.SetCellValue(sheet, cellRef, v) }
	if err := set("A1", m.sheetTitle(t.By)); err != nil {
		return err
	}
	if err := x.MergeCell(sheet, "A1", last+"1"); err != nil {
		return err
	}
	if err := x.SetCellStyle(sheet, "A1", "A1", st.title); err != nil {
		return err
	}
	row2 := anySlice(heads)
	if err := x.SetSheetRow(sheet, "A2", &row2); err != nil {
		return err
	}
	if err := x.SetCellStyle(sheet, "A2", last+"2", st.header); err != nil {
		return err
	}
	row := 3
	for _, l := range t.lines(m.Lang) {
		ref := func(col int) string { c, _ := excelize.CoordinatesToCellName(col, row); return c }
		if err := set(ref(1), safecell.Text(l.Name)); err != nil {
			return err
		}
		for i, c := range l.cells() {
			if c.text == "" {
				continue
			}
			// A number, not text: the float nearest the exact decimal, which Excel shows as
			// that decimal (excelize writes the shortest text that reads back the same).
			v, err := strconv.ParseFloat(c.text, 64)
			if err != nil {
				return err
			}
			style := map[cellKind]int{countCell: st.count, wanCell: st.wan, percentCell: st.percent}[c.kind]
			if err := set(ref(i+2), v); err != nil {
				return err
			}
			if err := x.SetCellStyle(sheet, ref(i+2), ref(i+2), style); err != nil {
				return err
			}
		}
		row++
	}
	totalRow := strconv.Itoa(row - 1)
	if err := x.SetCellStyle(sheet, "A"+totalRow, "A"+totalRow, st.total); err != nil {
		return err
	}
	if note := t.basisNote(m.Lang); note != "" {
		noteRef := "A" + strconv.Itoa(row)
		if err := set(noteRef, note); err != nil {
			return err
		}
		row++
	}
	footer := "A" + strconv.Itoa(row+1)
	if err := set(footer, safecell.Text(m.footer())); err != nil {
		return err
	}
	if err := x.SetCellStyle(sheet, footer, footer, st.footer); err != nil {
		return err
	}
	if err := x.SetColWidth(sheet, "A", "A", 34); err != nil {
		return err
	}
	if err := x.SetColWidth(sheet, "B", last, 14); err != nil {
		return err
	}
	if err := x.SetRowHeight(sheet, 2, 32); err != nil {
		return err
	}
	return x.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, XSplit: 1, TopLeftCell: "B3", ActivePane: "bottomRight"})
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// Filename is an export's file name: the title, sanitised for file systems (an English
// title keeps its spaces; the download header encodes them).
func Filename(title string, f Format) string {
	r := strings.NewReplacer("/", "-", "\\", "-", ":", "", "*", "", "?", "", "\"", "", "<", "", ">", "", "|", "")
	return r.Replace(title) + "." + string(f)
}
