package demo

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"

	"tradestat"
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

// sum adds up the generated lots that f selects.
func sum(f query.Filter) figures {
	var lots []tradestat.Lot
	for _, y := range Dataset() {
		lots = append(lots, y.Lots...)
	}
	t := tradestattest.Sum(lots, f)
	return figures{int(t.Projects), t.Amount, t.Savings, t.Premium, int(t.Online)}
}

func TestReproducesT1(t *testing.T) {
	p := loadPublished(t)
	if got := sum(tradestattest.Period(t, p.T1.From, p.T1.To)); got != p.T1.figures {
		t.Errorf("2021: got %+v, published %+v", got, p.T1.figures)
	}
}

func TestReproducesT2(t *testing.T) {
	p := loadPublished(t)
	period := tradestattest.Period(t, p.T2.From, p.T2.To)
	for fam, want := range p.T2.Families {
		f := period
		f.Family = tradestat.Family(fam)
		got := sum(f)
		got.Online = 0 // not published for T2
		if got != want {
			t.Errorf("2020-01..08 %s: got %+v, published %+v", fam, got, want)
		}
	}
	got := sum(period)
	got.Online = 0
	if got != p.T2.Total {
		t.Errorf("2020-01..08 total: got %+v, published %+v", got, p.T2.Total)
	}
}

// TestPlausible: the demo must look like a city's trading year, not just add up.
func TestPlausible(t *testing.T) {
	years := Dataset()
	if len(years) != 5 || years[0].Year != 2019 || years[4].Year != 2023 {
		t.Fatalf("years: got %d starting %d", len(years), years[0].Year)
	}
	ids := map[string]bool{}
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
}

// TestDeterministic: two generations are byte-identical, so `tradestat demo` twice loads the
// same lots.
func TestDeterministic(t *testing.T) {
	a, b := Dataset(), Dataset()
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
