package dashboard

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"tradestat/query"
)

// sealJSON is a seal as the API names it beside figures: which seal, and by how much the data
// differs from it now.
type sealJSON struct {
	ID         string      `json:"id"`
	Year       int         `json:"year"`
	Area       string      `json:"area"`
	Note       string      `json:"note"`
	SealedAt   string      `json:"sealed_at"`
	By         string      `json:"by"`
	Revoked    bool        `json:"revoked,omitempty"`
	Sealed     figuresJSON `json:"sealed"`
	Current    figuresJSON `json:"current"`
	Difference figuresJSON `json:"difference"` // current minus sealed
}

// sealed is what a view's pages and answers say about its seal: the seal in force over the
// view, its figures and the current ones. ok is false when no seal covers the view.
type sealed struct {
	Seal             query.Seal
	Sealed, Current  query.Totals
	Changed          bool   // the data differs from the seal
	Projects, Amount string // the differences as a report writes them: +1个, +125.3万元
	ChangesURL       string
}

func (s *Server) sealOf(ctx context.Context, st *query.Store, v view, current query.Totals) (*sealed, error) {
	x, ok, err := st.SealFor(ctx, v.Filter)
	if err != nil || !ok {
		return nil, err
	}
	t, err := st.SealedSummary(ctx, x, v.Filter)
	if err != nil {
		return nil, err
	}
	d := difference(current, t)
	return &sealed{Seal: x, Sealed: t, Current: current, Changed: d != (query.Totals{}),
		Projects: signed(strconv.FormatInt(d.Projects, 10)), Amount: signed(d.Amount.Wan()), ChangesURL: v.url("/seals/changes")}, nil
}

// difference is a − b, figure by figure.
func difference(a, b query.Totals) query.Totals {
	return query.Totals{Projects: a.Projects - b.Projects, Amount: a.Amount - b.Amount, Savings: a.Savings - b.Savings,
		Premium: a.Premium - b.Premium, Online: a.Online - b.Online, NoBudget: a.NoBudget - b.NoBudget, NoReserve: a.NoReserve - b.NoReserve}
}

func (x *sealed) json() *sealJSON {
	return &sealJSON{ID: x.Seal.ID, Year: x.Seal.Year, Area: x.Seal.Area, Note: x.Seal.Note, SealedAt: x.Seal.At.Format("2006-01-02 15:04:05"),
		By: x.Seal.User, Sealed: figures(x.Sealed), Current: figures(x.Current), Difference: figures(difference(x.Current, x.Sealed))}
}

// sealsAPI serves GET /api/v1/seals: every seal of the account's region, newest first,
// revoked ones marked.
func (s *Server) sealsAPI(c *fiber.Ctx) error {
	ctx, cancel := s.requestContext(c)
	defer cancel()
	list, err := s.storeOf(c).Seals(ctx)
	if err != nil {
		return err
	}
	out := []sealJSON{}
	for _, x := range list {
		out = append(out, sealJSON{ID: x.ID, Year: x.Year, Area: x.Area, Note: x.Note, SealedAt: x.At.Format("2006-01-02 15:04:05"),
			By: x.User, Revoked: x.Revoked, Sealed: figures(query.Totals{Projects: int64(x.Lots), Amount: x.Amount})})
	}
	return c.JSON(fiber.Map{"seals": out})
}

type changesPage struct {
	chrome
	View      view
	Freshness freshness
	Sealed    *sealed
	Changes   []query.Change
	Place     func(string) string
}

// sealChanges serves GET /seals/changes: the lots of a sealed view that differ now from the
// seal — added, removed, changed — with the load that made each what it is.
func (s *Server) sealChanges(c *fiber.Ctx) error {
	st := s.storeOf(c)
	ctx, cancel := s.requestContext(c)
	defer cancel()
	v, err := s.pageView(ctx, c, st)
	if err != nil {
		return err
	}
	cur, err := st.Summary(ctx, v.Filter)
	if err != nil {
		return err
	}
	x, err := s.sealOf(ctx, st, v, cur)
	if err != nil {
		return err
	}
	if x == nil {
		return fiber.NewError(fiber.StatusNotFound, "这个视图没有定稿：定稿针对某一地区的整年 (no seal covers this view: seals are of a whole year of an area)")
	}
	changes, err := st.SealChanges(ctx, x.Seal, v.Filter)
	if err != nil {
		return err
	}
	fr, err := s.freshness(ctx, st)
	if err != nil {
		return err
	}
	return s.render(c, "changes.html", changesPage{
		chrome: s.chrome(c, "定稿后数据变动", v.LangURL("/seals/changes"), choice{v.url("/"), "返回统计"}),
		View:   v, Freshness: fr, Sealed: x, Changes: changes, Place: st.Region().NameOf,
	})
}
