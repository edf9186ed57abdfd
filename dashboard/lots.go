package dashboard

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"tradestat"
	"tradestat/query"
)

// lotPageSize is how many lots the list page shows at once.
const lotPageSize = 50

// maxSearch bounds the search text: a code or part of a name is never long.
const maxSearch = 100

// searchParam is the q parameter: part of a code or name, of bounded length and valid UTF-8.
func searchParam(c *fiber.Ctx) (string, error) {
	q := c.Query("q")
	if utf8.RuneCountInString(q) > maxSearch || !utf8.ValidString(q) {
		return "", tradestat.Fail(tradestat.Invalid, "q: search for at most %d characters of a code or name", maxSearch)
	}
	return q, nil
}

// lotRequest parses the lot list's own parameters: search, sort, direction, page and size.
func lotRequest(c *fiber.Ctx, defaultSize int) (query.LotQuery, error) {
	q := query.LotQuery{Page: 1, Size: defaultSize}
	var err error
	if q.Search, err = searchParam(c); err != nil {
		return q, err
	}
	switch c.Query("basis") {
	case "":
	case "none":
		q.NoBasis = true
	default:
		return q, tradestat.Fail(tradestat.Invalid, "basis %q: want none (the lots without a budget or reserve price)", c.Query("basis"))
	}
	switch c.Query("status") {
	case "":
	case "cancelled":
		q.Cancelled = true
	default:
		return q, tradestat.Fail(tradestat.Invalid, "status %q: want cancelled (the lots that did not complete trading)", c.Query("status"))
	}
	if q.Sort, err = query.ParseLotSort(c.Query("sort")); err != nil {
		return q, err
	}
	switch c.Query("dir") {
	case "", "desc":
	case "asc":
		q.Asc = true
	default:
		return q, tradestat.Fail(tradestat.Invalid, "dir %q: want asc or desc", c.Query("dir"))
	}
	if p := c.Query("page"); p != "" {
		if q.Page, err = strconv.Atoi(p); err != nil || q.Page < 1 || q.Page > 1_000_000 {
			return q, tradestat.Fail(tradestat.Invalid, "page %q: want a page number from 1", p)
		}
	}
	if n := c.Query("size"); n != "" {
		if q.Size, err = strconv.Atoi(n); err != nil || q.Size < 1 || q.Size > query.MaxPageSize {
			return q, tradestat.Fail(tradestat.Invalid, "size %q: want 1 to %d lots a page", n, query.MaxPageSize)
		}
	}
	return q, nil
}

type sortLink struct {
	Label, URL, Mark string
	Num              bool
}

type lotsPage struct {
	chrome
	View       view
	Form       filterForm
	Query      query.LotQuery
	Lots       []query.LotRow
	Totals     query.Totals
	Pages      int
	Prev, Next string
	Sorts      []sortLink
	Freshness  freshness
	BackURL    string
	Exports    []choice
	// Cancelled is the list of the lots that did not complete, or the link to it.
	CancelledURL string
}

