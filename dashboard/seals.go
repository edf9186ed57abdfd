package dashboard

import (
	"context"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"tradestat"
	"tradestat/audit"
	"tradestat/auth"
	"tradestat/query"
	"tradestat/report"
)

// sealHeadJSON is how the API names a seal: which, of what year and area, when, by whom, and
// the report its figures went into.
type sealHeadJSON struct {
	ID       string `json:"id"`
	Year     int    `json:"year"`
	Area     string `json:"area"`
	Note     string `json:"note"`
	SealedAt string `json:"sealed_at"`
	By       string `json:"by"`
}

func sealHeadOf(x query.Seal) sealHeadJSON {
	return sealHeadJSON{ID: x.ID, Year: x.Year, Area: x.Area, Note: x.Note, SealedAt: x.At.Format("2006-01-02 15:04:05"), By: x.User}
}

// sealJSON is a seal as the API names it beside figures: which seal, and by how much the data
// differs from it now.
type sealJSON struct {
	sealHeadJSON
	Sealed     figuresJSON `json:"sealed"`
	Current    figuresJSON `json:"current"`
	Difference figuresJSON `json:"difference"` // current minus sealed
}

// sealListJSON is a seal in the list of seals: its figures (lots and 万元 of its whole area)
// only when its area lies within the account's region.
type sealListJSON struct {
	sealHeadJSON
	Revoked   bool   `json:"revoked,omitempty"`
	Lots      int64  `json:"lots,omitempty"`
	AmountWan string `json:"amount_wan,omitempty"`
}

// sealed is what a view's pages and answers say about its seal: the seal in force over the
// view, its figures and the current ones (sealOf gives nil when no seal covers the view).
type sealed struct {
	Seal             query.Seal
	Sealed, Current  query.Totals
	Changed          bool   // the data differs from the seal
	Projects, Amount string // the differences as a report writes them: +1个, +125.3万元
	// ChangesURL is the list of the lots that changed, for the accounts that may list lots
	// (it names them, their codes and amounts); "" for the others.
	ChangesURL string
}

func (s *Server) sealOf(ctx context.Context, c *fiber.Ctx, st *query.Store, v view) (*sealed, error) {
	_, a, err := st.Choose(ctx, v.Filter, false)
	if err != nil || a == nil {
		return nil, err
	}
	return s.sealedOf(c, v, a), nil
}

// SealedText is the seal's figures as the mark says them, in l: 定稿数字：交易项目1651个，交易金额1107371万元.
func (x *sealed) SealedText(l lang) string {
	return l.msg().T("Sealed figures: projects %d, deal amount %s (10k yuan)", x.Sealed.Projects, x.Sealed.Amount.Wan())
}

// ChangedText is how the data differ from the seal, in l: 定稿后数据变动：交易项目 +1个，交易金额 +124.3万元.
func (x *sealed) ChangedText(l lang) string {
	return l.msg().T("Changed since the seal: projects %s, deal amount %s (10k yuan)", x.Projects, x.Amount)
}

// sealedOf is what the view's pages say of the seal in force and the figures against it.
func (s *Server) sealedOf(c *fiber.Ctx, v view, a *query.Against) *sealed {
	d := difference(a.Current, a.Sealed)
	x := &sealed{Seal: a.Seal, Sealed: a.Sealed, Current: a.Current, Changed: d != (query.Totals{}),
		Projects: signed(strconv.FormatInt(d.Projects, 10)), Amount: signed(d.Amount.Wan())}
	if s.role(c) >= analysts.role() {
		x.ChangesURL = v.url("/seals/changes")
	}
	return x
}

// chosen is the figures a request asks for by as=: the current ones (as=current, or no as),
// or those of the seal in force over the view (as=sealed; a 404 when no seal covers it);
// with the seal in force, if any, and how the current figures differ from it.
func (s *Server) chosen(ctx context.Context, c *fiber.Ctx, st *query.Store, v view) (query.Figures, *sealed, error) {
	as, err := asSealed(c)
	if err != nil {
		return nil, nil, err
	}
	figures, a, err := st.Choose(ctx, v.Filter, as)
	if err != nil || a == nil {
		return figures, nil, err
	}
	return figures, s.sealedOf(c, v, a), nil
}

