package demo

import (
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"tradestat"
	"tradestat/division"
	"tradestat/ingest"
	"tradestat/money"
)

// WriteScaled streams n synthetic lots of the region (2019–2023, every place and type, plausible sizes) as
// a canonical CSV, for measuring ingest and dashboard speed at any scale. They are not
// calibrated to published figures. As on real platforms, project codes are given out in
// date order (within each trade type's prefix), so that a period's lots lie together in
// the table sorted by code. With bids set, the lots' bid lists go there as one bid list file
// (about six bids a lot: the winner's at the deal amount, the others above it, one in eight
// of them rejected), drawn from a random stream of their own so that the lots are the same
// with or without them. progress, if set, is called every 100,000 lots.
func WriteScaled(w, bids io.Writer, region division.Region, n int, progress func(done int)) error {
	rng := rand.New(rand.NewPCG(seed, 1<<40))
	var bw *scaledBids
	if bids != nil {
		bw = newScaledBids(bids, region)
	}
	places := placesOf(region.Root(), nil)
	types := tradestat.TradeTypes()
	first := day(2019, 1, 1).Time()
	prefixes, subjects := map[tradestat.TradeType]string{}, map[tradestat.TradeType][]string{}
	for _, t := range types {
		prefixes[t], subjects[t] = typePrefix(t), typeSubjects(t)
	}
	cw := ingest.NewCanonicalWriter(w)
	for i := range n {
		t := types[rng.IntN(len(types))]
		amount := money.Fen((1+rng.IntN(5000))*(1+rng.IntN(200))) * 100 * money.Yuan / 100
		l := tradestat.Lot{
			ProjectCode: fmt.Sprintf("S%s%09d", prefixes[t], i),
			LotCode:     "001",
			Name:        subjects[t][i%len(subjects[t])],
			Type:        t,
			PlaceCode:   pick(rng, places),
			DealDate:    tradestat.DateOf(first.Add(time.Duration(i*5*365/n) * 24 * time.Hour)),
			Amount:      amount,
			Online:      t.Kind() == tradestat.Tender && rng.IntN(4) == 0,
		}
		l.RegionCode = l.PlaceCode
		switch t.Kind() {
		case tradestat.Tender:
			l.Budget = amount + amount/money.Fen(10+rng.IntN(40))
		case tradestat.Auction:
			l.Reserve = amount - amount/money.Fen(10+rng.IntN(40))
		}
		if err := cw.Write(l); err != nil {
			return err
		}
		if bw != nil {
			if err := bw.write(l); err != nil {
				return err
			}
		}
		if progress != nil && (i+1)%100000 == 0 {
			progress(i + 1)
		}
	}
	if bw != nil {
		if err := bw.flush(); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// scaledBids writes the bid lists of scaled lots.
type scaledBids struct {
	rng   *rand.Rand
	tree  *division.Tree
	w     *csv.Writer
	words words
}

func newScaledBids(w io.Writer, region division.Region) *scaledBids {
	io.WriteString(w, bidHeader+"\n")
	return &scaledBids{rng: rand.New(rand.NewPCG(seed, bidStream+1<<30)), tree: region.Tree(), w: csv.NewWriter(w), words: procedureWords()}
}

// write writes the bid list of l: 1–11 bids from firms of its place and trade (a plain
// company for the types whose trades the demo does not name), a few of which win more often.
func (b *scaledBids) write(l tradestat.Lot) error {
	trades := b.words.Firms.Trades[string(l.Type)]
	if len(trades) == 0 {
		trades = b.words.Firms.Generic
	}
	if l.Amount <= 0 {
		return nil
	}
	pool := len(b.words.Firms.Words) * len(trades)
	n := min(1+b.rng.IntN(11), pool)
	winner := b.rng.IntN(pool)
	if b.rng.IntN(2) == 0 {
		winner = b.rng.IntN(max(1, pool/6))
	}
	yes, no := b.words.Firms.Yes, b.words.Firms.No
	for i := range n {
		f, price, valid, reason, won := (winner+i*7)%pool, above(b.rng, l.Amount), yes, "", no
		if i == 0 {
			price, won = l.Amount, yes
		} else if b.rng.IntN(8) == 0 {
			valid, reason = no, pick(b.rng, b.words.Firms.Rejections)
		}
		name, code := firm(b.tree, l, trades, f)
		if err := b.w.Write([]string{l.ProjectCode, l.LotCode, l.PlaceCode, name, code, price.Yuan(), valid, reason, won}); err != nil {
			return err
		}
	}
	return nil
}

func (b *scaledBids) flush() error {
	b.w.Flush()
	return b.w.Error()
}
