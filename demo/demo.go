// Package demo generates tradestat's demo dataset: deterministic synthetic lots for Baoshan,
// 2019–2023, calibrated so that the published figures (T1 for 2021, T2 for January–August
// 2020; docs/domain.md) come out exactly, and for the whole of Yunnan around it, calibrated to
// the province's published 2022 figures (T4), and loads it through the ordinary ingest path.
// A region within Yunnan gets the part of the province's dataset that lies within it.
//
// Each lot gets a random type, place, day and size; the calibrated totals are then spread over
// the lots in proportion to those sizes with integer arithmetic and a largest-remainder rule,
// so the sums are exact to the 元 by construction, not by luck.
package demo

import (
	"bytes"
	"context"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"sort"

	"tradestat"
	"tradestat/commit"
	"tradestat/division"
	"tradestat/ingest"
	"tradestat/money"
)

// seed fixes the dataset: the same seed gives the same lots on every machine.
const seed = 20211231

// Year is the demo lots completed in one calendar year.
type Year struct {
	Year   int
	Region string // the code of the region the lots are of
	Lots   []tradestat.Lot
	Bids   []tradestat.Bid // the bid lists of its completed sections
}

// FileName is the name the year's lots are loaded under: demo-2021.csv for Baoshan's, as it
// always was, demo-530000-2022.csv for another region's.
func (y Year) FileName() string {
	if y.Region == baoshan {
		return fmt.Sprintf("demo-%d.csv", y.Year)
	}
	return fmt.Sprintf("demo-%s-%d.csv", y.Region, y.Year)
}

// CSV renders the year's lots in the canonical layout.
func (y Year) CSV() ([]byte, error) {
	var buf bytes.Buffer
	if err := ingest.WriteCanonical(&buf, y.Lots); err != nil {
		return nil, fmt.Errorf("render %s: %w", y.FileName(), err)
	}
	return buf.Bytes(), nil
}

// The two regions the demo is calibrated for.
const (
	baoshan = "530500"
	yunnan  = "530000"
)

// Dataset generates the demo lots of the region, grouped by year in date order: Baoshan's
// for Baoshan and the counties in it, Yunnan's (Baoshan's among them, unchanged) for Yunnan
// and any other area in it. There is none for a region outside Yunnan.
func Dataset(region division.Region) ([]Year, error) {
	tree := region.Tree()
	bs, _ := tree.Code(baoshan)
	yn, _ := tree.Code(yunnan)
	root := region.Root()
	if !root.Within(yn) {
		return nil, tradestat.Fail(tradestat.Invalid, "the demo dataset covers 云南省 (530000) and the areas in it, not %s (%s): load your own exports with tradestat ingest", root.FullName(), root.Code)
	}
	byYear := map[int][]tradestat.Lot{}
	for i, s := range segments() {
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		byYear[s.from.Year] = append(byYear[s.from.Year], s.generate(rng, tree, baoshanPlaces(bs))...)
	}
	for y, lots := range byYear {
		sortByDate(lots)
		number(tree, "BS", y, lots)
		failed := proceed(rand.New(rand.NewPCG(seed, competeStream+uint64(y))), lots, remoteShare)
		number(tree, "BSF", y, failed)
		byYear[y] = append(lots, failed...)
		sortByDate(byYear[y])
	}
	if !root.Within(bs) {
		rest, err := provinceLots(tree, yn, bs, byYear)
		if err != nil {
			return nil, err
		}
		for y, lots := range rest {
			byYear[y] = append(byYear[y], lots...)
			sortByDate(byYear[y])
		}
	}
	var years []Year
	for y, lots := range byYear {
		var in []tradestat.Lot
		for _, l := range lots {
			if p, ok := tree.Code(l.PlaceCode); ok && p.Within(root) {
				l.Procedure.Buyer = buyerOf(tree, l)
				seek(&l)
				in = append(in, l)
			}
		}
		if len(in) > 0 {
			years = append(years, Year{Year: y, Region: root.Code, Lots: in, Bids: bidsOf(tree, y, in)})
		}
	}
	sort.Slice(years, func(i, j int) bool { return years[i].Year < years[j].Year })
	return years, nil
}

func sortByDate(lots []tradestat.Lot) {
	sort.SliceStable(lots, func(i, j int) bool { return lots[i].DealDate.Before(lots[j].DealDate) })
}

