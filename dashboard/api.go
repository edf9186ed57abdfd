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
	as := c.Query("as")
	if as != "" && as != "current" && as != "sealed" {
		return badf("as %q: want current or sealed", as)
	}
	t, err := st.Summary(ctx, f)
	if err != nil {
		return err
	}
	out := summaryJSON{From: f.From.String(), To: f.To.String(), figuresJSON: figures(t)}
	x, err := s.sealOf(ctx, st, view{Filter: f}, t)
	switch {
	case err != nil:
		return err
	case x == nil && as == "sealed":
		return fiber.NewError(fiber.StatusNotFound, "这个视图没有定稿：定稿针对某一地区的整年 (no seal covers this view: seals are of a whole year of an area)")
	case x == nil:
	case as == "sealed":
		out.figuresJSON, out.As, out.Seal = figures(x.Sealed), "sealed", x.json()
	default:
		out.As, out.Seal = "current", x.json()
	}
	return c.JSON(out)
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
