package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"tradestat/commit"
	"tradestat/division"
	"tradestat/ingest"
	"tradestat/warehouse"
)

type breakdownAPI struct {
	Rows []struct {
		Name       string `json:"name"`
		Projects   int64  `json:"projects"`
		AmountWan  string `json:"amount_wan"`
		SavingsWan string `json:"savings_wan"`
		PremiumWan string `json:"premium_wan"`
		Online     int64  `json:"online_openings"`
	} `json:"rows"`
	Total struct {
		Projects   int64  `json:"projects"`
		AmountWan  string `json:"amount_wan"`
		SavingsWan string `json:"savings_wan"`
		PremiumWan string `json:"premium_wan"`
		Online     int64  `json:"online_openings"`
	} `json:"total"`
}

// apiLines is the breakdown the API gives, as the lines an export must hold: name, projects,
// amount, savings, premium, online openings; the totals last.
func apiLines(t *testing.T, base, by string) [][]string {
	t.Helper()
	_, body := get(t, base+"/api/v1/breakdown?year=2021&by="+by)
	var b breakdownAPI
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, r := range b.Rows {
		out = append(out, []string{r.Name, itoa(r.Projects), r.AmountWan, r.SavingsWan, r.PremiumWan, itoa(r.Online)})
	}
	return append(out, []string{"合计", itoa(b.Total.Projects), b.Total.AmountWan, b.Total.SavingsWan, b.Total.PremiumWan, itoa(b.Total.Online)})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestIndicatorsXLSX: the workbook, re-read with excelize, holds cell by cell what the API
// says: a sheet per grouping, real numbers, a title, a frozen header, totals and a footer.
func TestIndicatorsXLSX(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	code, body := get(t, svc.URL+"/export/indicators?year=2021&by=place,family")
	if code != 200 {
		t.Fatalf("export: %d %s", code, body)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if sheets := x.GetSheetList(); strings.Join(sheets, ",") != "按交易中心,按类别" {
		t.Fatalf("sheets %v", sheets)
	}
	for sheet, by := range map[string]string{"按交易中心": "place", "按类别": "family"} {
		rows, err := x.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(rows[0][0], "2021年") || rows[1][0] != "分组" {
			t.Errorf("%s: title %q, header %q", sheet, rows[0], rows[1])
		}
		want := apiLines(t, svc.URL, by)
		for i, w := range want {
			got := rows[2+i]
			// Columns: name, projects, amount, savings, savings rate, premium, premium rate, online.
			line := []string{got[0], got[1], got[2], got[3], got[5], got[7]}
			if strings.Join(line, "|") != strings.Join(w, "|") {
				t.Errorf("%s row %d: %v, the API says %v", sheet, i+3, line, w)
			}
			for _, col := range []string{"B", "C", "D", "H"} {
				cell := col + itoa(int64(3+i))
				if typ, _ := x.GetCellType(sheet, cell); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
					t.Errorf("%s %s is %v, not a number", sheet, cell, typ)
				}
			}
		}
		if footer := rows[len(rows)-1][0]; !strings.HasPrefix(footer, "数据来源") || !strings.Contains(footer, "导出时间") {
			t.Errorf("%s footer %q", sheet, footer)
		}
		panes, err := x.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 2 {
			t.Errorf("%s: header not frozen (%+v, %v)", sheet, panes, err)
		}
	}
}

// TestIndicatorsCSV: the CSV opens as Excel on Chinese Windows opens it — a UTF-8 BOM, comma
// separated, valid UTF-8 — and holds what the API says.
func TestIndicatorsCSV(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	code, body := get(t, svc.URL+"/export/indicators?year=2021&by=type&format=csv")
	if code != 200 || !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) || !utf8.Valid(body) {
		t.Fatalf("export: %d, BOM %v, UTF-8 %v", code, bytes.HasPrefix(body, []byte("\xef\xbb\xbf")), utf8.Valid(body))
	}
	r := csv.NewReader(bytes.NewReader(body[3:]))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := apiLines(t, svc.URL, "type")
	for i, w := range want {
		got := recs[2+i]
		line := []string{got[0], got[1], got[2], got[3], got[5], got[7]}
		if strings.Join(line, "|") != strings.Join(w, "|") {
			t.Errorf("row %d: %v, the API says %v", i+3, line, w)
		}
	}
}

