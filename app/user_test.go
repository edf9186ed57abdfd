package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tradestat/app"
	"tradestat/auth"
	"tradestat/msg"
)

// TestUserCommand: `tradestat user` adds accounts and screen links with or without a region,
// the region given before or after the names, and refuses a code that is no division.
func TestUserCommand(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "users")
	env := func(k string) string {
		return map[string]string{"TRADESTAT_USERS": file, "TRADESTAT_REGION": "530500"}[k]
	}
	run := func(stdin string, args ...string) (string, error) {
		t.Helper()
		in := filepath.Join(t.TempDir(), "stdin")
		if err := os.WriteFile(in, []byte(stdin), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(in)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		saved := os.Stdin // the password comes from standard input when it is not a terminal
		os.Stdin = f
		defer func() { os.Stdin = saved }()
		var out, errOut bytes.Buffer
		err = app.Run(context.Background(), append([]string{"user"}, args...), &out, &errOut, env)
		return out.String() + errOut.String(), err
	}
	for _, tt := range []struct {
		args   []string
		region string
	}{
		{[]string{"add", "whole", "viewer"}, ""},
		{[]string{"add", "county", "analyst", "--region", "530581"}, "530581"},
		{[]string{"--region", "530502", "add", "longyang", "admin"}, "530502"},
	} {
		out, err := run("a long enough password\n", tt.args...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", tt.args, err, out)
		}
		name := tt.args[len(tt.args)-2]
		if tt.args[0] == "add" {
			name = tt.args[1]
		}
		u, err := auth.Load(file)
		if err != nil {
			t.Fatal(err)
		}
		if acct, ok := u.Check(name, "a long enough password"); !ok || acct.Region != tt.region {
			t.Errorf("%v: account %s has region %q, want %q (%s)", tt.args, name, acct.Region, tt.region, out)
		}
	}
	out, err := run("", "screen", "lobby-tengchong", "--region", "530581")
	if err != nil || !strings.Contains(out, "/screen?token=") || !strings.Contains(out, "腾冲市") {
		t.Errorf("screen: %v %s", err, out)
	}
	for _, bad := range [][]string{{"add", "x", "viewer", "--region", "999999"}, {"add", "x", "viewer", "--region"}, {"add", "x", "viewer", "extra"}} {
		if out, err := run("a long enough password\n", bad...); err == nil {
			t.Errorf("%v accepted: %s", bad, out)
		}
	}
	// A refusal is said in the terminal's language, as Main says it: Chinese, or English.
	for lang, says := range map[string]string{"zh": "密码：至少", "en": "password: at least"} {
		saved := os.Stdin
		os.Stdin, _ = os.Open(os.DevNull)
		var errOut bytes.Buffer
		code := app.Main([]string{"user", "--lang", lang, "--users", file, "add", "y", "viewer"}, &bytes.Buffer{}, &errOut, env)
		os.Stdin = saved
		if code != 1 || !strings.Contains(errOut.String(), "tradestat: ") {
			t.Errorf("--lang %s, no password: exit %d, %s", lang, code, errOut.String())
		}
		if out, err := run("short\n", "--lang", lang, "add", "y", "viewer"); err == nil || !strings.Contains(msgOf(lang, err), says) {
			t.Errorf("--lang %s, a short password: %v, %s", lang, err, out)
		}
	}
}

// msgOf is err as a terminal of language lang reads it.
func msgOf(lang string, err error) string {
	l, _ := msg.Parse(lang)
	return l.Say(err)
}
