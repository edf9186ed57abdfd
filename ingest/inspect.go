package ingest

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Inspect is --dry-run: it prints how src would be read — the format, each table's header
// row, every column with the field it became (and its unit) or why it was left unread, what
// the file cannot give — and the first n data rows as they would be loaded or rejected. It
// writes nothing to the database.
func Inspect(src Source, opts Options, w io.Writer, n int) error {
	ft, err := openTables(src, opts)
	if err != nil {
		return err
	}
	defer ft.Close()
	p := opts.Lang.Printer()
	fmt.Fprintln(w, p.T("file: %s (%s)", src.Name, ft.format))
	for _, t := range ft.tables {
		if t.Sheet() != "" {
			fmt.Fprintln(w, "\n"+p.T("sheet %s:", t.Sheet()))
		}
		conv, data, err := newConverter(t, src.Name, opts)
		if err != nil {
			fmt.Fprintln(w, "  "+p.T("not read: %v", err))
			continue
		}
		l := conv.l
		fmt.Fprintln(w, "  "+p.T("header row: %d", l.headerLine))
		fmt.Fprintln(w, "  "+p.T("columns:"))
		for _, c := range l.columns {
			unit := ""
			if c.field.isMoney() {
				unit = " [" + l.unitWhy(c, p) + "]"
			}
			fmt.Fprintf(w, "    %-24s → %s%s\n", c.header, c.field.label(p), unit)
		}
		if opts.Place != "" && l.at[fPlace] < 0 {
			fmt.Fprintln(w, "    "+p.T("(no place column) → trading place %s from --place", opts.Place))
		}
		for _, u := range l.unread {
			fmt.Fprintln(w, "  "+p.T("unread: %s", u.describe(p)))
		}
		for _, note := range append(l.notes(p, ""), l.basisNotes(p)...) {
			fmt.Fprintln(w, "  "+p.T("note: %s", note))
		}
		fmt.Fprintln(w, "  "+p.T("first rows:"))
		var gaps basisGaps
		hasBudget := l.at[fBudget] >= 0 || l.at[fBasis] >= 0
		hasReserve := l.at[fReserve] >= 0 || l.at[fBasis] >= 0
		for shown := 0; shown < n; {
			rec, line, err := data.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			shown++
			if err != nil {
				fmt.Fprintln(w, "    "+p.T("row %d: rejected: %s", line, p.T("not valid CSV: %v", err)))
				continue
			}
			for i := range rec {
				rec[i] = strings.TrimSpace(rec[i])
			}
			if conv.classify(rec) == rowSkipped {
				fmt.Fprintln(w, "    "+p.T("row %d: skipped (blank, summary or note)", line))
				continue
			}
			lot, rej := conv.lot(rec, line)
			if rej != nil {
				fmt.Fprintln(w, "    "+p.T("row %d: rejected: %s", line, rej.Text(opts.Lang)))
				continue
			}
			gaps.add(lot, hasBudget, hasReserve)
			online := p.T("no")
			if lot.Online {
				online = p.T("yes")
			}
			row := p.T("row %d: %s | %s | %s | %s | deal %s yuan | budget %s yuan | reserve %s yuan | savings %s yuan | premium %s yuan | online %s",
				line, lot.ID(), string(lot.Type), lot.PlaceCode, lot.DealDate.String(), lot.Amount.Yuan(), lot.Budget.Yuan(),
				lot.Reserve.Yuan(), lot.Savings().Yuan(), lot.Premium().Yuan(), online)
			if lot.Cancelled { // its amounts as the file gives them; no figure counts them
				row += p.T(" | did not complete trading: in no figure")
			}
			fmt.Fprintln(w, "    "+row)
		}
		for _, g := range gaps.describe(p) {
			fmt.Fprintln(w, "  "+p.T("cannot give (in the rows shown): %s", g))
		}
	}
	fmt.Fprintln(w, "\n"+p.T("dry run: nothing was loaded"))
	return nil
}

// Check tells, from its first rows, whether src is a file the worker can read at all: CSV or
// XLSX (not a legacy .xls, not some other binary), with a row (or two) naming at least three
// known columns in one of its tables. The dashboard checks uploads with it, so that a picture
// or a PDF is refused at once with the worker's own reason. Whether every needed column is
// there is left to the load, whose report says so: the worker may be told --place or
// --mapping.
func Check(src Source, opts Options) error {
	ft, err := openTables(src, opts)
	if err != nil {
		return err
	}
	defer ft.Close()
	var prev []string
	for _, t := range ft.tables {
		prev = nil
		for i := 0; i < maxHeaderSearch; i++ {
			rec, _, err := t.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if isUnreadable(err) {
				return unreadable("%s: %v", src.Name, err)
			}
			if err != nil {
				continue
			}
			if assign(rec, opts.Mapping, 0).recognised() >= 3 ||
				prev != nil && assign(combineHeader(prev, rec), opts.Mapping, 0).recognised() >= 3 {
				return nil
			}
			prev = rec
		}
	}
	return unreadable("%s: not a transaction export: no row in the first %d names at least three known columns (项目编号, 成交金额, 交易类型 …)", src.Name, maxHeaderSearch)
}
