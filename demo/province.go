package demo

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
)

// category is how Yunnan's published figures split the lots: 工程建设, 国有土地出让
// (土地使用权出让), 政府采购, and the rest together.
type category int

const (
	catConstruction category = iota
	catLand
	catProcurement
	catRest
	categories
)

func categoryOf(t tradestat.TradeType) category {
	switch t {
	case tradestat.Construction:
		return catConstruction
	case tradestat.Land:
		return catLand
	case tradestat.Procurement:
		return catProcurement
	}
	return catRest
}

// types are the trade types a category's lots are drawn from.
func (c category) types() []tradestat.TradeType {
	switch c {
	case catConstruction:
		return []tradestat.TradeType{tradestat.Construction}
	case catLand:
		return []tradestat.TradeType{tradestat.Land}
	case catProcurement:
		return []tradestat.TradeType{tradestat.Procurement}
	}
	return []tradestat.TradeType{tradestat.StateProp, tradestat.StateProp, tradestat.Confiscated, tradestat.Mining,
		tradestat.Medicine, tradestat.Medicine, tradestat.OtherType}
}

// cell is the lots of a category in a period: how many, and their amount in whole 元.
type cell struct {
	lots   int
	amount int64
}

// yi converts 亿元 with two decimals, written as hundredths, to 元: yi(130109) = 1301.09亿元.
func yi(hundredths int64) int64 { return hundredths * 1_000_000 }

// The periods Yunnan's 2022 figures are published for, cut so that each published figure is a
// sum of whole periods: the first quarter, April–July, August, September–December.
const periods = 4

func periodOf(d tradestat.Date) int {
	switch {
	case d.Month <= 3:
		return 0
	case d.Month <= 7:
		return 1
	case d.Month == 8:
		return 2
	}
	return 3
}

func periodDates(year, p int) (from, to tradestat.Date) {
	switch p {
	case 0:
		return day(year, 1, 1), day(year, 3, 31)
	case 1:
		return day(year, 4, 1), day(year, 7, 31)
	case 2:
		return day(year, 8, 1), day(year, 8, 31)
	}
	return day(year, 9, 1), day(year, 12, 31)
}

// yunnan2022 is the whole province's 2022, Baoshan included, by period and category. The
// published figures (T4, docs/domain.md) fix these sums exactly:
//   - first quarter: 4375 lots, 1301.09亿元; 工程建设 2522 / 1144.85, 土地 220 / 55.59,
//     政府采购 1270 / 82.22 (row 0);
//   - January–August: 14561 lots, 4642.40亿元; 工程建设 7488 / 4192.96, 土地 878 / 168.98,
//     政府采购 5134 / 195.25 (rows 0–2);
//   - August: 2140 lots, 810.69亿元 (row 2), the top three by amount 省本级 223.69, 红河州
//     139.37, 文山州 135.13 (augustLeaders);
//   - the year: 24550 lots, 8662.34亿元; 工程建设 7546.37亿元; 土地 1605 lots (all rows).
//
// How the published sums divide between April–July and August, and the whole of
// September–December beyond its published parts, is ours.
func yunnan2022() [periods][categories]cell {
	return [periods][categories]cell{
		{{2522, yi(114485)}, {220, yi(5559)}, {1270, yi(8222)}, {363, yi(1843)}},
		{{3923, yi(230851)}, {520, yi(8588)}, {3052, yi(8560)}, {551, yi(5063)}},
		{{1043, yi(73960)}, {138, yi(2751)}, {812, yi(2743)}, {147, yi(1615)}},
		{{2600, yi(335341)}, {727, yi(36000)}, {5500, yi(18000)}, {1162, yi(12653)}},
	}
}

// augustLeaders are August 2022's three largest areas by amount, all 工程建设 here: the
// provincial centre's own trades and two prefectures (their centres and counties together).
// The first is the province itself; the code relies on that.
func augustLeaders() []struct {
	code string
	cell
} {
	return []struct {
		code string
		cell
	}{{"530000", cell{120, yi(22369)}}, {"532500", cell{200, yi(13937)}}, {"532600", cell{190, yi(13513)}}}
}

// otherYears scales the rest of Yunnan's 2022 for the years the Baoshan demo also has, so
// that the province's charts have plausible years around the published one.
func otherYears() map[int]int64 { // year → per mille of 2022
	return map[int]int64{2019: 800, 2020: 880, 2021: 940, 2023: 1060}
}

