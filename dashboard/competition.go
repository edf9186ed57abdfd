package dashboard

import (
	"cmp"
	"strconv"
	"sync"

	"github.com/gofiber/fiber/v2"

	"tradestat"
	"tradestat/export"
	"tradestat/money"
	"tradestat/query"
	"tradestat/report"
)

// The competition figures (docs/competition.md): a page for leaders and supervisors and the
// same figures as JSON. Every figure travels with its basis, the sections whose exports gave
// what it needs, and a figure without one is not given (无数据, null) rather than shown as 0.

// competitionFigure is one figure of a card: its value, or none, and its basis.
type competitionFigure struct {
	Label string
	Value string // "" when the basis is empty
	Unit  string
	Basis int64 // sections the figure is computed over; -1 when every section is
	Note  string
}

type competitionTable struct {
	Title string
	Rows  []competitionRowView
	Total competitionRowView
}

type competitionRowView struct {
	Name                                 string
	Sections, Failed, Remote             int64
	FailureRate, RemoteRate, MeanBidders string
	SingleShare                          string
}

type competitionPage struct {
	chrome
	View      view
	Form      filterForm
	Figures   []competitionFigure
	Sentence  string
	Tables    []competitionTable
	Winners   winnersView
	Exports   []choice
	Freshness freshness
	Seal      *competitionSeal // the seal in force over the view, if any
	AsSealed  bool             // the figures are the seal's (as=sealed), not the current ones
	AsURLs    []choice
}

// winnersView is the concentration of a view's awards as its page shows it.
type winnersView struct {
	query.Concentration
	Top5, Top10 string // shares in percent; "" without a basis
	Rows        []winnerRowView
	L           lang
	Empty       string // what the page says without a basis (an interface text)
}

type winnerRowView struct {
	query.Winner
	URL, Share string
}

// winnersOf is the page's view of the concentration con, saying empty without a basis.
func winnersOf(v view, con query.Concentration, empty string) winnersView {
	share := func(a money.Fen) string {
		s, _ := con.ShareOf(a)
		return s
	}
	out := winnersView{Concentration: con, Top5: share(con.Top5), Top10: share(con.Top10), L: v.L, Empty: empty}
	for _, w := range con.Top {
		out.Rows = append(out.Rows, winnerRowView{w, bidderURL(v, w.Code), share(w.Won)})
	}
	return out
}

// competitionFigures are the page's cards.
func competitionFigures(c query.Competition) []competitionFigure {
	value := func(s string, ok bool) string {
		if !ok {
			return ""
		}
		return s
	}
	known := c.BiddersKnown()
	return []competitionFigure{
		{Label: "开标标段", Value: strconv.FormatInt(c.Sections, 10), Unit: "个", Basis: -1},
		{Label: "流标标段", Value: strconv.FormatInt(c.Failed, 10), Unit: "个", Basis: -1},
		{Label: "流标率", Value: value(c.FailureRate()), Unit: "%", Basis: c.Sections},
		{Label: "远程异地评标", Value: value(strconv.FormatInt(c.Remote, 10), c.RemoteKnown > 0), Unit: "个", Basis: c.RemoteKnown},
		{Label: "远程异地评标率", Value: value(c.RemoteRate()), Unit: "%", Basis: c.RemoteKnown},
		{Label: "平均投标人数", Value: value(c.MeanBidders()), Unit: "家", Basis: known},
		{Label: "投标人数中位数", Value: value(c.MedianBidders()), Unit: "家", Basis: known},
		{Label: "仅一家投标", Value: value(c.SingleShare()), Unit: "%", Basis: known},
		{Label: "投标人少于三家", Value: value(c.UnderThreeShare()), Unit: "%", Basis: known},
		{Label: "平均投标期", Value: value(c.MeanSubmissionDays()), Unit: "天", Basis: c.SubmissionKnown,
			Note: shortNote(c)},
		{Label: "平均评标定标期", Value: value(c.MeanDecisionDays()), Unit: "天", Basis: c.DecisionKnown},
		{Label: "中标价÷最高投标限价", Value: value(c.MeanCeilingRatio()), Unit: "%", Basis: c.CeilingKnown},
		{Label: "贴近限价（≥98%）", Value: value(c.AtCapShare()), Unit: "%", Basis: c.CeilingKnown},
	}
}

// shortNote names how many sections had a submission period under the legal minimum.
func shortNote(c query.Competition) string {
	if c.SubmissionShort == 0 {
		return ""
	}
	return strconv.FormatInt(c.SubmissionShort, 10)
}

