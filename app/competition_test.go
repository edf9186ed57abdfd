package app_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tradestat"
	"tradestat/demo"
	"tradestat/division"
	"tradestat/query"
)

// demoSection is a section of the demo's 2021 with a bid list that marks its winner, with its
// bids as the demo wrote them.
func demoSection(t *testing.T) (tradestat.Lot, []tradestat.Bid) {
	t.Helper()
	years, err := demo.Dataset(division.MustRegion("530500"))
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range years {
		lots := map[string]tradestat.Lot{}
		for _, l := range y.Lots {
			lots[l.ProjectCode+"|"+l.LotCode] = l
		}
		by := map[string][]tradestat.Bid{}
		var order []string
		for _, b := range y.Bids {
			k := b.ProjectCode + "|" + b.LotCode
			if by[k] == nil {
				order = append(order, k)
			}
			by[k] = append(by[k], b)
		}
		for _, k := range order {
			l, ok := lots[k]
			if !ok || l.DealDate.Year != 2021 || len(by[k]) < 3 || l.Cancelled {
				continue
			}
			for _, b := range by[k] {
				if b.Winner == tradestat.AwardWon && b.BidderCode != "" {
					return l, by[k]
				}
			}
		}
	}
	t.Fatal("the demo has no 2021 section with three bids and a winner")
	return tradestat.Lot{}, nil
}

