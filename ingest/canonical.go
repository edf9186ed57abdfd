package ingest

import (
	"encoding/csv"
	"io"
	"strconv"

	"tradestat"
	"tradestat/money"
)

// The columns of the canonical layout: tradestat's own CSV form of lots, which the demo
// dataset uses and which any export can be converted to. Amounts are in 元 with at most two
// decimals; dates are YYYY-MM-DD in Asia/Shanghai; online is 1/0. The reader knows these names
// as aliases like any other export's.
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
	// What happened before the deal: empty where the lot does not say.
	colStatus   = "status" // completed or cancelled
	colOpening  = "open_date"
	colNotice   = "notice_date"
	colDeadline = "deadline"
	colBidders  = "bidders"
	colValid    = "valid_bidders"
	colRemote   = "remote" // 1 or 0
	colCeiling  = "ceiling_yuan"
	colMethod   = "eval_method"
	colSolicit  = "procurement_method" // open, invited, negotiated, consultation, inquiry, single_source
	colReason   = "fail_reason"
	colBuyer    = "buyer"
)

// CanonicalColumns lists the canonical header in the order WriteCanonical writes it.
func CanonicalColumns() []string {
	return []string{colProjectCode, colLotCode, colName, colTradeType, colPlaceCode, colRegionCode,
		colDealDate, colBudget, colReserve, colAmount, colOnline, colStatus, colOpening, colNotice, colDeadline,
		colBidders, colValid, colRemote, colCeiling, colMethod, colSolicit, colReason, colBuyer}
}

// WriteCanonical writes lots as a canonical CSV (UTF-8, no BOM, header first).
func WriteCanonical(w io.Writer, lots []tradestat.Lot) error {
	cw := NewCanonicalWriter(w)
	for _, l := range lots {
		if err := cw.Write(l); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// CanonicalWriter streams lots as a canonical CSV, for files too large to hold in memory.
type CanonicalWriter struct {
	cw      *csv.Writer
	started bool
}

// NewCanonicalWriter starts a canonical CSV on w; the header goes out with the first lot.
func NewCanonicalWriter(w io.Writer) *CanonicalWriter { return &CanonicalWriter{cw: csv.NewWriter(w)} }

// Write adds one lot.
func (c *CanonicalWriter) Write(l tradestat.Lot) error {
	if !c.started {
		c.started = true
		if err := c.cw.Write(CanonicalColumns()); err != nil {
			return err
		}
	}
	online := "0"
	if l.Online {
		online = "1"
	}
	status := "completed"
	if l.Cancelled {
		status = "cancelled"
	}
	p := l.Procedure
	remote := map[tradestat.Remote]string{tradestat.RemoteYes: "1", tradestat.RemoteNo: "0"}[p.Remote]
	return c.cw.Write([]string{l.ProjectCode, l.LotCode, l.Name, string(l.Type), l.PlaceCode, l.RegionCode,
		l.DealDate.String(), optionalYuan(l.Budget), optionalYuan(l.Reserve), l.Amount.Yuan(), online,
		status, optionalDate(p.Opening), optionalDate(p.Notice), optionalDate(p.Deadline),
		optionalCount(p.Bidders, p.BiddersKnown), optionalCount(p.Valid, p.ValidKnown), remote,
		optionalYuan(p.Ceiling), p.Method, p.Solicitation.String(), p.FailReason, p.Buyer})
}

func optionalDate(d tradestat.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func optionalCount(n int, known bool) string {
	if !known {
		return ""
	}
	return strconv.Itoa(n)
}

// Flush writes out what is buffered (and the header, for a file of no lots).
func (c *CanonicalWriter) Flush() error {
	if !c.started {
		c.started = true
		if err := c.cw.Write(CanonicalColumns()); err != nil {
			return err
		}
	}
	c.cw.Flush()
	return c.cw.Error()
}

func optionalYuan(f money.Fen) string {
	if f == 0 {
		return ""
	}
	return f.Yuan()
}
