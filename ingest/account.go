package ingest

import (
	"strings"

	"tradestat"
	"tradestat/money"
	"tradestat/msg"
)

// The texts a load's reader sees about how a file was read: which column became which
// field, what was left unread and why, and which figures the file cannot give. They are
// catalog messages (package msg), in the load's language.

// fieldLabels are the fields as the account names them (catalog keys).
var fieldLabels = [numFields]string{"-", "project code", "lot code", "deal code", "name", "trade type", "trading place",
	"project region", "completion date", "budget or ceiling price", "reserve price", "budget or reserve price",
	"deal amount", "online bid opening", "price unit", "currency", "serial number", "status",
	"number of bidders", "number of valid bidders", "remote evaluation", "notice date", "bid deadline", "opening date",
	"ceiling price", "evaluation method", "procurement method", "failure reason", "buyer",
	"bidder", "unified social credit code", "bid price", "bid valid or rejected", "reason the bid was rejected", "winner mark"}

func (f field) label(p msg.Printer) string { return p.T(fieldLabels[f]) }

func (n need) describe(p msg.Printer) string {
	switch n {
	case needIdentity:
		return p.T("a project, lot or deal code (项目编号/标段编号/统一交易标识码)")
	case needAmount:
		return p.T("the deal amount (成交金额/中标金额)")
	case needType:
		return p.T("the trade type (交易类型), or sheets named after trade types")
	case needDate:
		return p.T("the completion date (成交日期/开标日期)")
	case needBidder:
		return p.T("the bidder (投标人名称/统一社会信用代码)")
	}
	return p.T("the trading place (交易地点), or --place CODE")
}

// summary lists the columns a layout recognised, as "header → field".
func (l layout) summary(p msg.Printer) string {
	var parts []string
	for _, c := range l.columns {
		parts = append(parts, c.header+" → "+c.field.label(p))
	}
	for _, sh := range l.shared {
		parts = append(parts, l.header(sh[0])+" → "+p.T("%s (as no other column gives it)", sh[0].label(p)))
	}
	if len(parts) == 0 {
		return p.T("none")
	}
	return strings.Join(parts, p.T(", "))
}

// notes are what a reader should know of how a table was read.
func (l layout) notes(p msg.Printer, sheet string) []string {
	var out []string
	add := func(key string, args ...any) {
		text := p.T(key, args...)
		if sheet != "" {
			text = p.T("sheet %s: %s", sheet, text)
		}
		out = append(out, text)
	}
	if l.kind == bidRows {
		add("this table is a bid list: one row per bid, each for the section its codes name")
	}
	if l.headerRows == 2 {
		add("the header spans rows %d and %d; each column is named by both", l.headerLine-1, l.headerLine)
	}
	if l.tableUnit != 0 {
		add("a note above the table states the unit %s: it applies to the money columns that state none", unitName(l.tableUnit))
	}
	if l.sheetType != "" {
		add("no trade type column: every lot of this sheet is %s, as the sheet's name says", string(l.sheetType))
	}
	if i := l.at[fBasis]; i >= 0 {
		add("column %q holds the budget of tender-type lots and the reserve price of auction-type lots, as its header names both", l.header(fBasis))
	}
	for _, c := range l.contests {
		add("two or more columns could be the %s: %q is used (the first in the documented priority), not %s", c.field.label(p), c.winner, quoteAll(c.losers))
	}
	if l.at[fOnline] < 0 && l.kind == lotRows {
		add("no opening-mode column (开标方式/是否不见面开标): no lot of this table counts as an online opening")
	}
	if len(l.derived) > 0 {
		add("figures tradestat computes itself from budget, reserve and amount, not read: %s", quoteAll(l.derived))
	}
	return out
}

// basisNotes say which of savings and premium the table's columns cannot give: the dry run
// shows them before anything is loaded; a load counts the lots concerned instead (basisGaps).
func (l layout) basisNotes(p msg.Printer) []string {
	var out []string
	if l.at[fBudget] < 0 && l.at[fBasis] < 0 {
		out = append(out, p.T("no budget or ceiling price column (预算金额/控制价/最高投标限价): the savings of tender-type lots cannot be computed"))
	}
	if l.at[fReserve] < 0 && l.at[fBasis] < 0 {
		out = append(out, p.T("no reserve price column (起始价/起拍价/底价/挂牌价): the premium of auction-type lots cannot be computed"))
	}
	return out
}

