package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tradestat"
)

func TestUsersFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users")
	if err := AddUser(path, "li.wei", Analyst, "correct horse battery", ""); err != nil {
		t.Fatal(err)
	}
	if err := AddUser(path, "zhang", Viewer, "another long password", "530581"); err != nil {
		t.Fatal(err)
	}
	if err := AddUser(path, "li.wei", Admin, "a new long password", ""); tradestat.KindOf(err) != tradestat.Conflict {
		t.Errorf("adding an existing account: %v, want a refusal", err)
	}
	if err := ReplaceUser(path, "zhang", Analyst, "zhang's new password", ""); err != nil { // keeps 530581
		t.Fatal(err)
	}
	if err := ReplaceUser(path, "nobody", Analyst, "a long password", ""); tradestat.KindOf(err) != tradestat.NotFound {
		t.Errorf("replacing no account: %v", err)
	}
	if err := ReplaceUser(path, "li.wei", Admin, "a new long password", ""); err != nil { // replaces
		t.Fatal(err)
	}
	token, err := AddScreen(path, "lobby", "")
	if err != nil {
		t.Fatal(err)
	}
	county, err := AddScreen(path, "tengchong", "530581")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "password") || strings.Contains(string(data), token) || strings.Count(string(data), "li.wei") != 1 {
		t.Fatalf("file holds secrets or duplicates:\n%s", data)
	}
	u, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, password string
		ok             bool
		role           Role
		region         string
	}{
		{"li.wei", "a new long password", true, Admin, ""},
		{"li.wei", "correct horse battery", false, 0, ""},
		{"zhang", "zhang's new password", true, Analyst, "530581"}, // replaced, its region kept
		{"zhang", "another long password", false, 0, ""},
		{"nobody", "another long password", false, 0, ""},
		{"zhang", "", false, 0, ""},
	}
	for _, tt := range tests {
		acct, ok := u.Check(tt.name, tt.password)
		if ok != tt.ok || acct.Role != tt.role || acct.Region != tt.region {
			t.Errorf("Check(%q, %q) = %v %q %v, want %v %q %v", tt.name, tt.password, acct.Role, acct.Region, ok, tt.role, tt.region, tt.ok)
		}
	}
	if l, ok := u.Screen(token); !ok || l.Label != "lobby" || l.Region != "" {
		t.Errorf("screen token: %+v %v", l, ok)
	}
	if l, ok := u.Screen(county); !ok || l.Label != "tengchong" || l.Region != "530581" {
		t.Errorf("a county's screen token: %+v %v", l, ok)
	}
	if r := u.Regions(); len(r) != 1 || len(r["530581"]) != 2 {
		t.Errorf("regions of the file: %v", r)
	}
	if _, ok := u.Screen(token + "x"); ok {
		t.Error("a wrong screen token opens the display")
	}
}

func TestRefusals(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users")
	for _, tt := range []struct{ name, password string }{{"a:b", "long enough password"}, {"", "long enough password"}, {"ok", "short"}} {
		if err := AddUser(path, tt.name, Viewer, tt.password, ""); err == nil {
			t.Errorf("AddUser(%q, %q) accepted", tt.name, tt.password)
		}
	}
	if err := AddUser(path, "ok", Viewer, "long enough password", "5305"); err == nil {
		t.Error("AddUser with a four-digit region accepted")
	}
	bad := filepath.Join(t.TempDir(), "bad")
	for _, line := range []string{"user:x:root:$2a$10$abc", "user:x:viewer:$2a$10$abc:yunnan", "screen:x:" + strings.Repeat("a", 64) + ":53"} {
		os.WriteFile(bad, []byte(line+"\n"), 0o600)
		if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("Load of %q: %v", line, err)
		}
	}
	if _, err := ParseRole("superuser"); err == nil {
		t.Error("superuser accepted")
	}
}
