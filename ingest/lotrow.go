package ingest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
	"tradestat/msg"
)

// rowKind is what a data row turned out to be.
type rowKind int

const (
	rowLot     rowKind = iota
	rowReject          // not loaded; see the Reject
	rowSkipped         // blank, a summary row (合计/总计/小计), a footer note or a repeated header
	rowBid             // a bid of a bid list
)

// converter turns the data rows of one table into lots, by the table's layout.
type converter struct {
	file, sheet  string
	l            layout
	excel        bool
	defaultPlace string
	today        tradestat.Date               // no lot completes after it
	unitCodes    map[string]money.Fen         // what the price unit column's codes mean (--mapping)
	values       [numFields]map[string]string // what categorical columns' values mean (--mapping)
	p            msg.Printer                  // the language of reject reasons
	lang         msg.Lang
	region       division.Region // where trading places must lie
	// places and regions remember what each text read as: an export writes the same few
	// places on every row, and reading a name walks the division tree. Rows are converted
	// on every core at once, so the memories are shared under a lock.
	places  memo[placeRead]
	regions memo[string]
	trades  memo[tradeRead]
	// statuses and openings: a status or opening-mode column holds a few values, each read
	// by its words once.
	statuses memo[flagRead]
	openings memo[flagRead]
	remotes  memo[tradestat.Remote]
	// solicitations: a procurement method column holds a few values too.
	solicitations memo[tradestat.Solicitation]
	// validHeader and winHeader are what a bid list's validity and winner columns' headers
	// say a plain yes means (headerReading).
	validHeader, winHeader string
	// again is the reduced header of the column a repeated header is recognised by (the
	// amount, or a bid list's bidder): reduced once, not on every row.
	again string
}

// flagRead is what a status or opening-mode text was read as: completed or online, or why
// it is unknown.
type flagRead struct {
	yes   bool
	known bool
	err   error
}

// tradeRead is what a trade-type text was read as.
type tradeRead struct {
	t   tradestat.TradeType
	sub string
	err error
}

// trade reads a trade type (parseTradeType), once per distinct text.
func (c *converter) trade(text string) tradeRead {
	return c.trades.get(text, func(text string) tradeRead {
		t, sub, err := parseTradeType(text, c.l.sheetTypes)
		return tradeRead{t, sub, err}
	})
}

// cell is the cell of categorical field f as the mapping file says to read it.
func (c *converter) cell(rec []string, f field) string { return c.mapped(f, c.get(rec, f)) }

// mapped is a value of categorical field f as the mapping file says to read it.
func (c *converter) mapped(f field, v string) string {
	if m := c.values[f]; m != nil && v != "" {
		if to, ok := m[plainValue(v)]; ok {
			return to
		}
	}
	return v
}

type placeRead struct {
	code string
	err  error
}

// memo remembers the value read of each text, up to memoLimit texts: a file of endless
// distinct texts reads them all, remembering the first ones.
type memo[V any] struct {
	mu sync.RWMutex
	m  map[string]V
}

const memoLimit = 4096

func (m *memo[V]) get(text string, read func(string) V) V {
	m.mu.RLock()
	v, ok := m.m[text]
	m.mu.RUnlock()
	if ok {
		return v
	}
	v = read(text)
	m.mu.Lock()
	if m.m == nil {
		m.m = map[string]V{}
	}
	if len(m.m) < memoLimit {
		m.m[text] = v
	}
	m.mu.Unlock()
	return v
}

// place reads a trading place within the region (parsePlace), once per distinct text.
func (c *converter) place(text string) (string, error) {
	r := c.places.get(text, func(text string) placeRead {
		d, err := parsePlace(c.region, text)
		if err != nil {
			return placeRead{err: err}
		}
		return placeRead{code: d.Code}
	})
	return r.code, r.err
}

// projectRegion reads a project region (parseRegion), once per distinct text.
func (c *converter) projectRegion(text string) string {
	return c.regions.get(text, func(text string) string { return parseRegion(c.region.Tree(), text) })
}

