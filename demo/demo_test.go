package demo

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"testing"
	"time"

	"tradestat"
	"tradestat/division"
	"tradestat/internal/tradestattest"
	"tradestat/money"
	"tradestat/query"
)

type figures struct {
	Projects int       `json:"projects"`
	Amount   money.Fen `json:"amount_fen"`
	Savings  money.Fen `json:"savings_fen"`
	Premium  money.Fen `json:"premium_fen"`
	Online   int       `json:"online_openings"`
}

type published struct {
	T1 struct {
		From, To string
		figures
	} `json:"t1"`
	T2 struct {
		From, To string
		Families map[string]figures `json:"families"`
		Total    figures            `json:"total"`
	} `json:"t2"`
	T4 struct {
		Periods []t4Period `json:"periods"`
	} `json:"t4"`
}

// t4Period is one period of Yunnan's published 2022 figures; a nil figure was not published.
type t4Period struct {
	Name     string
	From, To string
	Projects int64     `json:"projects"`
	Amount   money.Fen `json:"amount_fen"`
	Types    map[string]struct {
		Projects *int64     `json:"projects"`
		Amount   *money.Fen `json:"amount_fen"`
	} `json:"types"`
	TopAreas []struct {
		Code   string    `json:"code"`
		Name   string    `json:"name"`
		Amount money.Fen `json:"amount_fen"`
	} `json:"top_areas"`
}

