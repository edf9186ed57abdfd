package dashboard

import (
	"context"
	"strconv"
	"sync"

	"github.com/gofiber/fiber/v2"

	"tradestat"
	"tradestat/money"
	"tradestat/query"
)

// kpi is one figure card: the number and its unit as the report writes them, so that what a
// user copies from the card is what the report says (1651个, 35303.82万元), and its change
// against the same period a year earlier.
type kpi struct {
	Label, Value, Unit string
	// Note says what a figure leaves out: 未含 52 个无预算价项目 on savings when some
	// tender-type lots of the view have no budget. It goes wherever the figure goes (the
	// card, its copied text), so that an understated figure never reads as complete.
	Note   string
	Change string // 同比 +3.25%, 同比 -0.52个百分点, or "" when there is nothing to compare
	Trend  string // up, down or flat, for the arrow's colour
}

// choice is an option of a filter select.
type choice struct{ Value, Label string }

// filterForm is the filter form of a page: it submits to Action, showing View, with Keep
// carried along as hidden fields.
type filterForm struct {
	Action                         string
	View                           view
	Years                          []int
	Areas, Levels, Families, Types []choice
	Breadcrumb                     []choice
	Keep                           map[string]string
}

func newFilterForm(action string, v view, lo, hi tradestat.Date, keep map[string]string) filterForm {
	f := filterForm{Action: action, View: v, Keep: keep}
	for y := hi.Year; y >= lo.Year; y-- {
		f.Years = append(f.Years, y)
	}
	// The region tree: the way down to the view's area, and the area's subdivisions to go
	// further (its own centre's lots alone are a click on its bar). A view of one centre's
	// own lots offers no subdivisions: the breadcrumb leads out of it.
	f.Breadcrumb = v.Breadcrumb(action)
	if v.Filter.Place == "" {
		for _, d := range v.Area().Children {
			f.Areas = append(f.Areas, choice{d.Code, d.Name})
		}
	}
	for _, l := range v.Region.Root().LevelsBelow() {
		f.Levels = append(f.Levels, choice{l, l})
	}
	for _, fam := range tradestat.Families() {
		f.Families = append(f.Families, choice{string(fam), string(fam)})
	}
	for _, t := range tradestat.TradeTypes() {
		f.Types = append(f.Types, choice{string(t), string(t)})
	}
	return f
}

// chrome is what every page's header needs: its subtitle, its links and the other language.
type chrome struct {
	Sub     string
	Nav     []choice
	LangURL string
	User    string // the signed-in account, for the sign-out form
	CSRF    string
}

type overviewPage struct {
	chrome
	View      view
	Form      filterForm
	KPIs      []kpi
	Map       *mapPanel // nil: the area has no subdivisions, or no shapes
	Charts    []chart
	Drill     any
	Freshness freshness
	LotsURL   string
	BasisURL  string   // the lots a savings or premium figure leaves out
	Exports   []choice // the view's downloads
	PlaceSort string   // "amount" when the place chart is sorted by amount
	SortURL   string
	Echarts   string
	Sealed    *sealed // the seal in force over the view, if any
}

// chrome is a page's header: its subtitle, links, other language and signed-in account.
func (s *Server) chrome(c *fiber.Ctx, sub, langURL string, nav ...choice) chrome {
	user, token := s.who(c)
	if s.isAdmin(c) && sub != "数据导入" && sub != "审计日志" {
		l, _ := parseLang(c.Query("lang"))
		nav = append(nav, choice{langPath("/admin/ingest", l), "数据导入"})
	}
	return chrome{Sub: sub, Nav: nav, LangURL: langURL, User: user, CSRF: token}
}

// freshness is the data's currency as every page shows it.
type freshness struct {
	LatestDeal string // the latest completion date in the data
	LastLoad   string // the last ingest, Asia/Shanghai
	Demo       bool
}

func (s *Server) freshness(ctx context.Context, st *query.Store) (freshness, error) {
	var fr freshness
	_, hi, ok, err := dataExtent(ctx, st)
	if err != nil {
		return fr, err
	}
	info, err := st.LoadInfo(ctx)
	if err != nil {
		return fr, err
	}
	if ok {
		fr.LatestDeal = hi.String()
	}
	if !info.LastLoad.IsZero() {
		fr.LastLoad = info.LastLoad.Format("2006-01-02 15:04")
	}
	fr.Demo = info.Demo
	return fr, nil
}

