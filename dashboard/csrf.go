package dashboard

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tradestat"
)

// csrfGuard checks that every state-changing request comes from one of our own forms, and
// keeps nothing per visitor: a signed double-submit token. The browser holds a random value
// in an HttpOnly, SameSite=Strict cookie; each form carries the HMAC of that value and of the
// signed-in session's ID under a key of this process; a POST passes when its form field is
// that HMAC of its own cookie and session, so a pair taken from an anonymous page (or from
// another session) signs nothing for a signed-in one. A page that stored a token per visitor
// would let anonymous requests for the sign-in page grow the server's memory without end.
// A request that says where it comes from (Origin, or else Referer) must come from this
// site as well.
type csrfGuard struct {
	key     []byte
	secure  bool
	session func(*fiber.Ctx) string // the signed-in session's ID, "" for none
}

const (
	csrfCookie = "tradestat_csrf"
	csrfField  = "_csrf"
)

func newCSRFGuard(secure bool, session func(*fiber.Ctx) string) *csrfGuard {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read never fails on supported platforms
	return &csrfGuard{key: key, secure: secure, session: session}
}

type csrfValueKey struct{}

// token is the value a form on this response must carry, setting the cookie it is bound to
// when the browser has none yet.
func (g *csrfGuard) token(c *fiber.Ctx) string {
	v, _ := c.Locals(csrfValueKey{}).(string)
	if v == "" {
		v = c.Cookies(csrfCookie)
	}
	if len(v) != 43 { // 32 random bytes, unpadded base64url
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		v = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: v, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode,
			Secure: g.secure, Expires: time.Now().Add(8 * time.Hour)})
	}
	c.Locals(csrfValueKey{}, v)
	return g.sign(v, g.session(c))
}

func (g *csrfGuard) sign(v, session string) string {
	m := hmac.New(sha256.New, g.key)
	m.Write([]byte(v))
	m.Write([]byte{0})
	m.Write([]byte(session))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// fromHere reports whether a state-changing request comes from this site as far as it says:
// its Origin, or without one its Referer, names this host (the scheme is left out: behind a
// proxy that ends TLS the server sees http). A request that says neither (no browser omits
// Origin on a POST) is judged by its token alone.
func fromHere(c *fiber.Ctx) bool {
	from := c.Get(fiber.HeaderOrigin)
	if from == "" {
		if from = c.Get(fiber.HeaderReferer); from == "" {
			return true
		}
	}
	u, err := url.Parse(from)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, string(c.Request().Host()))
}

// check refuses a state-changing request whose form token is not the signature of its cookie.
func (g *csrfGuard) check(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
		return c.Next()
	}
	v := c.Cookies(csrfCookie)
	if v == "" || !fromHere(c) || !hmac.Equal([]byte(g.sign(v, g.session(c))), []byte(c.FormValue(csrfField))) {
		return tradestat.Fail(tradestat.Forbidden, "the form has expired or came from elsewhere (CSRF check failed): reload the page and try again")
	}
	return c.Next()
}