// TestExportFormulaInjection: text that Excel would run as a formula reaches neither export
// as one.
func TestExportFormulaInjection(t *testing.T) {
	t.Parallel()
	svc, conn := startDemoConn(t)
	hostile := "project_code,lot_code,name,trade_type,place_code,deal_date,amount_yuan\n" +
		"\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",001,\"=1+1\",工程建设,530502,2021-05-01,100.00\n" +
		"+86,@SUM,-cmd,工程建设,530502,2021-05-02,100.00\n"
	if _, err := commit.NewLoader(conn, division.MustRegion("530500")).Load(context.Background(), ingest.Source{Name: "hostile.csv", Data: []byte(hostile)}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	_, body := get(t, svc.URL+"/export/lots?year=2021&format=csv&q="+url.QueryEscape("HYPERLINK"))
	if !strings.Contains(string(body), "'=HYPERLINK") || !strings.Contains(string(body), "'=1+1") {
		t.Errorf("CSV: %s", body)
	}
	_, body = get(t, svc.URL+"/export/lots?year=2021&q="+url.QueryEscape("@SUM"))
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("项目明细")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 3 || rows[2][0] != "'+86" || rows[2][1] != "'@SUM" || rows[2][2] != "'-cmd" {
		t.Errorf("XLSX rows %q", rows)
	}
}

// TestEvaluationTable: the self-evaluation table of 2021 holds the published figures as its
// actual values, each with its status.
func TestEvaluationTable(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	code, body := get(t, svc.URL+"/export/evaluation?year=2021")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("绩效自评表")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows[2:] {
		if len(r) >= 6 {
			got[r[2]] = r[4] + " " + r[5]
		}
	}
	for k, w := range map[string]string{"交易项目数": "1651个 达成", "交易金额": "110.74亿元 达成", "节约资金": "3.53亿元 达成",
		"增价": "1.73亿元 达成", "不见面开标项目数": "289个 达成"} {
		if got[k] != w {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
}

// TestUnreadExportsHoldNothingShared: an analyst's two lot exports that its client does not
// read hold the analyst's own places (a third is refused, 429), never the server's: an
// admin's export meanwhile is sent whole; once the analyst's downloads end, it may export
// again.
func TestUnreadExportsHoldNothingShared(t *testing.T) {
	svc, _, _, cfg := startWithAuth(t)
	// 60,000 more lots in 2022: an export of megabytes more than a connection buffers.
	var big strings.Builder
	big.WriteString("project_code,lot_code,name,trade_type,place_code,deal_date,budget_yuan,amount_yuan\n")
	for i := range 60000 {
		fmt.Fprintf(&big, "BIG-%06d,001,隆阳区批量测试工程第%d标段,工程建设,530502,2022-03-01,1000,900\n", i, i)
	}
	conn, err := warehouse.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := commit.NewLoader(conn, division.MustRegion("530500")).Load(context.Background(), ingest.Source{Name: "big.csv", Data: []byte(big.String())}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	analyst, admin := client(t), client(t)
	// A slow reader: the analyst's connections take in a few kilobytes unread, so that the
	// server is still sending while the test goes on.
	analyst.Transport = &http.Transport{DialContext: (&net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var err error
		if cerr := rc.Control(func(fd uintptr) { err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) }); cerr != nil {
			return cerr
		}
		return err
	}}).DialContext}
	signIn(t, analyst, svc.URL, "analyst", "analyst password 1")
	signIn(t, admin, svc.URL, "admin", "admin password 1")
	const all = "/export/lots?format=csv&year=2022"
	var held []*http.Response
	for range 2 {
		resp, err := analyst.Get(svc.URL + all)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("the analyst's export: %d", resp.StatusCode)
		}
		held = append(held, resp) // its body is not read
	}
	if resp, err := analyst.Get(svc.URL + all); err != nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a third export of the analyst while two are being sent: %v %v, want 429", resp.StatusCode, err)
	} else {
		resp.Body.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, svc.URL+all, nil)
	resp, err := admin.Do(req)
	if err != nil {
		t.Fatalf("the admin's export while the analyst's are unread: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || bytes.Count(body, []byte("\n")) < 60000 {
		t.Fatalf("the admin's export while the analyst's are unread: %d, %d bytes, %v", resp.StatusCode, len(body), err)
	}
	for _, r := range held {
		r.Body.Close()
	}
	// The server notices the closed downloads when its next write fails.
	for i := 0; ; i++ {
		resp, err := analyst.Get(svc.URL + "/export/lots?format=csv&year=2021")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			break
		}
		if i == 100 {
			t.Fatalf("the analyst's export after its downloads ended: %d", resp.StatusCode)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
