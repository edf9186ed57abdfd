package dashboard

import (
	"github.com/gofiber/fiber/v2"

	"tradestat/report"
)

type reportPage struct {
	chrome
	View      view
	Form      filterForm
	Style     report.Style
	StyleURLs []choice // the other styles of the same view
	Sentences []string
	Figures   []report.Figure
	Freshness freshness
	Sealed    *sealed // the seal in force over the view, if any
	AsSealed  bool    // the text is of the seal's figures (as=sealed), not the current ones
	AsURLs    []choice
	Table     string // the self-evaluation table of the same figures
	SealForm  *sealForm
}

// reportText serves GET /report: the view's figures as the sentences documents use (the
// annual style of the self-evaluation report, or the bulletin style), each figure and each
// sentence with a button that copies exactly the text shown. The text is Chinese in both
// page languages: it goes into Chinese documents. When a seal covers the view, the writer
// chooses its figures (as=sealed) or the current ones, and the page says which the text is of.
func (s *Server) reportText(c *fiber.Ctx, r viewRequest) error {
	st, ctx, v := r.st, r.ctx, r.v
	style, err := report.ParseStyle(c.Query("style"))
	if err != nil {
		return err
	}
	figures, x, err := s.chosen(ctx, c, st, v)
	if err != nil {
		return err
	}
	in, err := report.Gather(ctx, figures, v.Filter)
	if err != nil {
		return err
	}
	lo, hi, fr, err := s.frame(r)
	if err != nil {
		return err
	}
	page := reportPage{
		chrome: s.chrome(c, "报告文字", v.LangURL("/report"), choice{v.url("/"), "返回统计"}, choice{v.url("/lots"), "项目明细"}),
		View:   v, Style: style, Sentences: report.Sentences(style, in), Figures: report.Figures(in.Total), Freshness: fr,
		Sealed: x, AsSealed: isSealed(figures),
	}
	as, keep := "", map[string]string{"style": string(style)}
	if page.AsSealed {
		as, keep["as"] = "sealed", "sealed"
	}
	page.Form = newFilterForm("/report", v, lo, hi, keep)
	page.Table = v.url("/export/evaluation", "as", as)
	page.SealForm = s.sealFormOf(c, v, page.Sealed, page.chrome.CSRF)
	for _, st := range []struct {
		style report.Style
		label string
	}{{report.Annual, "年度报告（自评报告）"}, {report.Bulletin, "月度简报"}} {
		page.StyleURLs = append(page.StyleURLs, choice{v.url("/report", "style", string(st.style), "as", as), st.label})
	}
	if x != nil {
		page.AsURLs = []choice{{v.url("/report", "style", string(style)), "当前数字"}, {v.url("/report", "style", string(style), "as", "sealed"), "定稿数字"}}
	}
	return s.render(c, "report.html", page)
}

// reportAPI serves GET /api/v1/report: the same sentences and figures as JSON, of the
// current figures or (as=sealed) the seal's, labelled as /api/v1/summary labels them.
func (s *Server) reportAPI(c *fiber.Ctx, r viewRequest) error {
	st, ctx, f := r.st, r.ctx, r.v.Filter
	style, err := report.ParseStyle(c.Query("style"))
	if err != nil {
		return err
	}
	figures, x, err := s.chosen(ctx, c, st, view{Filter: f})
	if err != nil {
		return err
	}
	in, err := report.Gather(ctx, figures, f)
	if err != nil {
		return err
	}
	type figureJSON struct {
		Label string `json:"label"`
		Text  string `json:"text"`
	}
	out := struct {
		From      string       `json:"from"`
		To        string       `json:"to"`
		Style     string       `json:"style"`
		Sentences []string     `json:"sentences"`
		Figures   []figureJSON `json:"figures"`
		As        string       `json:"as,omitempty"` // as in /api/v1/summary
		Seal      *sealJSON    `json:"seal,omitempty"`
	}{From: f.From.String(), To: f.To.String(), Style: string(style), Sentences: report.Sentences(style, in)}
	out.As, out.Seal = asOf(figures, x)
	for _, fg := range report.Figures(in.Total) {
		out.Figures = append(out.Figures, figureJSON{fg.Label, fg.Text})
	}
	return c.JSON(out)
}
