package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"tradestat/demo"
	"tradestat/division"
	"tradestat/evaluation"
	"tradestat/ingest"
)

// TestEnglishPages walks every page of the dashboard in English — the overview of the city
// and of a county, the lot lists, the report in both styles, the wall display, the seal's
// change list, the admin pages and an error page — and fails on any Chinese text that is not
// data: the names of divisions and lots, and what the page marks as Chinese on purpose
// (lang="zh-CN": the report's sentences and figures, which go into Chinese documents, and the
// link back to Chinese). An interface text without its English fails here.
func TestEnglishPages(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	names := demoNames(t)
	lot, bids := demoSection(t)
	section := "/section?project=" + url.QueryEscape(lot.ProjectCode) + "&lot=" + url.QueryEscape(lot.LotCode)
	bidder := "/bidders/" + bids[0].BidderCode + "?year=2021"
	buyer := "/buyer?year=2021&name=" + url.QueryEscape(lot.Procedure.Buyer)
	for _, path := range []string{
		"/", "/?year=2021", "/?year=2021&area=530581", "/?year=2021&place=530500", "/?from=2020-01-01&to=2020-08-31&level=县区级",
		"/lots?year=2021", "/lots?year=2021&status=cancelled", "/lots?year=2021&basis=none",
		"/report?year=2021", "/report?year=2021&style=bulletin", "/screen?year=2021", "/seals/changes?year=2021", "/competition?year=2021", "/flags?year=2021",
		section, bidder, buyer, "/admin/ingest", "/admin/audit", "/?year=abc", "/no-such-page",
	} {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		resp, err := http.Get(svc.URL + path + sep + "lang=en")
		if err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(resp.Body)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range chineseText(doc, names) {
			t.Errorf("%s (%d): Chinese that is not data: %q", path, resp.StatusCode, text)
		}
	}

	// The exports of an English page: every cell and sheet name.
	for _, path := range []string{
		"/export/indicators?year=2021&by=year,month,place,area,level,type,family",
		"/export/indicators?year=2021&by=area,type&format=csv",
		"/export/indicators?year=2021&area=530581&by=place",
		"/export/lots?year=2021", "/export/lots?year=2021&format=csv", "/export/lots?year=2021&basis=none",
		"/export/evaluation?year=2021",
		"/export/competition?year=2021", "/export/competition?year=2021&format=csv",
	} {
		resp, err := http.Get(svc.URL + path + "&lang=en")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v", path, resp.StatusCode, err)
		}
		cd := resp.Header.Get("Content-Disposition")
		if name, err := url.PathUnescape(cd[strings.Index(cd, "UTF-8''")+len("UTF-8''"):]); err != nil || hasChinese(name, names) {
			t.Errorf("%s: the file is not named in English: %s", path, cd)
		}
		cells := exportCells(t, body, strings.Contains(path, "format=csv"))
		if len(cells) < 14 { // a title and a header at least
			t.Errorf("%s: %d cells", path, len(cells))
		}
		data := names
		if strings.HasPrefix(path, "/export/evaluation") {
			// The indicators, their targets and units are the targets file's, as it writes them.
			data = append(evaluationData(t), names...)
		}
		for _, c := range cells {
			if hasChinese(c, data) {
				t.Errorf("%s: Chinese that is not data: %q", path, c)
			}
		}
	}
}

// exportCells is every cell of an export, and in a workbook every sheet's name.
func exportCells(t *testing.T, body []byte, isCSV bool) []string {
	t.Helper()
	var out []string
	if isCSV {
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF"))))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			out = append(out, rec...)
		}
		return out
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for _, sheet := range x.GetSheetList() {
		out = append(out, sheet)
		rows, err := x.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			out = append(out, row...)
		}
	}
	return out
}

// demoNames are the demo's data (division, lot and bidder names, methods and reasons) and
// extra, longest first so that none hides a longer one.
func demoNames(t *testing.T, extra ...string) []string {
	t.Helper()
	region := division.MustRegion("530500")
	names := extra
	for _, d := range append(region.Root().Descendants(), region.Root()) {
		names = append(names, d.Name)
	}
	years, err := demo.Dataset(region)
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range years {
		for _, l := range y.Lots {
			names = append(names, l.Name, l.Procedure.Method, l.Procedure.FailReason, l.Procedure.Buyer)
		}
		for _, b := range y.Bids {
			names = append(names, b.BidderName, b.RejectReason)
		}
	}
	names = slices.Compact(slices.Sorted(slices.Values(names))) // bidders recur in every list
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	return names
}