// provinceLots generates the lots of Yunnan beyond Baoshan: for 2022 each published sum less
// Baoshan's part of it (which the Baoshan demo fixes), spread over the province's other
// trading places; for the other years the same, scaled.
func provinceLots(tree *division.Tree, yn, bs *division.Division, baoshanByYear map[int][]tradestat.Lot) (map[int][]tradestat.Lot, error) {
	var leaders []*division.Division
	for _, l := range augustLeaders() {
		d, _ := tree.Code(l.code)
		leaders = append(leaders, d)
	}
	// The leaders' places: the provincial centre alone, or a prefecture and its counties.
	leaderPlaces := make([][]string, len(leaders))
	for i, d := range leaders {
		if d == yn {
			leaderPlaces[i] = []string{d.Code}
		} else {
			leaderPlaces[i] = placesOf(d, nil)
		}
	}
	everywhere := placesOf(yn, []*division.Division{bs})
	var augustRest []string
	for _, code := range placesOf(yn, append([]*division.Division{bs}, leaders[1:]...)) {
		if code != yn.Code {
			augustRest = append(augustRest, code)
		}
	}
	out := map[int][]tradestat.Lot{}
	stream := uint64(1000)
	for _, year := range []int{2019, 2020, 2021, 2022, 2023} {
		scale := otherYears()[year]
		if year == 2022 {
			scale = 1000
		}
		var have [periods][categories]cell
		var remoteHave [periods]int
		for _, l := range baoshanByYear[year] {
			if l.Procedure.Remote == tradestat.RemoteYes {
				remoteHave[periodOf(l.Procedure.Opening)]++
			}
			if l.Cancelled {
				continue
			}
			c := &have[periodOf(l.DealDate)][categoryOf(l.Type)]
			c.lots++
			c.amount += int64(l.Amount / money.Yuan)
		}
		var lots []tradestat.Lot
		for p, row := range yunnan2022() {
			from, to := periodDates(year, p)
			for c, want := range row {
				want = cell{int(int64(want.lots) * scale / 1000), want.amount * scale / 1000}
				places := everywhere
				if year == 2022 && p == 2 && category(c) == catConstruction {
					for i, l := range augustLeaders() {
						lots = append(lots, provinceSegment(from, to, category(c), l.cell, leaderPlaces[i]).generate(rand.New(rand.NewPCG(seed, stream)), tree, nil)...)
						stream++
						want.lots, want.amount = want.lots-l.lots, want.amount-l.amount
					}
				}
				if year == 2022 && p == 2 {
					places = augustRest
				}
				rest := cell{want.lots - have[p][c].lots, want.amount - have[p][c].amount}
				if rest.lots <= 0 || rest.amount <= 0 {
					return nil, fmt.Errorf("demo: Yunnan %d period %d category %d: Baoshan's part %+v leaves %+v", year, p, c, have[p][c], rest)
				}
				lots = append(lots, provinceSegment(from, to, category(c), rest, places).generate(rand.New(rand.NewPCG(seed, stream)), tree, nil)...)
				stream++
			}
		}
		rng := rand.New(rand.NewPCG(seed, competeStream+1000+uint64(year)))
		failed := proceed(rng, lots, 0)
		var evaluatedIn [periods][]*tradestat.Lot
		for i := range lots {
			if evaluated(lots[i]) {
				p := periodOf(lots[i].Procedure.Opening)
				evaluatedIn[p] = append(evaluatedIn[p], &lots[i])
			}
		}
		for p, want := range remoteTargets(year) {
			if !placeRemote(rng, evaluatedIn[p], want-remoteHave[p]) {
				return nil, fmt.Errorf("demo: Yunnan %d period %d: %d remote evaluations, Baoshan's %d, among %d sections", year, p, want, remoteHave[p], len(evaluatedIn[p]))
			}
		}
		out[year] = append(out[year], byPlatform(tree, year, lots, "")...)
		out[year] = append(out[year], byPlatform(tree, year, failed, "F")...)
	}
	return out, nil
}

// byPlatform numbers lots as each city's platform numbers its own (its code, then suffix),
// and returns them platform by platform.
func byPlatform(tree *division.Tree, year int, lots []tradestat.Lot, suffix string) []tradestat.Lot {
	of := map[string][]tradestat.Lot{}
	for _, l := range lots {
		of[platform(l.PlaceCode)] = append(of[platform(l.PlaceCode)], l)
	}
	codes := make([]string, 0, len(of))
	for code := range of {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	var out []tradestat.Lot
	for _, code := range codes {
		ls := of[code]
		sortByDate(ls)
		number(tree, code+suffix, year, ls)
		out = append(out, ls...)
	}
	return out
}

// remoteTargets are the sections evaluated remotely (远程异地评标) in Yunnan by period of the
// year, Baoshan's included. 2022's first quarter (1376) and January–August (4462, the first
// three periods) are published (T4); the split of the latter and September–December are ours,
// and the other years are 2022's scaled as their deals are.
func remoteTargets(year int) [periods]int {
	out := [periods]int{1376, 2400, 686, 1900}
	if scale, ok := otherYears()[year]; ok {
		for p := range out {
			out[p] = int(int64(out[p]) * scale / 1000)
		}
	}
	return out
}

// platform is the prefix of a lot's project code: YN and the city's two digits (YN00 for the
// provincial centre), as each city's platform numbers its own projects.
func platform(place string) string { return "YN" + place[2:4] }

// provinceSegment is a cell's calibration: savings of 3% of the amount on tender-type lots, a
// premium of 8% on auction-type lots, four in ten tender lots opened online.
func provinceSegment(from, to tradestat.Date, c category, x cell, places []string) segment {
	s := segment{from: from, to: to, projects: x.lots, amount: x.amount, types: c.types(), places: places}
	switch c {
	case catConstruction, catProcurement:
		s.savings, s.online = x.amount*3/100, x.lots*4/10
	case catLand:
		s.premium = x.amount * 8 / 100
	default:
		// The rest mixes tender-type (药品) and auction-type lots; generate puts the savings on
		// the former and the premium on the latter, and at least one lot of each is drawn
		// whenever there are a few dozen lots.
		s.savings, s.premium = x.amount/100, x.amount*5/100
	}
	return s
}

// placesOf repeats every trading place of area, leaving out those within skip, by its share
// of trades: a province's own centre and a city's trade more than a county's, capitals (the
// xx01 city) and their districts three times as much.
func placesOf(area *division.Division, skip []*division.Division) []string {
	var out []string
	for _, d := range area.Descendants() {
		if within(d, skip) {
			continue
		}
		n := map[division.Level]int{division.Province: 12, division.City: 6, division.County: 2}[d.Level]
		if d.Level != division.Province && d.Code[2:4] == "01" {
			n *= 3
		}
		for range n {
			out = append(out, d.Code)
		}
	}
	return out
}

func within(d *division.Division, areas []*division.Division) bool {
	for _, a := range areas {
		if d.Within(a) {
			return true
		}
	}
	return false
}
