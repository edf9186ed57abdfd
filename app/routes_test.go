package app_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"tradestat/auth"
)

// pathSpellings are the ways a client may spell one path that a router or a check on the
// path's text could read differently: case, a trailing slash, doubled slashes, an encoded
// slash or letter, dot segments.
func pathSpellings(p string) []string {
	out := []string{strings.ToUpper(p), p + "/", "/" + p, "/." + p, p + "/.", strings.ReplaceAll(p, "/", "//")}
	if len(p) > 1 {
		out = append(out, "/"+strings.ToUpper(p[1:2])+p[2:], fmt.Sprintf("/%%%02X%s", p[1], p[2:]))
	}
	if i := strings.LastIndex(p, "/"); i > 0 {
		out = append(out, p[:i]+"%2F"+p[i+1:], p[:i]+"%2f"+p[i+1:], p[:i]+"/./"+p[i+1:], p[:i]+"/x/.."+p[i:])
	}
	return out
}

// TestRouteTableAccess enumerates the server's own route table × every spelling of each path ×
// every kind of client (signed out, a wall-display link, viewer, analyst, admin): a client
// below a route's declared role never gets its content, whatever the spelling; a client with
// the role gets the canonical path. A route added without a declared role stops the server
// from starting, so every test fails.
func TestRouteTableAccess(t *testing.T) {
	t.Parallel()
	svc, screen, inbox, _ := startWithAuth(t)
	routes := svc.Routes()
	if len(routes) < 15 {
		t.Fatalf("the route table has %d routes", len(routes))
	}
	type who struct {
		name  string
		c     *http.Client
		role  auth.Role // 0: no account
		token string    // a screen link's token, sent on every request
	}
	clients := []who{{name: "signed out", c: client(t)}, {name: "screen link", c: client(t), token: screen}}
	for _, r := range []auth.Role{auth.Viewer, auth.Analyst, auth.Admin} {
		c := client(t)
		if resp := signIn(t, c, svc.URL, r.String(), r.String()+" password 1"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: sign-in %d", r, resp.StatusCode)
		}
		clients = append(clients, who{name: r.String(), c: c, role: r})
	}
	do := func(w who, method, path string) (int, string) {
		t.Helper()
		target := svc.URL + path
		if w.token != "" {
			target += "?token=" + w.token
		}
		var body io.Reader
		ctype := ""
		if method == http.MethodPost {
			// A form as our pages send it, with this client's own CSRF token and a file.
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			_ = mw.WriteField("_csrf", pageTokenOr(w.c, svc.URL+"/login"))
			fw, _ := mw.CreateFormFile("file", "probe-"+strings.ReplaceAll(w.name, " ", "-")+".csv")
			_, _ = fw.Write([]byte("project_code,lot_code,name,trade_type,place_code,deal_date,budget_yuan,amount_yuan\nP1,L1,x,工程建设,530502,2021-01-02,100,90\n"))
			mw.Close()
			body, ctype = &b, mw.FormDataContentType()
		}
		req, err := http.NewRequest(method, target, body)
		if err != nil {
			t.Fatal(err)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := w.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Location")
	}
	refused := func(code int, loc string) bool {
		return code == http.StatusUnauthorized || code == http.StatusForbidden ||
			(code == http.StatusFound && strings.HasPrefix(loc, "/login?next="))
	}
	for _, r := range routes {
		if r.Method == http.MethodHead || strings.HasPrefix(r.Path, "/assets") {
			continue
		}
		if r.Path == "/logout" || r.Path == "/login" {
			continue // the sign-in routes, tested in TestSessionsAndCSRF
		}
		for _, w := range clients {
			allowed := r.Public || w.role >= r.Role || (r.Screen && w.token != "")
			code, loc := do(w, r.Method, r.Path)
			if allowed == refused(code, loc) {
				t.Errorf("%s %s as %s: %d %s (allowed: %v)", r.Method, r.Path, w.name, code, loc, allowed)
			}
			if allowed {
				continue
			}
			for _, p := range pathSpellings(r.Path) {
				code, loc := do(w, r.Method, p)
				if code < 300 || (code < 400 && !refused(code, loc)) {
					t.Errorf("%s %q as %s: %d %s — the content of a route this client may not use", r.Method, p, w.name, code, loc)
				}
			}
		}
	}
	// No probe of a client without the admin role put a file into the inbox.
	entries, _ := os.ReadDir(inbox)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "probe-") && e.Name() != "probe-admin.csv" {
			t.Errorf("an upload by a client that may not upload reached the inbox: %s", e.Name())
		}
	}
}