// lots serves GET /lots: the lots behind the view's figures, a page at a time, sortable and
// searchable. Its totals line is the view's figures (narrowed by the search, if any).
func (s *Server) lots(c *fiber.Ctx, r viewRequest) error {
	st, ctx, v := r.st, r.ctx, r.v
	q, err := lotRequest(c, lotPageSize)
	if err != nil {
		return err
	}
	res, err := st.Lots(ctx, v.Filter, q)
	if err != nil {
		return err
	}
	lo, hi, fr, err := s.frame(r)
	if err != nil {
		return err
	}
	// The list's own state rides along with the view in every link it makes.
	state := v
	state.params = cloneValues(v.params)
	for _, k := range []string{"q", "sort", "dir", "basis", "status"} {
		if val := c.Query(k); val != "" {
			state.params.Set(k, val)
		}
	}
	page := lotsPage{
		chrome: s.chrome(c, "项目明细", v.LangURL("/lots"), choice{v.url("/"), "返回统计"}),
		View:   v, Query: q, Totals: res.Totals, Freshness: fr, BackURL: v.url("/"),
		Form: newFilterForm("/lots", v, lo, hi, map[string]string{"q": q.Search, "sort": string(q.Sort), "dir": c.Query("dir"), "basis": c.Query("basis"), "status": c.Query("status")}),
	}
	for k, val := range page.Form.Keep {
		if val == "" {
			delete(page.Form.Keep, k)
		}
	}
	if q.Cancelled {
		page.CancelledURL = state.url("/lots", "status", "", "page", "")
	} else {
		page.CancelledURL = state.url("/lots", "status", "cancelled", "page", "")
		for _, f := range []string{"xlsx", "csv"} {
			page.Exports = append(page.Exports, choice{state.url("/export/lots", "format", f, "sort", "", "dir", "", "page", ""), strings.ToUpper(f)})
		}
	}
	page.Pages = int((res.Totals.Projects + int64(q.Size) - 1) / int64(q.Size))
	if q.Page > 1 {
		page.Prev = state.url("/lots", "page", strconv.Itoa(q.Page-1))
	}
	if q.Page < page.Pages {
		page.Next = state.url("/lots", "page", strconv.Itoa(q.Page+1))
	}
	page.Lots = res.Lots
	for _, col := range []struct {
		label string
		sort  query.LotSort
		num   bool
	}{{"项目编号", query.SortCode, false}, {"成交日期", query.SortDate, false}, {"成交金额（万元）", query.SortAmount, true},
		{"节约资金（万元）", query.SortSavings, true}, {"增价（万元）", query.SortPremium, true}} {
		dir, mark := "desc", ""
		if q.Sort == col.sort {
			if q.Asc {
				mark = " ▲"
			} else {
				dir, mark = "asc", " ▼"
			}
		}
		page.Sorts = append(page.Sorts, sortLink{Label: col.label, URL: state.url("/lots", "sort", string(col.sort), "dir", dir, "page", ""), Mark: mark, Num: col.num})
	}
	return s.render(c, "lots.html", page)
}

// chain is a trading place's province, city and county codes, as far as they go (a city's own
// centre has no county); nil for a code the division table does not know.
func (s *Server) chain(st *query.Store, code string) []string {
	d, ok := st.Region().Tree().Code(code)
	if !ok {
		return nil
	}
	var out []string
	for _, x := range d.Chain() {
		out = append(out, x.Code)
	}
	return out
}

// lotsAPI serves GET /api/v1/lots: one page of the lot list as JSON, money in fen and 万元.
func (s *Server) lotsAPI(c *fiber.Ctx, r viewRequest) error {
	st, ctx, f := r.st, r.ctx, r.v.Filter
	q, err := lotRequest(c, lotPageSize)
	if err != nil {
		return err
	}
	res, err := st.Lots(ctx, f, q)
	if err != nil {
		return err
	}
	type lotJSON struct {
		ProjectCode string   `json:"project_code"`
		LotCode     string   `json:"lot_code"`
		Name        string   `json:"name"`
		Type        string   `json:"trade_type"`
		SubType     string   `json:"sub_type"`
		Place       string   `json:"place_code"`
		PlaceName   string   `json:"place_name"`
		Chain       []string `json:"place_chain"`
		Region      string   `json:"region_code"`
		Date        string   `json:"deal_date"`
		BudgetFen   int64    `json:"budget_fen"`
		ReserveFen  int64    `json:"reserve_fen"`
		AmountFen   int64    `json:"amount_fen"`
		SavingsFen  int64    `json:"savings_fen"`
		PremiumFen  int64    `json:"premium_fen"`
		Online      bool     `json:"online"`
	}
	out := struct {
		From  string      `json:"from"`
		To    string      `json:"to"`
		Page  int         `json:"page"`
		Size  int         `json:"size"`
		Total figuresJSON `json:"total"`
		Lots  []lotJSON   `json:"lots"`
	}{From: f.From.String(), To: f.To.String(), Page: q.Page, Size: q.Size, Total: figuresJSONOf(res.Totals), Lots: []lotJSON{}}
	for _, l := range res.Lots {
		out.Lots = append(out.Lots, lotJSON{l.ProjectCode, l.LotCode, l.Name, string(l.Type), l.SubType, l.Place, l.PlaceName, s.chain(st, l.Place),
			l.Region, l.Date.String(), int64(l.Budget), int64(l.Reserve), int64(l.Amount), int64(l.Savings), int64(l.Premium), l.Online})
	}
	return c.JSON(out)
}