// TestSectionAndBidderPages: a section's page and answer list its current bids as loaded and
// the flags its row in the flags' list raises; a bidder's page says what its answer says; the
// competition page names the largest winner; a section not there is a 404, one not named a 400.
func TestSectionAndBidderPages(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	lot, bids := demoSection(t)
	q := "project=" + url.QueryEscape(lot.ProjectCode) + "&lot=" + url.QueryEscape(lot.LotCode)
	var sec struct {
		Name   string `json:"name"`
		Amount string `json:"amount_yuan"`
		Raised []struct {
			Code string `json:"code"`
		} `json:"raised"`
		Bids []struct {
			Code  string `json:"credit_code"`
			Name  string `json:"name"`
			Price string `json:"price_yuan"`
			Won   *bool  `json:"won"`
		} `json:"bids"`
	}
	getJSON(t, svc.URL+"/api/v1/section?"+q, &sec)
	if sec.Name != lot.Name || sec.Amount != lot.Amount.Yuan() || len(sec.Bids) != len(bids) {
		t.Fatalf("section %s: %+v; want %s, %s yuan, %d bids", q, sec, lot.Name, lot.Amount.Yuan(), len(bids))
	}
	want := map[string]tradestat.Bid{}
	for _, b := range bids {
		want[b.BidderName] = b
	}
	winner := ""
	for _, b := range sec.Bids {
		w, ok := want[b.Name]
		price := ""
		if w.Price > 0 {
			price = w.Price.Yuan()
		}
		if !ok || b.Code != w.BidderCode || b.Price != price || (b.Won != nil && *b.Won) != (w.Winner == tradestat.AwardWon) {
			t.Errorf("bid %+v; the demo's %+v", b, w)
		}
		if b.Won != nil && *b.Won {
			winner = b.Code
		}
	}
	page := string(mustGet(t, svc.URL+"/section?"+q))
	for _, b := range bids {
		if !strings.Contains(page, b.BidderName) || b.BidderCode != "" && !strings.Contains(page, `href="/bidders/`+b.BidderCode) {
			t.Errorf("the section's page does not name %s or link its page", b.BidderName)
		}
	}

	// The flags' list, as long as it runs, raises on the section what its page raises.
	var flags struct {
		Rows []struct {
			Project string `json:"project_code"`
			Lot     string `json:"lot_code"`
			Raised  []struct {
				Code string `json:"code"`
			} `json:"raised"`
		} `json:"rows"`
	}
	listed := false
	for page := 1; page == 1 || len(flags.Rows) == 500; page++ {
		flags.Rows = nil
		getJSON(t, svc.URL+"/api/v1/flags?year=2021&size=500&page="+itoa(int64(page)), &flags)
		for _, r := range flags.Rows {
			if r.Project == lot.ProjectCode && r.Lot == lot.LotCode {
				listed = true
				if len(r.Raised) != len(sec.Raised) {
					t.Errorf("section %s: %d flags in the list, %d on its page", q, len(r.Raised), len(sec.Raised))
				}
			}
		}
	}
	if !listed && len(sec.Raised) > 0 {
		t.Errorf("section %s raises %d flags on its page and is not in the list", q, len(sec.Raised))
	}

	// The winner's page says what its answer says.
	var bidder struct {
		Name    string `json:"name"`
		Bids    int64  `json:"bids"`
		Wins    int64  `json:"wins"`
		WonYuan string `json:"won_yuan"`
		WonWan  string `json:"won_wan"`
		Recent  []struct {
			Project string `json:"project_code"`
			Won     *bool  `json:"won"`
		} `json:"sections"`
		Buyers []struct {
			Name     string  `json:"name"`
			Wins     int64   `json:"wins"`
			WonYuan  string  `json:"won_yuan"`
			Sections int64   `json:"buyer_sections"`
			Share    *string `json:"share_percent"`
		} `json:"buyers"`
		Unnamed int64 `json:"wins_naming_no_buyer"`
	}
	getJSON(t, svc.URL+"/api/v1/bidders/"+winner+"?year=2021", &bidder)
	found := false
	for _, r := range bidder.Recent {
		found = found || r.Project == lot.ProjectCode && r.Won != nil && *r.Won
	}
	if !found {
		t.Errorf("the winner's latest sections do not hold the section it won, %s: %+v", lot.ProjectCode, bidder.Recent)
	}
	flat := strings.Join(strings.Fields(tags.ReplaceAllString(string(mustGet(t, svc.URL+"/bidders/"+winner+"?year=2021")), "")), "")
	says := []string{bidder.Name, bidder.WonWan + "万元", "中标次数" + itoa(bidder.Wins) + "次", lot.Name}
	// The buyers it won from: the one of the section it won among them, its wins there no
	// more than the buyer's awards, and each on the page with its share.
	var fromBuyers int64
	listedBuyer := false
	for _, b := range bidder.Buyers {
		fromBuyers += b.Wins
		listedBuyer = listedBuyer || b.Name == lot.Procedure.Buyer
		if b.Wins > b.Sections || b.Share == nil {
			t.Errorf("the winner won %d of buyer %s's %d awarded sections, share %v", b.Wins, b.Name, b.Sections, b.Share)
			continue
		}
		says = append(says, b.Name+itoa(b.Wins), *b.Share+"%")
	}
	if !listedBuyer && len(bidder.Buyers) < query.TopBuyers || fromBuyers+bidder.Unnamed > bidder.Wins {
		t.Errorf("the winner's buyers %+v (%d wins naming none) lack %q, the buyer of %s, or exceed its %d wins",
			bidder.Buyers, bidder.Unnamed, lot.Procedure.Buyer, lot.ProjectCode, bidder.Wins)
	}
	for _, w := range says {
		if bidder.Wins == 0 || !strings.Contains(flat, w) {
			t.Errorf("the winner's page lacks %q (answer %+v)", w, bidder)
		}
	}

	// The competition page names and links the largest winner.
	var winners struct {
		Top []struct {
			Code string `json:"code"`
			Name string `json:"name"`
		} `json:"top"`
	}
	getJSON(t, svc.URL+"/api/v1/winners?year=2021", &winners)
	if comp := string(mustGet(t, svc.URL+"/competition?year=2021")); len(winners.Top) == 0 ||
		!strings.Contains(comp, `href="/bidders/`+winners.Top[0].Code) || !strings.Contains(comp, winners.Top[0].Name) ||
		!strings.Contains(comp, `href="/export/competition?format=csv&amp;year=2021"`) {
		t.Errorf("the competition page does not list the largest winner %+v, or link its export", winners.Top)
	}

	// The section's buyer: linked from the section's page and the winner's, its page says what
	// the answer for its awards says.
	buyer := lot.Procedure.Buyer
	var awards struct {
		Buyer   string `json:"buyer"`
		Basis   int64  `json:"basis"`
		Winners int64  `json:"winners"`
		Top5    string `json:"top5_share"`
		Top     []struct {
			Code string `json:"code"`
			Name string `json:"name"`
		} `json:"top"`
	}
	getJSON(t, svc.URL+"/api/v1/winners?year=2021&buyer="+url.QueryEscape(buyer), &awards)
	link := `href="/buyer?name=` + url.QueryEscape(buyer)
	if buyer == "" || awards.Buyer != buyer || awards.Basis == 0 || len(awards.Top) == 0 || !strings.Contains(page, link) ||
		!strings.Contains(string(mustGet(t, svc.URL+"/bidders/"+winner+"?year=2021")), link) {
		t.Errorf("buyer %q of %s: awards %+v; or its page is not linked from the section's and the winner's", buyer, lot.ProjectCode, awards)
	} else {
		flat := strings.Join(strings.Fields(tags.ReplaceAllString(string(mustGet(t, svc.URL+"/buyer?year=2021&name="+url.QueryEscape(buyer))), "")), "")
		for _, w := range []string{buyer, "依据" + itoa(awards.Basis) + "个标段", "中标人数" + itoa(awards.Winners) + "家", awards.Top5 + "%", awards.Top[0].Name} {
			if !strings.Contains(flat, w) {
				t.Errorf("the buyer's page lacks %q (answer %+v)", w, awards)
			}
		}
	}

	for _, c := range []struct {
		path string
		code int
		says string
	}{
		{"/buyer?year=2021&name=%20", http.StatusBadRequest, "招标人"},
		{"/api/v1/winners?buyer=", http.StatusBadRequest, "招标人"},
		{"/section?project=" + url.QueryEscape(lot.ProjectCode) + "&lot=NO-SUCH-LOT", http.StatusNotFound, "NO-SUCH-LOT"},
		{"/api/v1/section?project=" + url.QueryEscape(lot.ProjectCode), http.StatusBadRequest, "lot"},
		{"/section?lot=1&project=" + strings.Repeat("x", 201), http.StatusBadRequest, "project"},
		{"/bidders/91350100M000100Y44", http.StatusBadRequest, "统一社会信用代码"},
	} {
		code, body := get(t, svc.URL+c.path)
		if code != c.code || !strings.Contains(string(body), c.says) {
			t.Errorf("%s: %d %.200s; want %d naming %s", c.path, code, body, c.code, c.says)
		}
	}
}