// Load loads the region's demo dataset through loader, one file per year. Loading it again
// replaces every lot with itself, so no figure changes.
func Load(ctx context.Context, loader *commit.Loader, region division.Region) ([]ingest.Report, error) {
	years, err := Dataset(region)
	if err != nil {
		return nil, err
	}
	// A cluster takes no bid lists yet: its demo has lots alone (docs/competition.md).
	bids, err := loader.TakesBids(ctx)
	if err != nil {
		return nil, err
	}
	var reports []ingest.Report
	for _, y := range years {
		body, err := y.CSV()
		if err != nil {
			return reports, err
		}
		rep, err := loader.Load(ctx, ingest.Source{Name: y.FileName(), Data: body, Demo: true}, ingest.Options{})
		if err != nil {
			return reports, err
		}
		reports = append(reports, rep)
		if !bids {
			continue
		}
		if body, err = y.BidsCSV(); err != nil {
			return reports, err
		}
		if rep, err = loader.Load(ctx, ingest.Source{Name: y.BidsFileName(), Data: body, Demo: true}, ingest.Options{}); err != nil {
			return reports, err
		}
		reports = append(reports, rep)
	}
	return reports, nil
}

// generate makes the segment's lots with its exact totals, at the places given (the
// segment's own, when it has them).
func (s segment) generate(rng *rand.Rand, tree *division.Tree, places []string) []tradestat.Lot {
	if s.places != nil {
		places = s.places
	}
	types := s.types
	if types == nil {
		types = familyTypes(s.family)
	}
	lots := make([]tradestat.Lot, s.projects)
	days := s.days()
	sizes := make([]uint64, len(lots))
	for i := range lots {
		l := &lots[i]
		l.Type = pick(rng, types)
		l.PlaceCode = pick(rng, places)
		l.RegionCode = l.PlaceCode
		// A city's or a province's own trades concern a project in one of its counties.
		for p, _ := tree.Code(l.RegionCode); p != nil && len(p.Children) > 0; p, _ = tree.Code(l.RegionCode) {
			l.RegionCode = pick(rng, p.Children).Code
		}
		l.DealDate = pick(rng, days)
		// Sizes skewed like real lots: many small, a few large. Integers only.
		sizes[i] = uint64((60 + rng.IntN(40)) * (4 + rng.IntN(40)) * (1 + rng.IntN(8)))
	}
	if s.savings > 0 && !anyKind(lots, tradestat.Tender) {
		lots[0].Type = tradestat.Medicine // the family's savings need a tender-type lot
	}
	amounts := allocate(s.amount, sizes)
	for i := range lots {
		lots[i].Amount = money.Fen(amounts[i]) * money.Yuan
	}
	// Savings and premium are spread in proportion to amount × a random rate (1–4), so rates
	// vary between lots but stay within a few times the segment's average.
	spread := func(kind tradestat.Kind, total int64, set func(l *tradestat.Lot, yuan int64)) {
		idx := indicesOf(lots, kind)
		w := make([]uint64, len(idx))
		for j, i := range idx {
			w[j] = uint64(amounts[i]) * uint64(1+rng.IntN(4))
		}
		for j, v := range allocate(total, w) {
			set(&lots[idx[j]], v)
		}
	}
	spread(tradestat.Tender, s.savings, func(l *tradestat.Lot, v int64) { l.Budget = l.Amount + money.Fen(v)*money.Yuan })
	spread(tradestat.Auction, s.premium, func(l *tradestat.Lot, v int64) { l.Reserve = l.Amount - money.Fen(v)*money.Yuan })
	tender := indicesOf(lots, tradestat.Tender)
	rng.Shuffle(len(tender), func(i, j int) { tender[i], tender[j] = tender[j], tender[i] })
	for _, i := range tender[:s.online] {
		lots[i].Online = true
	}
	return lots
}

// days lists the segment's days, each as often as its month's weight: fewer trades around the
// Spring Festival, more in the second half as budgets must be spent.
func (s segment) days() []tradestat.Date {
	monthWeight := [13]int{0, 5, 4, 8, 8, 9, 9, 8, 8, 9, 9, 10, 13}
	var out []tradestat.Date
	for t := s.from.Time(); !t.After(s.to.Time()); t = t.AddDate(0, 0, 1) {
		for range monthWeight[t.Month()] {
			out = append(out, tradestat.DateOf(t))
		}
	}
	return out
}

