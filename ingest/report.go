package ingest

import (
	"fmt"
	"strconv"
)

// Reject is a data row that was not loaded, and why: it names the file, the row as a
// spreadsheet shows it (the header is row 1), the column and the value.
type Reject struct {
	File   string
	Row    int
	Column string
	Value  string
	Reason string
}

// Error formats the reject as one line a user can act on.
func (r Reject) Error() string {
	if r.Column == "" {
		return fmt.Sprintf("%s: row %d: %s", r.File, r.Row, r.Reason)
	}
	return fmt.Sprintf("%s: row %d, column %s, value %s: %s", r.File, r.Row, r.Column, strconv.Quote(r.Value), r.Reason)
}

// Report accounts for every data row of one file:
// Read = Loaded + Rejected + Skipped + Duplicates.
type Report struct {
	File    string
	BatchID string
	Size    int64
	SHA256  string

	Read       int // data rows below the header
	Loaded     int // distinct lots written
	Rejected   int // rows not loaded, each with a Reject
	Skipped    int // blank rows and summary rows (合计/总计/小计)
	Duplicates int // rows of a lot that a later row of the same file replaced

	Rejects        []Reject
	IgnoredColumns []string // header cells that are not canonical columns
}

// Balanced reports whether the counts add up, as they must.
func (r Report) Balanced() bool {
	return r.Read == r.Loaded+r.Rejected+r.Skipped+r.Duplicates && r.Rejected == len(r.Rejects)
}

// String is the one-line account printed after each file.
func (r Report) String() string {
	return fmt.Sprintf("%s: %d rows read = %d loaded + %d rejected + %d skipped (blank/summary) + %d duplicates merged",
		r.File, r.Read, r.Loaded, r.Rejected, r.Skipped, r.Duplicates)
}
