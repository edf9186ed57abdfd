package dashboard

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tradestat/audit"
	"tradestat/auth"
	"tradestat/query"
)

// WithAudit records sign-ins, uploads and exports in log.
func WithAudit(log *audit.Log) Option { return func(s *Server) { s.audit = log } }

// auditPage is what the audit page shows.
type auditPage struct {
	chrome
	View      view
	Freshness freshness // unused: the header asks for it
	Entries   []query.AuditEntry
}

// maxAudit is how many entries the audit page shows.
const maxAudit = 500

// auditLog serves GET /admin/audit: the newest entries of the audit log; for an admin
// limited to a region, those of its region's accounts.
func (s *Server) auditLog(c *fiber.Ctx, r viewRequest) error {
	st, ctx, l := r.st, r.ctx, r.v.L
	entries, err := st.AuditLog(ctx, maxAudit)
	if err != nil {
		return err
	}
	return s.render(c, "audit.html", auditPage{
		chrome: s.chrome(c, "审计日志", langPath("/admin/audit", other(l)), choice{langPath("/", l), "返回统计"}, choice{langPath("/admin/ingest", l), "数据导入"}),
		View:   view{L: l, Region: st.Region()}, Entries: entries,
	})
}

// isAdmin tells whether this request may open the admin pages: an admin is signed in, or
// access control is off.
func (s *Server) isAdmin(c *fiber.Ctx) bool {
	if s.access == nil {
		return true
	}
	u, ok := s.sessionUser(c)
	return ok && u.Role >= auth.Admin
}

// record writes e to the audit log, when there is one, completed with this request's path,
// query string, address and (unless e names one) signed-in account.
func (s *Server) record(c *fiber.Ctx, e audit.Entry) {
	if s.audit == nil {
		return
	}
	// fiber's strings point into buffers reused by the next request; the entry outlives this one.
	e.Path, e.IP, e.User = strings.Clone(c.Path()), s.clientIP(c), strings.Clone(e.User)
	e.Filters = string(c.Request().URI().QueryString())
	if q, err := url.QueryUnescape(e.Filters); err == nil {
		e.Filters = q // as people read it: family=工程建设, not %E5…
	}
	e.Filters = truncate(e.Filters, 2000)
	if e.User == "" && s.access != nil {
		if u, ok := s.sessionUser(c); ok {
			e.User, e.Role = u.Name, u.Role.String()
		}
	}
	e.Region, _ = c.Locals(regionKey{}).(string)
	if e.Region == "" && s.access != nil { // a sign-in: the account is known by its name
		if u, ok := s.access.users.Lookup(e.User); ok {
			e.Region = s.canonical(u.Region)
		}
	}
	if err := s.audit.Record(e); err != nil {
		s.log.Error("audit entry refused", "action", e.Action, "path", e.Path, "user", e.User, "err", err)
	}
}

// audited wraps an export: refused while the audit log cannot take entries, recorded with the
// status it was answered with.
func (s *Server) audited(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if s.audit == nil {
			return h(c)
		}
		if err := s.audit.Ready(); err != nil {
			return err
		}
		err := h(c)
		if err != nil {
			err = s.handleError(c, err) // so the status recorded is the one answered
		}
		s.record(c, audit.Entry{Action: audit.Export, Status: c.Response().StatusCode()})
		return err
	}
}