// againField is the column whose header, met again in a data row, marks the header repeated:
// the amount of lots, the bidder of bids.
func (l layout) againField() field {
	if l.kind == bidRows {
		return fBidder
	}
	return fAmount
}

// header is the header text of the column mapped to f (or sharing it, sharedFields).
func (l layout) header(f field) string {
	for _, c := range l.columns {
		if c.index == l.at[f] {
			return c.header
		}
	}
	return ""
}

// unitWhy says in which unit a money column is read, and why: its header states it, or each
// row's unit column does, or a note above the table, or nothing (元).
func (l layout) unitWhy(c column, p msg.Printer) string {
	switch {
	case c.stated:
		return p.T("%s, as its header states", unitName(c.unit))
	case l.at[fPriceUnit] >= 0 && l.tableUnit != 0:
		return p.T("the unit in column %q of each row; %s, from the note above the table, where it is empty", l.header(fPriceUnit), unitName(l.tableUnit))
	case l.at[fPriceUnit] >= 0:
		return p.T("the unit in column %q of each row; 元 where it is empty", l.header(fPriceUnit))
	case l.tableUnit != 0:
		return p.T("%s, from the note above the table", unitName(l.tableUnit))
	}
	return p.T("元: no unit is stated for it")
}

func unitName(u money.Fen) string {
	if u == money.Wan {
		return "万元"
	}
	return "元"
}

func quoteAll(texts []string) string {
	q := make([]string, len(texts))
	for i, t := range texts {
		q[i] = "「" + t + "」"
	}
	return strings.Join(q, "")
}

// describe is an unread column as the report lists it.
func (u unreadColumn) describe(p msg.Printer) string {
	switch {
	case u.moneyLike && u.resembles != fNone:
		return p.T("%q (money-like; most resembles the %s)", u.header, u.resembles.label(p))
	case u.moneyLike:
		return p.T("%q (money-like)", u.header)
	case u.resembles != fNone:
		return p.T("%q (most resembles the %s)", u.header, u.resembles.label(p))
	}
	return p.T("%q", u.header)
}

// basisGaps counts, over a load's valid rows, the lots a savings or premium figure cannot
// include, and whether the file had the column they lack.
type basisGaps struct {
	noBudget, noReserve         int
	budgetColumn, reserveColumn bool // some table of the file had one
}

func (g *basisGaps) add(lot tradestat.Lot, hasBudget, hasReserve bool) {
	g.budgetColumn = g.budgetColumn || hasBudget
	g.reserveColumn = g.reserveColumn || hasReserve
	if lot.Cancelled { // in no figure, so no figure lacks it
		return
	}
	switch lot.Type.Kind() {
	case tradestat.Tender:
		if lot.Budget == 0 {
			g.noBudget++
		}
	case tradestat.Auction:
		if lot.Reserve == 0 {
			g.noReserve++
		}
	}
}

// describe is the list of figures this file cannot give.
func (g basisGaps) describe(p msg.Printer) []string {
	var out []string
	if g.noBudget > 0 {
		if g.budgetColumn {
			out = append(out, p.T("savings (节约资金) of %d tender-type lots: their budget or ceiling price is empty; savings leave them out", g.noBudget))
		} else {
			out = append(out, p.T("savings (节约资金) of %d tender-type lots: the file has no budget or ceiling price column; savings leave them out", g.noBudget))
		}
	}
	if g.noReserve > 0 {
		if g.reserveColumn {
			out = append(out, p.T("premium (增价) of %d auction-type lots: their reserve price is empty; premium leaves them out", g.noReserve))
		} else {
			out = append(out, p.T("premium (增价) of %d auction-type lots: the file has no reserve price column; premium leaves them out", g.noReserve))
		}
	}
	return out
}
