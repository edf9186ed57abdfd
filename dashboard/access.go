package dashboard

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/gofiber/fiber/v2/middleware/session"

	"tradestat/audit"
	"tradestat/auth"
)

// access is who may see what; a Server without it (--auth off) serves everyone.
type access struct {
	users    *auth.Users
	sessions *session.Store
	secure   bool // cookies only over HTTPS
}

// WithAuth turns access control on: the accounts and screen links of users, in sessions
// kept in HttpOnly, SameSite=Strict cookies (Secure as well when secureCookies, for servers
// behind HTTPS).
func WithAuth(users *auth.Users, secureCookies bool) Option {
	return func(s *Server) {
		s.access = &access{users: users, secure: secureCookies, sessions: session.New(session.Config{
			Expiration: 8 * time.Hour, KeyLookup: "cookie:tradestat_session",
			CookieHTTPOnly: true, CookieSameSite: "Strict", CookieSecure: secureCookies,
		})}
	}
}

// loginLimit is how many refused sign-ins one address may make a minute.
const loginLimit = 5

// routeAccess installs, before the routes, the CSRF check of every state-changing request,
// the sign-in and sign-out routes (sign-in rate-limited) and the role check of every page.
func (s *Server) routeAccess() {
	if s.access == nil {
		return
	}
	s.app.Use(csrf.New(csrf.Config{
		KeyLookup: "form:_csrf", CookieName: "tradestat_csrf", CookieSameSite: "Strict",
		CookieHTTPOnly: true, CookieSecure: s.access.secure, Expiration: 8 * time.Hour, ContextKey: csrfKey{},
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			return fiber.NewError(fiber.StatusForbidden, "表单已过期或来源不明，请刷新页面后重试 (CSRF check failed)")
		},
	}))
	s.app.Get("/login", s.loginPage)
	// Only refused sign-ins count, so an office of many people behind one address can
	// all sign in at nine o'clock while guessing passwords stays slow.
	s.app.Post("/login", limiter.New(limiter.Config{Max: loginLimit, Expiration: time.Minute, SkipSuccessfulRequests: true,
		LimitReached: func(c *fiber.Ctx) error {
			return fiber.NewError(fiber.StatusTooManyRequests, "登录尝试过多，请一分钟后再试 (too many sign-in attempts)")
		}}), s.login)
	s.app.Post("/logout", s.logout)
	s.app.Use(s.authorize)
}

type csrfKey struct{}

// requiredRole is the least role that may open path.
func requiredRole(path string) auth.Role {
	switch {
	case path == "/lots", path == "/api/v1/lots", strings.HasPrefix(path, "/export/"):
		return auth.Analyst
	case strings.HasPrefix(path, "/admin/"):
		return auth.Admin
	}
	return auth.Viewer
}

// authorize lets a request through when its session's account has the role its path needs,
// or when it opens the wall display with a valid screen link. Others are sent to sign in
// (pages) or answered 401 (the API); an account without the role gets 403.
func (s *Server) authorize(c *fiber.Ctx) error {
	need := requiredRole(c.Path())
	if user, ok := s.sessionUser(c); ok {
		if user.Role < need {
			return fiber.NewError(fiber.StatusForbidden, "您的账号无权访问此页面 (your role may not open this page)")
		}
		return c.Next()
	}
	if c.Path() == "/screen" {
		if _, ok := s.access.users.Screen(c.Query("token")); ok {
			return c.Next()
		}
	}
	if strings.HasPrefix(c.Path(), "/api/") {
		return fiber.NewError(fiber.StatusUnauthorized, "请先登录 (sign in first)")
	}
	return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusFound)
}

// sessionUser is the account signed in on this request.
func (s *Server) sessionUser(c *fiber.Ctx) (auth.User, bool) {
	sess, err := s.access.sessions.Get(c)
	if err != nil {
		return auth.User{}, false
	}
	name, _ := sess.Get("user").(string)
	if name == "" {
		return auth.User{}, false
	}
	return s.access.users.Lookup(name) // the file decides the role, so a change applies at once
}

// who is the signed-in name and the CSRF token for the sign-out form, for the page header.
func (s *Server) who(c *fiber.Ctx) (string, string) {
	if s.access == nil {
		return "", ""
	}
	token, _ := c.Locals(csrfKey{}).(string)
	if u, ok := s.sessionUser(c); ok {
		return u.Name, token
	}
	return "", token
}

// safeNext is where to go after signing in: a path on this site, never another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

type loginPage struct {
	L     lang
	CSRF  string
	Next  string
	Error string
}

func (s *Server) loginPage(c *fiber.Ctx) error {
	l, _ := parseLang(c.Query("lang"))
	token, _ := c.Locals(csrfKey{}).(string)
	return s.render(c, "login.html", loginPage{L: l, CSRF: token, Next: safeNext(c.Query("next"))})
}

// login checks a name and password and starts a new session (a new ID, so that an ID set
// before signing in is worth nothing after).
func (s *Server) login(c *fiber.Ctx) error {
	if s.audit != nil && s.audit.Ready() != nil {
		return auditUnavailable()
	}
	name := c.FormValue("name")
	user, ok := s.access.users.Check(name, c.FormValue("password"))
	next := safeNext(c.FormValue("next"))
	if !ok {
		s.record(c, audit.Entry{Action: audit.LoginFailed, User: truncate(name, 64), Detail: "用户名或密码不正确", Status: fiber.StatusUnauthorized})
		token, _ := c.Locals(csrfKey{}).(string)
		c.Status(fiber.StatusUnauthorized)
		return s.render(c, "login.html", loginPage{CSRF: token, Next: next, Error: "用户名或密码不正确"})
	}
	sess, err := s.access.sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Regenerate(); err != nil {
		return err
	}
	sess.Set("user", user.Name)
	if err := sess.Save(); err != nil {
		return err
	}
	s.log.Info("signed in", "user", user.Name, "role", user.Role.String(), "ip", c.IP())
	s.record(c, audit.Entry{Action: audit.Login, User: user.Name, Role: user.Role.String(), Status: fiber.StatusSeeOther})
	return c.Redirect(next, fiber.StatusSeeOther)
}

func (s *Server) logout(c *fiber.Ctx) error {
	s.record(c, audit.Entry{Action: audit.Logout, Status: fiber.StatusSeeOther})
	if sess, err := s.access.sessions.Get(c); err == nil {
		_ = sess.Destroy() // a session that cannot be found is already gone
	}
	return c.Redirect("/login", fiber.StatusSeeOther)
}