// say is an error as the clerk reads it: a catalog message in the load's language.
func (c *converter) say(err error) string { return c.lang.Say(err) }

// reason is what an error of a cell means, or the given text when the cell was empty.
func (c *converter) reason(err error, empty string) string {
	if errors.Is(err, errEmpty) {
		return c.p.T(empty)
	}
	return c.say(err)
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
	col := c.l.header(f)
	return &Reject{File: c.file, Sheet: c.sheet, Row: line, Column: col, Value: c.get(rec, f), Reason: reason}
}

// badText rejects a row a cell of which is not text in the file's encoding (a line written in
// another encoding than the rest) or holds a control character (NUL, a form feed …), which no
// export means and which would come back in every download: the first such cell is named,
// with its value quoted so that the character shows.
func (c *converter) badText(rec []string, line int) *Reject {
	for i, cell := range rec {
		bad := ""
		if !utf8.ValidString(cell) {
			bad = c.p.T("the cell is not text in the file's encoding: the line was written in another encoding than the rest of the file")
		} else if strings.IndexFunc(cell, isControl) >= 0 {
			bad = c.p.T("the cell holds a control character, which no value has; remove it")
		}
		if bad == "" {
			continue
		}
		col := ""
		for _, cl := range c.l.columns {
			if cl.index == i {
				col = cl.header
			}
		}
		if col == "" {
			col = c.p.T("column %d", i+1)
		}
		return &Reject{File: c.file, Sheet: c.sheet, Row: line, Column: col, Value: fmt.Sprintf("%q", cell), Reason: bad}
	}
	return nil
}

// isControl is a C0 or C1 control character or DEL, but for the tab and the line breaks a cell
// may hold.
func isControl(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
}

// rejectf is reject with a catalog message.
func (c *converter) rejectf(rec []string, line int, f field, key string, args ...any) *Reject {
	return c.reject(rec, line, f, c.p.T(key, args...))
}

// classify tells blank rows, summary rows, footers and repeated header rows from data rows.
// It runs on every row, so it looks closely only at the first cells and the amount cell.
func (c *converter) classify(rec []string) rowKind {
	nonEmpty, first, same := 0, "", true
	for _, cell := range rec {
		if cell == "" {
			continue
		}
		if nonEmpty == 0 {
			first = cell
		}
		same = same && cell == first
		nonEmpty++
		if nonEmpty > 3 || !vocab().summaryStart(cell) {
			continue
		}
		cell = strings.ReplaceAll(narrow(cell), " ", "")
		for _, w := range vocab().Summary {
			if strings.HasPrefix(cell, w) {
				return rowSkipped
			}
		}
	}
	if nonEmpty == 0 {
		return rowSkipped
	}
	if nonEmpty >= 2 && same && !startsLikeNumber(first) {
		return rowSkipped // one text merged across the table: a footer, a note, a signature line
	}
	if c.repeatsHeader(c.get(rec, c.l.againField())) {
		return rowSkipped // the header again, as paged exports repeat it
	}
	if !startsLikeNumber(first) && vocab().noteCell(first) {
		// A signature, stamp or page line: every cell it fills is one, or it begins with one
		// and holds no amount.
		notes := true
		for _, cell := range rec {
			notes = notes && (cell == "" || vocab().noteCell(cell))
		}
		if notes {
			return rowSkipped
		}
		if _, err := parseAmount(c.get(rec, fAmount), money.Yuan, c.excel); err != nil {
			return rowSkipped
		}
	}
	noIdentity := c.get(rec, fProjectCode) == "" && c.get(rec, fLotCode) == "" && c.get(rec, fDealCode) == ""
	if noIdentity && c.get(rec, fAmount) == "" && nonEmpty <= 2 {
		return rowSkipped // a note below the table: 制表人, 注, 数据来源 …
	}
	return rowLot
}

// repeatsHeader reports whether cell, in the column of layout.againField, is that column's
// header again. Reducing a header only takes characters out of its plain form (headerText), so
// a cell whose plain form does not hold the header's reduction in order cannot be it: most
// cells are ruled out without being reduced, which on a bid list is every bidder's name.
func (c *converter) repeatsHeader(cell string) bool {
	if cell == "" || startsLikeNumber(cell) || !inOrder(c.again, plainValue(cell)) {
		return false
	}
	return headerText(cell).key == c.again
}