// asSealed reads as=: whether the request asks for the seal's figures (sealed) rather than
// the current ones (current, or none).
func asSealed(c *fiber.Ctx) (bool, error) {
	switch as := c.Query("as"); as {
	case "", "current":
		return false, nil
	case "sealed":
		return true, nil
	default:
		return false, tradestat.Fail(tradestat.Invalid, "as %q: want current or sealed", as)
	}
}

// isSealed tells whether figures are a seal's.
func isSealed(figures query.Figures) bool {
	_, ok := figures.(query.Sealed)
	return ok
}

// line is what a table of the view says of its seal (report.SealNote), in l: ofSealed when
// the table holds the seal's figures.
func (x *sealed) line(l lang, ofSealed bool) string {
	return report.SealNote(l.msg(), x.Seal, x.Sealed, x.Current, ofSealed)
}

// sealedLine is what an export of the current figures of the view says under its table of
// the seal in force (its line); "" for a view no seal covers.
func (s *Server) sealedLine(ctx context.Context, c *fiber.Ctx, st *query.Store, v view) (string, error) {
	x, err := s.sealOf(ctx, c, st, v)
	if err != nil || x == nil {
		return "", err
	}
	return x.line(v.L, false), nil
}

// difference is a − b, figure by figure.
func difference(a, b query.Totals) query.Totals {
	return query.Totals{Projects: a.Projects - b.Projects, Amount: a.Amount - b.Amount, Savings: a.Savings - b.Savings,
		Premium: a.Premium - b.Premium, Online: a.Online - b.Online, NoBudget: a.NoBudget - b.NoBudget, NoReserve: a.NoReserve - b.NoReserve}
}

func (x *sealed) json() *sealJSON {
	return &sealJSON{sealHeadJSON: sealHeadOf(x.Seal), Sealed: figuresJSONOf(x.Sealed), Current: figuresJSONOf(x.Current), Difference: figuresJSONOf(difference(x.Current, x.Sealed))}
}

// sealsAPI serves GET /api/v1/seals: the seals of the account's region, newest first,
// revoked ones marked; with year (or from and to), those of the years the period touches;
// with area, those of the area, the divisions within it and the areas that hold it. An area
// outside the account's region is 403, as everywhere.
func (s *Server) sealsAPI(c *fiber.Ctx, r viewRequest) error {
	ctx, f := r.ctx, r.v.Filter
	list, err := r.st.Seals(ctx)
	if err != nil {
		return err
	}
	out := []sealListJSON{}
	region := s.storeOf(c).Region()
	area, err := region.Area(f.Area)
	if err != nil {
		return err
	}
	for _, x := range list {
		d, ok := region.Tree().Code(x.Area)
		if x.Year < f.From.Year || x.Year > f.To.Year || !ok || !d.Within(area) && !area.Within(d) {
			continue
		}
		j := sealListJSON{sealHeadJSON: sealHeadOf(x), Revoked: x.Revoked}
		if region.Contains(d) { // a wider area's figures are not the account's
			j.Lots, j.AmountWan = int64(x.Lots), x.Amount.Wan()
		}
		out = append(out, j)
	}
	return c.JSON(fiber.Map{"seals": out})
}

// sealForm is the form on the report page that seals the view's year (analysts; admins when
// a seal is in force over it, which the new one supersedes), or revokes the seal in force
// (admins).
type sealForm struct {
	CSRF         string
	Year         int
	Area         string
	CanSeal      bool
	Supersedes   string // the seal in force that a new one would replace
	RevokeSealID string
}

// sealFormOf is the report page's seal form for the view: sealing needs a whole year of an
// area (no other narrowing) and an analyst, or an admin when a seal is in force over it;
// revoking, the seal in force and an admin.
func (s *Server) sealFormOf(c *fiber.Ctx, v view, x *sealed, csrf string) *sealForm {
	if s.loader == nil {
		return nil
	}
	f := v.Filter
	form := &sealForm{CSRF: csrf, Year: f.From.Year, Area: f.Area, CanSeal: areaYear(f) && s.role(c) >= auth.Analyst}
	if x != nil {
		form.CanSeal, form.Supersedes = form.CanSeal && s.isAdmin(c), x.Seal.ID
	}
	if x != nil && s.isAdmin(c) {
		form.RevokeSealID = x.Seal.ID
	}
	if !form.CanSeal && form.RevokeSealID == "" {
		return nil
	}
	return form
}

