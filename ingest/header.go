package ingest

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strings"

	"tradestat"
	"tradestat/money"
)

// field is what a column of an export holds.
type field int

// The fields tradestat reads. A column that maps to none is ignored (and reported).
const (
	fNone field = iota
	fProjectCode
	fLotCode
	fDealCode
	fName
	fType
	fPlace
	fRegion
	fDate
	fBudget
	fReserve
	fBasis // one column holding the budget of tender lots and the reserve of auction lots
	fAmount
	fOnline
	fPriceUnit
	fCurrency
	fSerial
	fStatus
	// What happened before the deal (tradestat.Procedure): none is needed to load a lot.
	fBidders
	fValid
	fRemote
	fNotice
	fDeadline
	fOpening
	fCeiling
	fMethod
	fSolicitation
	fFailReason
	fBuyer
	// A bid list's own fields (one row per bid): a table that has them and a section's
	// identity but not what a lot needs is read as bids.
	fBidder
	fCreditCode
	fBidPrice
	fValidity
	fBidReason
	fWinner
	numFields
)

// fieldNames are the names mapping files and --dry-run use for the fields.
var fieldNames = [numFields]string{"", "project_code", "lot_code", "deal_code", "name", "trade_type",
	"place", "region", "deal_date", "budget", "reserve", "budget_or_reserve", "amount", "online", "price_unit", "currency", "serial", "status",
	"bidders", "valid_bidders", "remote", "notice_date", "deadline", "open_date", "ceiling", "eval_method", "procurement_method", "fail_reason", "buyer",
	"bidder", "credit_code", "bid_price", "bid_valid", "bid_reason", "winner"}

func (f field) String() string { return fieldNames[f] }

// categorical fields hold one of a few things, read by their words (values.go).
func (f field) categorical() bool {
	return f == fType || f == fStatus || f == fOnline || f == fRemote || f == fSolicitation || f == fValidity || f == fWinner
}

// bidOnly fields are read from bid lists alone, lotOnly fields from lot exports alone; the
// rest (a section's identity, its place, units) from both.
func (f field) bidOnly() bool { return f >= fBidder && f <= fWinner }

func (f field) lotOnly() bool {
	switch f {
	case fProjectCode, fLotCode, fDealCode, fName, fPlace, fRegion, fPriceUnit, fCurrency, fSerial:
		return false
	}
	return !f.bidOnly()
}

// kind is what one row of a table is: a lot (a section and its deal) or a bid.
type kind int

const (
	lotRows kind = iota
	bidRows
)

// reads reports whether a table of kind k reads field f.
func (k kind) reads(f field) bool {
	if k == bidRows {
		return !f.lotOnly()
	}
	return !f.bidOnly()
}

func (f field) isMoney() bool {
	return f == fBudget || f == fReserve || f == fBasis || f == fAmount || f == fCeiling || f == fBidPrice
}

// sharedFields are pairs of fields one column may give both of, when no other column gives the
// second: an opening date is the completion date of an export that records no other (and the
// completion date of a failed section), and a ceiling price (最高投标限价) is the budget that
// savings are computed from where an export has no budget column, as before either had a
// field of its own.
var sharedFields = [][2]field{{fDate, fOpening}, {fBudget, fCeiling}}

func parseField(s string) (field, bool) {
	for i, n := range fieldNames {
		if n != "" && n == s {
			return field(i), true
		}
	}
	return fNone, false
}

// Mapping is extra header → field entries from a --mapping file, for exports whose column
// names the built-in aliases do not know.
type Mapping map[string]mappedField

type mappedField struct {
	field field
	unit  money.Fen
	codes map[string]money.Fen // a price unit column's codes: what each means
	// values are what a categorical column's values mean where a deployment knows better
	// than the vocabulary (房建=工程建设, 9=流标): a cell, folded by plainValue, → the text read
	// in its place.
	values map[string]string
}