func familyTypes(f tradestat.Family) []tradestat.TradeType {
	switch f {
	case tradestat.FamilyConstruction:
		return []tradestat.TradeType{tradestat.Construction}
	case tradestat.FamilyProcurement:
		return []tradestat.TradeType{tradestat.Procurement}
	case tradestat.FamilyAuction: // land most often, mining rights least
		return []tradestat.TradeType{tradestat.Land, tradestat.Land, tradestat.Land, tradestat.Land,
			tradestat.StateProp, tradestat.StateProp, tradestat.Confiscated, tradestat.Confiscated, tradestat.Mining}
	}
	return []tradestat.TradeType{tradestat.Medicine, tradestat.Medicine, tradestat.Medicine, tradestat.OtherType, tradestat.OtherType}
}

// baoshanPlaces repeats each of Baoshan's trading places by its share of trades: the city
// centre most, 隆阳 and 腾冲 next (shares of the city's and its five counties' centres, in the
// table's order).
func baoshanPlaces(bs *division.Division) []string {
	shares := []int{30, 20, 10, 10, 12, 18}
	var out []string
	for i, d := range append([]*division.Division{bs}, bs.Children...) {
		for range shares[i] {
			out = append(out, d.Code)
		}
	}
	return out
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func anyKind(lots []tradestat.Lot, k tradestat.Kind) bool { return len(indicesOf(lots, k)) > 0 }

func indicesOf(lots []tradestat.Lot, k tradestat.Kind) []int {
	var idx []int
	for i, l := range lots {
		if l.Type.Kind() == k {
			idx = append(idx, i)
		}
	}
	return idx
}

// allocate splits total into parts proportional to weights that add up to total exactly:
// each part is rounded down, and the units left over go to the parts with the largest
// remainders (ties to the earlier part).
func allocate(total int64, weights []uint64) []int64 {
	parts := make([]int64, len(weights))
	if total == 0 || len(weights) == 0 {
		return parts
	}
	var sum uint64
	for _, w := range weights {
		sum += w
	}
	rems := make([]uint64, len(weights))
	var given int64
	for i, w := range weights {
		hi, lo := bits.Mul64(uint64(total), w)
		q, r := bits.Div64(hi, lo, sum) // total·w/sum ≤ total, so no overflow
		parts[i], rems[i] = int64(q), r
		given += int64(q)
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rems[order[a]] > rems[order[b]] })
	for k := 0; given < total; k++ {
		parts[order[k]]++
		given++
	}
	return parts
}

// number gives the year's lots their codes and names in date order: project codes as the
// platform prints them (BSGC2021-0001 …, after the platform's code), one lot per project.
func number(tree *division.Tree, platform string, year int, lots []tradestat.Lot) {
	seq := map[string]int{}
	for i := range lots {
		l := &lots[i]
		prefix := typePrefix(l.Type)
		seq[prefix]++
		l.ProjectCode = fmt.Sprintf("%s%s%d-%04d", platform, prefix, year, seq[prefix])
		l.LotCode = "001"
		subjects := typeSubjects(l.Type)
		name := l.RegionCode
		if d, ok := tree.Code(l.RegionCode); ok {
			name = d.Name
		}
		l.Name = name + subjects[seq[prefix]%len(subjects)]
	}
}

func typePrefix(t tradestat.TradeType) string {
	return map[tradestat.TradeType]string{
		tradestat.Construction: "GC", tradestat.Procurement: "CG", tradestat.Land: "TD",
		tradestat.Mining: "KY", tradestat.StateProp: "CQ", tradestat.Confiscated: "FM",
		tradestat.Medicine: "YP", tradestat.OtherType: "QT",
	}[t]
}

func typeSubjects(t tradestat.TradeType) []string {
	switch t {
	case tradestat.Construction:
		return []string{"农村公路提升改造工程", "城区供水管网改造工程", "中学教学楼建设工程", "易地扶贫搬迁安置点配套工程", "河道综合治理工程", "老旧小区改造工程"}
	case tradestat.Procurement:
		return []string{"办公设备采购项目", "医疗设备采购项目", "信息化系统建设项目", "物业管理服务采购项目", "公务用车采购项目"}
	case tradestat.Land:
		return []string{"国有建设用地使用权挂牌出让", "商住用地使用权拍卖出让", "工业用地使用权挂牌出让"}
	case tradestat.Mining:
		return []string{"建筑用砂石矿采矿权出让", "石灰岩矿采矿权出让"}
	case tradestat.StateProp:
		return []string{"国有资产转让", "国有房产租赁权转让"}
	case tradestat.Confiscated:
		return []string{"罚没车辆拍卖", "罚没物资处置"}
	case tradestat.Medicine:
		return []string{"医用耗材集中采购", "药品集中采购"}
	}
	return []string{"特许经营权出让", "广告位使用权出让"}
}
