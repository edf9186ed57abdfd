package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat/app"
	"tradestat/internal/chtest"
)

// startDemo starts the real wiring on port 0 over a fresh database holding the demo dataset.
func startDemo(t testing.TB) *app.Service {
	t.Helper()
	svc, _ := startDemoConn(t)
	return svc
}

// startDemoConn is startDemo, also giving a connection to the service's database.
func startDemoConn(t testing.TB) (*app.Service, driver.Conn) {
	t.Helper()
	conn, cfg := demoDB(t, "530500")
	svc, err := app.Start(context.Background(), cfg, "127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := svc.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return svc, conn
}

func get(t *testing.T, rawURL string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// TestPublishedFiguresThroughAPI: the API gives T1 and T2 exactly (golden files in testdata).
func TestPublishedFiguresThroughAPI(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)

	want, err := os.ReadFile("testdata/t1-summary.json")
	if err != nil {
		t.Fatal(err)
	}
	code, body := get(t, svc.URL+"/api/v1/summary?from=2021-01-01&to=2021-12-31")
	if code != 200 || strings.TrimSpace(string(body)) != strings.TrimSpace(string(want)) {
		t.Errorf("T1 summary: %d\n got %s\nwant %s", code, body, want)
	}

	var golden struct {
		From, To string
		Rows     map[string]map[string]any
		Total    map[string]any
	}
	b, err := os.ReadFile("testdata/t2-families.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &golden); err != nil {
		t.Fatal(err)
	}
	code, body = get(t, svc.URL+"/api/v1/breakdown?by=family&from="+golden.From+"&to="+golden.To)
	if code != 200 {
		t.Fatalf("T2 breakdown: %d %s", code, body)
	}
	var got struct {
		By, From, To string
		Rows         []map[string]any
		Total        map[string]any
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got.By != "family" || got.From != golden.From || got.To != golden.To || len(got.Rows) != 4 {
		t.Fatalf("T2 breakdown header: %s", body)
	}
	for _, row := range got.Rows {
		key := row["key"].(string)
		want, published := golden.Rows[key]
		if !published {
			if row["projects"].(float64) != 0 {
				t.Errorf("T2: family %s has lots, but none were published", key)
			}
			continue
		}
		compare(t, "T2 "+key, row, want)
	}
	compare(t, "T2 total", got.Total, golden.Total)

	// The summary of the same period agrees with the breakdown's total.
	code, body = get(t, svc.URL+"/api/v1/summary?from=2020-01-01&to=2020-08-31")
	var sum map[string]any
	if err := json.Unmarshal(body, &sum); code != 200 || err != nil {
		t.Fatalf("T2 summary: %d %v", code, err)
	}
	compare(t, "T2 summary", sum, golden.Total)
}

func compare(t *testing.T, what string, got, want map[string]any) {
	t.Helper()
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s = %v, want %v", what, k, got[k], w)
		}
	}
}

// TestBadRequests: every malformed parameter is a 400 with a JSON message naming the problem.
func TestBadRequests(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	tests := []struct {
		path, mention string
	}{
		{"/api/v1/summary?from=2021-13-01&to=2021-12-31", "from"},
		{"/api/v1/summary?from=2021-02-30", "2021-02-30"},
		{"/api/v1/summary?from=2021-12-31&to=2021-01-01", "after"},
		{"/api/v1/summary?from=1900-01-01", "1990"},
		{"/api/v1/summary?year=2021&from=2021-01-01", "either"},
		{"/api/v1/summary?year=二〇二一", "year"},
		{"/api/v1/summary?place=110000", "110000"},
		{"/api/v1/summary?place=" + url.QueryEscape("530500' OR 1=1 --"), "place"},
		{"/api/v1/summary?family=" + url.QueryEscape("工程"), "family"},
		{"/api/v1/summary?level=province", "level"},
		{"/api/v1/summary?type=" + url.QueryEscape("房屋租赁"), "trade type"},
		{"/api/v1/breakdown?by=county", "county"},
		{"/api/v1/breakdown?by=" + url.QueryEscape("place_code; DROP TABLE lots"), "breakdown"},
		{"/api/v1/breakdown", "breakdown"},
		{"/api/v1/lots?page=0", "page"},
		{"/api/v1/lots?size=501", "size"},
		{"/api/v1/lots?sort=" + url.QueryEscape("amount_fen; DROP TABLE deals"), "sort"},
		{"/api/v1/lots?dir=up", "dir"},
		{"/api/v1/lots?q=" + strings.Repeat("长", 101), "search"},
		{"/api/v1/lots?q=%ff%fe", "search"},
		{"/api/v1/report?style=" + url.QueryEscape("<script>"), "style"},
		{"/api/v1/report?year=2021&to=2021-05-01", "either"},
	}
	for _, tt := range tests {
		code, body := get(t, svc.URL+tt.path)
		var msg struct{ Error string }
		if err := json.Unmarshal(body, &msg); code != 400 || err != nil || !strings.Contains(msg.Error, tt.mention) {
			t.Errorf("%s: %d %s; want 400 with a message mentioning %q", tt.path, code, body, tt.mention)
		}
	}
	code, body := get(t, svc.URL+"/?year=abc")
	if code != 400 || !strings.Contains(string(body), "year") {
		t.Errorf("overview with a bad year: %d %s", code, body)
	}
	for _, page := range []string{"/lots?page=-1", "/screen?year=abc", "/?psort=zz", "/lots?place=999999", "/report?style=weekly", "/?lang=fr"} {
		if code, _ := get(t, svc.URL+page); code != 400 {
			t.Errorf("%s: %d, want 400", page, code)
		}
	}
	if code, _ := get(t, svc.URL+"/no-such-page"); code != 404 {
		t.Errorf("unknown page: %d, want 404", code)
	}
	// Nothing above changed a figure.
	code, body = get(t, svc.URL+"/api/v1/summary?year=2021")
	if code != 200 || !strings.Contains(string(body), `"projects":1651,`) {
		t.Errorf("after the bad requests: %d %s", code, body)
	}
}

