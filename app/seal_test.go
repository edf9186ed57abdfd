package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"tradestat/app"
	"tradestat/commit"
	"tradestat/division"
	"tradestat/ingest"
	"tradestat/warehouse"
)

// TestSeal: the 2021 figures of Baoshan are sealed as they went into the report; a correction
// loaded afterwards (a new lot of 125.3万元, an existing lot 1万元 lower) changes the current
// figures, while the sealed ones stay: the API gives both, labelled, with the exact
// difference; the overview says 已定稿 and 定稿后数据变动：交易项目 +1个，交易金额 +124.3万元; the
// exports name the sealed figures beside the current ones; the report page, its API, the
// breakdowns, the self-evaluation table and the CLI give either figures, labelled; the list of
// changes names the two lots and the file that changed them. Revoked, the seal is no longer
// in force, and stays listed.
func TestSeal(t *testing.T) {
	t.Parallel()
	svc, _, _, cfg := startWithAuth(t)
	cli := func(args ...string) (string, int) {
		t.Helper()
		var out bytes.Buffer
		code := app.Main(append(args[:1:1], append([]string{"--clickhouse", cfg.Addr, "--database", cfg.Database}, args[1:]...)...),
			&out, &out, func(string) string { return "" })
		return out.String(), code
	}
	viewer := client(t) // an analyst: the lot list is theirs
	signIn(t, viewer, svc.URL, "analyst", "analyst password 1")
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := viewer.Get(svc.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	type figures struct {
		Projects  int64  `json:"projects"`
		AmountWan string `json:"amount_wan"`
	}
	var summary struct {
		figures
		As   string `json:"as"`
		Seal struct {
			ID         string  `json:"id"`
			Note       string  `json:"note"`
			Sealed     figures `json:"sealed"`
			Current    figures `json:"current"`
			Difference figures `json:"difference"`
		} `json:"seal"`
	}
	read := func(path string) int {
		t.Helper()
		code, body := get(path)
		summary.As = ""
		if code == 200 {
			if err := json.Unmarshal([]byte(body), &summary); err != nil {
				t.Fatalf("%s: %v %s", path, err, body)
			}
		}
		return code
	}
	if code := read("/api/v1/summary?year=2021&as=sealed"); code != http.StatusNotFound {
		t.Errorf("sealed figures before any seal: %d, want 404", code)
	}
	// The server trusts the data's generation, which counts seals, for a second after reading it.
	settle := func() { time.Sleep(1100 * time.Millisecond) }
	out, code := cli("seal", "--year", "2021", "--note", "2021年度项目支出绩效自评报告")
	if code != 0 || !strings.Contains(out, "1651个标段，1107371万元") {
		t.Fatalf("seal: %d %s", code, out)
	}
	settle()
	if _, body := get("/api/v1/seals"); !strings.Contains(body, "2021年度项目支出绩效自评报告") {
		t.Errorf("/api/v1/seals: %s", body)
	}

	// The correction.
	_, was := get("/api/v1/summary?year=2021")
	_, body := get("/api/v1/lots?year=2021&type=" + "%E5%B7%A5%E7%A8%8B%E5%BB%BA%E8%AE%BE" + "&sort=amount&size=1")
	var lots struct {
		Lots []struct {
			Project   string `json:"project_code"`
			Lot       string `json:"lot_code"`
			Place     string `json:"place_code"`
			Date      string `json:"deal_date"`
			BudgetFen int64  `json:"budget_fen"`
			AmountFen int64  `json:"amount_fen"`
		} `json:"lots"`
	}
	if err := json.Unmarshal([]byte(body), &lots); err != nil || len(lots.Lots) == 0 || lots.Lots[0].AmountFen < 2000000 {
		t.Fatalf("a 工程建设 lot of 2021: %v %s", err, body)
	}
	l := lots.Lots[0]
	correction := "project_code,lot_code,name,trade_type,place_code,deal_date,budget_yuan,amount_yuan\n" +
		"SEAL-NEW-1,001,定稿后补录工程,工程建设,530502,2021-11-30,1300000,1253000\n" +
		fmt.Sprintf("%s,%s,更正金额,工程建设,%s,%s,%d,%d\n", l.Project, l.Lot, l.Place, l.Date, l.BudgetFen/100, l.AmountFen/100-10000)
	file := filepath.Join(t.TempDir(), "correction.csv")
	if err := os.WriteFile(file, []byte(correction), 0o644); err != nil {
		t.Fatal(err)
	}
	conn, err := warehouse.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := commit.NewLoader(conn, division.MustRegion("530500")).LoadFile(context.Background(), file, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	waitSummary(t, func() string { _, b := get("/api/v1/summary?year=2021"); return b }, was)
	read("/api/v1/summary?year=2021")
	if summary.As != "current" || summary.Projects != 1652 || summary.AmountWan != "1107495.3" || summary.Seal.Sealed.Projects != 1651 ||
		summary.Seal.Sealed.AmountWan != "1107371" || summary.Seal.Difference.Projects != 1 || summary.Seal.Difference.AmountWan != "124.3" {
		t.Errorf("current figures with the seal: %+v", summary)
	}
	if read("/api/v1/summary?year=2021&as=sealed"); summary.As != "sealed" || summary.Projects != 1651 || summary.AmountWan != "1107371" {
		t.Errorf("sealed figures: %+v", summary)
	}
	if code := read("/api/v1/summary?year=2021&as=final"); code != http.StatusBadRequest {
		t.Errorf("as=final: %d, want 400", code)
	}
	if code := read("/api/v1/summary?from=2021-01-01&to=2021-06-30&as=sealed"); code != http.StatusNotFound {
		t.Errorf("sealed figures of half a year: %d, want 404", code)
	}
	// A county within the sealed city: its sealed figures too.
	if code := read("/api/v1/summary?year=2021&area=530502&as=sealed"); code != 200 || summary.As != "sealed" {
		t.Errorf("sealed figures of 隆阳区: %d %+v", code, summary)
	}

	_, page := get("/?year=2021")
	page = html.UnescapeString(page) // the template writes + as &#43;
	if !strings.Contains(page, `id="sealmark"`) || !strings.Contains(page, "2021年度项目支出绩效自评报告") ||
		!strings.Contains(page, "定稿后数据变动：交易项目 +1个，交易金额 +124.3万元") {
		t.Errorf("the overview of 2021 lacks the seal's mark or its difference:\n%.4000s", page)
	}
	sealedFigures := "交易项目1651个，交易金额1107371万元，节约资金35303.82万元，增价17338.8万元，不见面开标289个"
	difference := "定稿后数据变动：交易项目 +1个，交易金额 +124.3万元"
	for _, export := range []string{"/export/indicators?year=2021&format=csv", "/export/lots?year=2021&format=csv"} {
		if _, csv := get(export); !strings.Contains(csv, "本年度已于") || !strings.Contains(csv, "2021年度项目支出绩效自评报告") ||
			!strings.Contains(csv, "本表为当前数字；定稿数字："+sealedFigures+"；"+difference) {
			t.Errorf("%s does not say the year is sealed, its sealed figures and how they differ:\n%.600s", export, csv[max(0, len(csv)-600):])
		}
	}
	// An English page's export says it in English, with the same figures.
	if _, csv := get("/export/indicators?year=2021&format=csv&lang=en"); !strings.Contains(csv, "this year was sealed on") ||
		!strings.Contains(csv, "these are the current figures; sealed figures: projects 1651; in 10k yuan: deal amount 1107371, savings 35303.82, premium 17338.8; online openings 289; changes since the seal: projects +1, deal amount +124.3 (10k yuan)") {
		t.Errorf("the English export does not say the year is sealed:\n%.600s", csv[max(0, len(csv)-600):])
	}

	// The report text, its API and the self-evaluation table, of either figures, labelled.
	_, page = get("/report?year=2021")
	if !strings.Contains(page, "以下文字和数字为当前数字（与定稿不同）") || !strings.Contains(page, "累计完成交易项目1652个") ||
		!strings.Contains(page, `href="/report?as=sealed&amp;style=annual&amp;year=2021"`) {
		t.Errorf("the report page of the current figures:\n%.6000s", page)
	}
	_, page = get("/report?year=2021&as=sealed")
	if !strings.Contains(page, "以下文字和数字为定稿数字") || !strings.Contains(page, "累计完成交易项目1651个，交易金额1107371万元") ||
		strings.Contains(page, "1652个") || !strings.Contains(page, `name="as" value="sealed"`) {
		t.Errorf("the report page of the sealed figures:\n%.6000s", page)
	}
	if code, _ := get("/report?from=2021-01-01&to=2021-06-30&as=sealed"); code != http.StatusNotFound {
		t.Errorf("the sealed report of half a year: %d, want 404", code)
	}
	var rep struct {
		As        string   `json:"as"`
		Sentences []string `json:"sentences"`
		Seal      struct {
			Difference figures `json:"difference"`
		} `json:"seal"`
	}
	for as, want := range map[string]string{"sealed": "1651个", "current": "1652个"} {
		_, body := get("/api/v1/report?year=2021&as=" + as)
		if err := json.Unmarshal([]byte(body), &rep); err != nil || rep.As != as || !strings.Contains(strings.Join(rep.Sentences, ""), want) || rep.Seal.Difference.Projects != 1 {
			t.Errorf("/api/v1/report as=%s: %v %s", as, err, body)
		}
	}
	var byArea struct {
		As    string  `json:"as"`
		Total figures `json:"total"`
	}
	if _, body := get("/api/v1/breakdown?by=area&year=2021&as=sealed"); json.Unmarshal([]byte(body), &byArea) != nil || byArea.As != "sealed" ||
		byArea.Total.Projects != 1651 || byArea.Total.AmountWan != "1107371" {
		t.Errorf("the sealed breakdown by area: %s", body)
	}
	evaluationOf := func(body []byte) (amount, note string) {
		t.Helper()
		x, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, err := x.GetRows("绩效自评表")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if len(r) > 4 && r[2] == "交易金额" {
				amount = r[4]
			}
		}
		return amount, rows[len(rows)-1][0]
	}
	for as, want := range map[string]string{"sealed": "110.74亿元", "current": "110.75亿元"} {
		_, body := get("/export/evaluation?year=2021&as=" + as)
		amount, note := evaluationOf([]byte(body))
		other := "本表为当前数字；定稿数字：" + sealedFigures
		if as == "sealed" {
			other = "本表为定稿数字；当前数字：交易项目1652个，交易金额1107495.3万元"
		}
		if amount != want || !strings.Contains(note, "2021年度项目支出绩效自评报告") || !strings.Contains(note, other) || !strings.Contains(note, difference) {
			t.Errorf("the self-evaluation table as=%s: 交易金额 %q, under the table %q", as, amount, note)
		}
	}
	if out, code := cli("report", "--year", "2021", "--as", "sealed"); code != 0 || !strings.Contains(out, "本表为定稿数字") || !strings.Contains(out, "累计完成交易项目1651个") || strings.Contains(out, "累计完成交易项目1652个") {
		t.Errorf("tradestat report --as sealed: %d %s", code, out)
	}
	table := filepath.Join(t.TempDir(), "table.xlsx")
	if out, code := cli("evaluation", "--year", "2021", "--as", "sealed", "--out", table); code != 0 {
		t.Errorf("tradestat evaluation --as sealed: %d %s", code, out)
	} else if body, err := os.ReadFile(table); err != nil {
		t.Error(err)
	} else if amount, note := evaluationOf(body); amount != "110.74亿元" || !strings.Contains(note, "本表为定稿数字") {
		t.Errorf("tradestat evaluation --as sealed: 交易金额 %q, under the table %q", amount, note)
	}
	if out, code := cli("report", "--year", "2022", "--as", "sealed"); code == 0 || !strings.Contains(out, "没有定稿") {
		t.Errorf("tradestat report --as sealed of a year no seal covers: %d %s", code, out)
	}
	code, page = get("/seals/changes?year=2021")
	if code != 200 || !strings.Contains(page, `data-project="SEAL-NEW-1"`) || !strings.Contains(page, `data-project="`+l.Project+`"`) ||
		strings.Count(page, "correction.csv") != 2 || !strings.Contains(page, "新增") || !strings.Contains(page, "修改") {
		t.Errorf("the changes since the seal: %d\n%.4000s", code, page)
	}

	checkSealedCompetition(t, get, conn)

	out, code = cli("seal", "list")
	id := summary.Seal.ID
	if code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "有效") {
		t.Errorf("seal list: %d %s", code, out)
	}
	if out, code := cli("seal", "revoke", id); code != 0 || !strings.Contains(out, "已撤销") {
		t.Errorf("seal revoke: %d %s", code, out)
	}
	settle()
	if code := read("/api/v1/summary?year=2021&as=sealed"); code != http.StatusNotFound {
		t.Errorf("sealed figures after the revocation: %d, want 404", code)
	}
	if out, _ := cli("seal", "list"); !strings.Contains(out, "撤销") {
		t.Errorf("seal list after the revocation: %s", out)
	}
	if out, code := cli("seal", "revoke", id); code == 0 || !strings.Contains(out, "已经撤销") {
		t.Errorf("revoking it again: %d %s", code, out)
	}

	// On the report page: an analyst seals the year with a note, an admin revokes the seal.
	post := func(c *http.Client, path string, form url.Values) (int, string) {
		t.Helper()
		resp, err := c.PostForm(svc.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location") + " " + string(b)
	}
	token := pageToken(t, viewer, svc.URL+"/report?year=2021")
	if _, page := get("/report?year=2021"); !strings.Contains(page, `id="seal-form"`) || strings.Contains(page, `id="revoke-form"`) {
		t.Errorf("the analyst's report page: no seal form, or a revoke form")
	}
	if code, where := post(viewer, "/seal", url.Values{"_csrf": {token}, "year": {"2021"}, "note": {"2021年度统计公报"}}); code != http.StatusSeeOther || !strings.HasPrefix(where, "/report?year=2021") {
		t.Fatalf("sealing from the report page: %d %s", code, where)
	}
	settle()
	if read("/api/v1/summary?year=2021&as=sealed"); summary.Seal.Note != "2021年度统计公报" || summary.Projects != 1652 {
		t.Errorf("the seal made on the report page: %+v", summary)
	}
	// The year is sealed now: an analyst sealing it again is refused, naming the seal in force,
	// and may not supersede it; an admin supersedes it on purpose, from the page's form.
	first := summary.Seal.ID
	if _, page := get("/report?year=2021"); strings.Contains(page, `id="seal-form"`) {
		t.Errorf("the analyst's report page of a sealed year offers to seal it again")
	}
	if code, body := post(viewer, "/seal", url.Values{"_csrf": {token}, "year": {"2021"}, "note": {"再次定稿"}}); code != http.StatusConflict || !strings.Contains(body, first) {
		t.Errorf("an analyst seals a sealed year: %d %.300s, want 409 naming %s", code, body, first)
	}
	if code, _ := post(viewer, "/seal", url.Values{"_csrf": {token}, "year": {"2021"}, "note": {"再次定稿"}, "supersedes": {first}}); code != http.StatusForbidden {
		t.Errorf("an analyst supersedes a seal: %d, want 403", code)
	}
	admin := client(t)
	signIn(t, admin, svc.URL, "admin", "admin password 1")
	resp, err := admin.Get(svc.URL + "/report?year=2021")
	if err != nil {
		t.Fatal(err)
	}
	form, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(form), `name="supersedes" value="`+first+`"`) {
		t.Errorf("the admin's report page of a sealed year: no form superseding %s", first)
	}
	token = pageToken(t, admin, svc.URL+"/report?year=2021")
	if code, where := post(admin, "/seal", url.Values{"_csrf": {token}, "year": {"2021"}, "note": {"2021年度统计公报（修订）"}, "supersedes": {first}}); code != http.StatusSeeOther {
		t.Fatalf("an admin supersedes the seal: %d %s", code, where)
	}
	settle()
	if read("/api/v1/summary?year=2021&as=sealed"); summary.Seal.Note != "2021年度统计公报（修订）" {
		t.Errorf("the superseding seal is not in force: %+v", summary.Seal)
	}
	waitFor(t, admin, svc.URL+"/admin/audit", "supersedes "+first)
	if code, where := post(admin, "/seal/revoke", url.Values{"_csrf": {token}, "seal": {first}, "year": {"2021"}}); code != http.StatusSeeOther {
		t.Errorf("revoking the superseded seal: %d %s", code, where)
	}
	if code, where := post(admin, "/seal/revoke", url.Values{"_csrf": {token}, "seal": {summary.Seal.ID}, "year": {"2021"}}); code != http.StatusSeeOther {
		t.Errorf("revoking from the report page: %d %s", code, where)
	}
	settle()
	if code := read("/api/v1/summary?year=2021&as=sealed"); code != http.StatusNotFound {
		t.Errorf("sealed figures after the revocation on the page: %d, want 404", code)
	}
	if code, _ := post(viewer, "/seal/revoke", url.Values{"_csrf": {token}, "seal": {summary.Seal.ID}}); code != http.StatusForbidden {
		t.Errorf("an analyst revokes a seal: %d, want 403", code)
	}
	waitFor(t, admin, svc.URL+"/admin/audit", "<td>seal</td><td>/seal</td>", "<td>revoke</td><td>/seal/revoke</td>")
}