// pageTokenOr is the CSRF token of the form on a page, or "" when there is none.
func pageTokenOr(c *http.Client, u string) string {
	resp, err := c.Get(u)
	if err != nil {
		return ""
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := csrfField.FindSubmatch(b); m != nil {
		return string(m[1])
	}
	return ""
}

// TestSafeNext: where sign-in sends a browser is a parsed path on this site, never a header
// break-out, another host, or a control character.
func TestSafeNext(t *testing.T) {
	t.Parallel()
	svc, _, _, _ := startWithAuth(t)
	for _, tc := range []struct{ next, want string }{
		{"/lots?year=2021", "/lots?year=2021"},
		{"/%0d%0aSet-Cookie:%20planted=by-attacker;%20Path=/", "/"},
		{"/\r\nSet-Cookie: planted=1", "/"},
		{"/%09/evil.com", "/"},
		{"/\t/evil.com", "/"},
		{"//evil.com", "/"},
		{"/\\evil.com", "/"},
		{"https://evil.com/", "/"},
		{"/%2F%2Fevil.com", "/"},
		{"javascript:alert(1)", "/"},
		{"/ok%20path", "/ok%20path"},
		{"/报表", "/"},
	} {
		c := client(t)
		token := pageToken(t, c, svc.URL+"/login")
		resp, err := c.PostForm(svc.URL+"/login", url.Values{"name": {"viewer"}, "password": {"viewer password 1"}, "_csrf": {token}, "next": {tc.next}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != tc.want {
			t.Errorf("next=%q: %d to %q, want %q", tc.next, resp.StatusCode, loc, tc.want)
		}
		for _, ck := range resp.Cookies() {
			if ck.Name == "planted" {
				t.Errorf("next=%q planted a cookie", tc.next)
			}
		}
	}
}

// TestAmbiguousParameters: a parameter given twice, or one no route reads, is a 400 with a
// message, never the first value or all the data.
func TestAmbiguousParameters(t *testing.T) {
	t.Parallel()
	svc, _, _, _ := startWithAuth(t)
	c := client(t)
	signIn(t, c, svc.URL, "analyst", "analyst password 1")
	for _, q := range []string{"place=530502&place=530521", "year=2021&year=", "place[]=530502", "yaer=2021", "year=2021&year=2021"} {
		for _, p := range []string{"/api/v1/summary", "/", "/lots", "/export/lots"} {
			resp, err := c.Get(svc.URL + p + "?" + q)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "参数") {
				t.Errorf("%s?%s: %d %.200s; want 400 naming the parameter", p, q, resp.StatusCode, b)
			}
		}
	}
	// Every GET route × every parameter some route reads: one it does not read is a 400
	// naming it, never an answer that ignored it.
	all := map[string]bool{}
	routes := svc.Routes()
	for _, r := range routes {
		for _, p := range r.Params {
			all[p] = true
		}
	}
	admin := client(t)
	signIn(t, admin, svc.URL, "admin", "admin password 1")
	probes := 0
	for _, r := range routes {
		if r.Method != http.MethodGet || strings.HasPrefix(r.Path, "/assets") {
			continue
		}
		takes := map[string]bool{}
		for _, p := range r.Params {
			takes[p] = true
		}
		for p := range all {
			if takes[p] {
				continue
			}
			probes++
			path := strings.Replace(r.Path, ":code", "530500", 1) + "?" + p + "=1"
			resp, err := admin.Get(svc.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), p) {
				t.Errorf("%s: %d %.200s; want 400 naming %s", path, resp.StatusCode, b, p)
			}
		}
	}
	if probes < 100 {
		t.Errorf("%d probes of parameters routes do not read: too few to prove anything", probes)
	}
}

// TestAnonymousSignInPagesKeepNothing: the sign-in page's CSRF token is stateless, so
// cookie-less requests for it (anyone on the network can send them) leave no memory behind.
func TestAnonymousSignInPagesKeepNothing(t *testing.T) {
	// Not in parallel: it measures the heap of this process, which other tests would grow.
	svc, _, _, _ := startWithAuth(t)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	c := &http.Client{}
	get := func(n int) {
		for range n {
			resp, err := c.Get(svc.URL + "/login")
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	get(2000) // warm up the server's pools
	before := heap()
	get(20000)
	if grown := int64(heap()) - int64(before); grown > 2<<20 {
		t.Errorf("20,000 anonymous sign-in pages grew the heap by %d KiB", grown>>10)
	}
}

// TestHeadAndNoStore: every GET route answers HEAD as it answers GET, without a body; every
// page, answer and download an account gets says Cache-Control: no-store (the map shapes and
// the assets, which hold no figures, may be kept). Each HEAD is sent with a second request
// behind it on the same connection, without asking for gzip, so that a byte written after a
// HEAD answer (a streamed body's chunked trailer) breaks the second answer every time rather
// than only when a pooled connection happens to be reused.
func TestHeadAndNoStore(t *testing.T) {
	t.Parallel()
	svc, _, _, _ := startWithAuth(t)
	admin := client(t)
	signIn(t, admin, svc.URL, "admin", "admin password 1")
	base, err := url.Parse(svc.URL)
	if err != nil {
		t.Fatal(err)
	}
	var cookies []string
	for _, c := range admin.Jar.Cookies(base) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	get := func(path string) *http.Response {
		t.Helper()
		resp, err := admin.Get(svc.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	// head sends HEAD path and GET /healthz in one write and reads both answers.
	head := func(path string) (status int, next string) {
		t.Helper()
		conn, err := net.Dial("tcp", base.Host)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(time.Minute))
		fmt.Fprintf(conn, "HEAD %s HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\n\r\nGET /healthz HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
			path, base.Host, strings.Join(cookies, "; "), base.Host)
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodHead})
		if err != nil {
			t.Fatalf("HEAD %s: %v", path, err)
		}
		after, err := http.ReadResponse(br, nil)
		if err != nil {
			return resp.StatusCode, err.Error()
		}
		b, _ := io.ReadAll(after.Body)
		return resp.StatusCode, string(b)
	}
	for _, r := range svc.Routes() {
		if r.Method != http.MethodGet || strings.HasPrefix(r.Path, "/assets") {
			continue
		}
		path := strings.Replace(r.Path, ":code", "530500", 1)
		got := get(path)
		status, next := head(path)
		if status != got.StatusCode || next != "ok" {
			t.Errorf("HEAD %s: %d, then the next answer on its connection %q; GET: %d", path, status, next, got.StatusCode)
		}
		if cc := got.Header.Get("Cache-Control"); !strings.HasPrefix(r.Path, "/geo/") && cc != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", path, cc)
		}
	}
	if status, _ := head("/healthz"); status != http.StatusOK {
		t.Errorf("HEAD /healthz: %d", status)
	}
}
