package ingest

import (
	"unicode/utf8"

	"tradestat"
)

// bid converts one data row of a bid list. As for lots, every check happens before anything
// is kept: a row is a whole bid or a reject.
func (c *converter) bid(rec []string, line int) (tradestat.Bid, *Reject) {
	b := tradestat.Bid{BidderName: c.get(rec, fBidder), SourceFile: c.file, SourceRow: line}
	var rej *Reject
	if b.ProjectCode, b.LotCode, rej = c.identity(rec, line); rej != nil {
		return b, rej
	}
	if len(b.BidderName) > tradestat.MaxNameRunes && utf8.RuneCountInString(b.BidderName) > tradestat.MaxNameRunes {
		return b, c.rejectf(rec, line, fBidder, "the name is longer than %d characters", tradestat.MaxNameRunes)
	}
	if code := c.get(rec, fCreditCode); code != "" {
		b.BidderCode = tradestat.NormalCreditCode(code)
		if err := tradestat.CheckCreditCode(b.BidderCode); err != nil {
			return b, c.reject(rec, line, fCreditCode, c.say(err))
		}
	}
	if b.BidderName == "" && b.BidderCode == "" {
		f := fBidder
		if c.l.at[f] < 0 {
			f = fCreditCode
		}
		return b, c.rejectf(rec, line, f, "the bidder is empty: the row names neither its name nor its unified social credit code")
	}
	if cur := c.get(rec, fCurrency); cur != "" && !isYuan(cur) {
		return b, c.rejectf(rec, line, fCurrency, "currency %q is not 人民币 (CNY); convert before loading", cur)
	}
	placeText := c.get(rec, fPlace)
	if placeText == "" {
		placeText = c.defaultPlace
	}
	var err error
	if b.PlaceCode, err = c.place(placeText); err != nil {
		return b, c.reject(rec, line, fPlace, c.reason(err, "the trading place is empty (give --place CODE for a one-centre file)"))
	}
	unit, rej := c.rowUnit(rec, line)
	if rej != nil {
		return b, rej
	}
	if c.l.at[fBidPrice] >= 0 {
		if b.Price, _, rej = c.money(rec, line, fBidPrice, unit); rej != nil {
			return b, rej
		}
	}
	v := vocab()
	if cell := c.cell(rec, fValidity); cell != "" {
		if ok, said := polar(v.validity, cell, c.validHeader, bidValid); said {
			b.Validity = tradestat.BidRejected
			if ok {
				b.Validity = tradestat.BidValid
			}
		}
	}
	b.RejectReason = c.get(rec, fBidReason)
	if len(b.RejectReason) > tradestat.MaxNameRunes && utf8.RuneCountInString(b.RejectReason) > tradestat.MaxNameRunes {
		return b, c.rejectf(rec, line, fBidReason, "the text is longer than %d characters", tradestat.MaxNameRunes)
	}
	if vocab().blank(b.RejectReason) {
		b.RejectReason = "" // a placeholder in a reason column: no reason
	} else if b.Validity == tradestat.ValidityUnknown && c.l.at[fValidity] < 0 {
		b.Validity = tradestat.BidRejected // a list that marks rejected bids by their reason alone
	}
	if cell := c.cell(rec, fWinner); cell != "" {
		if won, said := polar(v.winner, cell, c.winHeader, bidWon); said {
			b.Winner = tradestat.AwardLost
			if won {
				b.Winner = tradestat.AwardWon
			}
		}
	}
	if b.Winner == tradestat.AwardWon && b.Validity == tradestat.BidRejected {
		return b, c.rejectf(rec, line, fWinner, "the bid is marked both rejected and winning: check both columns")
	}
	return b, nil
}

// headerReading is what a yes-or-no column's own header reads as in lexicon lx (是否有效 is
// valid, 是否被否决 rejected), "" when it reads as neither.
func headerReading(lx *lexicon, header string) string {
	if header == "" {
		return ""
	}
	l, _ := lx.read(header).one()
	return l
}

// isYuan reports a currency cell that names the yuan.
func isYuan(cur string) bool {
	for _, y := range vocab().Yuan {
		if plainValue(cur) == y {
			return true
		}
	}
	return false
}
