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

func figures(t query.Totals) figuresJSON {
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
}

// summary serves GET /api/v1/summary.
func (s *Server) summary(c *fiber.Ctx) error {
	st := s.storeOf(c)
	ctx, cancel := s.requestContext(c)
	defer cancel()
	f, err := s.filterFrom(ctx, c, st)
	if err != nil {
		return err
	}
	t, err := st.Summary(ctx, f)
	if err != nil {
		return err
	}
	return c.JSON(summaryJSON{From: f.From.String(), To: f.To.String(), figuresJSON: figures(t)})
}

// breakdown serves GET /api/v1/breakdown.
func (s *Server) breakdown(c *fiber.Ctx) error {
	st := s.storeOf(c)
	ctx, cancel := s.requestContext(c)
	defer cancel()
	dim, err := query.ParseDimension(c.Query("by"))
	if err != nil {
		return badRequest{err.Error()}
	}
	f, err := s.filterFrom(ctx, c, st)
	if err != nil {
		return err
	}
	rows, total, err := st.Breakdown(ctx, f, dim)
	if err != nil {
		return err
	}
	out := breakdownJSON{By: string(dim), From: f.From.String(), To: f.To.String(), Rows: []rowJSON{}, Total: figures(total)}
	for _, r := range rows {
		out.Rows = append(out.Rows, rowJSON{Key: r.Key, Name: r.Name, figuresJSON: figures(r.Totals)})
	}
	return c.JSON(out)
}
