package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"tradestat/app"
	"tradestat/auth"
	"tradestat/dashboard"
	"tradestat/internal/chtest"
	"tradestat/warehouse"
)

// startWithAuth serves the demo data with access control: one account of each role and a
// wall-display link, whose token it returns, with the audit log and uploads of up to 1 MiB
// into an inbox, whose path it returns with the database's configuration.
func startWithAuth(t *testing.T) (*app.Service, string, string, warehouse.Config) {
	t.Helper()
	var token string
	svc, inbox, cfg := startAccounts(t, func(file string) error {
		for _, u := range []struct {
			name string
			role auth.Role
		}{{"viewer", auth.Viewer}, {"analyst", auth.Analyst}, {"admin", auth.Admin}} {
			if err := auth.AddUser(file, u.name, u.role, u.name+" password 1", ""); err != nil {
				return err
			}
		}
		var err error
		token, err = auth.AddScreen(file, "lobby", "")
		return err
	})
	return svc, token, inbox, cfg
}

// startAccounts starts the server of the Baoshan demo with access control, the audit log, an
// inbox for uploads (of up to 1 MiB) and the accounts add writes into the users file.
func startAccounts(t *testing.T, add func(file string) error) (*app.Service, string, warehouse.Config) {
	t.Helper()
	_, cfg := demoDB(t, "530500")
	file := filepath.Join(t.TempDir(), "users")
	if err := add(file); err != nil {
		t.Fatal(err)
	}
	users, err := auth.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	inbox := filepath.Join(t.TempDir(), "inbox")
	set := app.Setup{Writer: &cfg, RequireAudit: true, Inbox: inbox, UploadLimit: 1 << 20}
	svc, err := app.StartWith(context.Background(), cfg, set, "127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil)), dashboard.WithAuth(users, false))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	return svc, inbox, cfg
}

// client is a browser-like client: cookies kept, redirects reported rather than followed.
func client(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signIn signs c in as name, returning the sign-in response.
func signIn(t *testing.T, c *http.Client, base, name, password string) *http.Response {
	t.Helper()
	token := pageToken(t, c, base+"/login")
	resp, err := c.PostForm(base+"/login", url.Values{"name": {name}, "password": {password}, "_csrf": {token}, "next": {"/lots"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// signInFrom signs in as signIn does, the sign-in saying X-Forwarded-For: a client's own
// claim, then addr as a proxy would append it; its status.
func signInFrom(t *testing.T, c *http.Client, base, addr, name, password string) int {
	t.Helper()
	form := url.Values{"name": {name}, "password": {password}, "_csrf": {pageToken(t, c, base+"/login")}, "next": {"/lots"}}
	post, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	post.Header.Set("X-Forwarded-For", "203.0.113.9, "+addr)
	resp, err := c.Do(post)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestSignInLimits: behind a trusted reverse proxy, the client's address is the one the proxy
// wrote: five wrong passwords lock out their address, not the others; and guesses at one
// account from many addresses are limited as well.
func TestSignInLimits(t *testing.T) {
	t.Parallel()
	_, cfg := chtest.Open(t)
	file := filepath.Join(t.TempDir(), "users")
	for _, u := range []string{"viewer", "analyst", "admin"} {
		role, _ := auth.ParseRole(u)
		if err := auth.AddUser(file, u, role, u+" password 1", ""); err != nil {
			t.Fatal(err)
		}
	}
	users, err := auth.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	set := app.Setup{Writer: &cfg, RequireAudit: true}
	svc, err := app.StartWith(context.Background(), cfg, set, "127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil)),
		dashboard.WithAuth(users, false), dashboard.WithTrustedProxies([]netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, "X-Forwarded-For"))
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	c := client(t)
	var codes []int
	for range 6 {
		codes = append(codes, signInFrom(t, c, svc.URL, "10.0.0.1", "admin", "wrong password!"))
	}
	if codes[4] != http.StatusUnauthorized || codes[5] != http.StatusTooManyRequests {
		t.Errorf("six wrong sign-ins from one address: %v, want 401 five times, then 429", codes)
	}
	if code := signInFrom(t, client(t), svc.URL, "10.0.0.2", "analyst", "analyst password 1"); code != http.StatusSeeOther {
		t.Errorf("another address behind the same proxy: %d, want 303 (signed in)", code)
	}
	codes = nil
	for i := range 11 {
		codes = append(codes, signInFrom(t, client(t), svc.URL, fmt.Sprintf("10.0.1.%d", i+1), "viewer", "wrong password!"))
	}
	if codes[9] != http.StatusUnauthorized || codes[10] != http.StatusTooManyRequests {
		t.Errorf("eleven wrong sign-ins at one account from eleven addresses: %v, want 401 ten times, then 429", codes)
	}
}

// TestRolePermissions: every route for every role — signed out, viewer, analyst, admin.
func TestRolePermissions(t *testing.T) {
	t.Parallel()
	svc, _, _, _ := startWithAuth(t)
	routes := []struct {
		path    string
		analyst bool // needs at least an analyst
		public  bool
		admin   bool // needs an admin
	}{
		{path: "/admin/ingest", admin: true}, {path: "/admin/audit", admin: true},
		{path: "/admin/ingest/rejects?dir=done&file=x.csv", admin: true},
		{path: "/?year=2021"}, {path: "/screen"}, {path: "/report?year=2021"},
		{path: "/api/v1/summary"}, {path: "/api/v1/breakdown?by=place"}, {path: "/api/v1/report"},
		{path: "/lots", analyst: true}, {path: "/api/v1/lots", analyst: true}, {path: "/export/indicators", analyst: true},
		{path: "/export/lots?format=csv", analyst: true}, {path: "/export/evaluation?year=2021", analyst: true},
		{path: "/healthz", public: true}, {path: "/assets/style.css", public: true},
	}
	clients := map[string]*http.Client{"signed out": client(t)}
	for _, role := range []string{"viewer", "analyst", "admin"} {
		c := client(t)
		if resp := signIn(t, c, svc.URL, role, role+" password 1"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: sign-in %d", role, resp.StatusCode)
		}
		clients[role] = c
	}
	for role, c := range clients {
		for _, r := range routes {
			resp, err := c.Get(svc.URL + r.path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			want := http.StatusOK
			switch {
			case r.public:
			case role == "signed out" && strings.HasPrefix(r.path, "/api/"):
				want = http.StatusUnauthorized
			case role == "signed out":
				want = http.StatusFound
			case role == "viewer" && r.analyst, role != "admin" && r.admin:
				want = http.StatusForbidden
			case r.path == "/admin/ingest/rejects?dir=done&file=x.csv":
				want = http.StatusNotFound // no such report, but the admin may ask
			}
			if resp.StatusCode != want {
				t.Errorf("%s %s: %d, want %d", role, r.path, resp.StatusCode, want)
			}
			if want == http.StatusFound && !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
				t.Errorf("%s %s: sent to %q", role, r.path, resp.Header.Get("Location"))
			}
		}
	}
}

// TestSessionsAndCSRF: the session cookie is HttpOnly and SameSite=Strict; a form without
// its CSRF token is refused; a wrong password is refused and, past the limit, so is trying;
// signing out ends the session; a screen link opens the wall display and nothing else.
func TestSessionsAndCSRF(t *testing.T) {
	t.Parallel()
	svc, token, _, _ := startWithAuth(t)
	c := client(t)
	resp := signIn(t, c, svc.URL, "analyst", "analyst password 1")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/lots" {
		t.Fatalf("sign-in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "tradestat_session" {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode {
		t.Errorf("session cookie %+v", session)
	}
	// Sign-out without the CSRF token is refused, and the session lives on.
	resp, err := c.PostForm(svc.URL+"/logout", url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-out without the CSRF token: %d, want 403", resp.StatusCode)
	}
	if resp, _ := c.Get(svc.URL + "/lots"); resp.StatusCode != http.StatusOK {
		t.Errorf("after a refused sign-out: %d", resp.StatusCode)
	}
	// A token/cookie pair of an anonymous sign-in page signs nothing for a signed-in session.
	anon := client(t)
	anonToken := pageToken(t, anon, svc.URL+"/login")
	base, _ := url.Parse(svc.URL)
	for _, ck := range anon.Jar.Cookies(base) {
		if ck.Name == "tradestat_csrf" {
			c.Jar.SetCookies(base, []*http.Cookie{{Name: ck.Name, Value: ck.Value, Path: "/"}})
		}
	}
	resp, err = c.PostForm(svc.URL+"/logout", url.Values{"_csrf": {anonToken}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-out with an anonymous page's token and cookie: %d, want 403", resp.StatusCode)
	}
	// The session's own token, sent from another site, is refused too.
	own := pageToken(t, c, svc.URL+"/?year=2021")
	for _, h := range []string{"Origin", "Referer"} {
		req, _ := http.NewRequest(http.MethodPost, svc.URL+"/logout", strings.NewReader(url.Values{"_csrf": {own}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(h, "http://elsewhere.example/page")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("sign-out with %s of another site: %d, want 403", h, resp.StatusCode)
		}
	}
	if resp, _ := c.Get(svc.URL + "/lots"); resp.StatusCode != http.StatusOK {
		t.Errorf("after refused sign-outs: %d", resp.StatusCode)
	}
	// Sign-out with it, from this site, ends the session.
	resp, _ = c.Get(svc.URL + "/?year=2021")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatal("no sign-out form on the page")
	}
	req, _ := http.NewRequest(http.MethodPost, svc.URL+"/logout", strings.NewReader(url.Values{"_csrf": {string(m[1])}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", svc.URL)
	if resp, err = c.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp, _ := c.Get(svc.URL + "/lots"); resp.StatusCode != http.StatusFound {
		t.Errorf("after signing out: %d, want 302 to sign in", resp.StatusCode)
	}

	// Wrong passwords: refused, then rate-limited — whatever address the client says it has
	// (no proxy is trusted here).
	w := client(t)
	var codes []int
	for i := range 7 {
		codes = append(codes, signInFrom(t, w, svc.URL, fmt.Sprintf("10.0.0.%d", i+1), "admin", "wrong password!"))
	}
	if codes[0] != http.StatusUnauthorized || codes[len(codes)-1] != http.StatusTooManyRequests {
		t.Errorf("wrong sign-ins answered %v; want 401 first and 429 past the limit", codes)
	}

	// A screen link opens /screen only.
	s := client(t)
	if resp, _ := s.Get(svc.URL + "/screen?token=" + token); resp.StatusCode != http.StatusOK {
		t.Errorf("screen link: %d", resp.StatusCode)
	}
	if resp, _ := s.Get(svc.URL + "/lots?token=" + token); resp.StatusCode != http.StatusFound {
		t.Errorf("screen link on /lots: %d, want 302", resp.StatusCode)
	}
	if resp, _ := s.Get(svc.URL + "/screen?token=" + token + "0"); resp.StatusCode != http.StatusFound {
		t.Errorf("a wrong screen link: %d, want 302", resp.StatusCode)
	}
}

// TestReadOnlyDashboard: the dashboard serves the figures as the read-only user, which the
// server refuses any write.
func TestReadOnlyDashboard(t *testing.T) {
	t.Parallel()
	_, cfg := demoDB(t, "530500")
	reader := cfg
	reader.User = "tradestat_reader"
	svc, err := app.Start(context.Background(), reader, "127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	code, body := get(t, svc.URL+"/api/v1/summary?year=2021")
	if code != 200 || !strings.Contains(string(body), `"projects":1651`) {
		t.Errorf("as the reader: %d %s", code, body)
	}
	// Nor may it stand in for the writer: with access control on, a dashboard whose only
	// account may not write its audit log does not start.
	if svc, err := app.StartWith(context.Background(), reader, app.Setup{Writer: &reader, RequireAudit: true}, "127.0.0.1:0",
		slog.New(slog.NewTextHandler(io.Discard, nil))); err == nil || !strings.Contains(err.Error(), "may write") {
		if svc != nil {
			svc.Close()
		}
		t.Errorf("audit log required, only a reader: %v", err)
	}
	rconn, err := warehouse.Connect(context.Background(), reader)
	if err != nil {
		t.Fatal(err)
	}
	defer rconn.Close()
	for _, sql := range []string{"CREATE TABLE x (a UInt8) ENGINE = Memory", "DROP TABLE deals", "INSERT INTO ingest_batches (batch_id) SELECT 'x'"} {
		if err := rconn.Exec(context.Background(), sql); !warehouse.ReadOnly(err) {
			t.Errorf("%s as the reader: %v, want a read-only refusal", sql, err)
		}
	}
}
