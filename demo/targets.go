package demo

import (
	"time"

	"tradestat"
)

// segment is a calibration target: the lots of one family completed within [from, to] must
// add up to exactly these figures. Amounts are whole 元.
type segment struct {
	from, to tradestat.Date
	family   tradestat.Family
	projects int
	amount   int64                 // 元
	savings  int64                 // 元, spread over the tender-type lots
	premium  int64                 // 元, spread over the auction-type lots
	online   int                   // lots with 不见面开标, among the tender-type lots
	types    []tradestat.TradeType // drawn from instead of the family's types, when set
	places   []string              // drawn from instead of the dataset's places, when set
}

func seg(from, to tradestat.Date, family tradestat.Family, projects int, amount, savings, premium int64, online int) segment {
	return segment{from: from, to: to, family: family, projects: projects, amount: amount, savings: savings, premium: premium, online: online}
}

func day(y int, m time.Month, d int) tradestat.Date { return tradestat.Date{Year: y, Month: m, Day: d} }

// wan converts 万元 with two decimals, written as hundredths, to 元: wan(3530382) = 35303.82万元.
func wan(hundredths int64) int64 { return hundredths * 100 }

// segments is the demo dataset's calibration. Two parts are published figures and must be
// reproduced exactly (docs/domain.md):
//   - T1, 2021 full year, all families: 1651 lots, 1107371万元, savings 35303.82万元,
//     premium 17338.8万元, 289 online openings — the four 2021 rows add up to it;
//   - T2, 2020-01-01..2020-08-31 by family — the three 2020 January–August rows are it.
//
// Every other row is invented, at Baoshan's scale, to give the charts plausible years.
func segments() []segment {
	c, p, a, o := tradestat.FamilyConstruction, tradestat.FamilyProcurement, tradestat.FamilyAuction, tradestat.FamilyOther
	y := func(year int) (tradestat.Date, tradestat.Date) { return day(year, 1, 1), day(year, 12, 31) }
	f19, t19 := y(2019)
	f21, t21 := y(2021)
	f22, t22 := y(2022)
	f23, t23 := y(2023)
	jan20, aug20, sep20, dec20 := day(2020, 1, 1), day(2020, 8, 31), day(2020, 9, 1), day(2020, 12, 31)
	return []segment{
		seg(f19, t19, c, 820, wan(90123450), wan(1987630), 0, 40),
		seg(f19, t19, p, 560, wan(9876540), wan(543210), 0, 25),
		seg(f19, t19, a, 330, wan(51234560), 0, wan(1432150), 0),
		seg(f19, t19, o, 70, wan(1234560), wan(31020), 0, 2),

		// T2: 2020 January–August, published.
		seg(jan20, aug20, c, 629, wan(77506472), wan(1765251), 0, 102),
		seg(jan20, aug20, p, 406, wan(7174271), wan(481593), 0, 41),
		seg(jan20, aug20, a, 265, wan(52106603), 0, wan(1301669), 0),
		seg(sep20, dec20, c, 310, wan(35211840), wan(821077), 0, 80),
		seg(sep20, dec20, p, 198, wan(4012230), wan(230150), 0, 35),
		seg(sep20, dec20, a, 121, wan(21055580), 0, wan(601240), 0),
		seg(sep20, dec20, o, 40, wan(987650), wan(20130), 0, 3),

		// T1: 2021, published as totals; the split by family is ours.
		seg(f21, t21, c, 702, wan(61823546), wan(2751609), 0, 187),
		seg(f21, t21, p, 583, wan(12140618), wan(721164), 0, 96),
		seg(f21, t21, a, 301, wan(35211725), 0, wan(1733880), 0),
		seg(f21, t21, o, 65, wan(1561211), wan(57609), 0, 6),

		seg(f22, t22, c, 745, wan(68881235), wan(2411862), 0, 331),
		seg(f22, t22, p, 612, wan(13395071), wan(801244), 0, 140),
		seg(f22, t22, a, 288, wan(30144790), 0, wan(1590427), 0),
		seg(f22, t22, o, 80, wan(1723050), wan(68810), 0, 12),

		seg(f23, t23, c, 798, wan(70211806), wan(2533010), 0, 520),
		seg(f23, t23, p, 655, wan(14120733), wan(859072), 0, 260),
		seg(f23, t23, a, 276, wan(28796513), 0, wan(1487650), 0),
		seg(f23, t23, o, 91, wan(1960480), wan(70235), 0, 20),
	}
}
