package app_test

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"tradestat/auth"
)

// otherRegionMarks are what testdata/longyang-secret.csv and the seal made of it put in the
// data that only 隆阳区 may see: its lots' codes and names, its file's name, a deal date in a
// year no other county has, the seal's note, the county's name.
var otherRegionMarks = []string{"PLYSECRET", "隆阳秘密", "longyang-secret", "2025-", "2025年", "2025 ", "隆阳", "Longyang"}

// TestRegionSeesItsOwn enumerates every GET route of the server × every kind of client of
// 腾冲市 (viewer, analyst, admin, a wall-display link) × the ways a page is opened (its
// default view, a year, English, the other county's load and seal named in the request),
// after 隆阳区's admin loaded a file (one lot dated in a later year) and its analyst sealed
// its year: no page, download (inside the XLSX too), answer or refusal says anything of
// 隆阳区's — not a figure, a date, a lot, a file name, a note or its name.
func TestRegionSeesItsOwn(t *testing.T) {
	t.Parallel()
	var screen string
	svc, inbox, cfg := startAccounts(t, func(file string) error {
		for _, role := range []auth.Role{auth.Viewer, auth.Analyst, auth.Admin} {
			for _, code := range []string{"530581", "530502"} {
				if err := auth.AddUser(file, role.String()+"-"+code, role, "password of "+code, code); err != nil {
					return err
				}
			}
		}
		var err error
		screen, err = auth.AddScreen(file, "wall-530581", "530581")
		return err
	})
	startWorker(t, inbox, cfg)
	signedIn := func(name, code string) *http.Client {
		c := client(t)
		if resp := signIn(t, c, svc.URL, name, "password of "+code); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: sign-in %d", name, resp.StatusCode)
		}
		return c
	}

	// 隆阳's admin loads its file; its analyst seals its 2021.
	ly := signedIn("admin-530502", "530502")
	file, err := os.ReadFile("testdata/longyang-secret.csv")
	if err != nil {
		t.Fatal(err)
	}
	token := pageToken(t, ly, svc.URL+"/admin/ingest")
	if code, loc, body := postFile(t, ly, svc.URL+"/admin/upload", token, "longyang-secret.csv", file); code != http.StatusSeeOther {
		t.Fatalf("隆阳's upload: %d %s %s", code, loc, body)
	}
	page := waitFor(t, ly, svc.URL+"/admin/ingest", "longyang-secret.csv</td>")
	m := regexp.MustCompile(`/admin/withdraw\?batch=([0-9a-f]{16})`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("隆阳's load is not on its ingest page:\n%.3000s", page)
	}
	batch := m[1]
	lyAnalyst := signedIn("analyst-530502", "530502")
	token = pageToken(t, lyAnalyst, svc.URL+"/report?year=2021")
	resp, err := lyAnalyst.PostForm(svc.URL+"/seal", url.Values{"_csrf": {token}, "year": {"2021"}, "note": {"隆阳秘密定稿"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("隆阳's seal: %d", resp.StatusCode)
	}
	// What 隆阳 sees of its own, so that the marks are known to be in the data.
	waitFor(t, lyAnalyst, svc.URL+"/api/v1/seals", "隆阳秘密定稿")
	waitFor(t, lyAnalyst, svc.URL+"/api/v1/lots?year=2025", "PLYSECRET")

	type who struct {
		name  string
		c     *http.Client
		role  auth.Role
		token string
	}
	clients := []who{{name: "wall-530581", c: client(t), token: screen}}
	for _, role := range []auth.Role{auth.Viewer, auth.Analyst, auth.Admin} {
		name := role.String() + "-530581"
		clients = append(clients, who{name: name, c: signedIn(name, "530581"), role: role})
	}
	variants := []string{"", "year=2021", "lang=en", "batch=" + batch, "dir=done&file=longyang-secret.csv", "dir=done&file=longyang-secret.csv&inbox=530502"}
	probes := 0
	for _, w := range clients {
		for _, r := range svc.Routes() {
			if r.Method != http.MethodGet || strings.HasPrefix(r.Path, "/assets") {
				continue
			}
			path := strings.Replace(r.Path, ":code", "530581", 1)
			if r.Path == "/api/v1/breakdown" {
				path += "?by=place"
			}
			for _, v := range variants {
				target := path
				for _, p := range []string{v, map[bool]string{true: "token=" + w.token}[w.token != ""]} {
					if p == "" {
						continue
					}
					if strings.Contains(target, "?") {
						target += "&" + p
					} else {
						target += "?" + p
					}
				}
				resp, err := w.c.Get(svc.URL + target)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				probes++
				seen := visibleText(body) + "\n" + resp.Header.Get("Content-Disposition") + "\n" + resp.Header.Get("Location")
				// What a request of these clients said (a refusal may repeat it, the audit log
				// records it) is their own; a name that leaks is not after "file=".
				for _, said := range []string{url.QueryEscape(target), "file=longyang-secret.csv", "file%3Dlongyang-secret.csv"} {
					seen = strings.ReplaceAll(seen, said, "")
				}
				if r.Path == "/admin/ingest/rejects" && resp.StatusCode < 300 {
					t.Errorf("%s: GET %s → %d: another region's reject report", w.name, target, resp.StatusCode)
				}
				for _, mark := range otherRegionMarks {
					if strings.Contains(seen, mark) {
						i := strings.Index(seen, mark)
						t.Errorf("%s: GET %s → %d says %q: …%s…", w.name, target, resp.StatusCode, mark, seen[max(0, i-120):min(len(seen), i+120)])
						break
					}
				}
			}
		}
	}
	if probes < 100 {
		t.Errorf("%d probes: the route table is smaller than it should be", probes)
	}
}

// visibleText is what a client reads of a body: the text itself, or the XML of every part of
// an XLSX (a zip).
func visibleText(body []byte) string {
	if !bytes.HasPrefix(body, []byte("PK")) {
		return string(body)
	}
	z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return string(body)
	}
	var b strings.Builder
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			continue
		}
		part, _ := io.ReadAll(r)
		r.Close()
		b.Write(part)
		b.WriteByte('\n')
	}
	return b.String()
}