// hasChinese reports Chinese in s once the data names are taken out.
func hasChinese(s string, names []string) bool {
	for _, name := range names {
		s = strings.ReplaceAll(s, name, "")
	}
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// chineseText is the text of n and its children that holds Chinese once the data names are
// taken out, leaving out scripts, styles and what is marked lang="zh-CN".
func chineseText(n *html.Node, names []string) []string {
	if n.Type == html.ElementNode {
		if n.Data == "script" || n.Data == "style" {
			return nil
		}
		for _, a := range n.Attr {
			if a.Key == "lang" && a.Val == "zh-CN" && n.Data != "html" {
				return nil
			}
		}
	}
	var out []string
	if n.Type == html.TextNode && hasChinese(n.Data, names) {
		out = append(out, strings.TrimSpace(n.Data))
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, chineseText(c, names)...)
	}
	return out
}

// evaluationData is what the self-evaluation table shows of the default targets file: its
// indicators and targets, and the units the actual values are written in (the targets').
func evaluationData(t *testing.T) []string {
	ins, err := evaluation.ParseTargets(bytes.NewReader(evaluation.DefaultTargets))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, in := range ins {
		out = append(out, in.Level1, in.Level2, in.Level3, in.Target, in.Actual)
	}
	out = append(out, "亿元", "万元", "个")
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// TestEnglishAccountPages walks in English what only a deployment with accounts shows: the
// sign-in page, and for an admin the ingest page with its upload form and loads, the page
// that withdraws a load, the audit log and the report page with its seal form.
func TestEnglishAccountPages(t *testing.T) {
	t.Parallel()
	svc, loader := startWithLoader(t)
	var rep ingest.Report
	var err error
	for _, f := range []string{"a.csv", "b.csv"} {
		if rep, err = loader.LoadFile(context.Background(), "../commit/testdata/withdraw/"+f, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	names := demoNames(t, "道路A", "采购A", "采购B")
	walk := func(c *http.Client, path string) string {
		t.Helper()
		resp, err := c.Get(svc.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		doc, err := html.Parse(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range chineseText(doc, names) {
			t.Errorf("%s (%d): Chinese that is not data: %q", path, resp.StatusCode, text)
		}
		var b strings.Builder
		html.Render(&b, doc) //nolint:errcheck // into memory
		return b.String()
	}
	walk(client(t), "/login?lang=en")
	admin := client(t)
	signIn(t, admin, svc.URL, "admin", "admin password 1")
	if page := walk(admin, "/admin/ingest?lang=en"); !strings.Contains(page, rep.BatchID) {
		t.Errorf("the ingest page does not list load %s", rep.BatchID)
	}
	walk(admin, "/admin/withdraw?lang=en&batch="+rep.BatchID)
	walk(admin, "/admin/ingest?lang=en&uploaded=a.csv")
	walk(admin, "/admin/ingest?lang=en&withdrawn="+rep.BatchID)
	walk(admin, "/admin/audit?lang=en")
	walk(admin, "/report?year=2021&lang=en")
	// A sealed year, changed since: the seal's mark, its change list and the sealed report.
	if _, err := loader.Seal(context.Background(), 2021, "", "2021年度项目支出绩效自评报告", "admin", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := loader.LoadFile(context.Background(), "../commit/testdata/withdraw/a.csv", ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	names = append(names, "2021年度项目支出绩效自评报告")
	for i := 0; !strings.Contains(walk(admin, "/?year=2021&lang=en"), `id="seal-changed"`); i++ {
		if i == 50 { // the pages trust what they read for a second
			t.Fatal("the overview never showed the seal and the change since")
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, path := range []string{"/?year=2021&lang=en", "/report?year=2021&lang=en", "/report?year=2021&as=sealed&lang=en", "/seals/changes?year=2021&lang=en"} {
		if page := walk(admin, path); !strings.Contains(page, "Sealed figures: projects ") || !strings.Contains(page, "Changed since the seal: projects +1, deal amount +0.09 (10k yuan)") {
			t.Errorf("%s: the seal's mark is not said in English", path)
		}
	}
	for _, path := range []string{"/competition?year=2021&lang=en", "/competition?year=2021&as=sealed&lang=en"} {
		if page := walk(admin, path); !strings.Contains(page, "Sealed competition figures: sections opened ") {
			t.Errorf("%s: the seal's mark is not said in English", path)
		}
	}
}