// TestOverviewServerSide: the five figures are in the page's HTML itself, readable without
// JavaScript, and no element refers to another host.
func TestOverviewServerSide(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	code, body := get(t, svc.URL+"/?year=2021")
	if code != 200 {
		t.Fatalf("overview: %d", code)
	}
	page := string(body)
	for _, want := range []string{
		`<span class="value">1651</span><span class="unit">个</span>`,
		`<span class="value">1107371</span><span class="unit">万元</span>`,
		`<span class="value">35303.82</span><span class="unit">万元</span>`,
		`<span class="value">17338.8</span><span class="unit">万元</span>`,
		`<span class="value">289</span><span class="unit">个</span>`,
		`示例数据`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %s", want)
		}
	}
	for _, bad := range []string{"http://", "https://", "//cdn"} {
		if strings.Contains(page, bad) {
			t.Errorf("overview refers to an external URL (%s)", bad)
		}
	}
}

// TestEmptyDatabase: before anything is loaded, pages and API answer with zeros, not errors.
func TestEmptyDatabase(t *testing.T) {
	t.Parallel()
	_, cfg := chtest.Open(t)
	svc, err := app.Start(context.Background(), cfg, "127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	code, body := get(t, svc.URL+"/")
	if code != 200 || !strings.Contains(string(body), "尚无数据") || strings.Contains(string(body), "示例数据") {
		t.Errorf("overview: %d %s", code, body)
	}
	code, body = get(t, svc.URL+"/api/v1/summary")
	if code != 200 || !strings.Contains(string(body), `"projects":0,`) {
		t.Errorf("summary: %d %s", code, body)
	}
}

// TestReportAPI: the report text through the API is the golden text of the report package.
func TestReportAPI(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	for _, tt := range []struct{ path, golden string }{
		{"/api/v1/report?year=2021", "../report/testdata/t1-annual.golden"},
		{"/api/v1/report?from=2020-01-01&to=2020-08-31&style=bulletin", "../report/testdata/t2-bulletin.golden"},
	} {
		code, body := get(t, svc.URL+tt.path)
		var got struct {
			Sentences []string `json:"sentences"`
		}
		if err := json.Unmarshal(body, &got); code != 200 || err != nil {
			t.Fatalf("%s: %d %s", tt.path, code, body)
		}
		want, err := os.ReadFile(tt.golden)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got.Sentences, "\n")+"\n" != string(want) {
			t.Errorf("%s: %q, want %s", tt.path, got.Sentences, want)
		}
	}
}

// TestSecurityHeaders: every response forbids framing and sniffing, and a page's scripts run
// only by its own nonce; oversized headers and bodies are refused with 4xx.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	for _, path := range []string{"/?year=2021", "/api/v1/summary", "/assets/style.css", "/no-such-page"} {
		resp, err := http.Get(svc.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'self'") ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: CSP %q, nosniff %q, referrer %q", path, csp, resp.Header.Get("X-Content-Type-Options"), resp.Header.Get("Referrer-Policy"))
		}
		if path == "/?year=2021" {
			i := strings.Index(csp, "'nonce-")
			nonce := csp[i+7 : i+7+strings.Index(csp[i+7:], "'")]
			if n := strings.Count(string(body), `<script nonce="`+nonce+`"`); n != 9 {
				t.Errorf("%d chart scripts carry the response's nonce, want 9 (eight charts and the map)", n)
			}
		}
	}
	req, _ := http.NewRequest("GET", svc.URL+"/api/v1/summary", nil)
	req.Header.Set("X-Filler", strings.Repeat("x", 16<<10))
	if resp, err := http.DefaultClient.Do(req); err == nil {
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("a 16 KiB header: %d, want 4xx", resp.StatusCode)
		}
		resp.Body.Close()
	}
	if code, body := postLarge(t, svc.URL, "/login", "", "text/plain", 2<<20); code != 413 {
		t.Errorf("a 2 MiB body: %d %.200s, want 413", code, body)
	}
}

// postLarge posts a body announced as length bytes to path, sending only its first 64 KiB (less
// than the server reads before refusing it, so that it never closes on unread bytes), and
// returns the answer.
func postLarge(t *testing.T, base, path, cookie, contentType string, length int) (int, string) {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		path, u.Host, cookie, contentType, length)
	// Only the first 64 KiB: the server refuses from the Content-Length and closes; bytes
	// it never read would make the client's kernel answer with a reset that can discard the
	// response before it is read.
	if _, err := c.Write(make([]byte, min(length, 64<<10))); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
