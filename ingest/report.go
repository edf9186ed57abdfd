package ingest

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"tradestat/msg"
	"tradestat/safecell"
)

// Reject is a data row that was not loaded, and why: it names the file, the sheet of a
// workbook, the row as a spreadsheet shows it, the column and the value.
type Reject struct {
	File   string
	Sheet  string
	Row    int
	Column string
	Value  string
	Reason string
}

// Error formats the reject as one line a user can act on, in English.
func (r Reject) Error() string { return r.Text(msg.English) }

// Text formats the reject as one line in lang: file, sheet, row, column, value and reason.
func (r Reject) Text(lang msg.Lang) string {
	p := lang.Printer()
	where := r.File
	if r.Sheet != "" {
		where += " [" + r.Sheet + "]"
	}
	if r.Column == "" {
		return p.T("%s: row %d: %s", where, r.Row, r.Reason)
	}
	return p.T("%s: row %d, column %s, value %s: %s", where, r.Row, r.Column, strconv.Quote(r.Value), r.Reason)
}

// Report accounts for every data row of one file:
// Read = Loaded + Rejected + Skipped + Duplicates.
type Report struct {
	File     string
	BatchID  string
	Size     int64
	SHA256   string
	Format   string   // CSV (UTF-8), CSV (GB18030), XLSX …
	Sheets   []string // the sheets lots were read from
	Notes    []string // how the file was read: header rows, units, competing columns …
	Unread   []string // columns left unread, each with the field it most resembles
	Gaps     []string // figures this file cannot give (savings of lots without a budget …)
	Previous string   // batch ID of an earlier complete load of the same content, if any
	Lang     msg.Lang // the language of the account and the notes

	// NoBudget counts the tender-type lots that came without a budget or ceiling price (no
	// savings basis), NoReserve the auction-type lots without a reserve price (no premium
	// basis); over the file's valid rows.
	NoBudget, NoReserve int

	Read   int // data rows below the header row(s)
	Loaded int // distinct lots and bids written
	// Bids counts the bids of bid lists among Loaded (a file may hold lots, bids or sheets of
	// each); BidRows the rows read as bids, duplicates and bids the committer refused among
	// them.
	Bids, BidRows int
	Rejected      int // rows not loaded, each reported as a Reject
	Skipped       int // blank rows, summary rows (合计/总计/小计), footer notes, repeated headers
	Duplicates    int // rows of a lot that a later row of the same file replaced
	// Cancelled counts the loaded lots the file says did not complete trading (流标, 废标,
	// 终止 …): they replace their earlier versions and count in no figure.
	Cancelled int

	FirstRejects []Reject // the first rejects, for a summary on screen; all go to Options.Rejects

	gaps basisGaps // NoBudget and NoReserve, and whether the file had the columns
}

// Refuse counts a row that was read as a lot as a reject the committer found (a lot it may
// not change), reporting it to sink as the reader's rejects are.
func (r *Report) Refuse(rj Reject, sink func(Reject) error) error {
	r.Rejected++
	return r.reject(rj, sink)
}

// reject records a reject among the first ones and sends it to sink.
func (r *Report) reject(rj Reject, sink func(Reject) error) error {
	if len(r.FirstRejects) < maxFirstRejects {
		r.FirstRejects = append(r.FirstRejects, rj)
	}
	if sink != nil {
		if err := sink(rj); err != nil {
			return fmt.Errorf("reject report: %w", err)
		}
	}
	return nil
}

// Recount sets the lots without a savings or a premium basis to the committer's count over
// the lots a load brings (rows of one lot merged, rows refused after reading).
func (r *Report) Recount(noBudget, noReserve int) {
	r.gaps.noBudget, r.gaps.noReserve = noBudget, noReserve
	r.NoBudget, r.NoReserve, r.Gaps = noBudget, noReserve, r.gaps.describe(r.Lang.Printer())
}

// maxFirstRejects is how many rejects a Report keeps; the reject report has them all.
const maxFirstRejects = 20

// Balanced reports whether the counts add up, as they must.
func (r Report) Balanced() bool {
	return r.Read == r.Loaded+r.Rejected+r.Skipped+r.Duplicates
}

// String is the one-line account printed after each file, in the load's language.
func (r Report) String() string {
	return r.Lang.T("%s: %d rows read = %d loaded + %d rejected + %d skipped (blank/summary) + %d duplicates merged",
		r.File, r.Read, r.Loaded, r.Rejected, r.Skipped, r.Duplicates)
}

// RejectWriter writes a reject report: CSV in UTF-8 with a BOM, so that Excel on Chinese
// Windows opens it correctly, with cells that could run as formulas neutralised.
type RejectWriter struct {
	w *csv.Writer
	n int
}

// NewRejectWriter starts a reject report on w.
func NewRejectWriter(w io.Writer) (*RejectWriter, error) {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"文件", "工作表", "行号", "列", "值", "原因"}); err != nil {
		return nil, err
	}
	return &RejectWriter{w: cw}, nil
}

// Write adds one reject.
func (rw *RejectWriter) Write(r Reject) error {
	rw.n++
	return rw.w.Write([]string{safecell.Text(r.File), safecell.Text(r.Sheet), strconv.Itoa(r.Row), safecell.Text(r.Column), safecell.Text(r.Value), safecell.Text(r.Reason)})
}

// Close flushes the report.
func (rw *RejectWriter) Close() error {
	rw.w.Flush()
	return rw.w.Error()
}

// ReportText is a load's report as a person reads it, in the load's language: the
// accounting line, the format, the figures the file cannot give, the columns left unread, the
// notes and the first rejects.
func ReportText(rep Report) string {
	p := rep.Lang.Printer()
	var b strings.Builder
	fmt.Fprintln(&b, rep.String())
	if rep.BidRows > 0 {
		fmt.Fprintln(&b, p.T("of the records loaded, %d are lots and %d are bids of bid lists (one per section and bidder)", rep.Loaded-rep.Bids, rep.Bids))
	}
	if rep.Cancelled > 0 {
		fmt.Fprintln(&b, p.T("of the lots loaded, %d did not complete trading (流标, 废标, 终止 …): they replace their earlier versions and count in no figure", rep.Cancelled))
	}
	fmt.Fprintln(&b, p.T("format: %s, %d bytes, SHA-256 %s, batch %s", rep.Format, rep.Size, rep.SHA256, rep.BatchID))
	if len(rep.Sheets) > 0 {
		fmt.Fprintln(&b, p.T("sheets read: %s", strings.Join(rep.Sheets, ", ")))
	}
	if len(rep.Gaps) > 0 {
		fmt.Fprintln(&b, p.T("figures this file cannot give:"))
		for _, g := range rep.Gaps {
			fmt.Fprintln(&b, "  -", g)
		}
	}
	if len(rep.Unread) > 0 {
		fmt.Fprintln(&b, p.T("columns left unread: %s", strings.Join(rep.Unread, p.T(", "))))
	}
	for _, n := range rep.Notes {
		fmt.Fprintln(&b, p.T("note: %s", n))
	}
	for _, r := range rep.FirstRejects {
		fmt.Fprintln(&b, p.T("rejected: %s", r.Text(rep.Lang)))
	}
	if rep.Rejected > len(rep.FirstRejects) {
		fmt.Fprintln(&b, p.T("… and %d more rejects in the reject report", rep.Rejected-len(rep.FirstRejects)))
	}
	return b.String()
}