func competitionRowOf(name string, c query.Competition) competitionRowView {
	text := func(s string, ok bool) string {
		if !ok {
			return "—"
		}
		return s
	}
	remote := c.Remote
	if c.RemoteKnown == 0 {
		remote = -1
	}
	return competitionRowView{Name: name, Sections: c.Sections, Failed: c.Failed, Remote: remote,
		FailureRate: text(c.FailureRate()), RemoteRate: text(c.RemoteRate()), MeanBidders: text(c.MeanBidders()),
		SingleShare: text(c.SingleShare())}
}

// competition serves GET /competition: the view's competition figures as cards, the bulletin
// sentence, and tables by area, trade type and month. Its reads do not depend on one another
// (the winners and the page's frame are the same whichever figures a seal makes shown), so
// they run side by side: a cold page waits for its slowest read, not for their sum.
func (s *Server) competition(c *fiber.Ctx, r viewRequest) error {
	st, ctx, v := r.st, r.ctx, r.v
	var (
		con              query.Concentration
		lo, hi           tradestat.Date
		fr               freshness
		errCon, errFrame error
		wg               sync.WaitGroup
	)
	wg.Go(func() { con, errCon = st.Concentration(ctx, v.Filter) })
	wg.Go(func() { lo, hi, fr, errFrame = s.frame(r) })
	figures, x, err := chosenCompetition(ctx, c, st, v)
	dims := []query.Dimension{query.ByArea, query.ByType, query.ByMonth}
	rows, sums := make([][]query.CompetitionRow, len(dims)), make([]query.Competition, len(dims))
	if err == nil {
		errs := make([]error, len(dims))
		var each sync.WaitGroup
		for i, d := range dims {
			each.Go(func() { rows[i], sums[i], errs[i] = figures.CompetitionBreakdown(ctx, v.Filter, d) })
		}
		each.Wait()
		err = cmp.Or(errs...)
	}
	wg.Wait()
	if err := cmp.Or(err, errCon, errFrame); err != nil {
		return err
	}
	total := sums[1] // the view's total, as the breakdown by type gives it
	_, asSealed := figures.(query.Sealed)
	as, keep := "", map[string]string(nil)
	if asSealed {
		as, keep = "sealed", map[string]string{"as": "sealed"}
	}
	page := competitionPage{
		chrome:   s.chrome(c, "竞争与风险", v.LangURL("/competition"), choice{v.url("/"), "返回统计"}, choice{v.url("/flags"), "风险提示"}, choice{v.url("/report"), "报告文字"}),
		View:     v,
		Figures:  competitionFigures(total),
		Sentence: report.CompetitionSentence(v.Filter, total),
		Exports:  competitionExports(v, as),
		Seal:     x,
		AsSealed: asSealed,
		Winners:  winnersOf(v, con, "本期没有标明中标人的投标记录"),
	}
	if x != nil && x.Recorded {
		page.AsURLs = []choice{{v.url("/competition"), "当前数字"}, {v.url("/competition", "as", "sealed"), "定稿数字"}}
	}
	for i, d := range dims {
		t := competitionTable{Title: export.DimensionName(v.L.msg(), d), Total: competitionRowOf(v.L.T("合计"), sums[i])}
		for _, row := range rows[i] {
			if row.Sections > 0 || d == query.ByMonth {
				t.Rows = append(t.Rows, competitionRowOf(v.L.rowName(query.Row{Key: row.Key, Name: row.Name}), row.Competition))
			}
		}
		page.Tables = append(page.Tables, t)
	}
	page.Form, page.Freshness = newFilterForm("/competition", v, lo, hi, keep), fr
	return s.render(c, "competition.html", page)
}

// competitionExports are the competition export's links of a view, of the figures as (sealed
// or "").
func competitionExports(v view, as string) []choice {
	return []choice{{v.url("/export/competition", "as", as), "竞争与风险 Excel"}, {v.url("/export/competition", "format", "csv", "as", as), "竞争与风险 CSV"}}
}

