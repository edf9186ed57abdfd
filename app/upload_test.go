package app_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat/division"
	"tradestat/inbox"
	"tradestat/ingest"
	"tradestat/warehouse"
)

// pageToken reads the CSRF token of the form on a page c can open.
func pageToken(t *testing.T, c *http.Client, url string) string {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatalf("%s: %d, no CSRF field: %.300s", url, resp.StatusCode, body)
	}
	return string(m[1])
}

// postFile uploads body as the form's file named name, with token as its CSRF field.
func postFile(t *testing.T, c *http.Client, url, token, name string, body []byte) (int, string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if token != "" {
		w.WriteField("_csrf", token)
	}
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(body)
	w.Close()
	resp, err := c.Post(url, w.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(out)
}

// waitFor reads url with c until its text (HTML entities decoded) contains every one of want,
// or fails after 20 s.
func waitFor(t *testing.T, c *http.Client, url string, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body := html.UnescapeString(string(raw))
		missing := ""
		for _, w := range want {
			if !strings.Contains(body, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never showed %q: %d %.2000s", url, missing, resp.StatusCode, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// startWorker runs the ingest worker of the Baoshan deployment on dir until the test ends.
func startWorker(t *testing.T, dir string, cfg warehouse.Config) {
	worker := &inbox.Worker{Inbox: dir, Options: ingest.Options{Region: division.MustRegion("530500")}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Poll: 50 * time.Millisecond, MaxBackoff: time.Second,
		Connect: func(ctx context.Context) (driver.Conn, error) { return warehouse.Open(ctx, cfg) }}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { worker.Run(ctx); close(done) }()
	t.Cleanup(func() { stop(); <-done })
}

// TestUpload: an admin's upload goes into the inbox and the ingest worker loads it with the
// worker's own accounting and report, which the status page shows, with the reject report;
// other roles, forms without the CSRF token, files too large, of the wrong kind or empty are
// refused with a message; a name with directories stays in the inbox. Every sign-in, the
// upload and an export land in the audit log with who, what and which filters.
func TestUpload(t *testing.T) {
	t.Parallel()
	svc, _, inbox, cfg := startWithAuth(t)
	startWorker(t, inbox, cfg)

	mixed, err := os.ReadFile("../ingest/testdata/mixed.csv")
	if err != nil {
		t.Fatal(err)
	}
	admin := client(t)
	signIn(t, admin, svc.URL, "admin", "admin password 1")
	token := pageToken(t, admin, svc.URL+"/admin/ingest")
	code, loc, body := postFile(t, admin, svc.URL+"/admin/upload", token, "mixed.csv", mixed)
	if code != http.StatusSeeOther || loc != "/admin/ingest?uploaded=mixed.csv" {
		t.Fatalf("upload: %d to %q: %s", code, loc, body)
	}
	// The worker's report, as `tradestat ingest --watch` files it.
	page := waitFor(t, admin, svc.URL+"/admin/ingest",
		"mixed.csv：读取14行 = 载入3 + 拒收8 + 跳过2（空行/合计行）+ 合并重复1",
		`mixed.csv：第7行，「deal_date」列`, `日期「2021-02-30」不存在`)
	report, err := os.ReadFile(filepath.Join(inbox, "done", "mixed.csv.report.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(report), "mixed.csv：读取14行") || !strings.Contains(page, "批次 ") {
		t.Errorf("worker report %q", report)
	}
	resp, err := admin.Get(svc.URL + "/admin/ingest/rejects?dir=done&file=mixed.csv")
	if err != nil {
		t.Fatal(err)
	}
	rejects, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.Count(string(rejects), "\n") != 9 || !strings.Contains(string(rejects), "2021-02-30") {
		t.Errorf("reject report: %d\n%s", resp.StatusCode, rejects)
	}
	for _, bad := range []string{"/admin/ingest/rejects?dir=..&file=mixed.csv", "/admin/ingest/rejects?dir=done&file=../../etc/passwd"} {
		if resp, _ := admin.Get(svc.URL + bad); resp.StatusCode/100 != 4 {
			t.Errorf("%s: %d, want 4xx", bad, resp.StatusCode)
		}
	}

	// Refusals.
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0, 1, 2, 3}, 500)...)
	legacy, err := os.ReadFile("../ingest/testdata/legacy.xls")
	if err != nil {
		t.Fatal(err)
	}
	analyst := client(t)
	signIn(t, analyst, svc.URL, "analyst", "analyst password 1")
	for _, r := range []struct {
		name   string
		c      *http.Client
		token  string
		file   string
		body   []byte
		status int
		says   string
	}{
		{"analyst", analyst, token, "a.csv", mixed, 403, "only admins"},
		{"signed out", client(t), token, "a.csv", mixed, 403, "only admins"},
		{"no CSRF token", admin, "", "a.csv", mixed, 403, "CSRF"},
		{"picture", admin, token, "photo.csv", png, 415, "不是交易数据导出文件"},
		{"picture named .png", admin, token, "photo.png", png, 415, "only CSV"},
		{"legacy Excel", admin, token, "old.xls", legacy, 415, ".xlsx"},
		{"empty", admin, token, "empty.csv", nil, 415, "empty"},
		{"text that is no export", admin, token, "notes.txt", []byte("会议纪要\n第一项\n"), 415, "不是交易数据导出文件"},
	} {
		code, _, body := postFile(t, r.c, svc.URL+"/admin/upload", r.token, r.file, r.body)
		if code != r.status || !strings.Contains(body, r.says) {
			t.Errorf("%s: %d %.300s; want %d saying %q", r.name, code, body, r.status, r.says)
		}
	}
	// Too large: refused from the Content-Length, not after the whole body.
	u, _ := url.Parse(svc.URL)
	var cookies []string
	for _, ck := range admin.Jar.Cookies(u) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	code, tooLarge := postLarge(t, svc.URL, "/admin/upload", strings.Join(cookies, "; "), "multipart/form-data; boundary=x", 2<<20)
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(tooLarge, "1.1 MiB") {
		t.Errorf("too large: %d %.300s; want 413 naming the limit", code, tooLarge)
	}

	// A name with directories and an invisible override stays a plain name in the inbox; the
	// worker then sees content it has loaded before.
	code, loc, body = postFile(t, admin, svc.URL+"/admin/upload", token, `..\..\windows\mix`+"\u202e"+`ed2.csv`, mixed)
	if code != http.StatusSeeOther || loc != "/admin/ingest?uploaded=mixed2.csv" {
		t.Fatalf("upload with directories: %d to %q: %s", code, loc, body)
	}
	waitFor(t, admin, svc.URL+"/admin/ingest", "mixed2.csv：相同内容")
	entries, _ := os.ReadDir(inbox)
	for _, e := range entries {
		if !e.IsDir() {
			t.Errorf("left in the inbox: %s", e.Name())
		}
	}

	// The audit log: sign-ins (and a refused one), the uploads, an export with its filters.
	signIn(t, client(t), svc.URL, "admin", "not the password")
	if resp, _ := admin.Get(svc.URL + "/export/indicators?year=2021&family=" + url.QueryEscape("工程建设")); resp.StatusCode != 200 {
		t.Fatalf("export: %d", resp.StatusCode)
	}
	waitFor(t, admin, svc.URL+"/admin/audit",
		"<td>admin</td><td>admin</td><td></td><td>127.0.0.1</td><td>login</td>",
		"<td>analyst</td><td>analyst</td><td></td><td>127.0.0.1</td><td>login</td>",
		"<td>login_failed</td>",
		"<td>upload</td><td>/admin/upload</td><td class=\"filters\"></td><td>mixed.csv, 1",
		"<td>export</td><td>/export/indicators</td><td class=\"filters\">year=2021&family=工程建设</td><td></td><td class=\"num\">200</td>")
}