// inOrder reports whether the runes of sub appear in s in the same order.
func inOrder(sub, s string) bool {
	for _, r := range sub {
		i := strings.IndexRune(s, r)
		if i < 0 {
			return false
		}
		// The width found, not r's: an invalid byte is found as utf8.RuneError, one byte wide.
		_, w := utf8.DecodeRuneInString(s[i:])
		s = s[i+w:]
	}
	return true
}

func startsLikeNumber(s string) bool { return s[0] >= '0' && s[0] <= '9' }

// lot converts one data row. Every check happens before anything is kept, so a row is
// either a whole lot or a reject: never half-loaded.
func (c *converter) lot(rec []string, line int) (tradestat.Lot, *Reject) {
	lot := tradestat.Lot{
		Name:       c.get(rec, fName),
		SourceFile: c.file,
		SourceRow:  line,
	}
	var rej *Reject
	if lot.ProjectCode, lot.LotCode, rej = c.identity(rec, line); rej != nil {
		return lot, rej
	}
	if len(lot.Name) > tradestat.MaxNameRunes && utf8.RuneCountInString(lot.Name) > tradestat.MaxNameRunes {
		return lot, c.rejectf(rec, line, fName, "the name is longer than %d characters", tradestat.MaxNameRunes)
	}
	if cur := c.get(rec, fCurrency); cur != "" && !isYuan(cur) {
		return lot, c.rejectf(rec, line, fCurrency, "currency %q is not 人民币 (CNY); convert before loading", cur)
	}
	typeText := c.cell(rec, fType)
	if typeText == "" && c.l.at[fType] < 0 {
		typeText = c.l.sheetText
	}
	tr := c.trade(typeText)
	if tr.err != nil {
		return lot, c.reject(rec, line, fType, c.reason(tr.err, "the trade type is empty"))
	}
	t := tr.t
	lot.Type, lot.SubType = tr.t, tr.sub
	var err error
	placeText := c.get(rec, fPlace)
	if placeText == "" {
		placeText = c.defaultPlace
	}
	if lot.PlaceCode, err = c.place(placeText); err != nil {
		return lot, c.reject(rec, line, fPlace, c.reason(err, "the trading place is empty (give --place CODE for a one-centre file)"))
	}
	if r := c.get(rec, fRegion); r != "" {
		lot.RegionCode = c.projectRegion(r)
	}
	if s := c.cell(rec, fStatus); s != "" {
		r := c.statuses.get(s, func(s string) flagRead {
			done, known := vocab().completed(s)
			return flagRead{yes: done, known: known}
		})
		done, known := r.yes, r.known
		if !known {
			return lot, c.rejectf(rec, line, fStatus, "status %q says neither that the lot completed trading (成交, 中标 …) nor that it did not (流标, 废标, 终止 …), or says both", c.get(rec, fStatus))
		}
		lot.Cancelled = !done
	}
	if rej := c.procedure(rec, line, &lot.Procedure); rej != nil {
		return lot, rej
	}
	lot.DealDate, err = parseDate(c.get(rec, fDate))
	if errors.Is(err, errEmpty) && lot.Cancelled {
		// A section that did not complete (流标) has no completion date: it keeps its opening
		// date, or the date of a column that lost that field, or none.
		lot.DealDate, err = tradestat.NoDate(), nil
		if !lot.Procedure.Opening.IsZero() {
			lot.DealDate = lot.Procedure.Opening
		}
		for _, i := range c.l.alt[fDate] {
			if lot.DealDate != tradestat.NoDate() {
				break
			}
			if i < len(rec) {
				if d, derr := parseDate(rec[i]); derr == nil {
					lot.DealDate = d
					break
				}
			}
		}
	}
	if err != nil {
		return lot, c.reject(rec, line, fDate, c.reason(err, "the completion date is empty"))
	}
	if c.today.Before(lot.DealDate) {
		return lot, c.rejectf(rec, line, fDate, "the completion date is after today (%s)", c.today.String())
	}
	rowUnit, rej := c.rowUnit(rec, line)
	if rej != nil {
		return lot, rej
	}
	// One column may hold the budget of tender lots and the reserve of auction lots (its
	// header names both); a column of its own for either comes first.
	basisTo := &lot.Budget
	if t.Kind() == tradestat.Auction {
		basisTo = &lot.Reserve
	}
	for _, a := range []struct {
		f   field
		dst *money.Fen
	}{{fAmount, &lot.Amount}, {fBudget, &lot.Budget}, {fReserve, &lot.Reserve}, {fBasis, basisTo}, {fCeiling, &lot.Procedure.Ceiling}} {
		if c.l.at[a.f] < 0 || *a.dst != 0 {
			continue
		}
		v, empty, rej := c.money(rec, line, a.f, rowUnit)
		if rej != nil {
			return lot, rej
		}
		if empty {
			if a.f == fAmount && !lot.Cancelled { // a lot that did not complete has no deal amount
				return lot, c.rejectf(rec, line, a.f, "the deal amount is empty")
			}
			continue
		}
		*a.dst = v
	}
	if t.Kind() == tradestat.Auction {
		// Auction lots write their own mode words here (网上竞价, 网上挂牌, 拍卖); an online bid
		// opening is a tender lot's, so only a plain yes marks one, and no word is a reject.
		lot.Online = vocab().plainYes(c.cell(rec, fOnline))
	} else {
		r := c.openings.get(c.cell(rec, fOnline), func(s string) flagRead {
			online, err := parseFlag(s)
			return flagRead{yes: online, known: err == nil, err: err}
		})
		if r.err != nil {
			return lot, c.reject(rec, line, fOnline, c.say(r.err))
		}
		lot.Online = r.yes
	}
	if err := lot.CheckPrices(); err != nil && !lot.Cancelled {
		return lot, c.reject(rec, line, fAmount, c.say(err))
	}
	return lot, nil
}

