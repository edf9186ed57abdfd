package ingest

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"tradestat"
	"tradestat/msg"
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
		for _, sh := range l.shared {
			fmt.Fprintf(w, "    %-24s → %s\n", l.header(sh[0]), p.T("%s (as no other column gives it)", sh[0].label(p)))
		}
		if opts.Place != "" && l.at[fPlace] < 0 {
			fmt.Fprintln(w, "    "+p.T("(no place column) → trading place %s from --place", opts.Place))
		}
		for _, u := range l.unread {
			fmt.Fprintln(w, "  "+p.T("unread: %s", u.describe(p)))
		}
		notes := l.notes(p, "")
		if l.kind == lotRows {
			notes = append(notes, l.basisNotes(p)...)
		}
		for _, note := range notes {
			fmt.Fprintln(w, "  "+p.T("note: %s", note))
		}
		fmt.Fprintln(w, "  "+p.T("first rows:"))
		var gaps basisGaps
		hasBudget := l.at[fBudget] >= 0 || l.at[fBasis] >= 0
		hasReserve := l.at[fReserve] >= 0 || l.at[fBasis] >= 0
		vals := newValueTally(conv)
		for shown := 0; ; {
			rec, line, err := data.Read()
			if errors.Is(err, io.EOF) || isUnreadable(err) {
				break
			}
			if err != nil {
				if shown < n {
					fmt.Fprintln(w, "    "+p.T("row %d: rejected: %s", line, p.T("not valid CSV: %v", err)))
				}
				shown++
				continue
			}
			for i := range rec {
				rec[i] = strings.TrimSpace(rec[i])
			}
			skipped := conv.classify(rec) == rowSkipped
			if !skipped {
				vals.add(rec)
			}
			if shown >= n {
				continue // the rest of the table is read for its values alone
			}
			shown++
			if skipped {
				fmt.Fprintln(w, "    "+p.T("row %d: skipped (blank, summary or note)", line))
				continue
			}
			if l.kind == bidRows {
				fmt.Fprintln(w, "    "+bidLine(conv, rec, line, p, opts.Lang))
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
		vals.print(w, p)
	}
	fmt.Fprintln(w, "\n"+p.T("dry run: nothing was loaded"))
	return nil
}

