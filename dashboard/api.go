package dashboard

import (
	"github.com/gofiber/fiber/v2"

	"tradestat/query"
)

// figuresJSON is the five figures as the API gives them: money as exact integer fen, plus the
// 万元 text formatted as reports write it.
type figuresJSON struct {
	Projects   int64  `json:"projects"`
	AmountFen  int64  `json:"amount_fen"`
	SavingsFen int64  `json:"savings_fen"`
	PremiumFen int64  `json:"premium_fen"`
	Online     int64  `json:"online_openings"`
	AmountWan  string `json:"amount_wan"`
	SavingsWan string `json:"savings_wan"`
	PremiumWan string `json:"premium_wan"`
	// The lots savings and premium leave out for want of a budget or a reserve price: a
	// figure with either above zero is understated, and a client must say so with it.
	LotsWithoutBudget  int64 `json:"lots_without_budget"`
	LotsWithoutReserve int64 `json:"lots_without_reserve"`
}

func figuresJSONOf(t query.Totals) figuresJSON {
	return figuresJSON{
		Projects: t.Projects, AmountFen: int64(t.Amount), SavingsFen: int64(t.Savings),
		PremiumFen: int64(t.Premium), Online: t.Online,
		AmountWan: t.Amount.Wan(), SavingsWan: t.Savings.Wan(), PremiumWan: t.Premium.Wan(),
		LotsWithoutBudget: t.NoBudget, LotsWithoutReserve: t.NoReserve,
	}
}

type summaryJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
	figuresJSON
	// As says which figures these are when a seal covers the view: current, or sealed (the
	// seal's, as=sealed); Seal says which seal and by how much the data differs from it.
	As   string    `json:"as,omitempty"`
	Seal *sealJSON `json:"seal,omitempty"`
}

type rowJSON struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	figuresJSON
}

type breakdownJSON struct {
	By    string      `json:"by"`
	From  string      `json:"from"`
	To    string      `json:"to"`
	Rows  []rowJSON   `json:"rows"`
	Total figuresJSON `json:"total"`
	As    string      `json:"as,omitempty"` // as in summaryJSON
	Seal  *sealJSON   `json:"seal,omitempty"`
}

// summary serves GET /api/v1/summary.
func (s *Server) summary(c *fiber.Ctx, r viewRequest) error {
	st, ctx, f := r.st, r.ctx, r.v.Filter
	figures, x, err := s.chosen(ctx, c, st, view{Filter: f})
	if err != nil {
		return err
	}
	t, err := figures.Summary(ctx, f)
	if err != nil {
		return err
	}
	out := summaryJSON{From: f.From.String(), To: f.To.String(), figuresJSON: figuresJSONOf(t)}
	out.As, out.Seal = asOf(figures, x)
	return c.JSON(out)
}

// asOf is what an answer says of its figures when a seal covers its view: "sealed" or
// "current", and the seal with both figures and their difference; nothing otherwise.
func asOf(figures query.Figures, x *sealed) (string, *sealJSON) {
	switch {
	case x == nil:
		return "", nil
	case isSealed(figures):
		return "sealed", x.json()
	}
	return "current", x.json()
}

// breakdown serves GET /api/v1/breakdown.
func (s *Server) breakdown(c *fiber.Ctx, r viewRequest) error {
	st, ctx, f := r.st, r.ctx, r.v.Filter
	dim, err := query.ParseDimension(c.Query("by"))
	if err != nil {
		return err
	}
	figures, x, err := s.chosen(ctx, c, st, view{Filter: f})
	if err != nil {
		return err
	}
	rows, total, err := figures.Breakdown(ctx, f, dim)
	if err != nil {
		return err
	}
	out := breakdownJSON{By: string(dim), From: f.From.String(), To: f.To.String(), Rows: []rowJSON{}, Total: figuresJSONOf(total)}
	for _, r := range rows {
		out.Rows = append(out.Rows, rowJSON{Key: r.Key, Name: r.Name, figuresJSON: figuresJSONOf(r.Totals)})
	}
	out.As, out.Seal = asOf(figures, x)
	return c.JSON(out)
}