// identity reads a row's section: its project and lot codes, or a deal code alone. The
// identity decides which rows are one lot (or one section's bids), so it must be there and
// mean one thing: a row whose project code is empty (where the file has that column) would
// otherwise merge with every other such row of the same lot number and replace it.
func (c *converter) identity(rec []string, line int) (project, lot string, rej *Reject) {
	project, lot = normID(c.get(rec, fProjectCode)), normID(c.get(rec, fLotCode))
	if project == "" {
		if deal := normID(c.get(rec, fDealCode)); deal != "" {
			lot = deal // a deal code identifies a lot on its own
		} else if c.l.at[fProjectCode] >= 0 || lot == "" {
			if c.l.at[fProjectCode] < 0 {
				return project, lot, c.rejectf(rec, line, fLotCode, "the lot code is empty: the lot cannot be identified")
			}
			return project, lot, c.rejectf(rec, line, fProjectCode, "the project code is empty: the lot cannot be identified")
		}
	}
	for _, id := range []struct {
		f field
		v string
	}{{fProjectCode, project}, {fLotCode, lot}} {
		if len(id.v) > tradestat.MaxCodeRunes && utf8.RuneCountInString(id.v) > tradestat.MaxCodeRunes {
			return project, lot, c.rejectf(rec, line, id.f, "the code is longer than %d characters", tradestat.MaxCodeRunes)
		}
	}
	return project, lot, nil
}

