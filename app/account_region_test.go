package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"tradestat/app"
	"tradestat/auth"
	"tradestat/dashboard"
	"tradestat/demo"
	"tradestat/division"
	"tradestat/ingest"
	"tradestat/internal/chtest"
)

// accountRegions are the regions of the matrix: a county, its city (the deployment's whole
// region) and a sibling county.
var accountRegions = []struct{ code, sibling string }{
	{"530581", "530502"}, // 腾冲市, beside 隆阳区
	{"530500", ""},       // 保山市: the deployment's region
	{"530502", "530581"}, // 隆阳区, beside 腾冲市
}

// TestAccountRegions: accounts and screen links limited to a county, its city and a sibling
// county, each role, over every GET route of the server and hostile filters (the parent's
// area, a sibling's area and place, a sibling's lot code in q, export URLs, a screen link of
// another region): each gets its own region's figures exactly, or a 403 — never empty figures
// for a view it may not see, never another region's.
func TestAccountRegions(t *testing.T) {
	conn, cfg := chtest.Open(t)
	baoshan := division.MustRegion("530500")
	if _, err := demo.Load(context.Background(), ingest.NewLoader(conn, baoshan), baoshan); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "users")
	if err := auth.AddUser(file, "root", auth.Admin, "root password 1", ""); err != nil {
		t.Fatal(err)
	}
	screens := map[string]string{}
	for _, r := range accountRegions {
		for _, role := range []auth.Role{auth.Viewer, auth.Analyst, auth.Admin} {
			if err := auth.AddUser(file, role.String()+"-"+r.code, role, "password of "+r.code, r.code); err != nil {
				t.Fatal(err)
			}
		}
		token, err := auth.AddScreen(file, "wall-"+r.code, r.code)
		if err != nil {
			t.Fatal(err)
		}
		screens[r.code] = token
	}
	users, err := auth.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	set := app.Setup{Writer: &cfg, RequireAudit: true}
	svc, err := app.StartWith(context.Background(), cfg, set, "127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil)), dashboard.WithAuth(users, false))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })

	fetch := func(c *http.Client, path string) (int, string) {
		t.Helper()
		resp, err := c.Get(svc.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	root := client(t)
	if resp := signIn(t, root, svc.URL, "root", "root password 1"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("root sign-in: %d", resp.StatusCode)
	}
	// What each region's figures are, as the deployment's whole view gives them by area.
	want := map[string]string{}
	lotOf := map[string]string{}
	for _, r := range accountRegions {
		area := r.code
		if area == "530500" {
			area = ""
		}
		_, body := fetch(root, "/api/v1/summary?year=2021&area="+area)
		want[r.code] = body
		_, body = fetch(root, "/api/v1/lots?year=2021&size=1&area="+r.code)
		var page struct {
			Lots []struct {
				Project string `json:"project_code"`
			} `json:"lots"`
		}
		if err := json.Unmarshal([]byte(body), &page); err != nil || len(page.Lots) == 0 {
			t.Fatalf("a lot of %s: %v %s", r.code, err, body)
		}
		lotOf[r.code] = page.Lots[0].Project
	}
	if want["530581"] == want["530500"] || want["530581"] == want["530502"] {
		t.Fatal("the regions' figures do not differ: the test would prove nothing")
	}

	type account struct {
		name, region, sibling string
		role                  auth.Role
		c                     *http.Client
	}
	var accounts []account
	for _, r := range accountRegions {
		for _, role := range []auth.Role{auth.Viewer, auth.Analyst, auth.Admin} {
			c := client(t)
			name := role.String() + "-" + r.code
			if resp := signIn(t, c, svc.URL, name, "password of "+r.code); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: sign-in %d", name, resp.StatusCode)
			}
			accounts = append(accounts, account{name, r.code, r.sibling, role, c})
		}
	}
	// Every account asks the same URL one after the other: the cache answers each with its
	// own region's figures.
	for _, a := range accounts {
		if code, body := fetch(a.c, "/api/v1/summary?year=2021"); code != 200 || body != want[a.region] {
			t.Errorf("%s: /api/v1/summary?year=2021 → %d %s, want %s", a.name, code, body, want[a.region])
		}
		if code, body := fetch(a.c, "/api/v1/lots?year=2021&size=5&q="+url.QueryEscape(lotOf[a.region])); a.role >= auth.Analyst && (code != 200 || !strings.Contains(body, lotOf[a.region])) {
			t.Errorf("%s: its own lot %s not found: %d", a.name, lotOf[a.region], code)
		}
	}

	limited := func(a account) bool { return a.region != "530500" }
	hostile := func(a account) []string {
		if !limited(a) {
			return nil
		}
		return []string{"area=530500", "area=" + a.sibling, "place=" + a.sibling, "place=530500", "area=530000"}
	}
	routes := svc.Routes()
	probes := 0
	for _, a := range accounts {
		for _, r := range routes {
			if r.Method != http.MethodGet || strings.HasPrefix(r.Path, "/assets") || r.Public || a.role < r.Role ||
				strings.HasPrefix(r.Path, "/admin") || strings.HasPrefix(r.Path, "/geo/") {
				continue
			}
			path := r.Path
			if r.Path == "/api/v1/breakdown" {
				path += "?by=area"
			}
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			if code, body := fetch(a.c, path+sep+"year=2021"); code != 200 {
				t.Errorf("%s: %s → %d %.200s", a.name, path, code, body)
			} else if a.region == "530581" && strings.Contains(body, "隆阳区") {
				t.Errorf("%s: %s names 隆阳区: another region's lots or figures", a.name, path)
			}
			for _, h := range hostile(a) {
				probes++
				code, body := fetch(a.c, path+sep+"year=2021&"+h)
				if code != http.StatusForbidden {
					t.Errorf("%s: %s%s%s → %d %.200s, want 403", a.name, path, sep, h, code, body)
				}
			}
		}
		if code, _ := fetch(a.c, "/geo/530500.js"); (code == 200) == limited(a) {
			t.Errorf("%s: the city's map → %d", a.name, code)
		}
		if limited(a) {
			// A sibling's lot by its code, the sibling's lots in CSV.
			if a.role >= auth.Analyst {
				if _, body := fetch(a.c, "/api/v1/lots?year=2021&q="+url.QueryEscape(lotOf[a.sibling])); strings.Contains(body, lotOf[a.sibling]) {
					t.Errorf("%s: a search for %s (the sibling's) finds it", a.name, lotOf[a.sibling])
				}
				_, csv := fetch(a.c, "/export/lots?year=2021&format=csv")
				other := map[string]string{"530581": "隆阳区", "530502": "腾冲市"}[a.region]
				if strings.Contains(csv, other) || !strings.Contains(csv, map[string]string{"530581": "腾冲市", "530502": "隆阳区"}[a.region]) {
					t.Errorf("%s: the lot export holds %s's lots, or not its own", a.name, other)
				}
			}
		}
	}

	// Admin pages are the whole region's: an admin limited to a part may not use them.
	for _, a := range accounts {
		if a.role != auth.Admin {
			continue
		}
		for _, r := range routes {
			if !strings.HasPrefix(r.Path, "/admin") || r.Method != http.MethodGet {
				continue
			}
			if code, _ := fetch(a.c, r.Path); (code == http.StatusForbidden) != limited(a) {
				t.Errorf("%s: %s → %d", a.name, r.Path, code)
			}
		}
	}
	// The audit log records each entry's region: the county analyst's sign-in and export.
	waitFor(t, root, svc.URL+"/admin/audit", "<td>analyst-530581</td><td>analyst</td><td>530581</td>", "<td>root</td><td>admin</td><td></td>")
	if probes < 200 {
		t.Errorf("%d hostile probes: the route table was not walked", probes)
	}
	// Screen links: each shows its own region; another region's view through one is 403.
	for _, r := range accountRegions {
		c := client(t)
		code, body := fetch(c, "/screen?year=2021&token="+screens[r.code])
		var w struct {
			Wan string `json:"amount_wan"`
		}
		json.Unmarshal([]byte(want[r.code]), &w)
		if code != 200 || !strings.Contains(body, ">"+w.Wan+"<") {
			t.Errorf("screen link of %s: %d, want its amount %s万元 on the cards", r.code, code, w.Wan)
		}
		if r.sibling != "" {
			if code, _ := fetch(c, "/screen?year=2021&area="+r.sibling+"&token="+screens[r.code]); code != http.StatusForbidden {
				t.Errorf("screen link of %s asking for %s: %d, want 403", r.code, r.sibling, code)
			}
		}
	}
}
