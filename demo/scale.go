package demo

import (
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
// the table sorted by code. progress, if set, is called every 100,000 lots.
func WriteScaled(w io.Writer, region division.Region, n int, progress func(done int)) error {
	rng := rand.New(rand.NewPCG(seed, 1<<40))
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
		if progress != nil && (i+1)%100000 == 0 {
			progress(i + 1)
		}
	}
	return cw.Flush()
}
