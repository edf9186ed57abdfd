package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tradestat/app"
	"tradestat/internal/chtest"
)

// TestIngestCommand runs `tradestat ingest` as a user would: the account on stdout, the reject
// report beside the file, exit status by whether the file could be read, and --dry-run.
func TestIngestCommand(t *testing.T) {
	t.Parallel()
	_, cfg := chtest.Open(t)
	dir := t.TempDir()
	for _, f := range []string{"mixed.csv", "legacy.xls", "baoshan-2021.xlsx"} {
		b, err := os.ReadFile(filepath.Join("..", "ingest", "testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := func(string) string { return "" }
	run := func(args ...string) (string, string, error) {
		var out, errOut bytes.Buffer
		all := append([]string{"ingest", "--clickhouse", cfg.Addr, "--database", cfg.Database}, args...)
		err := app.Run(context.Background(), all, &out, &errOut, env)
		return out.String(), errOut.String(), err
	}

	out, _, err := run(filepath.Join(dir, "mixed.csv"))
	if err != nil || !strings.Contains(out, "读取14行 = 载入3 + 拒收8 + 跳过2（空行/合计行）+ 合并重复1") {
		t.Errorf("ingest mixed.csv: %v\n%s", err, out)
	}
	out, _, err = run("--lang", "en", filepath.Join(dir, "mixed.csv"))
	if err != nil || !strings.Contains(out, "14 rows read = 3 loaded + 8 rejected + 2 skipped (blank/summary) + 1 duplicates merged") {
		t.Errorf("ingest --lang en mixed.csv: %v\n%s", err, out)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "mixed.csv.rejects.csv")); err != nil || strings.Count(string(b), "\n") != 9 {
		t.Errorf("reject report: %v\n%s", err, b)
	}

	// A file that cannot be read is said in the clerk's language, and so is the failure.
	_, errOut, err := run(filepath.Join(dir, "legacy.xls"))
	if err == nil || !strings.Contains(errOut, "另存为 .xlsx") {
		t.Errorf("ingest legacy.xls: %v\n%s", err, errOut)
	}
	_, errOut, err = run("--lang", "en", filepath.Join(dir, "legacy.xls"))
	if err == nil || !strings.Contains(errOut, "save it as .xlsx") {
		t.Errorf("ingest --lang en legacy.xls: %v\n%s", err, errOut)
	}
	for lang, says := range map[string]string{"zh": "有1个文件未能载入（共1个）", "en": "1 of 1 files could not be loaded"} {
		var errOut bytes.Buffer
		if code := app.Main([]string{"ingest", "--lang", lang, "--clickhouse", cfg.Addr, "--database", cfg.Database, filepath.Join(dir, "legacy.xls")},
			&bytes.Buffer{}, &errOut, env); code != 1 || !strings.Contains(errOut.String(), says) {
			t.Errorf("exit status for an unreadable file: %d, want 1 saying %q:\n%s", code, says, errOut.String())
		}
	}

	out, _, err = run("--dry-run", "--rows", "2", filepath.Join(dir, "baoshan-2021.xlsx"))
	if err != nil || !strings.Contains(out, "表头行：第4行") || !strings.Contains(out, "未载入任何数据") {
		t.Errorf("dry run: %v\n%s", err, out)
	}
	out, _, err = run("--place", "不存在的县", filepath.Join(dir, "mixed.csv"))
	if err == nil || out != "" {
		t.Errorf("bad --place: %v, %q", err, out)
	}
}