// role is the role of the request's account; an admin's when access control is off.
func (s *Server) role(c *fiber.Ctx) auth.Role {
	if s.access == nil {
		return auth.Admin
	}
	u, ok := s.sessionUser(c)
	if !ok {
		return auth.Viewer
	}
	return u.Role
}

// seal serves POST /seal (year, area, note): the year's figures of the area are sealed as
// the analyst's report publishes them, audited, and the analyst is sent back to the report.
func (s *Server) seal(c *fiber.Ctx) error {
	if s.audit != nil {
		if err := s.audit.Ready(); err != nil {
			return err
		}
	}
	year, err := strconv.Atoi(c.FormValue("year"))
	if err != nil {
		return tradestat.Fail(tradestat.Invalid, "year %q: want a year", c.FormValue("year"))
	}
	// Replacing the seal in force is an admin's decision; the loader refuses a seal over a
	// sealed period that does not name the seal it supersedes.
	supersedes := c.FormValue("supersedes")
	if supersedes != "" && !s.isAdmin(c) {
		return tradestat.Fail(tradestat.Forbidden, "only admins may replace the seal in force")
	}
	ctx, cancel := s.requestContext(c)
	defer cancel()
	done, err := s.loader.For(s.storeOf(c).Region()).Seal(ctx, year, c.FormValue("area"), c.FormValue("note"), s.userName(c), supersedes)
	if err != nil {
		return err
	}
	s.record(c, audit.Entry{Action: audit.Seal, Detail: done.Detail(), Status: fiber.StatusSeeOther})
	return c.Redirect(s.reportURL(c, year, c.FormValue("area")), fiber.StatusSeeOther)
}

// revokeSeal serves POST /seal/revoke (seal): an admin revokes a seal; it stays listed.
func (s *Server) revokeSeal(c *fiber.Ctx) error {
	if s.audit != nil {
		if err := s.audit.Ready(); err != nil {
			return err
		}
	}
	ctx, cancel := s.requestContext(c)
	defer cancel()
	id := c.FormValue("seal")
	if err := s.loader.For(s.storeOf(c).Region()).Revoke(ctx, id, s.userName(c)); err != nil {
		return err
	}
	s.record(c, audit.Entry{Action: audit.Revoke, Detail: id, Status: fiber.StatusSeeOther})
	year, _ := strconv.Atoi(c.FormValue("year"))
	return c.Redirect(s.reportURL(c, year, c.FormValue("area")), fiber.StatusSeeOther)
}

// reportURL is the report page of a year of an area, in the request's language.
func (s *Server) reportURL(c *fiber.Ctx, year int, area string) string {
	q := url.Values{"year": {strconv.Itoa(year)}}
	if area != "" {
		q.Set("area", area)
	}
	l, _ := parseLang(c.Query("lang"))
	return langPath("/report?"+q.Encode(), l)
}

// userName is the signed-in account's name, "" when access control is off.
func (s *Server) userName(c *fiber.Ctx) string {
	if s.access == nil {
		return ""
	}
	u, _ := s.sessionUser(c)
	return u.Name
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
// seal — added, removed, changed — with the load that made each what it is; for a view no
// seal covers, a page that says so.
func (s *Server) sealChanges(c *fiber.Ctx, r viewRequest) error {
	st, ctx, v := r.st, r.ctx, r.v
	x, err := s.sealOf(ctx, c, st, v)
	if err != nil {
		return err
	}
	var changes []query.Change
	if x != nil {
		if changes, err = st.SealChanges(ctx, x.Seal, v.Filter); err != nil {
			return err
		}
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

// areaYear reports a view of one area's whole calendar year, nothing narrowed: what a seal
// seals and a year's targets are set for.
func areaYear(f query.Filter) bool {
	return f.From == (tradestat.Date{Year: f.From.Year, Month: 1, Day: 1}) && f.To == (tradestat.Date{Year: f.From.Year, Month: 12, Day: 31}) &&
		f.Place == "" && f.Level == "" && f.Family == "" && f.Type == ""
}
