package dashboard

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/gofiber/fiber/v2/middleware/session"

	"tradestat"
	"tradestat/audit"
	"tradestat/auth"
	"tradestat/query"
)

// access is who may see what; a Server without it (--auth off) serves everyone.
type access struct {
	users    *auth.Users
	sessions *session.Store
	csrf     *csrfGuard
}

// WithAuth turns access control on: the accounts and screen links of users, in sessions
// kept in HttpOnly, SameSite=Strict cookies (Secure as well when secureCookies, for servers
// behind HTTPS).
func WithAuth(users *auth.Users, secureCookies bool) Option {
	return func(s *Server) {
		a := &access{users: users, sessions: session.New(session.Config{
			Expiration: 8 * time.Hour, KeyLookup: "cookie:tradestat_session",
			CookieHTTPOnly: true, CookieSameSite: "Strict", CookieSecure: secureCookies,
		})}
		a.csrf = newCSRFGuard(secureCookies, a.signedIn)
		s.access = a
	}
}

// signedIn is the ID of the request's signed-in session, "" when it has none: what its CSRF
// tokens are bound to.
func (a *access) signedIn(c *fiber.Ctx) string {
	sess, err := a.sessions.Get(c)
	if err != nil || sess.Fresh() {
		return ""
	}
	if name, _ := sess.Get("user").(string); name == "" {
		return ""
	}
	return sess.ID()
}

// loginLimit is how many refused sign-ins one address may make a minute, and accountLimit
// how many one account name may get a minute from every address together: guessing at one
// account from many addresses is as slow as from one.
const (
	loginLimit   = 5
	accountLimit = 10
)

// WithTrustedProxies has the client's address read from header (X-Forwarded-For, X-Real-IP)
// when a request comes from one of proxies, the reverse proxies in front of the server —
// the last address in the header, the one the proxy itself wrote — and from the connection
// otherwise, so that a client cannot name its own address. Without it every request is of
// its connection's address: behind a proxy, the proxy's.
func WithTrustedProxies(proxies []netip.Prefix, header string) Option {
	return func(s *Server) { s.proxies, s.proxyHeader = proxies, header }
}

// clientIP is the request's client address, as sign-in limits and the audit log know it.
func (s *Server) clientIP(c *fiber.Ctx) string {
	remote, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return strings.Clone(c.IP())
	}
	remote = remote.Unmap()
	for _, p := range s.proxies {
		if !p.Contains(remote) {
			continue
		}
		list := c.Get(s.proxyHeader)
		last := strings.TrimSpace(list[strings.LastIndex(list, ",")+1:])
		if a, err := netip.ParseAddr(last); err == nil {
			return a.Unmap().String()
		}
		break
	}
	return remote.String()
}

// allow is who may use a route. Every route declares it where it is registered (route); the
// zero value declares nothing, and New refuses to build a server with such a route, so a
// route added without a decision is a failing start, not an open door.
type allow int

// Who may use a route, from everyone to admins only.
const (
	anyone   allow = iota + 1 // signed in or not: sign-in, health, metrics
	viewers                   // any account
	screens                   // any account, or a wall-display link (the wall display)
	analysts                  // analysts and admins
	admins                    // admins only
)

// role is the least account role that may use a route of this kind.
func (a allow) role() auth.Role {
	switch a {
	case analysts:
		return auth.Analyst
	case admins:
		return auth.Admin
	}
	return auth.Viewer
}

// route registers handlers for method and path with who may use them: the access check is
// the first handler of the route itself, so it applies to exactly the requests the route
// answers, however their path was spelled.
func (s *Server) route(method, path string, who allow, handlers ...fiber.Handler) {
	key := method + " " + path
	if _, dup := s.declared[key]; dup || who == 0 {
		s.routeErr = errors.Join(s.routeErr, fmt.Errorf("route %s: declared twice or without access", key))
	}
	s.declared[key] = who
	if method == fiber.MethodGet {
		s.declared[fiber.MethodHead+" "+path] = who
	}
	params, known := s.params[path]
	if !known {
		s.routeErr = errors.Join(s.routeErr, fmt.Errorf("route %s: no parameters declared (routeParams)", key))
	}
	// Access first: a client that may not use the route learns nothing of its parameters.
	chain := append([]fiber.Handler{s.guard(who), takes(path, params)}, handlers...)
	s.app.Add(method, path, chain...)
	if method == fiber.MethodGet {
		// HEAD answers as GET does, without the body (monitors and link checkers ask it).
		s.app.Add(fiber.MethodHead, path, chain...)
	}
}

