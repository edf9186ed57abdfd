package dashboard

import (
	"github.com/gofiber/fiber/v2"
)

// A buyer (招标人/采购人), known by its name as the exports write it: how its awards in a view
// are shared among their winners, the same measure as the competition page's concentration
// of the view's awards (docs/competition.md).

// buyerURL is the address of a buyer's page in view v; "" for a section naming none.
func buyerURL(v view, name string) string {
	if name == "" {
		return ""
	}
	return v.url("/buyer", "name", name)
}

type buyerPage struct {
	chrome
	View      view
	Form      filterForm
	Name      string
	Winners   winnersView
	Freshness freshness
}

// buyer serves GET /buyer?name=…: the buyer's awarded sections in the view, their winners,
// repeat winners, the shares of the largest five and ten and the largest ten.
func (s *Server) buyer(c *fiber.Ctx, r viewRequest) error {
	v, name := r.v, c.Query("name")
	con, err := r.st.BuyerConcentration(r.ctx, v.Filter, name)
	if err != nil {
		return err
	}
	lo, hi, fr, err := s.frame(r)
	if err != nil {
		return err
	}
	// The page's own links (its language, its form and the areas of its breadcrumb) keep the
	// buyer; those to other pages, which take no name, do not.
	own := v
	own.params = cloneValues(v.params)
	own.params.Set("name", name)
	out := buyerPage{
		chrome: s.chrome(c, "招标人/采购人", own.LangURL("/buyer"), choice{v.url("/competition"), "竞争与风险"}, choice{v.url("/flags"), "风险提示"}),
		View:   v, Name: name, Winners: winnersOf(v, con, "本期该招标人/采购人没有已成交且标明一家中标人的标段"), Freshness: fr,
	}
	out.Form = newFilterForm("/buyer", own, lo, hi, map[string]string{"name": name})
	return s.render(c, "buyer.html", out)
}