// competitionJSON is the competition figures as the API gives them: counts as numbers, rates
// and means as text with two decimals (as the pages show them), each with its basis, and null
// where the basis is empty.
type competitionJSON struct {
	Key         string  `json:"key,omitempty"`
	Name        string  `json:"name,omitempty"`
	Sections    int64   `json:"sections"`
	Failed      int64   `json:"failed"`
	FailureRate *string `json:"failure_rate"`
	Remote      struct {
		Count *int64  `json:"count"`
		Basis int64   `json:"basis"`
		Rate  *string `json:"rate"`
	} `json:"remote_evaluation"`
	Bidders struct {
		Basis           int64            `json:"basis"`
		Mean            *string          `json:"mean"`
		Median          *string          `json:"median"`
		SingleShare     *string          `json:"single_bidder_share"`
		UnderThreeShare *string          `json:"under_three_share"`
		Distribution    map[string]int64 `json:"distribution"`
	} `json:"bidders"`
	Submission struct {
		Basis        int64   `json:"basis"`
		MeanDays     *string `json:"mean_days"`
		UnderMinimum int64   `json:"under_legal_minimum"`
	} `json:"submission_period"`
	Decision struct {
		Basis    int64   `json:"basis"`
		MeanDays *string `json:"mean_days"`
	} `json:"decision_period"`
	Ceiling struct {
		Basis      int64   `json:"basis"`
		MeanRatio  *string `json:"mean_award_to_ceiling"`
		AtCapShare *string `json:"at_cap_share"`
	} `json:"ceiling"`
}

func competitionJSONOf(key, name string, c query.Competition) competitionJSON {
	opt := func(s string, ok bool) *string {
		if !ok {
			return nil
		}
		return &s
	}
	out := competitionJSON{Key: key, Name: name, Sections: c.Sections, Failed: c.Failed, FailureRate: opt(c.FailureRate())}
	out.Remote.Basis, out.Remote.Rate = c.RemoteKnown, opt(c.RemoteRate())
	if c.RemoteKnown > 0 {
		n := c.Remote
		out.Remote.Count = &n
	}
	b := &out.Bidders
	b.Basis, b.Mean, b.Median = c.BiddersKnown(), opt(c.MeanBidders()), opt(c.MedianBidders())
	b.SingleShare, b.UnderThreeShare = opt(c.SingleShare()), opt(c.UnderThreeShare())
	b.Distribution = map[string]int64{}
	for n, k := range c.ByCompetitors {
		if k == 0 {
			continue
		}
		key := strconv.Itoa(n)
		if n == query.MaxCompetitors {
			key += "+"
		}
		b.Distribution[key] = k
	}
	out.Submission.Basis, out.Submission.MeanDays, out.Submission.UnderMinimum = c.SubmissionKnown, opt(c.MeanSubmissionDays()), c.SubmissionShort
	out.Decision.Basis, out.Decision.MeanDays = c.DecisionKnown, opt(c.MeanDecisionDays())
	out.Ceiling.Basis, out.Ceiling.MeanRatio, out.Ceiling.AtCapShare = c.CeilingKnown, opt(c.MeanCeilingRatio()), opt(c.AtCapShare())
	return out
}

// competitionAPI serves GET /api/v1/competition: the filter's competition figures, with the
// bulletin sentence, and by=… the rows of a breakdown as /api/v1/breakdown lists them.
func (s *Server) competitionAPI(c *fiber.Ctx, r viewRequest) error {
	st, ctx, f := r.st, r.ctx, r.v.Filter
	type answer struct {
		From     string            `json:"from"`
		To       string            `json:"to"`
		By       string            `json:"by,omitempty"`
		Sentence string            `json:"sentence"`
		Total    competitionJSON   `json:"total"`
		Rows     []competitionJSON `json:"rows,omitempty"`
		// As says which figures these are when a seal covers the view: current, or sealed
		// (as=sealed); Seal says which seal and its figures beside the current ones.
		As   string               `json:"as,omitempty"`
		Seal *competitionSealJSON `json:"seal,omitempty"`
	}
	figures, x, err := chosenCompetition(ctx, c, st, r.v)
	if err != nil {
		return err
	}
	dim := query.ByType
	if by := c.Query("by"); by != "" {
		d, err := query.ParseDimension(by)
		if err != nil {
			return err
		}
		dim = d
	}
	rows, total, err := figures.CompetitionBreakdown(ctx, f, dim)
	if err != nil {
		return err
	}
	out := answer{From: f.From.String(), To: f.To.String(), Sentence: report.CompetitionSentence(f, total), Total: competitionJSONOf("", "", total)}
	out.As, out.Seal = competitionAs(figures, x)
	if c.Query("by") != "" {
		out.By = string(dim)
		out.Rows = []competitionJSON{}
		for _, row := range rows {
			out.Rows = append(out.Rows, competitionJSONOf(row.Key, row.Name, row.Competition))
		}
	}
	return c.JSON(out)
}
