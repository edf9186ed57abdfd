package dashboard

import (
	"net/url"
	"tradestat/msg"

	"github.com/gofiber/fiber/v2"

	"tradestat"
	"tradestat/query"
	"tradestat/report"
)

// A section's page (its lot, its flags with their reasons, its bid list) and a bidder's page
// (its bids, wins and amounts won by place, its latest sections): where a supervisor goes from
// a flagged row or a winner's name. Both stay within the account's region and the view's area.

// maxCodeLength bounds a project or lot code a request may name: codes are tens of characters.
const maxCodeLength = 200

// sectionKeys reads the section a request names: project and lot, both required.
func sectionKeys(c *fiber.Ctx) (project, lot string, err error) {
	project, lot = c.Query("project"), c.Query("lot")
	for _, p := range []struct{ key, value string }{{"project", project}, {"lot", lot}} {
		if p.value == "" || len(p.value) > maxCodeLength {
			return "", "", tradestat.Fail(tradestat.Invalid, "parameter %s: a section is named by its project and lot codes (project=…&lot=…, 1 to %d characters each)", p.key, maxCodeLength)
		}
	}
	return project, lot, nil
}

// sectionURL is the address of a section's page in view v.
func sectionURL(v view, project, lot string) string {
	return v.url("/section", "project", project, "lot", lot)
}

// bidderURL is the address of a bidder's page in view v; "" for a bidder without a credit code.
func bidderURL(v view, code string) string {
	if code == "" {
		return ""
	}
	return v.url("/bidders/" + url.PathEscape(code))
}

// bidWords are the words of a bid's validity and award, as interface texts.
func bidWords(b query.SectionBid) (valid, won string) {
	valid = map[tradestat.Validity]string{tradestat.BidValid: "有效", tradestat.BidRejected: "被否决"}[b.Validity]
	won = map[tradestat.Award]string{tradestat.AwardWon: "中标", tradestat.AwardLost: "未中标"}[b.Winner]
	return valid, won
}

type sectionBidView struct {
	query.SectionBid
	URL, Valid, Won string
}

type sectionPage struct {
	chrome
	View     view
	Section  query.Section
	BuyerURL string
	Score    string
	Reasons  []string
	// Solicitation is the section's procurement method as the page names it ("" not said).
	Solicitation string
	Bids         []sectionBidView
	Freshness    freshness
}

// section serves GET /section?project=…&lot=…: one section, its flags and its bids.
func (s *Server) section(c *fiber.Ctx, r viewRequest) error {
	project, lot, err := sectionKeys(c)
	if err != nil {
		return err
	}
	v := r.v
	sec, err := r.st.Section(r.ctx, v.Filter, project, lot)
	if err != nil {
		return err
	}
	out := sectionPage{
		chrome: s.chrome(c, "标段详情", v.LangURL("/section"), choice{v.url("/flags"), "风险提示"}, choice{v.url("/competition"), "竞争与风险"}),
		View:   v, Section: sec, Solicitation: solicitationName(v.L.msg(), sec.Solicitation), BuyerURL: buyerURL(v, sec.Buyer),
	}
	out.LangURL = v.url("/section", "project", project, "lot", lot, "lang", map[lang]string{en: "", zh: "en"}[v.L])
	if score, ok := sec.ScoreBP(); ok {
		out.Score = report.BP(score)
	}
	for _, raised := range sec.Raised {
		out.Reasons = append(out.Reasons, report.FlagReason(v.L.msg(), raised))
	}
	for _, b := range sec.List {
		valid, won := bidWords(b)
		out.Bids = append(out.Bids, sectionBidView{b, bidderURL(v, b.Code), valid, won})
	}
	if _, _, out.Freshness, err = s.frame(r); err != nil {
		return err
	}
	return s.render(c, "section.html", out)
}

