package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestHostileInput sends SQL injection, path traversal, oversized, Unicode-trick and
// malformed values in every typed parameter of every endpoint: each is a 4xx with a message,
// never a 500 or a stack, and no figure changes. Free-text search is text: it finds nothing
// and is still never a 500.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	_, before := get(t, svc.URL+"/api/v1/summary?year=2021")
	payloads := []string{
		"2021' OR '1'='1", "1; DROP TABLE deals --", "530581) OR (1=1", "../../../../etc/passwd", "%00",
		strings.Repeat("9", 5000), "２０２１", "\u202e1202", "2021\u0000", "-1", "1e9", "{name:String}", "?",
		"<script>alert(1)</script>", "toDate(now())", "2021-02-30", "null",
	}
	endpoints := map[string][]string{
		"/api/v1/summary":    {"year", "from", "to", "place", "level", "family", "type"},
		"/api/v1/breakdown":  {"by", "year", "from", "place", "type"},
		"/api/v1/lots":       {"year", "place", "sort", "dir", "page", "size"},
		"/api/v1/report":     {"style", "year", "level"},
		"/":                  {"year", "to", "family", "psort", "lang"},
		"/lots":              {"from", "place", "page", "size", "sort"},
		"/screen":            {"year", "type"},
		"/report":            {"style", "from"},
		"/export/indicators": {"by", "format", "year"},
		"/export/lots":       {"format", "to", "level"},
		"/export/evaluation": {"year", "place"},
	}
	for path, params := range endpoints {
		for _, p := range params {
			for _, payload := range payloads {
				u := svc.URL + path + "?" + p + "=" + url.QueryEscape(payload)
				if path == "/api/v1/breakdown" && p != "by" {
					u += "&by=place"
				}
				resp, err := http.Get(u)
				if err != nil {
					t.Fatal(err)
				}
				body := make([]byte, 4096)
				n, _ := resp.Body.Read(body)
				resp.Body.Close()
				text := string(body[:n])
				if resp.StatusCode < 400 || resp.StatusCode >= 500 { // none of the payloads is a valid value
					t.Errorf("%s %s=%q: %d", path, p, payload, resp.StatusCode)
					continue
				}
				if strings.Contains(text, "goroutine") || strings.Contains(text, "panic") || strings.Contains(text, ".go:") {
					t.Errorf("%s %s=%q: the answer shows internals: %.200s", path, p, payload, text)
				}
			}
		}
	}
	for _, q := range []string{"' OR 1=1 --", "\\'); DROP TABLE deals; --", strings.Repeat("长", 100)} {
		code, body := get(t, svc.URL+"/api/v1/lots?year=2021&q="+url.QueryEscape(q))
		if code != 200 || !strings.Contains(string(body), `"projects":0`) {
			t.Errorf("search %q: %d %.200s", q, code, body)
		}
	}
	for _, path := range []string{"/assets/../../../../etc/passwd", "/assets/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2fgo.mod"} {
		resp, err := http.Get(svc.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Errorf("%s: 200", path)
		}
	}
	if _, after := get(t, svc.URL+"/api/v1/summary?year=2021"); string(after) != string(before) {
		t.Errorf("a figure changed: %s, before %s", after, before)
	}
}