// tags are an HTML page's tags, taken out to read its text.
var tags = regexp.MustCompile(`<[^>]*>`)

func mustGet(t *testing.T, u string) []byte {
	t.Helper()
	code, body := get(t, u)
	if code != http.StatusOK {
		t.Fatalf("%s: %d %.300s", u, code, body)
	}
	return body
}

// TestCompetitionExport: the workbook holds, sheet by sheet, what the answers say: the
// competition totals by area, the flags' counts and the most flagged sections, the largest
// winners; its CSV holds the same rows.
func TestCompetitionExport(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	var comp struct {
		Total struct {
			Sections int64 `json:"sections"`
			Failed   int64 `json:"failed"`
		} `json:"total"`
	}
	getJSON(t, svc.URL+"/api/v1/competition?year=2021", &comp)
	var flags struct {
		Flagged int64 `json:"flagged"`
		Flags   []struct {
			Name       string `json:"name"`
			Applicable int64  `json:"applicable"`
			Raised     int64  `json:"raised"`
		} `json:"flags"`
		Rows []struct {
			Project string `json:"project_code"`
			Score   string `json:"score_percent"`
		} `json:"rows"`
	}
	getJSON(t, svc.URL+"/api/v1/flags?year=2021&size=500", &flags)
	var winners struct {
		Top []struct {
			Code    string `json:"code"`
			WonYuan string `json:"won_yuan"`
		} `json:"top"`
	}
	getJSON(t, svc.URL+"/api/v1/winners?year=2021", &winners)

	x, err := excelize.OpenReader(bytes.NewReader(mustGet(t, svc.URL+"/export/competition?year=2021")))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if sheets := strings.Join(x.GetSheetList(), ","); sheets != "按地区,按交易类型,按月份,风险提示,风险标段,中标人" {
		t.Fatalf("sheets %s", sheets)
	}
	rows := func(sheet string) [][]string {
		r, err := x.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, sheet := range []string{"按地区", "按交易类型", "按月份"} {
		r := rows(sheet)
		var total []string
		for _, row := range r {
			if len(row) > 0 && row[0] == "合计" {
				total = row
			}
		}
		if len(total) < 3 || total[1] != itoa(comp.Total.Sections) || total[2] != itoa(comp.Total.Failed) {
			t.Errorf("%s: total %v; the answer says %d sections, %d failed", sheet, total, comp.Total.Sections, comp.Total.Failed)
		}
		if typ, _ := x.GetCellType(sheet, "B3"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s B3 is %v, not a number", sheet, typ)
		}
	}
	counts := rows("风险提示")
	for i, f := range flags.Flags {
		if row := counts[2+i]; row[0] != f.Name || row[1] != itoa(f.Applicable) || row[2] != itoa(f.Raised) {
			t.Errorf("flag %s: %v; the answer says %+v", f.Name, row, f)
		}
	}
	list := rows("风险标段")
	if len(flags.Rows) == 0 || len(list) < 2+len(flags.Rows) {
		t.Fatalf("%d flagged rows in the workbook, %d in the answer", len(list)-2, len(flags.Rows))
	}
	for i, f := range flags.Rows {
		if row := list[2+i]; row[0] != f.Project || row[7] != strings.TrimRight(strings.TrimRight(f.Score, "0"), ".") {
			t.Errorf("flagged row %d: %v; the answer says %+v", i, row, f)
		}
	}
	won := rows("中标人")
	for i, w := range winners.Top {
		if row := won[2+i]; row[1] != w.Code {
			t.Errorf("winner %d: %v; the answer says %+v", i, row, w)
		}
	}

	body := mustGet(t, svc.URL+"/export/competition?year=2021&format=csv")
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF"))))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, rec := range recs {
		if len(rec) > 2 && rec[0] == "合计" && rec[1] == itoa(comp.Total.Sections) {
			seen++
		}
	}
	if seen != 3 {
		t.Errorf("the CSV has %d totals of %d sections, want 3", seen, comp.Total.Sections)
	}
}