// Route is one route of the server with the least role that may use it, for the tests that
// enumerate them.
type Route struct {
	Method, Path string
	Public       bool      // anyone, signed in or not
	Role         auth.Role // otherwise the least role
	Screen       bool      // a wall-display link opens it too
	Params       []string  // the query parameters it reads besides lang and token
}

// Routes lists every route the server answers, with its declared access.
func (s *Server) Routes() []Route {
	var rs []Route
	for _, r := range s.app.GetRoutes(true) {
		who := s.declared[r.Method+" "+r.Path]
		rs = append(rs, Route{Method: r.Method, Path: r.Path, Public: who == anyone, Role: who.role(), Screen: who == screens, Params: s.params[r.Path]})
	}
	return rs
}

// checkRoutes is deny-by-default at start: every route fiber knows must have been declared
// through route, with who may use it.
func (s *Server) checkRoutes() error {
	errs := []error{s.routeErr}
	for _, r := range s.app.GetRoutes(true) {
		if s.declared[r.Method+" "+r.Path] == 0 {
			errs = append(errs, fmt.Errorf("route %s %s has no declared access", r.Method, r.Path))
		}
	}
	return errors.Join(errs...)
}

// routeAccess installs, before the routes, the CSRF check of every state-changing request
// and the sign-in and sign-out routes (sign-in rate-limited).
func (s *Server) routeAccess() {
	if s.access == nil {
		return
	}
	s.app.Use(s.access.csrf.check)
	s.route(fiber.MethodGet, "/login", anyone, s.loginPage)
	// Only refused sign-ins count, so an office of many people behind one address can
	// all sign in at nine o'clock while guessing passwords stays slow.
	tooMany := func(c *fiber.Ctx) error {
		return tradestat.Fail(tradestat.TooMany, "too many sign-in attempts: try again in a minute")
	}
	s.route(fiber.MethodPost, "/login", anyone,
		limiter.New(limiter.Config{Max: loginLimit, Expiration: time.Minute, SkipSuccessfulRequests: true, LimitReached: tooMany,
			KeyGenerator: func(c *fiber.Ctx) string { return "address " + s.clientIP(c) }}),
		limiter.New(limiter.Config{Max: accountLimit, Expiration: time.Minute, SkipSuccessfulRequests: true, LimitReached: tooMany,
			KeyGenerator: func(c *fiber.Ctx) string { return "account " + truncate(strings.ToLower(c.FormValue("name")), 64) }}),
		s.login)
	s.route(fiber.MethodPost, "/logout", anyone, s.logout)
}

// guard lets a request through when access control is off, the route is open to anyone, its
// session's account has the role the route needs, or it opens the wall display with a valid
// screen link. Others are sent to sign in (pages) or answered 401 (the API); an account
// without the role gets 403.
func (s *Server) guard(who allow) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if s.access == nil || who == anyone {
			return c.Next()
		}
		if user, ok := s.sessionUser(c); ok {
			if user.Role < who.role() {
				return tradestat.Fail(tradestat.Forbidden, "your role may not open this page")
			}
			c.Locals(regionKey{}, s.canonical(user.Region))
			return c.Next()
		}
		if who == screens {
			if l, ok := s.access.users.Screen(c.Query("token")); ok {
				c.Locals(regionKey{}, s.canonical(l.Region))
				return c.Next()
			}
		}
		if strings.HasPrefix(c.Route().Path, "/api/") || c.Method() != fiber.MethodGet {
			return tradestat.Fail(tradestat.Unauthorized, "sign in first")
		}
		return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusFound)
	}
}

// regionKey holds, on a request, the region its account or screen link is limited to ("" for
// the deployment's whole region).
type regionKey struct{}

