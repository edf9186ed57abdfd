package app_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tradestat/app"
	"tradestat/internal/chtest"
)

// TestRegionFlag: every subcommand takes --region (or TRADESTAT_REGION); a code that is no
// division is a usage error; a file loaded for Yunnan keeps its Yunnan places and refuses the
// others with a reason naming the province; --place is read within the region.
func TestRegionFlag(t *testing.T) {
	t.Parallel()
	_, cfg := chtest.Open(t)
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join("..", "ingest", "testdata", "region-530000-places.csv"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "places.csv")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(env map[string]string, args ...string) (string, string, int) {
		var out, errOut bytes.Buffer
		code := app.Main(append(args[:1:1], append([]string{"--clickhouse", cfg.Addr, "--database", cfg.Database}, args[1:]...)...),
			&out, &errOut, func(k string) string { return env[k] })
		return out.String(), errOut.String(), code
	}
	for _, cmd := range [][]string{{"ingest", file}, {"report"}, {"demo", "--out", dir}, {"evaluation", "--year", "2021"}, {"serve", "--auth", "off"}} {
		if _, errOut, code := run(nil, append(append(cmd[:1:1], "--region", "999999"), cmd[1:]...)...); code != 2 || !strings.Contains(errOut, "--region") {
			t.Errorf("%s --region 999999: exit %d, %s", cmd[0], code, errOut)
		}
	}
	out, _, code := run(map[string]string{"TRADESTAT_REGION": "530000"}, "ingest", file)
	if code != 0 || !strings.Contains(out, "载入8 + 拒收5") {
		t.Errorf("ingest in Yunnan: exit %d\n%s", code, out)
	}
	rejects, err := os.ReadFile(file + ".rejects.csv")
	if err != nil || !strings.Contains(string(rejects), "交易地点「四川省成都市锦江区」不在云南省范围内") {
		t.Errorf("reject report: %v\n%s", err, rejects)
	}
	out, _, code = run(nil, "ingest", file) // Baoshan, the default: the two 腾冲 rows and 市本级 are its own
	if code != 0 || !strings.Contains(out, "载入3 + 拒收10") {
		t.Errorf("ingest in Baoshan: exit %d\n%s", code, out)
	}
	out, _, code = run(nil, "report", "--region", "530000", "--year", "2022")
	if code != 0 || !strings.Contains(out, "全省各级交易中心累计完成交易项目9个") {
		t.Errorf("report in Yunnan: exit %d\n%s", code, out)
	}
	if _, errOut, code := run(nil, "demo", "--region", "510000", "--out", dir); code != 1 || !strings.Contains(errOut, "云南省") {
		t.Errorf("a demo for 四川省: exit %d, %s", code, errOut)
	}
	if _, errOut, code := run(nil, "ingest", "--region", "530000", "--place", "朝阳区", file); code == 0 || !strings.Contains(errOut, "不在云南省范围内") {
		t.Errorf("--place outside the region: exit %d, %s", code, errOut)
	}
	// A failure is said in the terminal's language: Chinese, or English with TRADESTAT_LANG=en.
	if _, errOut, code := run(nil, "report", "--area", "110101"); code != 1 || !strings.Contains(errOut, "area：") || strings.Contains(errOut, "area:") {
		t.Errorf("report of an area outside Baoshan: exit %d, %s", code, errOut)
	}
	if _, errOut, code := run(map[string]string{"TRADESTAT_LANG": "en"}, "report", "--area", "110101"); code != 1 || !strings.Contains(errOut, "area: ") {
		t.Errorf("report of an area outside Baoshan, in English: exit %d, %s", code, errOut)
	}
}
