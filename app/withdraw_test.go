package app_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tradestat/app"
	"tradestat/commit"
	"tradestat/division"
	"tradestat/ingest"
	"tradestat/warehouse"
)

// TestWithdrawPage: an admin sees which loads can be withdrawn on the ingest status page,
// opens one (what it would change, in lots and 万元, nothing changed yet), confirms with the
// form (not without its CSRF token), and the figures are those before the load again; the
// withdrawal is in the audit log; an analyst may not open the page; a second withdrawal of
// the same load is a 409 with its reason.
func TestWithdrawPage(t *testing.T) {
	t.Parallel()
	svc, loader := startWithLoader(t)
	admin := client(t)
	signIn(t, admin, svc.URL, "admin", "admin password 1")
	fetch := func(path string) (int, string) {
		t.Helper()
		resp, err := admin.Get(svc.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b := new(strings.Builder)
		_, _ = io.Copy(b, resp.Body)
		return resp.StatusCode, b.String()
	}
	summary := func() string {
		t.Helper()
		_, body := fetch("/api/v1/summary?year=2021")
		return body
	}
	if _, err := loader.LoadFile(context.Background(), "../commit/testdata/withdraw/a.csv", ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	before := waitSummary(t, summary, "")
	rep, err := loader.LoadFile(context.Background(), "../commit/testdata/withdraw/b.csv", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	loaded := waitSummary(t, summary, before)

	_, page := fetch("/admin/ingest")
	if !strings.Contains(page, `/admin/withdraw?batch=`+rep.BatchID) {
		t.Fatalf("the status page offers no withdrawal of %s:\n%.3000s", rep.BatchID, page)
	}
	code, page := fetch("/admin/withdraw?batch=" + rep.BatchID)
	if code != 200 || !strings.Contains(page, "删除2个标段，2个恢复为此前的版本") || !strings.Contains(page, "2022年：交易项目-1个，交易金额-0.08万元") {
		t.Fatalf("the withdrawal page: %d\n%.3000s", code, page)
	}
	if summary() != loaded {
		t.Fatal("opening the withdrawal page changed the figures")
	}
	token := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if token == nil {
		t.Fatal("no CSRF token on the withdrawal page")
	}
	post := func(token string) (int, string) {
		t.Helper()
		resp, err := admin.PostForm(svc.URL+"/admin/withdraw", url.Values{"_csrf": {token}, "batch": {rep.BatchID}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b := new(strings.Builder)
		_, _ = io.Copy(b, resp.Body)
		return resp.StatusCode, resp.Header.Get("Location") + " " + b.String()
	}
	if code, _ := post(""); code != http.StatusForbidden {
		t.Errorf("a withdrawal without the CSRF token: %d, want 403", code)
	}
	if code, where := post(token[1]); code != http.StatusSeeOther || !strings.HasPrefix(where, "/admin/ingest?withdrawn="+rep.BatchID) {
		t.Fatalf("withdraw: %d %s", code, where)
	}
	if got := waitSummary(t, summary, loaded); got != before {
		t.Errorf("2021 after the withdrawal: %s\nwant, as before b.csv: %s", got, before)
	}
	if _, page := fetch("/admin/ingest?withdrawn=" + rep.BatchID); !strings.Contains(page, `id="withdrawn"`) || !strings.Contains(page, "已撤回") {
		t.Errorf("the status page after the withdrawal:\n%.3000s", page)
	}
	if code, body := post(token[1]); code != http.StatusConflict || !strings.Contains(body, "已经撤回") {
		t.Errorf("withdrawing it again: %d %.300s", code, body)
	}
	waitFor(t, admin, svc.URL+"/admin/audit", "<td>withdraw</td><td>/admin/withdraw</td>", "删除2个标段")
	// A file that cancels P1 (流标) and brings the cancelled P8: the lot list leaves them out and
	// links to the list of the lots that did not complete, which names them; that list is not
	// exported.
	if _, err := loader.LoadFile(context.Background(), "../commit/testdata/withdraw/cancel.csv", ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	waitSummary(t, summary, before)
	_, page = fetch("/lots?year=2021")
	if strings.Contains(page, "<td>P1</td>") || strings.Contains(page, "<td>P8</td>") || !strings.Contains(page, `id="cancelled-link"`) {
		t.Errorf("the lot list of 2021 shows a cancelled lot, or no link to them:\n%.3000s", page)
	}
	for _, code := range []string{"P1", "P8"} { // among the demo's failed sections
		_, page = fetch("/lots?year=2021&status=cancelled&q=" + code)
		if !strings.Contains(page, "<td>"+code+"</td>") || !strings.Contains(page, `id="cancelled"`) ||
			!strings.Contains(page, `<input type="hidden" name="status" value="cancelled">`) { // a search keeps to the list
			t.Errorf("the list of the cancelled lots of 2021, searched for %s:\n%.3000s", code, page)
		}
	}
	if code, _ := fetch("/export/lots?year=2021&format=csv&status=cancelled"); code != http.StatusBadRequest {
		t.Errorf("an export of the cancelled lots: %d, want 400", code)
	}
	analyst := client(t)
	signIn(t, analyst, svc.URL, "analyst", "analyst password 1")
	if resp, err := analyst.Get(svc.URL + "/admin/withdraw?batch=" + rep.BatchID); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("an analyst opens the withdrawal page: %v %v", resp.StatusCode, err)
	}
}

// waitSummary waits a moment for the figures to differ from was (the server trusts the data's
// generation for a second after reading it) and returns them.
func waitSummary(t *testing.T, summary func() string, was string) string {
	t.Helper()
	for range 50 {
		if got := summary(); got != was {
			return got
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the figures stayed %s", was)
	return ""
}

// startWithLoader is startWithAuth with a loader of Baoshan on the service's database.
func startWithLoader(t *testing.T) (*app.Service, *commit.Loader) {
	t.Helper()
	svc, _, _, cfg := startWithAuth(t)
	conn, err := warehouse.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return svc, commit.NewLoader(conn, division.MustRegion("530500"))
}