// storeOf is the store a request reads: the deployment's, or that of the region its account
// is limited to. Every handler reads through it, so that an account sees its region's lots
// and figures on every path, and each region's results are cached apart.
func (s *Server) storeOf(c *fiber.Ctx) *query.Store {
	code, _ := c.Locals(regionKey{}).(string)
	if code == "" || code == s.store.Region().Code() {
		return s.store
	}
	s.regionalMu.Lock()
	defer s.regionalMu.Unlock()
	if st := s.regional[code]; st != nil {
		return st
	}
	r, err := s.store.Region().Tree().Region(code)
	if err != nil { // checked when the server started (checkRegions): cannot happen
		panic(fmt.Sprintf("account region %s: %v", code, err))
	}
	st := s.store.For(r)
	s.regional[code] = st
	return st
}

// canonical is the current code of an account's region (a users file may name it by a
// retired code), so that the stores, inboxes and audit entries of a region have one key.
func (s *Server) canonical(code string) string {
	if d, ok := s.store.Region().Tree().Code(code); ok {
		return d.Code
	}
	return code
}

// limited reports whether the request's account is limited to a region smaller than the
// deployment's.
func (s *Server) limited(c *fiber.Ctx) bool {
	code, _ := c.Locals(regionKey{}).(string)
	return code != "" && code != s.store.Region().Code()
}

// checkRegions refuses to start with an account or screen link limited to a region that is
// not a division within the deployment's region.
func (s *Server) checkRegions() error {
	if s.access == nil {
		return nil
	}
	var errs []error
	for code, who := range s.access.users.Regions() {
		r, err := s.store.Region().Tree().Region(code)
		if err != nil || !s.store.Region().Contains(r.Root()) {
			errs = append(errs, fmt.Errorf("%s: region %s is not a division within %s %s", strings.Join(who, ", "), code, s.store.Region().Code(), s.store.Region().Name()))
		}
	}
	return errors.Join(errs...)
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
	token := s.access.csrf.token(c)
	if u, ok := s.sessionUser(c); ok {
		return u.Name, token
	}
	return "", token
}

// safeNext is where to go after signing in: a path on this site, never another site, and
// never anything that could break out of the Location header. It is parsed, not matched as
// text: only a path (with its query) of printable ASCII that starts with one slash and names
// no host passes, in its re-encoded form; anything else goes to the overview.
func safeNext(next string) string {
	for _, r := range next {
		if r <= ' ' || r >= 0x7f || r == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || strings.ContainsAny(u.Path, "\\\r\n\t") {
		return "/" // the decoded path too: /%2F%2Fevil.com or /%09/evil.com
	}
	if u.RawQuery == "" {
		return u.EscapedPath()
	}
	return u.EscapedPath() + "?" + u.RawQuery
}

type loginPage struct {
	L     lang
	CSRF  string
	Next  string
	Error string
}

func (s *Server) loginPage(c *fiber.Ctx) error {
	l, _ := parseLang(c.Query("lang"))
	return s.render(c, "login.html", loginPage{L: l, CSRF: s.access.csrf.token(c), Next: safeNext(c.Query("next"))})
}

// login checks a name and password and starts a new session (a new ID, so that an ID set
// before signing in is worth nothing after).
func (s *Server) login(c *fiber.Ctx) error {
	if s.audit != nil {
		if err := s.audit.Ready(); err != nil {
			return err
		}
	}
	name := c.FormValue("name")
	user, ok := s.access.users.Check(name, c.FormValue("password"))
	next := safeNext(c.FormValue("next"))
	if !ok {
		s.record(c, audit.Entry{Action: audit.LoginFailed, User: truncate(name, 64), Detail: "用户名或密码不正确", Status: fiber.StatusUnauthorized})
		c.Status(fiber.StatusUnauthorized)
		return s.render(c, "login.html", loginPage{CSRF: s.access.csrf.token(c), Next: next, Error: "用户名或密码不正确"})
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
	s.log.Info("signed in", "user", user.Name, "role", user.Role.String(), "ip", s.clientIP(c))
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
