package ingest

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"tradestat"
	"tradestat/money"
)

// The columns of the canonical layout: tradestat's own CSV form of lots, which the demo
// dataset uses and which any export can be converted to. Amounts are in 元 with at most two
// decimals; dates are YYYY-MM-DD in Asia/Shanghai; online is 1/0 (是/否 also read).
const (
	colLotCode     = "lot_code"
	colProjectCode = "project_code"
	colName        = "name"
	colTradeType   = "trade_type"
	colPlaceCode   = "place_code"
	colRegionCode  = "region_code"
	colDealDate    = "deal_date"
	colBudget      = "budget_yuan"
	colReserve     = "reserve_yuan"
	colAmount      = "amount_yuan"
	colOnline      = "online"
)

// CanonicalColumns lists the canonical header in the order WriteCanonical writes it.
func CanonicalColumns() []string {
	return []string{colProjectCode, colLotCode, colName, colTradeType, colPlaceCode, colRegionCode,
		colDealDate, colBudget, colReserve, colAmount, colOnline}
}

// parsed is what reading one file gives: the lots to load (each identity once, the last row
// winning) and the account of every other data row.
type parsed struct {
	lots       []tradestat.Lot
	rejects    []Reject
	read       int
	skipped    int
	duplicates int
	ignored    []string
}

// parseCanonical reads a canonical CSV. An error means the file as a whole cannot be read
// (no usable header); problems of single rows become rejects and never stop the file.
func parseCanonical(file string, r io.Reader) (parsed, error) {
	var p parsed
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return p, fmt.Errorf("%s: the file is empty (no header row)", file)
	}
	if err != nil {
		return p, fmt.Errorf("%s: header row: %w", file, err)
	}
	index := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		if _, known := canonicalSet()[h]; !known {
			p.ignored = append(p.ignored, h)
			continue
		}
		if _, dup := index[h]; dup {
			return p, fmt.Errorf("%s: header row: column %q appears twice", file, h)
		}
		index[h] = i
	}
	var missing []string
	for _, c := range []string{colTradeType, colPlaceCode, colDealDate, colAmount} {
		if _, ok := index[c]; !ok {
			missing = append(missing, c)
		}
	}
	_, hasLot := index[colLotCode]
	_, hasProject := index[colProjectCode]
	if !hasLot && !hasProject {
		missing = append(missing, colLotCode+" or "+colProjectCode)
	}
	if len(missing) > 0 {
		return p, fmt.Errorf("%s: header row: missing column(s) %s (canonical columns: %s)",
			file, strings.Join(missing, ", "), strings.Join(CanonicalColumns(), ","))
	}

	seen := map[string]int{} // lot ID → index in p.lots
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		p.read++
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			p.rejects = append(p.rejects, Reject{File: file, Row: line, Reason: "not valid CSV: " + err.Error()})
			continue
		}
		line, _ := cr.FieldPos(0)
		if isBlank(rec) || isSummary(rec) {
			p.skipped++
			continue
		}
		row := canonicalRow{file: file, line: line, rec: rec, index: index}
		lot, rej := row.lot()
		if rej != nil {
			p.rejects = append(p.rejects, *rej)
			continue
		}
		if i, ok := seen[lot.ID()]; ok {
			p.lots[i] = lot // the later row of the same lot wins
			p.duplicates++
			continue
		}
		seen[lot.ID()] = len(p.lots)
		p.lots = append(p.lots, lot)
	}
	return p, nil
}

func canonicalSet() map[string]struct{} {
	m := map[string]struct{}{}
	for _, c := range CanonicalColumns() {
		m[c] = struct{}{}
	}
	return m
}

func isBlank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// isSummary reports a totals row (合计, 总计, 小计): it sums lots, it is not one.
func isSummary(rec []string) bool {
	for i, c := range rec {
		if i > 2 {
			break
		}
		c = strings.ReplaceAll(strings.TrimSpace(c), " ", "")
		for _, w := range []string{"合计", "总计", "小计"} {
			if strings.HasPrefix(c, w) {
				return true
			}
		}
	}
	return false
}

// canonicalRow is one data row being turned into a lot.
type canonicalRow struct {
	file  string
	line  int
	rec   []string
	index map[string]int
}

func (r canonicalRow) get(col string) string {
	i, ok := r.index[col]
	if !ok || i >= len(r.rec) {
		return ""
	}
	return strings.TrimSpace(r.rec[i])
}

func (r canonicalRow) reject(col, reason string) *Reject {
	return &Reject{File: r.file, Row: r.line, Column: col, Value: r.get(col), Reason: reason}
}

func (r canonicalRow) lot() (tradestat.Lot, *Reject) {
	lot := tradestat.Lot{
		ProjectCode: r.get(colProjectCode),
		LotCode:     r.get(colLotCode),
		Name:        r.get(colName),
		RegionCode:  r.get(colRegionCode),
		SourceFile:  r.file,
		SourceRow:   r.line,
	}
	if lot.ID() == "" {
		return lot, r.reject(colLotCode, "missing lot identity: neither lot_code nor project_code is given")
	}
	t, err := tradestat.ParseTradeType(r.get(colTradeType))
	if err != nil {
		return lot, r.reject(colTradeType, err.Error())
	}
	lot.Type = t
	place, err := tradestat.ParsePlace(r.get(colPlaceCode))
	if err != nil {
		return lot, r.reject(colPlaceCode, err.Error())
	}
	lot.PlaceCode = place.Code
	if lot.RegionCode != "" && !isRegionCode(lot.RegionCode) {
		return lot, r.reject(colRegionCode, "region_code must be a 6-digit GB/T 2260 code")
	}
	d, err := tradestat.ParseDate(r.get(colDealDate))
	if err != nil {
		return lot, r.reject(colDealDate, err.Error())
	}
	if d.Year < 1990 || d.Year > 2100 {
		return lot, r.reject(colDealDate, "date is outside the years 1990–2100")
	}
	lot.DealDate = d
	for _, a := range []struct {
		col      string
		dst      *money.Fen
		required bool
	}{{colAmount, &lot.Amount, true}, {colBudget, &lot.Budget, false}, {colReserve, &lot.Reserve, false}} {
		s := r.get(a.col)
		if s == "" {
			if a.required {
				return lot, r.reject(a.col, "missing amount")
			}
			continue
		}
		v, err := money.Parse(s, money.Yuan)
		if err != nil {
			return lot, r.reject(a.col, err.Error())
		}
		if v < 0 {
			return lot, r.reject(a.col, "amount is negative")
		}
		*a.dst = v
	}
	switch r.get(colOnline) {
	case "1", "是":
		lot.Online = true
	case "", "0", "否":
	default:
		return lot, r.reject(colOnline, "online must be 1 or 0 (是 or 否)")
	}
	return lot, nil
}

func isRegionCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// WriteCanonical writes lots as a canonical CSV (UTF-8, no BOM, header first).
func WriteCanonical(w io.Writer, lots []tradestat.Lot) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CanonicalColumns()); err != nil {
		return err
	}
	for _, l := range lots {
		online := "0"
		if l.Online {
			online = "1"
		}
		rec := []string{l.ProjectCode, l.LotCode, l.Name, string(l.Type), l.PlaceCode, l.RegionCode,
			l.DealDate.String(), optionalYuan(l.Budget), optionalYuan(l.Reserve), l.Amount.Yuan(), online}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func optionalYuan(f money.Fen) string {
	if f == 0 {
		return ""
	}
	return f.Yuan()
}
