package dashboard

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"tradestat/audit"
	"tradestat/commit"
	"tradestat/msg"
)

const withdrawPath = "/admin/withdraw"

// WithWithdrawals lets admins withdraw loads through loader, which writes as an account that
// may (the audit log's).
func WithWithdrawals(loader *commit.Loader) Option { return func(s *Server) { s.loader = loader } }

type withdrawPage struct {
	chrome
	View      view
	Freshness freshness // unused: the header asks for it
	CSRF      string
	Plan      commit.Withdrawal
	Text      string
}

// withdrawPage serves GET /admin/withdraw?batch=ID: what withdrawing the load would change, in
// lots and 万元, and the button that does it. Nothing changes here.
func (s *Server) withdrawPage(c *fiber.Ctx, r viewRequest) error {
	st, ctx, l := r.st, r.ctx, r.v.L
	plan, err := s.loader.For(st.Region()).Plan(ctx, c.Query("batch"))
	if err != nil {
		return err
	}
	page := withdrawPage{
		chrome: s.chrome(c, "撤回导入", langPath(withdrawPath+"?batch="+url.QueryEscape(plan.Batch), other(l)), choice{langPath("/admin/ingest", l), "数据导入"}),
		View:   view{L: l, Region: st.Region()},
		Plan:   plan,
		Text:   plan.Text(l.msg()),
	}
	page.CSRF = page.chrome.CSRF
	return s.render(c, "withdraw.html", page)
}

// withdraw serves POST /admin/withdraw (batch=ID): the load is withdrawn, the withdrawal
// recorded in the audit log with what it changed, and the admin sent back to the ingest
// status page.
func (s *Server) withdraw(c *fiber.Ctx) error {
	if s.audit != nil {
		if err := s.audit.Ready(); err != nil {
			return err
		}
	}
	ctx, cancel := s.requestContext(c)
	defer cancel()
	user := ""
	if s.access != nil {
		if u, ok := s.sessionUser(c); ok {
			user = u.Name
		}
	}
	id := c.FormValue("batch")
	done, err := s.loader.For(s.storeOf(c).Region()).Withdraw(ctx, id, user)
	if err != nil {
		return err
	}
	s.record(c, audit.Entry{Action: audit.Withdraw, Detail: done.Text(msg.Chinese), Status: fiber.StatusSeeOther})
	s.log.Info("load withdrawn", "batch", done.Batch, "file", done.File, "user", user, "removed", done.Removed, "restored", done.Restored, "kept", done.Kept)
	l, _ := parseLang(c.Query("lang"))
	return c.Redirect(langPath("/admin/ingest?withdrawn="+url.QueryEscape(done.Batch), l), fiber.StatusSeeOther)
}