// LoadMapping reads a mapping file: CSV lines `header,field[,unit]`, e.g.
// `成交价(含税),amount,元`; for a price unit column, the unit is what its codes mean, e.g.
// `价格单位,price_unit,1=元 2=万元`; for a trade type, status or opening-mode column, what its
// values mean, e.g. `交易分类,trade_type,房建=工程建设 A01=政府采购`, each read as a cell of the
// column would be and required to read as one thing. Lines starting with # are comments.
func LoadMapping(path string) (Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, tradestat.FailWith(tradestat.Invalid, err, "mapping file: %v", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.Comment = '#'
	m := Mapping{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return m, nil
		}
		if err != nil {
			return nil, tradestat.FailWith(tradestat.Invalid, err, "mapping file %s: %v", path, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) < 2 {
			return nil, tradestat.Fail(tradestat.Invalid, "mapping file %s, line %d: want `header,field[,unit]`", path, line)
		}
		fld, ok := parseField(strings.TrimSpace(rec[1]))
		if !ok {
			return nil, tradestat.Fail(tradestat.Invalid, "mapping file %s, line %d: unknown field %q (fields: %s)", path, line, rec[1], strings.Join(fieldNames[1:], ", "))
		}
		mf := mappedField{field: fld}
		if fld.categorical() && len(rec) > 2 {
			pairs, ok := valuePairs(rec[2])
			if !ok {
				return nil, tradestat.Fail(tradestat.Invalid, "mapping file %s, line %d: %q: want what each value means, such as 房建=工程建设", path, line, rec[2])
			}
			for from, to := range pairs {
				if !readsAsOne(fld, to) {
					return nil, tradestat.Fail(tradestat.Invalid, "mapping file %s, line %d: %q does not read as one %s", path, line, to, fld.String())
				}
				if mf.values == nil {
					mf.values = map[string]string{}
				}
				mf.values[plainValue(from)] = to
			}
		} else if fld == fPriceUnit && len(rec) > 2 {
			if mf.codes = unitCodes(rec[2]); mf.codes == nil {
				return nil, tradestat.Fail(tradestat.Invalid, "mapping file %s, line %d: %q: want what each code means, such as 1=元 2=万元", path, line, rec[2])
			}
		} else if len(rec) > 2 {
			if mf.unit = vocab().unitNamed(rec[2]); strings.TrimSpace(rec[2]) == "" {
				mf.unit = money.Yuan
			} else if mf.unit == 0 {
				return nil, tradestat.Fail(tradestat.Invalid, "mapping file %s, line %d: unit %q is not 元 or 万元", path, line, rec[2])
			}
		}
		m[strings.TrimSpace(rec[0])] = mf
	}
}

// valuePairs reads "A=B C=D" (separated by spaces or semicolons): each value and what it
// means; false when a part is not one.
func valuePairs(s string) (map[string]string, bool) {
	parts := strings.FieldsFunc(narrow(s), func(r rune) bool { return r == ' ' || r == ';' || r == '；' })
	pairs := map[string]string{}
	for _, p := range parts {
		from, to, ok := strings.Cut(p, "=")
		from, to = strings.TrimSpace(from), strings.TrimSpace(to)
		if !ok || from == "" || to == "" {
			return nil, false
		}
		pairs[from] = to
	}
	return pairs, len(pairs) > 0
}

// readsAsOne reports whether a value of categorical field f reads as one thing.
func readsAsOne(f field, s string) bool {
	v := vocab()
	switch f {
	case fType:
		_, _, err := parseTradeType(s, nil)
		return err == nil
	case fStatus:
		_, known := v.completed(s)
		return known
	case fOnline:
		_, known := v.online(s)
		return known
	case fRemote:
		return v.remoteEvaluation(s) != tradestat.RemoteUnknown
	case fSolicitation:
		return v.solicitation(s) != tradestat.SolicitUnknown
	}
	return false
}

// unitCodes reads what a price unit column's codes mean, "1=元 2=万元"; nil when any part is
// not a code and 元 or 万元.
func unitCodes(s string) map[string]money.Fen {
	pairs, ok := valuePairs(s)
	if !ok {
		return nil
	}
	codes := map[string]money.Fen{}
	for code, unit := range pairs {
		u := vocab().unitNamed(unit)
		if u == 0 {
			return nil
		}
		codes[strings.ToLower(code)] = u
	}
	return codes
}

// column is one mapped column of an export.
type column struct {
	index  int
	header string
	field  field
	unit   money.Fen // for money fields: the unit stated (header, table note or mapping), else 元
	stated bool      // the header itself states the unit
}

// layout is how one table's columns map to fields, found from its header row (or rows).
type layout struct {
	kind       kind // lots, or a bid list
	headerLine int  // the (last) header row
	headerRows int  // 1, or 2 for a header over two rows
	columns    []column
	serials    []int          // serial-number columns (序号): known, not read
	at         [numFields]int // field → index into a record, -1 when absent
	unit       [numFields]money.Fen
	stated     [numFields]bool     // the column's own header (or the mapping file) states its unit
	tableUnit  money.Fen           // a unit note above the header (单位：万元), 0 when none
	derived    []string            // figures tradestat computes itself (节约资金 …): not read
	unread     []unreadColumn      // header cells that map to no field
	contests   []competition       // fields two columns could have been
	alt        [numFields][]int    // the columns that lost a field to its column, in priority order
	shared     [][2]field          // a field and the field whose column also gives it (sharedFields)
	sheetType  tradestat.TradeType // the one type the sheet's name names, when the table has no type column
	sheetText  string              // the sheet's name, read for that type and its sub-type
	sheetTypes []string            // the types the sheet's name allows: they settle a value that could be several
}

// recognised counts the fields a layout found (a serial column aside).
func (l layout) recognised() int {
	n := 0
	for f := fProjectCode; f < numFields; f++ {
		if l.at[f] >= 0 {
			n++
		}
	}
	return n
}

// statedUnits counts the money columns whose header states a unit.
func (l layout) statedUnits() int {
	n := 0
	for _, c := range l.columns {
		if c.stated && c.field.isMoney() {
			n++
		}
	}
	return n
}

// need is what a lot cannot do without, in the order a report names what is missing.
type need int

const (
	needIdentity need = iota
	needAmount
	needType
	needDate
	needPlace
	needBidder
)

// missing is what a layout lacks of what every lot needs: an identity (project, lot or deal
// code), the deal amount, the trade type (or a sheet named after one), the completion date
// and the trading place (or --place). Budget and reserve are not needed: without them a lot
// still counts and its amount is right, and the report says which figures are incomplete.
//
// A bid list needs the section's identity, the bidder (a name or a credit code) and the
// trading place.
func (l layout) missing(defaultPlace bool) []need {
	var miss []need
	if l.at[fProjectCode] < 0 && l.at[fLotCode] < 0 && l.at[fDealCode] < 0 {
		miss = append(miss, needIdentity)
	}
	if l.kind == bidRows {
		// A bidder's name alone is also the winning supplier of a lot export: a bid list
		// says something of the bid besides (a code, a price, whether it stood or won).
		bidOwn := false
		for _, f := range []field{fCreditCode, fBidPrice, fValidity, fBidReason, fWinner} {
			bidOwn = bidOwn || l.at[f] >= 0
		}
		if l.at[fBidder] < 0 && l.at[fCreditCode] < 0 || !bidOwn {
			miss = append(miss, needBidder)
		}
		if l.at[fPlace] < 0 && !defaultPlace {
			miss = append(miss, needPlace)
		}
		return miss
	}
	if l.at[fAmount] < 0 {
		miss = append(miss, needAmount)
	}
	if l.at[fType] < 0 && l.sheetType == "" {
		miss = append(miss, needType)
	}
	if l.at[fDate] < 0 {
		miss = append(miss, needDate)
	}
	if l.at[fPlace] < 0 && !defaultPlace {
		miss = append(miss, needPlace)
	}
	return miss
}

// maxHeaderSearch is how far below the top a header row is looked for: title rows, notes
// and blank rows come first in real exports.
const maxHeaderSearch = 50

// bufferedRow is a row read while looking for the header.
type bufferedRow struct {
	rec  []string
	line int
	err  error
}

// replay is a table whose first rows were already read: they are read again first.
type replay struct {
	table
	rows []bufferedRow
}

func (r *replay) Read() ([]string, int, error) {
	if len(r.rows) > 0 {
		b := r.rows[0]
		r.rows = r.rows[1:]
		return b.rec, b.line, b.err
	}
	return r.table.Read()
}

// findLayout reads the first rows of t and finds its header: the first row — or pair of rows,
// group labels above and names below — whose cells name everything a lot needs. A unit note
// in a row above it applies to its unit-less money columns; a table without a type column
// takes its type from a sheet named after one (a workbook with one sheet per trade type).
// Rows above the header are titles and notes, not data, and are not counted.
func findLayout(t table, opts Options) (layout, table, layout, error) {
	var rows []bufferedRow
	for len(rows) < maxHeaderSearch {
		rec, line, err := t.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if isUnreadable(err) {
			return layout{}, nil, layout{}, err
		}
		rows = append(rows, bufferedRow{rec, line, err})
	}
	var sheetType tradestat.TradeType
	var sheetTypes []string
	if t.Sheet() != "" {
		if v := vocab().trades.read(t.Sheet()); !v.conflict {
			sheetTypes = v.labels
			if l, ok := v.one(); ok {
				sheetType = tradestat.TradeType(l)
			}
		}
	}
	// A title above the header (政府采购项目成交明细) settles a value that could be several as a
	// sheet's name does, when the sheet's name does not.
	var titleTypes []string
	sheet := func(l *layout) {
		l.sheetTypes = sheetTypes
		if len(l.sheetTypes) == 0 {
			l.sheetTypes = titleTypes
		}
		if l.at[fType] < 0 && sheetType != "" {
			l.sheetType, l.sheetText = sheetType, t.Sheet()
		}
	}
	defaultPlace := opts.Place != ""
	complete := func(l layout) bool { return l.recognised() >= 3 && len(l.missing(defaultPlace)) == 0 }
	var tableUnit money.Fen
	best, bestBids := emptyLayout(), emptyLayout()
	for i, r := range rows {
		if r.err != nil {
			continue // a broken line above the header is a title or note, not data
		}
		single := assign(r.rec, opts.Mapping, tableUnit)
		sheet(&single)
		single.headerLine, single.headerRows = r.line, 1
		var pair layout
		pairOK := false
		if i+1 < len(rows) && rows[i+1].err == nil && groupRow(r.rec) && groupRow(rows[i+1].rec) {
			pair = assign(combineHeader(r.rec, rows[i+1].rec), opts.Mapping, tableUnit)
			sheet(&pair)
			pair.headerLine, pair.headerRows = rows[i+1].line, 2
			pairOK = true
		}
		if pairOK && complete(pair) {
			// The names alone may say as much: group labels are taken only when they add a
			// field or a unit (金额（万元） over 预算 | 成交).
			lower := assign(rows[i+1].rec, opts.Mapping, tableUnit)
			sheet(&lower)
			if !complete(lower) || pair.recognised() > lower.recognised() ||
				pair.recognised() == lower.recognised() && pair.statedUnits() > lower.statedUnits() {
				return pair, &replay{t, rows[i+2:]}, layout{}, nil
			}
		}
		switch {
		case complete(single):
			return single, &replay{t, rows[i+1:]}, layout{}, nil
		case single.at[fAmount] < 0:
			// A row that names a section, a bidder and no deal amount is the header of a bid
			// list (a table with a deal amount is a lot export, complete or not, and is
			// never read as bids).
			bids := assignAs(bidRows, r.rec, opts.Mapping, tableUnit)
			bids.headerLine, bids.headerRows = r.line, 1
			if bids.at[fBidder] >= 0 && bids.recognised() > bestBids.recognised() {
				bestBids = bids
			}
			if pairOK && pair.at[fAmount] < 0 {
				// 投标报价 over 小写 | 大写: the pair is the header when it names more.
				two := assignAs(bidRows, combineHeader(r.rec, rows[i+1].rec), opts.Mapping, tableUnit)
				two.headerLine, two.headerRows = rows[i+1].line, 2
				if complete(two) && (!complete(bids) || two.recognised() > bids.recognised()) {
					return two, &replay{t, rows[i+2:]}, layout{}, nil
				}
			}
			if complete(bids) {
				return bids, &replay{t, rows[i+1:]}, layout{}, nil
			}
		}
		for _, cand := range []layout{single, pair} {
			if cand.headerRows > 0 && cand.recognised() > best.recognised() {
				best = cand
			}
		}
		if u := unitNote(r.rec); u != 0 {
			tableUnit = u
		}
		if ts := titleTypesOf(r.rec); ts != nil {
			titleTypes = ts
		}
	}
	// A table that looks more like a bid list than like lots is told what a bid list lacks.
	if bestBids.recognised() > best.recognised() {
		best = bestBids
	}
	return layout{}, nil, best, errNoHeader
}

// titleTypesOf reads a title row (one text, perhaps merged across the table) for the trade
// types it names: nil for a row of several texts, or one naming none, or two outright.
func titleTypesOf(rec []string) []string {
	text := ""
	for _, c := range rec {
		switch c = strings.TrimSpace(c); {
		case c == "" || c == text:
		case text != "":
			return nil
		default:
			text = c
		}
	}
	if text == "" {
		return nil
	}
	if v := vocab().trades.read(text); !v.conflict {
		return v.labels
	}
	return nil
}

// errNoHeader is a table in which no row names everything a lot needs.
var errNoHeader = errors.New("no header row")

// emptyLayout is a layout with no column.
func emptyLayout() layout {
	var l layout
	for i := range l.at {
		l.at[i] = -1
	}
	return l
}
