package ingest

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"tradestat"
	"tradestat/money"
)

// rowKind is what a data row turned out to be.
type rowKind int

const (
	rowLot     rowKind = iota
	rowReject          // not loaded; see the Reject
	rowSkipped         // blank, a summary row (合计/总计/小计), a footer note or a repeated header
)

// converter turns the data rows of one table into lots, by the table's layout.
type converter struct {
	file, sheet  string
	l            layout
	excel        bool
	defaultPlace string
	types        map[string]tradestat.TradeType
	today        tradestat.Date // no lot completes after it
}

// get is the cell of field f, "" when the table has no such column or the row is short.
// convertRow has trimmed the cells.
func (c *converter) get(rec []string, f field) string {
	i := c.l.at[f]
	if i < 0 || i >= len(rec) {
		return ""
	}
	return rec[i]
}

func (c *converter) reject(rec []string, line int, f field, reason string) *Reject {
	col := ""
	if i := c.l.at[f]; i >= 0 {
		col = c.l.columns[c.colIndex(f)].header
	}
	return &Reject{File: c.file, Sheet: c.sheet, Row: line, Column: col, Value: c.get(rec, f), Reason: reason}
}

func (c *converter) colIndex(f field) int {
	for i, col := range c.l.columns {
		if col.field == f {
			return i
		}
	}
	return -1
}

// summaryWords start the rows that total lots rather than being one.
var summaryWords = []string{"合计", "总计", "小计", "本页合计", "累计", "总合计"}

// classify tells blank rows, summary rows, footers and repeated header rows from data rows.
// It runs on every row, so it looks closely only at the first cells and the amount cell.
func (c *converter) classify(rec []string) rowKind {
	nonEmpty := 0
	for _, cell := range rec {
		if cell == "" {
			continue
		}
		nonEmpty++
		if nonEmpty > 3 || !summaryStart(cell) {
			continue
		}
		cell = strings.ReplaceAll(narrow(cell), " ", "")
		for _, w := range summaryWords {
			if strings.HasPrefix(cell, w) {
				return rowSkipped
			}
		}
	}
	if nonEmpty == 0 {
		return rowSkipped
	}
	if amount := c.get(rec, fAmount); amount != "" && !startsLikeNumber(amount) &&
		headerKey(amount) == headerKey(c.l.columns[c.colIndex(fAmount)].header) {
		return rowSkipped // the header again, as paged exports repeat it
	}
	noIdentity := c.get(rec, fProjectCode) == "" && c.get(rec, fLotCode) == "" && c.get(rec, fDealCode) == ""
	if noIdentity && c.get(rec, fAmount) == "" && nonEmpty <= 2 {
		return rowSkipped // a note below the table: 制表人, 注, 数据来源 …
	}
	return rowLot
}

// summaryStart reports whether a trimmed cell begins with the first character of a summary
// word, the cheap test that spares most cells the full one.
func summaryStart(cell string) bool {
	r, _ := utf8.DecodeRuneInString(cell)
	switch r {
	case '合', '总', '小', '本', '累':
		return true
	}
	return false
}

func startsLikeNumber(s string) bool { return s[0] >= '0' && s[0] <= '9' }

