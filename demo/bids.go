package demo

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"math/rand/v2"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
)

// The demo's bid lists: one for each completed section whose bidders the demo drew, as a
// platform's 开标记录 would give it, loaded as a bid list of its own after the year's lots.
// They are drawn from random streams of their own, so that the lots stay as they were.

// bidStream is the first random stream of the bids (the procedures use competeStream …).
const bidStream = 1 << 21

// bidsOf draws the bid lists of a year's completed sections: as many bids as the section had
// bidders, the winner's at the deal amount and the others above it (most a few percent, now
// and then very close or far above, now and then two at one price), as many of the others
// disqualified as the section had bidders that were not valid. Firms come from a pool per
// place and trade, a few of which win more often, as real registers show.
func bidsOf(tree *division.Tree, year int, lots []tradestat.Lot) []tradestat.Bid {
	rng := rand.New(rand.NewPCG(seed, bidStream+uint64(year)))
	w := procedureWords()
	var out []tradestat.Bid
	for _, l := range lots {
		trades := w.Firms.Trades[string(l.Type)]
		p := l.Procedure
		if l.Cancelled || !p.BiddersKnown || p.Bidders == 0 || len(trades) == 0 || l.Amount <= 0 {
			continue
		}
		pool := len(w.Firms.Words) * len(trades)
		winner := rng.IntN(pool)
		if rng.IntN(2) == 0 {
			winner = rng.IntN(max(1, pool/6)) // the firms that win often
		}
		firms := []int{winner}
		for _, f := range rng.Perm(pool) {
			if len(firms) == min(p.Bidders, pool) {
				break
			}
			if f != winner {
				firms = append(firms, f)
			}
		}
		samePrice := len(firms) >= 3 && rng.IntN(40) == 0
		for i, f := range firms {
			b := tradestat.Bid{ProjectCode: l.ProjectCode, LotCode: l.LotCode, PlaceCode: l.PlaceCode,
				Validity: tradestat.BidValid, Winner: tradestat.AwardLost, Price: above(rng, l.Amount)}
			b.BidderName, b.BidderCode = firm(tree, l, trades, f)
			switch {
			case i == 0:
				b.Price, b.Winner = l.Amount, tradestat.AwardWon
			case i <= p.Bidders-p.Valid:
				b.Validity, b.RejectReason = tradestat.BidRejected, pick(rng, w.Firms.Rejections)
			}
			if samePrice && i == 2 {
				b.Price = out[len(out)-1].Price
			}
			out = append(out, b)
		}
	}
	return out
}

// above is a losing bid's price: most 2–4% above the winning one, one in thirty
// within a few hundredths of a percent, one in thirty a third or more above; whole yuan.
func above(rng *rand.Rand, amount money.Fen) money.Fen {
	bp := int64(200 + rng.IntN(200))
	switch rng.IntN(30) {
	case 0:
		bp = int64(1 + rng.IntN(4))
	case 1:
		bp = int64(3300 + rng.IntN(1500))
	}
	return (amount + amount*money.Fen(bp)/10000) / 100 * 100
}

// firm is the name and credit code of firm f of a section's place and trade: the place's
// name, a word and a line of business; "91" (an enterprise), the place's code, an
// organisation code drawn from the three, and the check character.
func firm(tree *division.Tree, l tradestat.Lot, trades []string, f int) (string, string) {
	w := procedureWords().Firms.Words
	place := l.PlaceCode
	if d, ok := tree.Code(place); ok {
		place = d.Name
	}
	name := place + w[f%len(w)] + trades[f/len(w)%len(trades)]
	h := fnv.New32a()
	fmt.Fprintf(h, "%s %s %d", l.PlaceCode, l.Type, f)
	first := "91" + l.PlaceCode + fmt.Sprintf("%09d", h.Sum32()%1000000000)
	return name, first + string(tradestat.CreditCodeCheck(first))
}

// bidHeader is the header of the demo's bid lists, as a platform's 开标记录 names its columns.
const bidHeader = "项目编号,标段编号,交易地点,投标人名称,统一社会信用代码,投标报价（元）,是否有效,否决原因,是否中标"

// BidsCSV is the year's bid lists as a CSV file.
func (y Year) BidsCSV() ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	buf.WriteString(bidHeader + "\n")
	marks := procedureWords().Firms
	yesNo := func(yes bool) string {
		if yes {
			return marks.Yes
		}
		return marks.No
	}
	for _, b := range y.Bids {
		if err := w.Write([]string{b.ProjectCode, b.LotCode, b.PlaceCode, b.BidderName, b.BidderCode, b.Price.Yuan(),
			yesNo(b.Validity == tradestat.BidValid), b.RejectReason, yesNo(b.Winner == tradestat.AwardWon)}); err != nil {
			return nil, fmt.Errorf("render %s: %w", y.BidsFileName(), err)
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// BidsFileName is the name the year's bid lists are loaded under.
func (y Year) BidsFileName() string {
	return fmt.Sprintf("%s-bids.csv", y.FileName()[:len(y.FileName())-len(".csv")])
}