// sectionAPI serves GET /api/v1/section?project=…&lot=…: the section, its flags (lang=en for
// the reasons) and its current bid list.
func (s *Server) sectionAPI(c *fiber.Ctx, r viewRequest) error {
	lg, err := parseLang(c.Query("lang"))
	if err != nil {
		return err
	}
	l := lg.msg()
	project, lot, err := sectionKeys(c)
	if err != nil {
		return err
	}
	sec, err := r.st.Section(r.ctx, r.v.Filter, project, lot)
	if err != nil {
		return err
	}
	type bidJSON struct {
		Code   string `json:"credit_code"`
		Name   string `json:"name"`
		Price  string `json:"price_yuan"`
		Valid  *bool  `json:"valid"`
		Reason string `json:"reject_reason,omitempty"`
		Won    *bool  `json:"won"`
	}
	out := struct {
		ProjectCode string               `json:"project_code"`
		LotCode     string               `json:"lot_code"`
		Name        string               `json:"name"`
		Type        string               `json:"trade_type"`
		Place       string               `json:"place_code"`
		PlaceName   string               `json:"place_name"`
		Date        string               `json:"date"`
		Failed      bool                 `json:"failed"`
		FailReason  string               `json:"fail_reason,omitempty"`
		Method      string               `json:"procurement_method,omitempty"`
		Buyer       string               `json:"buyer,omitempty"`
		Amount      string               `json:"amount_yuan"`
		Ceiling     *string              `json:"ceiling_yuan"`
		Score       *string              `json:"score_percent"`
		Applicable  []tradestat.FlagCode `json:"applicable"`
		Raised      []raisedJSON         `json:"raised"`
		Bids        []bidJSON            `json:"bids"`
	}{ProjectCode: sec.ProjectCode, LotCode: sec.LotCode, Name: sec.Name, Type: string(sec.Type), Place: sec.PlaceCode,
		PlaceName: sec.PlaceName, Date: sec.Day.String(), Failed: sec.Cancelled, FailReason: sec.FailReason, Method: sec.Solicitation.String(), Buyer: sec.Buyer, Amount: sec.Amount.Yuan(),
		Applicable: append([]tradestat.FlagCode{}, sec.Applicable...), Raised: raisedOf(l, sec.Raised), Bids: []bidJSON{}}
	if sec.Ceiling > 0 {
		y := sec.Ceiling.Yuan()
		out.Ceiling = &y
	}
	if score, ok := sec.ScoreBP(); ok {
		bp := report.BP(score)
		out.Score = &bp
	}
	said := func(known, yes bool) *bool {
		if !known {
			return nil
		}
		return &yes
	}
	for _, b := range sec.List {
		price := ""
		if b.Price > 0 {
			price = b.Price.Yuan()
		}
		out.Bids = append(out.Bids, bidJSON{b.Code, b.Name, price,
			said(b.Validity != tradestat.ValidityUnknown, b.Validity == tradestat.BidValid), b.Reason,
			said(b.Winner != tradestat.AwardUnknown, b.Winner == tradestat.AwardWon)})
	}
	return c.JSON(out)
}

type bidderSectionView struct {
	query.BidderSection
	URL, Valid, Won string
}

type bidderPage struct {
	chrome
	View      view
	Form      filterForm
	Bidder    query.Bidder
	WinRate   string
	Recent    []bidderSectionView
	Buyers    []bidderBuyerView
	Freshness freshness
}

// bidderBuyerView is a buyer the bidder won from, with the bidder's share of its awards.
type bidderBuyerView struct {
	query.BidderBuyer
	Share string // "" when the buyer's awards sum to nothing
	URL   string // the buyer's page
}

// bidder serves GET /bidders/:code: what one bidder bid and won in the view.
func (s *Server) bidder(c *fiber.Ctx, r viewRequest) error {
	v := r.v
	code := c.Params("code")
	b, err := r.st.Bidder(r.ctx, v.Filter, code)
	if err != nil {
		return err
	}
	path := "/bidders/" + url.PathEscape(b.Code)
	out := bidderPage{
		chrome: s.chrome(c, "投标人", v.LangURL(path), choice{v.url("/competition"), "竞争与风险"}, choice{v.url("/flags"), "风险提示"}),
		View:   v, Bidder: b,
	}
	if rate, ok := b.WinRate(); ok {
		out.WinRate = rate
	}
	for _, by := range b.Buyers {
		share, _ := by.Share()
		out.Buyers = append(out.Buyers, bidderBuyerView{by, share, buyerURL(v, by.Name)})
	}
	for _, sec := range b.Recent {
		bid := query.SectionBid{Validity: sec.Validity, Winner: sec.Winner}
		valid, won := bidWords(bid)
		out.Recent = append(out.Recent, bidderSectionView{sec, sectionURL(v, sec.ProjectCode, sec.LotCode), valid, won})
	}
	lo, hi, fr, err := s.frame(r)
	if err != nil {
		return err
	}
	out.Form, out.Freshness = newFilterForm(path, v, lo, hi, nil), fr
	return s.render(c, "bidder.html", out)
}

// solicitationNames are the procurement methods as a section's page names them (catalog keys).
var solicitationNames = map[tradestat.Solicitation]string{
	tradestat.SolicitOpen:         "open tender",
	tradestat.SolicitInvited:      "invited tender",
	tradestat.SolicitNegotiated:   "competitive negotiation",
	tradestat.SolicitConsultation: "competitive consultation",
	tradestat.SolicitInquiry:      "request for quotations",
	tradestat.SolicitSingleSource: "single source",
}

// solicitationName is the section's procurement method in language l, "" when not said.
func solicitationName(l msg.Lang, m tradestat.Solicitation) string {
	if key, ok := solicitationNames[m]; ok {
		return l.T(key)
	}
	return ""
}