// lot converts one data row. Every check happens before anything is kept, so a row is
// either a whole lot or a reject: never half-loaded.
func (c *converter) lot(rec []string, line int) (tradestat.Lot, *Reject) {
	lot := tradestat.Lot{
		ProjectCode: normID(c.get(rec, fProjectCode)),
		LotCode:     normID(c.get(rec, fLotCode)),
		Name:        c.get(rec, fName),
		SourceFile:  c.file,
		SourceRow:   line,
	}
	// The identity decides which rows are one lot, so it must be there and mean one thing:
	// a row whose project code is empty (where the file has that column) would otherwise
	// merge with every other such row of the same lot number and replace it.
	if lot.ProjectCode == "" {
		if deal := normID(c.get(rec, fDealCode)); deal != "" {
			lot.LotCode = deal // a deal code identifies a lot on its own
		} else if c.l.at[fProjectCode] >= 0 || lot.LotCode == "" {
			if c.l.at[fProjectCode] < 0 {
				return lot, c.reject(rec, line, fLotCode, "标段编号为空，无法识别该标段 (missing lot identity: no lot or deal code)")
			}
			return lot, c.reject(rec, line, fProjectCode, "项目编号为空，无法识别该标段 (missing lot identity: no project or deal code)")
		}
	}
	for _, id := range []struct {
		f field
		v string
	}{{fProjectCode, lot.ProjectCode}, {fLotCode, lot.LotCode}} {
		if len(id.v) > tradestat.MaxCodeRunes && utf8.RuneCountInString(id.v) > tradestat.MaxCodeRunes {
			return lot, c.reject(rec, line, id.f, fmt.Sprintf("编号超过%d个字符 (code longer than %d characters)", tradestat.MaxCodeRunes, tradestat.MaxCodeRunes))
		}
	}
	if len(lot.Name) > tradestat.MaxNameRunes && utf8.RuneCountInString(lot.Name) > tradestat.MaxNameRunes {
		return lot, c.reject(rec, line, fName, fmt.Sprintf("项目名称超过%d个字符 (name longer than %d characters)", tradestat.MaxNameRunes, tradestat.MaxNameRunes))
	}
	if cur := c.get(rec, fCurrency); cur != "" {
		switch strings.ToUpper(narrow(cur)) {
		case "CNY", "RMB", "156", "人民币", "元":
		default:
			return lot, c.reject(rec, line, fCurrency, "currency is not 人民币 (CNY); convert before loading")
		}
	}
	t, err := parseTradeType(c.get(rec, fType), c.types)
	if err != nil {
		return lot, c.reject(rec, line, fType, reason(err, "missing trade type"))
	}
	lot.Type = t
	placeText := c.get(rec, fPlace)
	if placeText == "" {
		placeText = c.defaultPlace
	}
	p, err := parsePlace(placeText)
	if err != nil {
		return lot, c.reject(rec, line, fPlace, reason(err, "missing trading place (give --place CODE for a one-centre file)"))
	}
	lot.PlaceCode = p.Code
	if r := c.get(rec, fRegion); r != "" {
		lot.RegionCode = parseRegion(r)
	}
	if lot.DealDate, err = parseDate(c.get(rec, fDate)); err != nil {
		return lot, c.reject(rec, line, fDate, reason(err, "missing completion date"))
	}
	if c.today.Before(lot.DealDate) {
		return lot, c.reject(rec, line, fDate, fmt.Sprintf("成交日期晚于今天（%s）(completion date after today)", c.today))
	}
	rowUnit := money.Fen(0)
	if u := c.get(rec, fPriceUnit); u != "" {
		switch strings.ToLower(narrow(u)) {
		case "元", "yuan", "1", "cny":
			rowUnit = money.Yuan
		case "万元", "wan", "2":
			rowUnit = money.Wan
		default:
			return lot, c.reject(rec, line, fPriceUnit, "price unit is not 元 or 万元")
		}
	}
	for _, a := range []struct {
		f   field
		dst *money.Fen
	}{{fAmount, &lot.Amount}, {fBudget, &lot.Budget}, {fReserve, &lot.Reserve}} {
		if c.l.at[a.f] < 0 {
			continue
		}
		unit := c.l.unit[a.f]
		if rowUnit != 0 {
			unit = rowUnit
		}
		v, err := parseAmount(c.get(rec, a.f), unit, c.excel)
		if errors.Is(err, errEmpty) {
			if a.f == fAmount {
				return lot, c.reject(rec, line, a.f, "missing deal amount")
			}
			continue
		}
		if err != nil {
			return lot, c.reject(rec, line, a.f, err.Error())
		}
		if v < 0 {
			return lot, c.reject(rec, line, a.f, "amount is negative")
		}
		if v > tradestat.MaxLotAmount {
			return lot, c.reject(rec, line, a.f, fmt.Sprintf("金额超过单个标段的上限%s万元 (amount above the bound of one lot)", tradestat.MaxLotAmount.Wan()))
		}
		*a.dst = v
	}
	if lot.Online, err = parseFlag(c.get(rec, fOnline)); err != nil {
		return lot, c.reject(rec, line, fOnline, err.Error())
	}
	if err := lot.CheckPrices(); err != nil {
		return lot, c.reject(rec, line, fAmount, err.Error())
	}
	return lot, nil
}

// reason is err's message, or the given text when the cell was empty.
func reason(err error, empty string) string {
	if errors.Is(err, errEmpty) {
		return empty
	}
	return err.Error()
}
