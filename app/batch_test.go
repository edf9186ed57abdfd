package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"tradestat/app"
	"tradestat/internal/chtest"
)

// TestBatchCommand: tradestat batch list shows the loads with their IDs and whether they can
// be withdrawn; batch withdraw prints what it would change, does nothing without a
// confirmation (no terminal, no --yes), and with --yes withdraws the load, says so in Chinese
// and records it in the audit log; the list then says 已撤回, and the same ID is refused.
func TestBatchCommand(t *testing.T) {
	t.Parallel()
	conn, cfg := chtest.Open(t)
	run := func(args ...string) (string, int) {
		t.Helper()
		saved := os.Stdin // not a terminal: a confirmation can come only from --yes
		f, err := os.Open(os.DevNull)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		os.Stdin = f
		defer func() { os.Stdin = saved }()
		var out bytes.Buffer
		code := app.Main(append(args[:1:1], append([]string{"--clickhouse", cfg.Addr, "--database", cfg.Database}, args[1:]...)...),
			&out, &out, func(string) string { return "" })
		return out.String(), code
	}
	for _, f := range []string{"a.csv", "b.csv"} {
		if out, code := run("ingest", "--reports", t.TempDir(), filepath.Join("..", "commit", "testdata", "withdraw", f)); code != 0 {
			t.Fatalf("ingest %s: %d\n%s", f, code, out)
		}
	}
	list, code := run("batch", "list")
	ids := regexp.MustCompile(`(?m)^([0-9a-f]{16}) .*b\.csv.*可撤回$`).FindStringSubmatch(list)
	if code != 0 || ids == nil || !strings.Contains(list, "批次") {
		t.Fatalf("batch list: %d\n%s", code, list)
	}
	out, code := run("batch", "withdraw", ids[1])
	if code == 0 || !strings.Contains(out, "撤回此批次将改变") || !strings.Contains(out, "删除2个标段，2个恢复为此前的版本") || !strings.Contains(out, "加 --yes") {
		t.Errorf("withdraw without confirmation: %d\n%s", code, out)
	}
	var n uint64
	if err := conn.QueryRow(context.Background(), "SELECT count() FROM batch_withdrawals").Scan(&n); err != nil || n != 0 {
		t.Fatalf("withdrawn without a confirmation: %d %v", n, err)
	}
	out, code = run("batch", "withdraw", ids[1], "--yes")
	if code != 0 || !strings.Contains(out, "已撤回") || !strings.Contains(out, "撤回后4个标段") {
		t.Errorf("withdraw --yes: %d\n%s", code, out)
	}
	if err := conn.QueryRow(context.Background(), "SELECT count() FROM audit_log WHERE action = 'withdraw' AND detail LIKE ?", "%"+ids[1]+"%").Scan(&n); err != nil || n != 1 {
		t.Errorf("audit entries of the withdrawal: %d %v", n, err)
	}
	if list, _ := run("batch", "list"); !regexp.MustCompile(`(?m)^` + ids[1] + ` .*已撤回$`).MatchString(list) {
		t.Errorf("batch list after the withdrawal:\n%s", list)
	}
	if out, code := run("batch", "withdraw", "--yes", ids[1]); code == 0 || !strings.Contains(out, "已经撤回") {
		t.Errorf("withdrawing it again: %d\n%s", code, out)
	}
}