// bidLine is a bid list's row as the dry run shows it: the bid it becomes, or its reject.
func bidLine(conv *converter, rec []string, line int, p msg.Printer, lang msg.Lang) string {
	b, rej := conv.bid(rec, line)
	if rej != nil {
		return p.T("row %d: rejected: %s", line, rej.Text(lang))
	}
	said := func(known, yes bool, yesText, noText string) string {
		switch {
		case !known:
			return p.T("not said")
		case yes:
			return p.T(yesText)
		}
		return p.T(noText)
	}
	price := p.T("not said")
	if b.Price != 0 {
		price = p.T("%s yuan", b.Price.Yuan())
	}
	return p.T("row %d: bid for %s/%s | %s | %s | %s | price %s | %s | %s", line, b.ProjectCode, b.LotCode, b.PlaceCode, b.BidderName, b.BidderCode, price,
		said(b.Validity != tradestat.ValidityUnknown, b.Validity == tradestat.BidValid, "valid", "rejected"),
		said(b.Winner != tradestat.AwardUnknown, b.Winner == tradestat.AwardWon, "won", "did not win"))
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

// maxTallied is how many distinct values of one column the dry run lists; a column of more
// holds no categories, and the rest are counted.
const maxTallied = 200

// valueTally counts the distinct values of a table's categorical columns (trade type, status,
// opening mode), for the dry run's table of how each is read.
type valueTally struct {
	conv   *converter
	fields []field
	seen   [numFields]map[string]int
	order  [numFields][]string
	more   [numFields]int
}

func newValueTally(conv *converter) *valueTally {
	v := &valueTally{conv: conv}
	for _, f := range []field{fType, fStatus, fOnline, fRemote, fSolicitation} {
		if conv.l.at[f] >= 0 {
			v.fields = append(v.fields, f)
			v.seen[f] = map[string]int{}
		}
	}
	return v
}

// auctionMark follows an opening-mode value in the tally when it stands on an auction lot's
// row, where only a plain yes marks an online opening.
const auctionMark = "\x00auction"

func (v *valueTally) add(rec []string) {
	for _, f := range v.fields {
		cell := v.conv.get(rec, f)
		if f == fOnline && v.auction(rec) {
			cell += auctionMark
		}
		if _, ok := v.seen[f][cell]; !ok && len(v.order[f]) >= maxTallied {
			v.more[f]++
			continue
		}
		if _, ok := v.seen[f][cell]; !ok {
			v.order[f] = append(v.order[f], cell)
		}
		v.seen[f][cell]++
	}
}

// auction reports a row whose trade type reads as an auction-type one.
func (v *valueTally) auction(rec []string) bool {
	text := v.conv.cell(rec, fType)
	if text == "" && v.conv.l.at[fType] < 0 {
		text = v.conv.l.sheetText
	}
	r := v.conv.trade(text)
	return r.err == nil && r.t.Kind() == tradestat.Auction
}

// reading is how one value of field f is read, or why it is refused.
func (v *valueTally) reading(f field, cell string, p msg.Printer) (string, bool) {
	c := v.conv
	if auction, ok := strings.CutSuffix(cell, auctionMark); ok && f == fOnline {
		if vocab().plainYes(c.mapped(f, auction)) {
			return p.T("online bid opening"), true
		}
		return p.T("auction lot: only a plain yes marks an online opening"), true
	}
	mapped := c.mapped(f, cell)
	switch f {
	case fType:
		r := c.trade(mapped)
		if r.err != nil {
			return c.reason(r.err, "the trade type is empty"), false
		}
		if r.sub != "" {
			return string(r.t) + " / " + r.sub, true
		}
		return string(r.t), true
	case fStatus:
		done, known := vocab().completed(mapped)
		switch {
		case !known:
			return p.T("status %q says neither that the lot completed trading (成交, 中标 …) nor that it did not (流标, 废标, 终止 …), or says both", cell), false
		case done:
			return p.T("completed trading"), true
		}
		return p.T("did not complete trading: in no figure"), true
	case fRemote:
		switch vocab().remoteEvaluation(mapped) {
		case tradestat.RemoteYes:
			return p.T("evaluated remotely across regions"), true
		case tradestat.RemoteNo:
			return p.T("evaluated locally"), true
		}
		return p.T("says neither: in no remote-evaluation figure"), true
	case fSolicitation:
		if m := vocab().solicitation(mapped); m != tradestat.SolicitUnknown {
			return p.T(solicitationReading[m]), true
		}
		return p.T("names no procurement method known: a single bid is flagged as in an open procedure"), true
	default:
		online, err := parseFlag(mapped)
		switch {
		case err != nil:
			return c.say(err), false
		case online:
			return p.T("online bid opening"), true
		}
		return p.T("not an online bid opening"), true
	}
}

// print writes, per categorical column, each distinct value, how many rows hold it and how
// it is read; refused values are marked.
func (v *valueTally) print(w io.Writer, p msg.Printer) {
	for _, f := range v.fields {
		fmt.Fprintln(w, "  "+p.T("values of %s (%s), as read:", v.conv.l.header(f), f.label(p)))
		for _, cell := range v.order[f] {
			read, ok := v.reading(f, cell, p)
			shown := strings.TrimSuffix(cell, auctionMark)
			if shown == "" {
				shown = p.T("(empty)")
			}
			mark := "→"
			if !ok {
				mark = "✗ " + p.T("refused:")
			}
			fmt.Fprintf(w, "    %-24s ×%-5d %s %s\n", shown, v.seen[f][cell], mark, read)
		}
		if v.more[f] > 0 {
			fmt.Fprintln(w, "    "+p.T("… and %d rows of other values", v.more[f]))
		}
	}
}

// solicitationReading is how the dry run says a procurement method value reads.
var solicitationReading = map[tradestat.Solicitation]string{
	tradestat.SolicitOpen:         "open procedure: a single bid is a red flag",
	tradestat.SolicitInvited:      "invited bidders: a single bid is not flagged",
	tradestat.SolicitNegotiated:   "competitive negotiation: a single bid is not flagged",
	tradestat.SolicitConsultation: "competitive consultation: a single bid is not flagged",
	tradestat.SolicitInquiry:      "request for quotations: a single bid is not flagged",
	tradestat.SolicitSingleSource: "single source: a single bid is not flagged",
}