// rowUnit is the unit a row's price unit cell (价格单位) states, 0 when it states none.
func (c *converter) rowUnit(rec []string, line int) (money.Fen, *Reject) {
	u := c.get(rec, fPriceUnit)
	if u == "" {
		return 0, nil
	}
	switch n := strings.ToLower(narrow(u)); {
	case vocab().unitNamed(u) != 0:
		return vocab().unitNamed(u), nil
	case c.unitCodes[n] != 0:
		return c.unitCodes[n], nil
	case strings.Trim(n, "0123456789") == "":
		// A unit written as a code (0, 1, 2): platforms number their units differently,
		// and reading one's 1 (万元) as another's (元) moves an amount ten thousandfold, so
		// a code is read only as the mapping file says.
		return 0, c.rejectf(rec, line, fPriceUnit, "price unit %q is a code, which platforms number differently: say what the codes mean in a mapping file (a line such as %s,price_unit,1=元 2=万元), or write 元 or 万元 in this column",
			u, c.l.header(fPriceUnit))
	}
	return 0, c.rejectf(rec, line, fPriceUnit, "price unit %q is not 元 or 万元", u)
}

// money reads money field f of a row in fen: empty when the cell is; a reject when it is not
// an amount, negative or above the bound of one lot.
func (c *converter) money(rec []string, line int, f field, rowUnit money.Fen) (v money.Fen, empty bool, rej *Reject) {
	// A unit the column's own header states holds for it; a row's unit (价格单位) holds for
	// the columns that state none, before a note above the table does.
	unit := c.l.unit[f]
	if rowUnit != 0 && !c.l.stated[f] {
		unit = rowUnit
	}
	v, err := parseAmount(c.get(rec, f), unit, c.excel)
	switch {
	case errors.Is(err, errEmpty):
		return 0, true, nil
	case err != nil:
		return 0, false, c.reject(rec, line, f, c.say(err))
	case v < 0:
		return 0, false, c.rejectf(rec, line, f, "the amount is negative")
	case v > tradestat.MaxLotAmount:
		return 0, false, c.rejectf(rec, line, f, "the amount is above the bound of one lot (%s in 10k yuan)", tradestat.MaxLotAmount.Wan())
	}
	return v, false, nil
}

// procedure reads what happened before the deal (tradestat.Procedure) from the columns the
// table has. None is needed; a cell that is there must read as what its column holds, or the
// row is a reject naming it, as any other cell.
func (c *converter) procedure(rec []string, line int, p *tradestat.Procedure) *Reject {
	for _, n := range []struct {
		f     field
		dst   *int
		known *bool
	}{{fBidders, &p.Bidders, &p.BiddersKnown}, {fValid, &p.Valid, &p.ValidKnown}} {
		v, err := parseCount(c.get(rec, n.f))
		if errors.Is(err, errEmpty) {
			continue
		}
		if err != nil {
			return c.reject(rec, line, n.f, c.say(err))
		}
		*n.dst, *n.known = v, true
	}
	if p.BiddersKnown && p.ValidKnown && p.Valid > p.Bidders {
		return c.rejectf(rec, line, fValid, "%d valid bidders of %d bidders cannot be: check both columns", p.Valid, p.Bidders)
	}
	if cell := c.cell(rec, fRemote); cell != "" {
		p.Remote = c.remotes.get(cell, vocab().remoteEvaluation)
	}
	if cell := c.cell(rec, fSolicitation); cell != "" {
		p.Solicitation = c.solicitations.get(cell, vocab().solicitation)
	}
	for _, d := range []struct {
		f   field
		dst *tradestat.Date
	}{{fNotice, &p.Notice}, {fDeadline, &p.Deadline}, {fOpening, &p.Opening}} {
		v, err := parseDate(c.get(rec, d.f))
		if errors.Is(err, errEmpty) {
			continue
		}
		if err != nil {
			return c.reject(rec, line, d.f, c.say(err))
		}
		if c.today.Before(v) && d.f != fDeadline {
			return c.rejectf(rec, line, d.f, "the date is after today (%s)", c.today.String())
		}
		*d.dst = v
	}
	for _, t := range []struct {
		f   field
		dst *string
	}{{fMethod, &p.Method}, {fFailReason, &p.FailReason}, {fBuyer, &p.Buyer}} {
		v := c.get(rec, t.f)
		if len(v) > tradestat.MaxNameRunes && utf8.RuneCountInString(v) > tradestat.MaxNameRunes {
			return c.rejectf(rec, line, t.f, "the text is longer than %d characters", tradestat.MaxNameRunes)
		}
		*t.dst = v
	}
	return nil
}