func loadPublished(t *testing.T) published {
	t.Helper()
	b, err := os.ReadFile("testdata/published.json")
	if err != nil {
		t.Fatal(err)
	}
	var p published
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// lotsOf is the region's demo lots, every year.
func lotsOf(t *testing.T, r division.Region) []tradestat.Lot {
	t.Helper()
	years, err := Dataset(r)
	if err != nil {
		t.Fatal(err)
	}
	var lots []tradestat.Lot
	for _, y := range years {
		lots = append(lots, y.Lots...)
	}
	return lots
}

// sum adds up the generated Baoshan lots that f selects.
func sum(t *testing.T, f query.Filter) figures {
	r := tradestattest.Region(t, "530500")
	s := tradestattest.Sum(r, lotsOf(t, r), f)
	return figures{int(s.Projects), s.Amount, s.Savings, s.Premium, int(s.Online)}
}

func TestReproducesT1(t *testing.T) {
	p := loadPublished(t)
	if got := sum(t, tradestattest.Period(t, p.T1.From, p.T1.To)); got != p.T1.figures {
		t.Errorf("2021: got %+v, published %+v", got, p.T1.figures)
	}
}

func TestReproducesT2(t *testing.T) {
	p := loadPublished(t)
	period := tradestattest.Period(t, p.T2.From, p.T2.To)
	for fam, want := range p.T2.Families {
		f := period
		f.Family = tradestat.Family(fam)
		got := sum(t, f)
		got.Online = 0 // not published for T2
		if got != want {
			t.Errorf("2020-01..08 %s: got %+v, published %+v", fam, got, want)
		}
	}
	got := sum(t, period)
	got.Online = 0
	if got != p.T2.Total {
		t.Errorf("2020-01..08 total: got %+v, published %+v", got, p.T2.Total)
	}
}

// TestPlausible: the demo must look like a city's trading year, not just add up.
func TestPlausible(t *testing.T) {
	years, err := Dataset(tradestattest.Region(t, "530500"))
	if err != nil {
		t.Fatal(err)
	}
	if len(years) != 5 || years[0].Year != 2019 || years[4].Year != 2023 {
		t.Fatalf("years: got %d starting %d", len(years), years[0].Year)
	}
	ids := map[string]bool{}
	// Each year's 政府采购 sections are sought in every way procedures.yaml lists, and some are
	// short for their method; no other type says its method.
	methods, short := map[tradestat.Solicitation]int{}, map[tradestat.Solicitation]int{}
	for _, y := range years {
		if n := len(y.Lots); n < 1500 || n > 2500 {
			t.Errorf("%d: %d lots, want 1500–2500", y.Year, n)
		}
		places, months, types := map[string]int{}, map[time.Month]int{}, map[tradestat.TradeType]int{}
		for _, l := range y.Lots {
			if ids[l.ID()] {
				t.Fatalf("lot %s appears twice", l.ID())
			}
			ids[l.ID()] = true
			places[l.PlaceCode]++
			months[l.DealDate.Month]++
			types[l.Type]++
			if l.DealDate.Year != y.Year {
				t.Errorf("lot %s dated %s is in year %d", l.ID(), l.DealDate, y.Year)
			}
			p := l.Procedure
			if (p.Solicitation != tradestat.SolicitUnknown) != (l.Type == tradestat.Procurement) {
				t.Errorf("lot %s of %s: method %v", l.ID(), l.Type, p.Solicitation)
			}
			methods[p.Solicitation]++
			if m, ok := tradestat.MinSubmission(l.Type, p.Solicitation); ok && p.Notice.DaysUntil(p.Deadline) < m.Days {
				short[p.Solicitation]++
			}
			if !p.BiddersKnown || !p.ValidKnown || p.Valid > p.Bidders || !p.Notice.Before(p.Deadline) || p.Deadline != p.Opening ||
				l.DealDate.Before(p.Opening) || p.Opening.Month != l.DealDate.Month {
				t.Errorf("lot %s completed %s: implausible procedure %+v", l.ID(), l.DealDate, p)
			}
			if l.Cancelled {
				if l.Amount != 0 || p.FailReason == "" || l.Type.Kind() != tradestat.Tender || p.Remote != tradestat.RemoteUnknown {
					t.Errorf("failed section %s: amount %d, reason %q, type %s, remote %d", l.ID(), l.Amount, p.FailReason, l.Type, p.Remote)
				}
				continue
			}
			if l.Amount < 10000*money.Yuan {
				t.Errorf("lot %s: implausibly small amount %s 元", l.ID(), l.Amount.Yuan())
			}
			switch l.Type.Kind() {
			case tradestat.Tender:
				if l.Budget < l.Amount || l.Reserve != 0 {
					t.Errorf("tender lot %s: budget %d below amount %d or reserve %d set", l.ID(), l.Budget, l.Amount, l.Reserve)
				}
			case tradestat.Auction:
				if l.Reserve <= 0 || l.Reserve > l.Amount || l.Budget != 0 || l.Online {
					t.Errorf("auction lot %s: reserve %d, amount %d, budget %d, online %v", l.ID(), l.Reserve, l.Amount, l.Budget, l.Online)
				}
			}
		}
		if len(places) != 6 || len(months) != 12 || len(types) < 7 {
			t.Errorf("%d: %d places, %d months, %d types; want all 6, all 12 and ≥7", y.Year, len(places), len(months), len(types))
		}
	}
	for _, m := range tradestat.Solicitations() {
		_, limited := tradestat.MinSubmission(tradestat.Procurement, m)
		if m != tradestat.SolicitInvited && (methods[m] == 0 || limited && short[m] == 0) {
			t.Errorf("method %v: %d sections, %d short", m, methods[m], short[m])
		}
	}
}

// TestDeterministic: two generations are byte-identical, so `tradestat demo` twice loads the
// same lots.
func TestDeterministic(t *testing.T) {
	r := tradestattest.Region(t, "530000")
	a, err := Dataset(r)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Dataset(r)
	for i := range a {
		x, err := a[i].CSV()
		if err != nil {
			t.Fatal(err)
		}
		y, err := b[i].CSV()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Fatalf("%s differs between two generations", a[i].FileName())
		}
	}
}

