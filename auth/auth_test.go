package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUsersFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users")
	if err := AddUser(path, "li.wei", Analyst, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if err := AddUser(path, "zhang", Viewer, "another long password"); err != nil {
		t.Fatal(err)
	}
	if err := AddUser(path, "li.wei", Admin, "a new long password"); err != nil { // replaces
		t.Fatal(err)
	}
	token, err := AddScreen(path, "lobby")
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
	}{
		{"li.wei", "a new long password", true, Admin},
		{"li.wei", "correct horse battery", false, 0},
		{"zhang", "another long password", true, Viewer},
		{"nobody", "another long password", false, 0},
		{"zhang", "", false, 0},
	}
	for _, tt := range tests {
		acct, ok := u.Check(tt.name, tt.password)
		if ok != tt.ok || acct.Role != tt.role {
			t.Errorf("Check(%q, %q) = %v %v, want %v %v", tt.name, tt.password, acct.Role, ok, tt.role, tt.ok)
		}
	}
	if label, ok := u.Screen(token); !ok || label != "lobby" {
		t.Errorf("screen token: %q %v", label, ok)
	}
	if _, ok := u.Screen(token + "x"); ok {
		t.Error("a wrong screen token opens the display")
	}
}

func TestRefusals(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users")
	for _, tt := range []struct{ name, password string }{{"a:b", "long enough password"}, {"", "long enough password"}, {"ok", "short"}} {
		if err := AddUser(path, tt.name, Viewer, tt.password); err == nil {
			t.Errorf("AddUser(%q, %q) accepted", tt.name, tt.password)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad")
	os.WriteFile(bad, []byte("user:x:root:$2a$10$abc\n"), 0o600)
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("Load of a bad role: %v", err)
	}
	if _, err := ParseRole("superuser"); err == nil {
		t.Error("superuser accepted")
	}
}
