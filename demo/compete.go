package demo

import (
	_ "embed"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sync"

	"go.yaml.in/yaml/v2"

	"tradestat"
	"tradestat/division"
)

// What happened before the demo's deals: each lot's bidders, evaluation, notice, deadline and
// opening, and the sections that failed. It is drawn from random streams of its own, after
// the deals, so that the deals — and every published figure they reproduce — stay exactly as
// they were; failed sections count in no deal figure.

// competeStream is the first random stream of the procedures (the deals use 0 … 1000+).
const competeStream = 1 << 20

// remoteShare is the share, in percent, of a Baoshan year's evaluated sections (工程建设 and
// 政府采购) evaluated remotely; no figure of Baoshan's is published.
const remoteShare = 20

// failedPerHundred is how many tender sections fail for every hundred that complete.
const failedPerHundred = 6

// evaluated reports a lot whose bids experts evaluate, remotely or not: the two families
// Yunnan counts 远程异地评标 for.
func evaluated(l tradestat.Lot) bool {
	return !l.Cancelled && (l.Type == tradestat.Construction || l.Type == tradestat.Procurement)
}

// proceed gives the year's lots their procedures, with share percent of the evaluated ones
// remote (0: none, for the caller to place), and returns the year's failed sections, for the
// caller to number apart from the deals (platform + "F") so that no deal's code changes.
func proceed(rng *rand.Rand, lots []tradestat.Lot, share int) []tradestat.Lot {
	var failed []tradestat.Lot
	for i := range lots {
		l := &lots[i]
		procedureOf(rng, l)
		if evaluated(*l) {
			l.Procedure.Remote = tradestat.RemoteNo
			if rng.IntN(100) < share {
				l.Procedure.Remote = tradestat.RemoteYes
			}
		}
		if l.Type.Kind() == tradestat.Tender && rng.IntN(100) < failedPerHundred {
			failed = append(failed, failure(rng, *l))
		}
	}
	sortByDate(failed)
	return failed
}

// procedureOf draws a completed lot's procedure: opened within its deal's month, a few days
// before it; a notice three to five weeks before the deadline (one in thirty under the legal
// minimum, as real registers show); bidders skewed like real sections'; for tender lots the
// ceiling price at the budget.
func procedureOf(rng *rand.Rand, l *tradestat.Lot) {
	p := &l.Procedure
	p.Opening = l.DealDate.AddDays(-rng.IntN(8))
	if first := (tradestat.Date{Year: l.DealDate.Year, Month: l.DealDate.Month, Day: 1}); p.Opening.Before(first) {
		p.Opening = first
	}
	p.Deadline = p.Opening
	submission := 20 + rng.IntN(16)
	if rng.IntN(30) == 0 {
		submission = 10 + rng.IntN(10)
	}
	p.Notice = p.Deadline.AddDays(-submission)
	p.Bidders = bidders(rng, l.Type)
	p.Valid = max(1, p.Bidders-rng.IntN(3))
	if p.Valid > p.Bidders {
		p.Valid = p.Bidders
	}
	p.BiddersKnown, p.ValidKnown = true, true
	if l.Type == tradestat.Construction {
		p.Ceiling = l.Budget
	}
	if methods := procedureWords().Methods[string(l.Type)]; len(methods) > 0 {
		p.Method = pick(rng, methods)
	}
}

// words are demo/procedures.yaml: the evaluation methods, buyers, firms and failure reasons the
// demo writes.
type words struct {
	Methods map[string][]string `yaml:"methods"`
	Buyers  map[string][]string `yaml:"buyers"`
	// Solicitations are each type's procurement methods, their shares and periods.
	Solicitations map[string][]struct {
		Method string `yaml:"method"`
		Share  int    `yaml:"share"`
		Period int    `yaml:"period"`
	} `yaml:"solicitations"`
	Firms struct {
		Words      []string            `yaml:"words"`
		Trades     map[string][]string `yaml:"trades"`
		Rejections []string            `yaml:"rejections"`
		Generic    []string            `yaml:"generic"` // the trade of the scaled lots' firms of other types
		Yes        string              `yaml:"yes"`
		No         string              `yaml:"no"`
	} `yaml:"firms"`
	Failures struct {
		NoBidders     string `yaml:"no_bidders"`
		TooFew        string `yaml:"too_few"`
		NoneQualified string `yaml:"none_qualified"`
	} `yaml:"failures"`
}