// viewFigures are what the overview and the wall display show of a view: its totals, the
// same period a year earlier, and its breakdowns by dims. They are read at once, each on a
// connection of its own: a page whose figures are not cached waits for the slowest read, not
// for all of them one after the other.
func (s *Server) viewFigures(ctx context.Context, st *query.Store, f query.Filter, dims ...query.Dimension) (sum, prev query.Totals, rows map[query.Dimension][]query.Row, err error) {
	got := make([][]query.Row, len(dims))
	errs := make([]error, len(dims)+2)
	var wg sync.WaitGroup
	wg.Go(func() { sum, errs[0] = st.Summary(ctx, f) })
	wg.Go(func() { prev, errs[1] = st.Summary(ctx, f.PreviousYear()) })
	for i, d := range dims {
		wg.Go(func() { got[i], _, errs[i+2] = st.Breakdown(ctx, f, d) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return sum, prev, nil, err
		}
	}
	rows = make(map[query.Dimension][]query.Row, len(dims))
	for i, d := range dims {
		rows[d] = got[i]
	}
	return sum, prev, rows, nil
}

// overview serves GET /: the view's figures with their year-on-year change, and its charts.
// Clicking a year, month, place, type or family narrows the view to it.
func (s *Server) overview(c *fiber.Ctx, r viewRequest) error {
	st, ctx, v := r.st, r.ctx, r.v
	f := v.Filter
	lo, hi, fr, err := s.frame(r)
	if err != nil {
		return err
	}
	// The annual trend keeps the view's filters but spans every year of data; it is read
	// beside the view's own figures.
	years := f
	years.From = tradestat.Date{Year: min(lo.Year, f.From.Year), Month: 1, Day: 1}
	years.To = tradestat.Date{Year: max(hi.Year, f.To.Year), Month: 12, Day: 31}
	var byYear []query.Row
	var errYears error
	var wg sync.WaitGroup
	wg.Go(func() { byYear, _, errYears = st.Breakdown(ctx, years, query.ByYear) })
	sum, prev, breakdowns, err := s.viewFigures(ctx, st, f, query.ByMonth, query.ByArea, query.ByType, query.ByFamily)
	wg.Wait()
	if err != nil {
		return err
	}
	if errYears != nil {
		return errYears
	}

	places := breakdowns[query.ByArea]
	placeSort := ""
	if c.Query("psort") == "amount" {
		places, placeSort = sortByAmount(places), "amount"
	} else if c.Query("psort") != "" {
		return tradestat.Fail(tradestat.Invalid, "psort %q: want amount or nothing", c.Query("psort"))
	}
	period, lk, t := v.Period(), pageLook(v.L), v.L.T
	byKey := func(key string) func(query.Row) string {
		return func(r query.Row) string { return v.url("/", key, r.Key) }
	}
	byArea := func(r query.Row) string { return v.drillArea("/", r) }
	monthDrill := func(r query.Row) string {
		d, _ := tradestat.ParseDate(r.Key + "-01") // the month keys are YYYY-MM
		return v.url("/", "from", d.String(), "to", tradestat.Date{Year: d.Year, Month: d.Month, Day: tradestat.DaysIn(d.Year, d.Month)}.String())
	}
	charts := []chart{
		amountAndProjects(lk, "chart_years", t("历年交易情况"), byYear, byKey("year")),
		monthChart(lk, period+t("各月交易金额"), breakdowns[query.ByMonth], monthDrill),
		amountAndProjects(lk, "chart_places", period+t("各交易中心交易情况"), places, byArea),
		amountAndProjects(lk, "chart_types", period+t("各交易类型交易情况"), breakdowns[query.ByType], byKey("type")),
		familyChart(lk, period+t("交易金额构成（万元）"), breakdowns[query.ByFamily], byKey("family")),
		ratesChart(lk, "chart_place_rates", period+t("各交易中心节约率、增值率"), places, byArea),
		ratesChart(lk, "chart_type_rates", period+t("各交易类型节约率、增值率"), breakdowns[query.ByType], byKey("type")),
		onlineChart(lk, period+t("不见面开标占比（工程建设、政府采购、药品耗材）"), sum),
	}
	mp, err := s.areaMap(lk, v, "/", breakdowns[query.ByArea], "480px")
	if err != nil {
		return err
	}
	drill := charts
	if mp != nil {
		mp.Chart = nonced(c, mp.Chart)
		drill = append(drill, mp.Chart)
	}
	withNonce(c, charts)
	page := overviewPage{
		Map:       mp,
		chrome:    s.chrome(c, "", v.LangURL("/"), choice{v.url("/lots"), "项目明细"}, choice{v.url("/report"), "报告文字"}, choice{v.url("/competition"), "竞争与风险"}),
		View:      v,
		KPIs:      kpis(v.L, sum, prev),
		Charts:    charts,
		Drill:     drillJSON(drill),
		Freshness: fr,
		LotsURL:   v.url("/lots"),
		BasisURL:  v.url("/lots", "basis", "none"),
		Exports: []choice{
			{v.url("/export/indicators", "by", "year,month,area,level,type,family"), "效益指标 Excel"},
			{v.url("/export/indicators", "by", "area", "format", "csv"), "效益指标 CSV"},
			{v.url("/export/lots"), "项目明细 Excel"},
			{v.url("/export/lots", "format", "csv"), "项目明细 CSV"},
			{v.url("/export/evaluation"), "绩效自评表"},
		},
		PlaceSort: placeSort,
		Echarts:   "/" + echartsAsset,
	}
	if placeSort == "" {
		page.SortURL = v.url("/", "psort", "amount")
	} else {
		page.SortURL = v.url("/", "psort", "")
	}
	if page.Sealed, err = s.sealOf(ctx, c, st, v); err != nil {
		return err
	}
	page.Form = newFilterForm("/", v, lo, hi, nil)
	if placeSort != "" {
		page.Form.Keep = map[string]string{"psort": placeSort}
	}
	return s.render(c, "overview.html", page)
}

// kpis are the five figures and three rates of a view, each with its change against the same
// period a year earlier: a relative change for figures, percentage points for rates.
func kpis(l lang, cur, prev query.Totals) []kpi {
	count := func(label string, n, p int64) kpi {
		k := kpi{Label: l.T(label), Value: strconv.FormatInt(n, 10), Unit: l.Unit("个")}
		k.Change, k.Trend = relChange(l, n, p)
		return k
	}
	wan := func(label string, n, p money.Fen) kpi {
		k := kpi{Label: l.T(label), Value: n.Wan(), Unit: l.Unit("万元")}
		k.Change, k.Trend = relChange(l, int64(n), int64(p))
		return k
	}
	rate := func(label string, curRate func() (string, bool), prevRate func() (string, bool)) kpi {
		r, ok := curRate()
		if !ok {
			return kpi{Label: l.T(label), Value: "—"}
		}
		k := kpi{Label: l.T(label), Value: r, Unit: "%"}
		if p, ok := prevRate(); ok {
			k.Change, k.Trend = pointChange(l, r, p)
		}
		return k
	}
	savings, premium := wan("节约资金", cur.Savings, prev.Savings), wan("增价", cur.Premium, prev.Premium)
	savings.Note, premium.Note = basisNotes(l, cur)
	return []kpi{
		count("交易项目", cur.Projects, prev.Projects),
		wan("交易金额", cur.Amount, prev.Amount),
		savings,
		premium,
		count("不见面开标", cur.Online, prev.Online),
		rate("节约率", cur.SavingsRate, prev.SavingsRate),
		rate("增值率", cur.PremiumRate, prev.PremiumRate),
		rate("不见面开标率", cur.OnlineRate, prev.OnlineRate),
	}
}

// basisNotes say how many lots of a view the savings and the premium leave out for want of a
// budget or a reserve price ("" when none).
func basisNotes(l lang, t query.Totals) (savings, premium string) {
	if t.NoBudget > 0 {
		savings = l.msg().T("excludes %d lots without a budget or ceiling price", t.NoBudget)
	}
	if t.NoReserve > 0 {
		premium = l.msg().T("excludes %d lots without a reserve price", t.NoReserve)
	}
	return savings, premium
}

// relChange is the change from p to n in percent, as 同比 +3.25%; nothing when p is 0.
func relChange(l lang, n, p int64) (string, string) {
	pct, ok := money.Percent(n-p, p)
	if !ok {
		return "", ""
	}
	return l.yoy(signed(pct), false), trend(n - p)
}

// pointChange is the change between two rates in percentage points.
func pointChange(l lang, cur, prev string) (string, string) {
	c, _ := money.Parse(cur, money.Yuan) // rates have two decimals: read them as exact hundredths
	p, _ := money.Parse(prev, money.Yuan)
	d := c - p
	return l.yoy(signed(d.Yuan()), true), trend(int64(d))
}

func signed(s string) string {
	if s != "" && s[0] != '-' && s != "0.00" {
		return "+" + s
	}
	return s
}

func trend(d int64) string {
	switch {
	case d > 0:
		return "up"
	case d < 0:
		return "down"
	}
	return "flat"
}