// TestReproducesT4: Yunnan's demo gives every published 2022 figure of the province: each
// period's lots and amount, by trade type where published, and August's three largest areas.
func TestReproducesT4(t *testing.T) {
	p := loadPublished(t)
	r := tradestattest.Region(t, "530000")
	lots := lotsOf(t, r)
	for _, per := range p.T4.Periods {
		f := tradestattest.Period(t, per.From, per.To)
		if got := tradestattest.Sum(r, lots, f); got.Projects != per.Projects || got.Amount != per.Amount {
			t.Errorf("%s: %d lots, %s万元; published %d, %s万元", per.Name, got.Projects, got.Amount.Wan(), per.Projects, per.Amount.Wan())
		}
		for typ, want := range per.Types {
			g := f
			g.Type = tradestat.TradeType(typ)
			got := tradestattest.Sum(r, lots, g)
			if want.Projects != nil && got.Projects != *want.Projects || want.Amount != nil && got.Amount != *want.Amount {
				t.Errorf("%s %s: %d lots, %s万元; published %+v", per.Name, typ, got.Projects, got.Amount.Wan(), want)
			}
		}
		if len(per.TopAreas) == 0 {
			continue
		}
		// The areas of the province: its own centre and each city with its counties.
		amounts := map[string]money.Fen{}
		for _, l := range lots {
			if l.DealDate.Before(f.From) || f.To.Before(l.DealDate) {
				continue
			}
			d, _ := r.Tree().Code(l.PlaceCode)
			for d.Parent != r.Root() && d != r.Root() {
				d = d.Parent
			}
			amounts[d.Code] += l.Amount
		}
		for i, top := range per.TopAreas {
			if amounts[top.Code] != top.Amount {
				t.Errorf("%s: %s %s万元, published %s万元", per.Name, top.Name, amounts[top.Code].Wan(), top.Amount.Wan())
			}
			for code, a := range amounts {
				if !slices.ContainsFunc(per.TopAreas[:i+1], func(x struct {
					Code   string    `json:"code"`
					Name   string    `json:"name"`
					Amount money.Fen `json:"amount_fen"`
				}) bool {
					return x.Code == code
				}) && a >= top.Amount {
					t.Errorf("%s: %s has %s万元, not below the published number %d, %s", per.Name, code, a.Wan(), i+1, top.Name)
				}
			}
		}
	}
}

// TestProvinceHoldsBaoshan: the Baoshan part of Yunnan's demo is Baoshan's demo, lot for lot,
// and every area within Yunnan gets the part of it within the area.
func TestProvinceHoldsBaoshan(t *testing.T) {
	yn, bs := tradestattest.Region(t, "530000"), tradestattest.Region(t, "530500")
	inBaoshan := map[string]tradestat.Lot{}
	for _, l := range lotsOf(t, yn) {
		if p, _ := yn.Tree().Code(l.PlaceCode); p.Within(bs.Root()) {
			inBaoshan[l.ID()] = l
		}
	}
	own := lotsOf(t, bs)
	if len(own) != len(inBaoshan) {
		t.Fatalf("Baoshan has %d lots in Yunnan's demo and %d in its own", len(inBaoshan), len(own))
	}
	for _, l := range own {
		if inBaoshan[l.ID()] != l {
			t.Fatalf("lot %s differs: %+v in Yunnan's, %+v in Baoshan's", l.ID(), inBaoshan[l.ID()], l)
		}
	}
	cities := map[string]bool{}
	for _, l := range lotsOf(t, yn) {
		p, _ := yn.Tree().Code(l.PlaceCode)
		for p.Level == division.County {
			p = p.Parent
		}
		cities[p.Code] = true
	}
	if len(cities) != 17 {
		t.Errorf("Yunnan's demo trades at %d of the 16 cities and the provincial centre", len(cities))
	}
	kunming := lotsOf(t, tradestattest.Region(t, "530100"))
	if len(kunming) == 0 {
		t.Fatal("no demo lots for 昆明市")
	}
	if _, err := Dataset(tradestattest.Region(t, "510000")); err == nil {
		t.Error("a demo for 四川省, which has none")
	}
}

func TestAllocate(t *testing.T) {
	tests := []struct {
		total   int64
		weights []uint64
		want    []int64
	}{
		{10, []uint64{1, 1, 1}, []int64{4, 3, 3}},
		{100, []uint64{1, 2, 7}, []int64{10, 20, 70}},
		{1, []uint64{5, 5}, []int64{1, 0}},
		{0, []uint64{3, 4}, []int64{0, 0}},
		{7, nil, []int64{}},
		{1107371000000, []uint64{1 << 40, 3, 1 << 20}, nil}, // only the sum is checked
	}
	for _, tt := range tests {
		got := allocate(tt.total, tt.weights)
		var s int64
		for _, v := range got {
			s += v
		}
		if len(tt.weights) > 0 && s != tt.total {
			t.Errorf("allocate(%d, %v) sums to %d", tt.total, tt.weights, s)
		}
		if tt.want != nil {
			for i := range tt.want {
				if got[i] != tt.want[i] {
					t.Errorf("allocate(%d, %v) = %v, want %v", tt.total, tt.weights, got, tt.want)
					break
				}
			}
		}
	}
}