// checkSealedCompetition: the seal of 2021 recorded its competition figures, and the section
// loaded since counts in the current ones alone: the competition answer, page and export give
// either, labelled; the flags, read from the bid lists as they are now, take no as=; a
// seal made before competition figures were sealed says it recorded none.
func checkSealedCompetition(t *testing.T, get func(string) (int, string), conn driver.Conn) {
	t.Helper()
	type answer struct {
		As    string `json:"as"`
		Total struct {
			Sections int64 `json:"sections"`
		} `json:"total"`
		Sentence string `json:"sentence"`
		Seal     struct {
			Recorded bool `json:"recorded"`
			Sealed   *struct {
				Sections int64 `json:"sections"`
			} `json:"sealed"`
			Current *struct {
				Sections int64 `json:"sections"`
			} `json:"current"`
		} `json:"seal"`
	}
	answers := map[string]answer{}
	for _, as := range []string{"current", "sealed"} {
		var a answer
		code, body := get("/api/v1/competition?year=2021&as=" + as)
		if err := json.Unmarshal([]byte(body), &a); code != 200 || err != nil || a.As != as || !a.Seal.Recorded || a.Seal.Sealed == nil ||
			a.Seal.Current == nil || a.Seal.Current.Sections-a.Seal.Sealed.Sections != 1 {
			t.Fatalf("/api/v1/competition as=%s: %d %v %.600s", as, code, err, body)
		}
		answers[as] = a
	}
	current, sealed := answers["current"], answers["sealed"]
	if current.Total.Sections != current.Seal.Current.Sections || sealed.Total.Sections != sealed.Seal.Sealed.Sections {
		t.Errorf("the competition figures are not those they are labelled: current %+v, sealed %+v", current, sealed)
	}
	if code, _ := get("/api/v1/competition?from=2021-01-01&to=2021-06-30&as=sealed"); code != http.StatusNotFound {
		t.Errorf("the sealed competition of half a year: %d, want 404", code)
	}
	_, page := get("/competition?year=2021")
	if page = html.UnescapeString(page); !strings.Contains(page, "定稿后数据变动：开标标段 +1个，流标 +0个") || !strings.Contains(page, "以下数字为当前数字（与定稿不同）") ||
		!strings.Contains(page, "/competition?as=sealed&year=2021") {
		t.Errorf("the competition page of a sealed year:\n%.3000s", page)
	}
	_, page = get("/competition?year=2021&as=sealed")
	if !strings.Contains(page, "以下竞争数字为定稿数字") || !strings.Contains(page, sealed.Sentence) || strings.Contains(page, current.Sentence) ||
		!strings.Contains(page, `name="as" value="sealed"`) || !strings.Contains(page, "export/competition?as=sealed") {
		t.Errorf("the sealed competition page:\n%.3000s", page)
	}
	if _, csv := get("/export/competition?year=2021&as=sealed&format=csv"); !strings.Contains(csv, "以下竞争数字为定稿数字") ||
		!strings.Contains(csv, "风险提示和中标人集中度按当前的投标记录计算，不随定稿保存。") {
		t.Errorf("the sealed competition export does not say which figures it holds:\n%.600s", csv[max(0, len(csv)-600):])
	}
	for _, path := range []string{"/flags?year=2021&as=sealed", "/api/v1/flags?year=2021&as=sealed"} {
		if code, body := get(path); code != http.StatusBadRequest || !strings.Contains(body, "不接受这个参数") {
			t.Errorf("%s: %d %.300s, want 400 naming the parameter", path, code, body)
		}
	}
	// A seal of 2020 as the seals made before competition figures were sealed are.
	if err := conn.Exec(context.Background(), `INSERT INTO seals (seal_id, year, area, note, sealed_at, user_name, region, lots, amount_fen)
		SELECT '00000000000000a1', 2020, '530500', '2020年度报告', now(), 'writer', '530500', 0, 0`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // the server trusts the data's generation for a second
	if code, body := get("/api/v1/competition?year=2020&as=sealed"); code != http.StatusNotFound || !strings.Contains(body, "只记录了成交数字") {
		t.Errorf("the sealed competition of a seal that recorded none: %d %.300s, want 404 saying so", code, body)
	}
	if _, page := get("/competition?year=2020"); !strings.Contains(page, `id="seal-unrecorded"`) || strings.Contains(page, `id="as"`) {
		t.Errorf("the competition page of a year sealed without its competition figures:\n%.3000s", page)
	}
}

// TestSealInBrowser: in Chromium, the overview of a sealed year shows the 已定稿 mark with the
// difference a later load made, and its link opens the list of the changed lots.
func TestSealInBrowser(t *testing.T) {
	t.Parallel()
	svc, conn := startDemoConn(t)
	ctx := context.Background()
	loader := commit.NewLoader(conn, division.MustRegion("530500"))
	if _, err := loader.Seal(ctx, 2021, "", "2021年度项目支出绩效自评报告", "writer", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := loader.Load(ctx, ingest.Source{Name: "late.csv", Data: []byte("project_code,lot_code,name,trade_type,place_code,deal_date,budget_yuan,amount_yuan\n" +
		"SEAL-NEW-1,001,定稿后补录工程,工程建设,530502,2021-11-30,1300000,1253000\n")}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // the server trusts the data's generation for a second
	bctx, pl := browser(t)
	var mark, location, row string
	err := chromedp.Run(bctx,
		chromedp.EmulateViewport(1366, 768),
		chromedp.Navigate(svc.URL+"/?year=2021"),
		chromedp.WaitVisible("#sealmark", chromedp.ByQuery),
		chromedp.Text("#sealmark", &mark, chromedp.ByQuery),
		chromedp.Click("#sealmark a", chromedp.ByQuery),
		chromedp.WaitVisible(`tr[data-project="SEAL-NEW-1"]`, chromedp.ByQuery),
		chromedp.Location(&location),
		chromedp.Text(`tr[data-project="SEAL-NEW-1"]`, &row, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mark, "已定稿") || !strings.Contains(mark, "2021年度项目支出绩效自评报告") || !strings.Contains(mark, "交易项目1651个，交易金额1107371万元") ||
		!strings.Contains(mark, "定稿后数据变动：交易项目 +1个，交易金额 +125.3万元") {
		t.Errorf("the seal's mark reads %q", mark)
	}
	if !strings.Contains(location, "/seals/changes?year=2021") || !strings.Contains(row, "新增") || !strings.Contains(row, "late.csv") || !strings.Contains(row, "125.3万元") {
		t.Errorf("the change list at %s: %q", location, row)
	}

	// The report page: the current text, then the sealed one by its link, each labelled.
	var label, sentence, sealedLabel, sealedSentence, copied string
	err = chromedp.Run(bctx,
		chromedp.Navigate(svc.URL+"/report?year=2021"),
		chromedp.WaitVisible("#aslabel", chromedp.ByQuery),
		chromedp.Text("#aslabel", &label, chromedp.ByQuery),
		chromedp.Text("#sentence-0", &sentence, chromedp.ByQuery),
		chromedp.Click(`#as a[href*="as=sealed"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#as a[aria-current="page"][href*="as=sealed"]`, chromedp.ByQuery),
		chromedp.Text("#aslabel", &sealedLabel, chromedp.ByQuery),
		chromedp.Text("#sentence-0", &sealedSentence, chromedp.ByQuery),
		chromedp.AttributeValue("#evaluation", "href", &copied, nil, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(label, "当前数字") || !strings.Contains(sentence, "交易项目1652个，交易金额1107496.3万元") {
		t.Errorf("the current report: %q / %q", label, sentence)
	}
	if !strings.Contains(sealedLabel, "定稿数字") || !strings.Contains(sealedLabel, "2021年度项目支出绩效自评报告") ||
		!strings.Contains(sealedSentence, "交易项目1651个，交易金额1107371万元") || !strings.Contains(copied, "as=sealed") {
		t.Errorf("the sealed report: %q / %q, the table at %q", sealedLabel, sealedSentence, copied)
	}
	pl.check(t)
}