//go:embed procedures.yaml
var proceduresYAML []byte

// procedureWords reads the file; it is the product's own, so a file it cannot read is a fault
// of the build, and panics.
var procedureWords = sync.OnceValue(func() words {
	var w words
	if err := yaml.UnmarshalStrict(proceduresYAML, &w); err != nil {
		panic("demo: procedures.yaml: " + err.Error())
	}
	return w
})

// buyerOf is who put l out: its place's name and one of the buyers of its type, chosen by its
// codes rather than drawn, so that the random streams, and every figure drawn from them, stay
// as they were.
func buyerOf(tree *division.Tree, l tradestat.Lot) string {
	buyers := procedureWords().Buyers[string(l.Type)]
	if len(buyers) == 0 {
		return ""
	}
	place := l.PlaceCode
	if d, ok := tree.Code(place); ok {
		place = d.Name
	}
	h := fnv.New32a()
	fmt.Fprintf(h, "%s %s", l.ProjectCode, l.LotCode)
	return place + buyers[h.Sum32()%uint32(len(buyers))]
}

// seek gives l the procurement method of its type (procedures.yaml) its codes choose — chosen,
// as buyerOf chooses, so that the random streams stay as they were — and the submission period
// of that method: the one drawn for it, shortened by the method's share of an open tender's.
func seek(l *tradestat.Lot) {
	methods := procedureWords().Solicitations[string(l.Type)]
	if len(methods) == 0 {
		return
	}
	h := fnv.New32a()
	fmt.Fprintf(h, "%s %s", l.ProjectCode, l.LotCode)
	n := int(h.Sum32() % 100)
	for _, m := range methods {
		if n -= m.Share; n >= 0 {
			continue
		}
		l.Procedure.Solicitation, _ = tradestat.SolicitationNamed(m.Method)
		p := &l.Procedure
		if !p.Notice.IsZero() && !p.Deadline.IsZero() {
			p.Notice = p.Deadline.AddDays(-max(1, p.Notice.DaysUntil(p.Deadline)*m.Period/100))
		}
		return
	}
}

// bidders draws a section's number of bidders: construction draws the most, sales the fewest.
func bidders(rng *rand.Rand, t tradestat.TradeType) int {
	switch {
	case t == tradestat.Construction:
		return 1 + rng.IntN(4) + rng.IntN(4)*rng.IntN(4)
	case t.Kind() == tradestat.Tender:
		return 1 + rng.IntN(3) + rng.IntN(3)
	}
	return 1 + rng.IntN(3)
}

// failure is a section of the same kind as l, opened within its month, that failed.
func failure(rng *rand.Rand, l tradestat.Lot) tradestat.Lot {
	f := tradestat.Lot{Type: l.Type, PlaceCode: l.PlaceCode, RegionCode: l.RegionCode, Cancelled: true}
	f.DealDate = tradestat.Date{Year: l.DealDate.Year, Month: l.DealDate.Month, Day: 1 + rng.IntN(tradestat.DaysIn(l.DealDate.Year, l.DealDate.Month))}
	f.Budget = l.Budget
	p := &f.Procedure
	p.Opening, p.Deadline = f.DealDate, f.DealDate
	p.Notice = p.Deadline.AddDays(-(20 + rng.IntN(10)))
	p.Bidders = rng.IntN(3)
	p.Valid = min(p.Bidders, rng.IntN(2))
	p.BiddersKnown, p.ValidKnown = true, true
	w := procedureWords().Failures
	switch {
	case p.Bidders == 0:
		p.FailReason = w.NoBidders
	case p.Valid == 0:
		p.FailReason = w.NoneQualified
	default:
		p.FailReason = w.TooFew
	}
	return f
}

// placeRemote marks exactly want of the evaluated lots of a period remote, the rest local.
func placeRemote(rng *rand.Rand, lots []*tradestat.Lot, want int) bool {
	if want < 0 || want > len(lots) {
		return false
	}
	for i, j := range rng.Perm(len(lots)) {
		lots[j].Procedure.Remote = tradestat.RemoteNo
		if i < want {
			lots[j].Procedure.Remote = tradestat.RemoteYes
		}
	}
	return true
}
