package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"tradestat/auth"
	"tradestat/commit"
	"tradestat/demo"
	"tradestat/division"
	"tradestat/warehouse"
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
	t.Parallel()
	screens := map[string]string{}
	svc, inbox, cfg := startAccounts(t, func(file string) error {
		if err := auth.AddUser(file, "root", auth.Admin, "root password 1", ""); err != nil {
			return err
		}
		for _, r := range accountRegions {
			for _, role := range []auth.Role{auth.Viewer, auth.Analyst, auth.Admin} {
				if err := auth.AddUser(file, role.String()+"-"+r.code, role, "password of "+r.code, r.code); err != nil {
					return err
				}
			}
			token, err := auth.AddScreen(file, "wall-"+r.code, r.code)
			if err != nil {
				return err
			}
			screens[r.code] = token
		}
		return nil
	})
	startWorker(t, inbox, cfg)

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
	lotOf, sectionOf, buyerOf := map[string]string{}, map[string]string{}, map[string]string{}
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
				Lot     string `json:"lot_code"`
			} `json:"lots"`
		}
		if err := json.Unmarshal([]byte(body), &page); err != nil || len(page.Lots) == 0 {
			t.Fatalf("a lot of %s: %v %s", r.code, err, body)
		}
		lotOf[r.code] = page.Lots[0].Project
		sectionOf[r.code] = "project=" + url.QueryEscape(page.Lots[0].Project) + "&lot=" + url.QueryEscape(page.Lots[0].Lot)
		var sec struct {
			Buyer string `json:"buyer"`
		}
		if _, body := fetch(root, "/api/v1/section?"+sectionOf[r.code]); json.Unmarshal([]byte(body), &sec) != nil || sec.Buyer == "" {
			t.Fatalf("the buyer of a section of %s: %s", r.code, body)
		}
		buyerOf[r.code] = "name=" + url.QueryEscape(sec.Buyer)
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
	// A bidder of 隆阳区 (its firms are named after it): what 腾冲市 asks of it must say nothing.
	years, err := demo.Dataset(division.MustRegion("530500"))
	if err != nil {
		t.Fatal(err)
	}
	bidder := ""
	for _, y := range years {
		for _, b := range y.Bids {
			if bidder == "" && b.PlaceCode == "530502" && b.BidderCode != "" {
				bidder = b.BidderCode
			}
		}
	}
	routes := svc.Routes()
	probes := 0
	for _, a := range accounts {
		for _, r := range routes {
			if r.Method != http.MethodGet || strings.HasPrefix(r.Path, "/assets") || r.Public || a.role < r.Role ||
				strings.HasPrefix(r.Path, "/admin") || strings.HasPrefix(r.Path, "/geo/") {
				continue
			}
			path := strings.Replace(r.Path, ":code", bidder, 1)
			switch r.Path {
			case "/api/v1/breakdown":
				path += "?by=area"
			case "/section", "/api/v1/section":
				path += "?" + sectionOf[a.region]
			case "/buyer":
				path += "?" + buyerOf[a.region]
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
				if code == http.StatusBadRequest && !slices.Contains(r.Params, h[:strings.Index(h, "=")]) {
					continue // a parameter the route does not take: refused before anything is read
				}
				if code != http.StatusForbidden {
					t.Errorf("%s: %s%s%s → %d %.200s, want 403", a.name, path, sep, h, code, body)
				}
			}
		}
		if code, _ := fetch(a.c, "/geo/530500.js"); (code == 200) == limited(a) {
			t.Errorf("%s: the city's map → %d", a.name, code)
		}
		if limited(a) {
			// A sibling's section by its codes.
			for _, p := range []string{"/section?", "/api/v1/section?"} {
				if code, body := fetch(a.c, p+sectionOf[a.sibling]); code != http.StatusNotFound {
					t.Errorf("%s: %s%s (the sibling's) → %d %.200s, want 404", a.name, p, sectionOf[a.sibling], code, body)
				}
			}
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
	// Admin pages are each admin's region's: every admin opens them.
	for _, a := range accounts {
		if a.role != auth.Admin {
			continue
		}
		for _, r := range routes {
			if !strings.HasPrefix(r.Path, "/admin") || r.Method != http.MethodGet {
				continue
			}
			path := r.Path
			if path == "/admin/ingest/rejects" {
				path += "?dir=done&file=none"
			}
			if code, body := fetch(a.c, path); code != 200 && !(r.Path == "/admin/ingest/rejects" && code == 404) && !(r.Path == "/admin/withdraw" && code == 400) {
				t.Errorf("%s: %s → %d %.200s", a.name, r.Path, code, body)
			}
		}
	}
	adminOf := func(code string) account {
		for _, a := range accounts {
			if a.role == auth.Admin && a.region == code {
				return a
			}
		}
		t.Fatalf("no admin of %s", code)
		return account{}
	}
	tengchong, longyang := adminOf("530581"), adminOf("530502")
	amount := func(c *http.Client, area string) string {
		_, body := fetch(c, "/api/v1/summary?year=2021&area="+area)
		var s struct {
			Wan string `json:"amount_wan"`
		}
		json.Unmarshal([]byte(body), &s)
		return s.Wan
	}
	// changed waits a while for an area's amount to differ from was (the server trusts the
	// data's generation for a moment after reading it).
	changed := func(c *http.Client, area, was string) string {
		for range 50 {
			if got := amount(c, area); got != was {
				return got
			}
			time.Sleep(100 * time.Millisecond)
		}
		return was
	}
	before := map[string]string{"530581": amount(root, "530581"), "530502": amount(root, "530502")}

	// 腾冲's admin uploads a file of both counties: its own three lots are loaded, 隆阳's two
	// rejected naming 腾冲市; the report, the reject report and the load are its own.
	twoCounties, err := os.ReadFile("testdata/two-counties.csv")
	if err != nil {
		t.Fatal(err)
	}
	token := pageToken(t, tengchong.c, svc.URL+"/admin/ingest")
	if code, loc, body := postFile(t, tengchong.c, svc.URL+"/admin/upload", token, "two-counties.csv", twoCounties); code != http.StatusSeeOther {
		t.Fatalf("%s: upload %d to %q: %s", tengchong.name, code, loc, body)
	}
	// The load's row as well as the worker's report: the page's list of loads may be a second
	// behind the report (the data's generation is trusted for a second).
	page := waitFor(t, tengchong.c, svc.URL+"/admin/ingest", "two-counties.csv：读取5行 = 载入3 + 拒收2", "不在腾冲市范围内", "two-counties.csv</td>")
	if !strings.Contains(page, "/admin/ingest/rejects?dir=done&file=two-counties.csv&inbox=530581") || !strings.Contains(page, "two-counties.csv</td>") {
		t.Errorf("%s: the status page lacks its reject report's link or its load:\n%.3000s", tengchong.name, page)
	}
	if got := changed(root, "530581", before["530581"]); got == before["530581"] {
		t.Errorf("腾冲市 after its admin's upload: %s万元, unchanged", got)
	}
	if got := amount(root, "530502"); got != before["530502"] {
		t.Errorf("隆阳区 after 腾冲's admin's upload: %s万元, was %s", got, before["530502"])
	}
	rejectsURL := "/admin/ingest/rejects?dir=done&file=two-counties.csv&inbox=530581"
	if code, body := fetch(tengchong.c, rejectsURL); code != 200 || strings.Count(body, "不在腾冲市范围内") != 2 {
		t.Errorf("%s: its reject report → %d %.300s", tengchong.name, code, body)
	}
	if code, _ := fetch(longyang.c, rejectsURL); code != http.StatusForbidden {
		t.Errorf("%s: 腾冲's reject report → %d, want 403", longyang.name, code)
	}
	if code, _ := fetch(root, rejectsURL); code != 200 {
		t.Errorf("root: 腾冲's reject report → %d", code)
	}
	for _, bad := range []string{"&inbox=..", "&inbox=530000", "&inbox=530522"} {
		if code, _ := fetch(root, "/admin/ingest/rejects?dir=done&file=two-counties.csv"+bad); code != http.StatusBadRequest {
			t.Errorf("root: reject report %s → %d, want 400", bad, code)
		}
	}
	if _, page := fetch(longyang.c, "/admin/ingest"); strings.Contains(page, "two-counties") {
		t.Errorf("%s: the status page shows 腾冲's upload or load", longyang.name)
	}
	if _, page := fetch(root, "/admin/ingest"); !strings.Contains(page, `data-region="530581"`) || !strings.Contains(page, "two-counties.csv</td><td>腾冲市</td>") {
		t.Errorf("root: the status page lacks 腾冲's upload or load:\n%.3000s", page)
	}
	// The same file from 隆阳's admin is not "loaded before": 腾冲's load left its lots out.
	token = pageToken(t, longyang.c, svc.URL+"/admin/ingest")
	if code, loc, body := postFile(t, longyang.c, svc.URL+"/admin/upload", token, "two-counties.csv", twoCounties); code != http.StatusSeeOther {
		t.Fatalf("%s: upload %d to %q: %s", longyang.name, code, loc, body)
	}
	waitFor(t, longyang.c, svc.URL+"/admin/ingest", "two-counties.csv：读取5行 = 载入2 + 拒收3", "不在隆阳区范围内")
	if got := changed(root, "530502", before["530502"]); got == before["530502"] {
		t.Errorf("隆阳区 after its admin's upload: %s万元, unchanged", got)
	}
	// A load can be withdrawn by the admins of its region only.
	_, page = fetch(longyang.c, "/admin/ingest")
	m := regexp.MustCompile(`/admin/withdraw\?batch=([0-9a-f]{16})`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("%s: no load of its own to withdraw:\n%.3000s", longyang.name, page)
	}
	if code, body := fetch(tengchong.c, "/admin/withdraw?batch="+m[1]); code != http.StatusForbidden || !strings.Contains(body, "不是腾冲市的导入") || strings.Contains(body, "two-counties") || strings.Contains(body, "隆阳") {
		t.Errorf("%s: withdrawing 隆阳's load → %d %.300s, want 403 naming neither its file nor its region", tengchong.name, code, body)
	}
	if code, body := fetch(longyang.c, "/admin/withdraw?batch="+m[1]); code != 200 || !strings.Contains(body, "删除2个标段") {
		t.Errorf("%s: withdrawing its own load → %d %.300s", longyang.name, code, body)
	}
	// The audit log of a limited admin holds its region's entries only.
	waitFor(t, root, svc.URL+"/admin/audit", "<td>analyst-530581</td><td>analyst</td><td>530581</td>", "<td>root</td><td>admin</td><td></td>",
		"<td>admin-530502</td><td>admin</td><td>530502</td>")
	_, audit := fetch(tengchong.c, "/admin/audit")
	if !strings.Contains(audit, "<td>analyst-530581</td>") || !strings.Contains(audit, "<td>admin-530581</td><td>admin</td><td>530581</td><td>127.0.0.1</td><td>upload</td>") {
		t.Errorf("%s: its region's entries missing from the audit log:\n%.3000s", tengchong.name, audit)
	}
	for _, other := range []string{"<td>root</td>", "-530502</td>", "-530500</td>"} {
		if strings.Contains(audit, other) {
			t.Errorf("%s: the audit log shows %s", tengchong.name, other)
		}
	}
	// A seal of the city: a county's account sees that its year is sealed, and its own
	// county's sealed figures, never the city's.
	conn, err := warehouse.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	city, err := commit.NewLoader(conn, division.MustRegion("530500")).Seal(context.Background(), 2021, "", "保山市2021年度报告", "root", "")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // the server trusts the data's generation for a second
	_, list := fetch(tengchong.c, "/api/v1/seals")
	if !strings.Contains(list, city.ID) || strings.Contains(list, city.Amount.Wan()) || strings.Contains(list, `"lots"`) {
		t.Errorf("%s: the seals list %s; want the city's seal without its figures (%s万元)", tengchong.name, list, city.Amount.Wan())
	}
	_, own := fetch(root, "/api/v1/summary?year=2021&area=530581&as=sealed")
	if _, mine := fetch(tengchong.c, "/api/v1/summary?year=2021&as=sealed"); mine != own || !strings.Contains(mine, `"as":"sealed"`) || strings.Contains(mine, city.Amount.Wan()) {
		t.Errorf("%s: sealed figures %s; want the county's, as the whole region's account reads them: %s", tengchong.name, mine, own)
	}
	if probes < 200 {
		t.Errorf("%d hostile probes: the route table was not walked", probes)
	}
}
