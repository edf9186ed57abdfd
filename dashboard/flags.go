package dashboard

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"tradestat"
	"tradestat/msg"
	"tradestat/query"
	"tradestat/report"
)

// The red flags (docs/competition.md): the awarded sections of a view whose bids or dates
// show a sign a supervisor looks at first, most flagged first, each flag with the sentence
// saying what was found and the definition it follows. A score is never shown without them.

// flagsPageSize is how many flagged sections a page lists.
const flagsPageSize = 50

// flagPage reads the page parameter of the flag list: 1 when absent.
func flagPage(c *fiber.Ctx) (page, size int, err error) {
	page, size = 1, flagsPageSize
	if p := c.Query("page"); p != "" {
		if page, err = strconv.Atoi(p); err != nil || page < 1 || page > query.MaxFlagPages {
			return 0, 0, tradestat.Fail(tradestat.Invalid, "page %q: want a page number from 1 to %d", p, query.MaxFlagPages)
		}
	}
	if n := c.Query("size"); n != "" {
		if size, err = strconv.Atoi(n); err != nil || size < 1 || size > query.MaxPageSize {
			return 0, 0, tradestat.Fail(tradestat.Invalid, "size %q: want 1 to %d lots a page", n, query.MaxPageSize)
		}
	}
	return page, size, nil
}

type flagCountView struct {
	Code               tradestat.FlagCode
	Name               string
	Applicable, Raised int64
}

type flaggedView struct {
	query.FlaggedSection
	Score   string
	Reasons []string
	URL     string // the section's page
}

type flagsPage struct {
	chrome
	View      view
	Form      filterForm
	Result    query.FlagPage
	Counts    []flagCountView
	Rows      []flaggedView
	Prev      string
	Next      string
	Exports   []choice
	Freshness freshness
}

// flags serves GET /flags: the view's flag counts and its flagged sections, a page at a time.
func (s *Server) flags(c *fiber.Ctx, r viewRequest) error {
	st, ctx, v := r.st, r.ctx, r.v
	page, size, err := flagPage(c)
	if err != nil {
		return err
	}
	res, err := st.Flags(ctx, v.Filter, page, size)
	if err != nil {
		return err
	}
	out := flagsPage{
		chrome:  s.chrome(c, "风险提示", v.LangURL("/flags"), choice{v.url("/competition"), "竞争与风险"}, choice{v.url("/"), "返回统计"}),
		View:    v,
		Result:  res,
		Exports: competitionExports(v, ""),
	}
	for _, fc := range res.Counts {
		out.Counts = append(out.Counts, flagCountView{fc.Code, report.FlagName(v.L.msg(), fc.Code), fc.Applicable, fc.Raised})
	}
	for _, row := range res.Rows {
		score, _ := row.ScoreBP()
		fv := flaggedView{FlaggedSection: row, Score: report.BP(score), URL: sectionURL(v, row.ProjectCode, row.LotCode)}
		for _, raised := range row.Raised {
			fv.Reasons = append(fv.Reasons, report.FlagReason(v.L.msg(), raised))
		}
		out.Rows = append(out.Rows, fv)
	}
	if page > 1 {
		out.Prev = v.url("/flags", "page", strconv.Itoa(page-1))
	}
	if int64(page*size) < res.Flagged && page < query.MaxFlagPages {
		out.Next = v.url("/flags", "page", strconv.Itoa(page+1))
	}
	lo, hi, fr, err := s.frame(r)
	if err != nil {
		return err
	}
	out.Form, out.Freshness = newFilterForm("/flags", v, lo, hi, nil), fr
	return s.render(c, "flags.html", out)
}

// raisedJSON is a raised flag as the answers give it: its code, its name and what it found.
type raisedJSON struct {
	Code   tradestat.FlagCode `json:"code"`
	Name   string             `json:"name"`
	Reason string             `json:"reason"`
}

// raisedOf is the raised flags of a section in l.
func raisedOf(l msg.Lang, raised []tradestat.Raised) []raisedJSON {
	out := []raisedJSON{}
	for _, r := range raised {
		out = append(out, raisedJSON{r.Code, report.FlagName(l, r.Code), report.FlagReason(l, r)})
	}
	return out
}

// flagsAPI serves GET /api/v1/flags: the filter's flag counts and a page of its flagged
// sections, each raised flag with its sentence in the request's language.
func (s *Server) flagsAPI(c *fiber.Ctx, r viewRequest) error {
	st, ctx, f := r.st, r.ctx, r.v.Filter
	lg, err := parseLang(c.Query("lang"))
	if err != nil {
		return err
	}
	l := lg.msg()
	page, size, err := flagPage(c)
	if err != nil {
		return err
	}
	res, err := st.Flags(ctx, f, page, size)
	if err != nil {
		return err
	}
	type rowJSON struct {
		ProjectCode string               `json:"project_code"`
		LotCode     string               `json:"lot_code"`
		Name        string               `json:"name"`
		Type        string               `json:"trade_type"`
		Place       string               `json:"place_code"`
		PlaceName   string               `json:"place_name"`
		Date        string               `json:"date"`
		Amount      string               `json:"amount_yuan"`
		Bids        int                  `json:"bids"`
		Score       string               `json:"score_percent"`
		Applicable  []tradestat.FlagCode `json:"applicable"`
		Raised      []raisedJSON         `json:"raised"`
	}
	type countJSON struct {
		Code       tradestat.FlagCode `json:"code"`
		Name       string             `json:"name"`
		Applicable int64              `json:"applicable"`
		Raised     int64              `json:"raised"`
	}
	out := struct {
		From     string      `json:"from"`
		To       string      `json:"to"`
		Sections int64       `json:"sections"`
		Flagged  int64       `json:"flagged"`
		WithBids int64       `json:"with_bid_lists"`
		Page     int         `json:"page"`
		Size     int         `json:"size"`
		Flags    []countJSON `json:"flags"`
		Rows     []rowJSON   `json:"rows"`
	}{From: f.From.String(), To: f.To.String(), Sections: res.Sections, Flagged: res.Flagged, WithBids: res.WithBids,
		Page: page, Size: size, Flags: []countJSON{}, Rows: []rowJSON{}}
	for _, fc := range res.Counts {
		out.Flags = append(out.Flags, countJSON{fc.Code, report.FlagName(l, fc.Code), fc.Applicable, fc.Raised})
	}
	for _, row := range res.Rows {
		score, _ := row.ScoreBP()
		rj := rowJSON{row.ProjectCode, row.LotCode, row.Name, string(row.Type), row.PlaceCode, row.PlaceName, row.Day.String(),
			row.Amount.Yuan(), row.Bids, report.BP(score), row.Applicable, raisedOf(l, row.Raised)}
		out.Rows = append(out.Rows, rj)
	}
	return c.JSON(out)
}
