package export

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"tradestat/safecell"
)

// Sheets are tables whose columns the caller names: the competition figures, the red flags and
// the winners, each a sheet in XLSX and a section in CSV, under the title, with the notes and
// the footer every export carries. A cell is text or a number written as the exact decimal the
// pages show; an empty number is a figure without a basis, left blank.

// Kind is how a cell is written.
type Kind int

// The kinds of cells.
const (
	Text    Kind = iota
	Count        // a whole number
	Decimal      // a number with its decimals as written (an amount in 万元, a percentage, a mean)
)

// Cell is one cell of a sheet.
type Cell struct {
	Text string
	Kind Kind
}

// Sheet is one table of an export.
type Sheet struct {
	Name   string // the sheet's name in XLSX (at most 31 characters)
	Title  string // the line over the table
	Header []string
	Rows   [][]Cell
	Total  []Cell   // a bold last row; nil for none
	Notes  []string // lines under the table
}

// WriteSheets writes sheets in format f.
func WriteSheets(w io.Writer, f Format, m Meta, sheets []Sheet) error {
	if f == CSV {
		return sheetsCSV(w, m, sheets)
	}
	return sheetsXLSX(w, m, sheets)
}

func (s Sheet) rows() [][]Cell {
	if s.Total == nil {
		return s.Rows
	}
	return append(s.Rows[:len(s.Rows):len(s.Rows)], s.Total)
}

func sheetsCSV(w io.Writer, m Meta, sheets []Sheet) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	for i, s := range sheets {
		if i > 0 {
			cw.Write(nil) //nolint:errcheck // a csv.Writer keeps its first error for Flush
		}
		cw.Write([]string{safecell.Text(s.Title)}) //nolint:errcheck
		head := make([]string, len(s.Header))
		for j, h := range s.Header {
			head[j] = safecell.Text(h)
		}
		cw.Write(head) //nolint:errcheck
		for _, row := range s.rows() {
			rec := make([]string, len(row))
			for j, c := range row {
				rec[j] = c.Text
				if c.Kind == Text {
					rec[j] = safecell.Text(c.Text)
				}
			}
			cw.Write(rec) //nolint:errcheck
		}
		for _, n := range s.Notes {
			cw.Write([]string{safecell.Text(n)}) //nolint:errcheck
		}
	}
	cw.Write([]string{safecell.Text(m.footer())}) //nolint:errcheck
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func sheetsXLSX(w io.Writer, m Meta, sheets []Sheet) error {
	x := excelize.NewFile()
	defer x.Close()
	st, err := newStyles(x)
	if err != nil {
		return err
	}
	for i, s := range sheets {
		if i == 0 {
			if err := x.SetSheetName("Sheet1", s.Name); err != nil {
				return err
			}
		} else if _, err := x.NewSheet(s.Name); err != nil {
			return err
		}
		if err := writeSheet(x, st, m, s); err != nil {
			return fmt.Errorf("sheet %s: %w", s.Name, err)
		}
	}
	return x.Write(w)
}

func writeSheet(x *excelize.File, st styles, m Meta, s Sheet) error {
	name := s.Name
	last, _ := excelize.ColumnNumberToName(max(len(s.Header), 1))
	set := func(ref string, v any) error { return x.SetCellValue(name, ref, v) }
	if err := set("A1", safecell.Text(s.Title)); err != nil {
		return err
	}
	if err := x.MergeCell(name, "A1", last+"1"); err != nil {
		return err
	}
	if err := x.SetCellStyle(name, "A1", "A1", st.title); err != nil {
		return err
	}
	head := make([]any, len(s.Header))
	for i, h := range s.Header {
		head[i] = safecell.Text(h)
	}
	if err := x.SetSheetRow(name, "A2", &head); err != nil {
		return err
	}
	if err := x.SetCellStyle(name, "A2", last+"2", st.header); err != nil {
		return err
	}
	row := 3
	for _, cells := range s.rows() {
		for i, c := range cells {
			ref, _ := excelize.CoordinatesToCellName(i+1, row)
			if c.Kind == Text {
				if err := set(ref, safecell.Text(c.Text)); err != nil {
					return err
				}
				continue
			}
			if c.Text == "" {
				continue
			}
			// A number, not text: the float nearest the exact decimal, which Excel shows as
			// that decimal.
			v, err := strconv.ParseFloat(c.Text, 64)
			if err != nil {
				return fmt.Errorf("cell %s: %q is not a number", ref, c.Text)
			}
			if err := set(ref, v); err != nil {
				return err
			}
			style := st.wan
			if c.Kind == Count {
				style = st.count
			}
			if err := x.SetCellStyle(name, ref, ref, style); err != nil {
				return err
			}
		}
		row++
	}
	if s.Total != nil {
		total := "A" + strconv.Itoa(row-1)
		if err := x.SetCellStyle(name, total, total, st.total); err != nil {
			return err
		}
	}
	for _, n := range s.Notes {
		if err := set("A"+strconv.Itoa(row), safecell.Text(n)); err != nil {
			return err
		}
		row++
	}
	footer := "A" + strconv.Itoa(row+1)
	if err := set(footer, safecell.Text(m.footer())); err != nil {
		return err
	}
	if err := x.SetCellStyle(name, footer, footer, st.footer); err != nil {
		return err
	}
	if err := x.SetColWidth(name, "A", "A", 30); err != nil {
		return err
	}
	if err := x.SetColWidth(name, "B", last, 14); err != nil {
		return err
	}
	if err := x.SetRowHeight(name, 2, 32); err != nil {
		return err
	}
	return x.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 2, XSplit: 1, TopLeftCell: "B3", ActivePane: "bottomRight"})
}
