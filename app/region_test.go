package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"

	"tradestat/app"
	"tradestat/division"
)

// regions serves one database holding Yunnan's demo to services of four regions: the
// province, the nation, a city and a county.
type regions struct {
	svc map[string]*app.Service // by region code
}

func startRegions(t *testing.T) regions {
	t.Helper()
	_, cfg := demoDB(t, "530000")
	r := regions{svc: map[string]*app.Service{}}
	for _, code := range []string{"530000", division.NationCode, "530500", "530581"} {
		svc, err := app.StartWith(context.Background(), cfg, app.Setup{Region: division.MustRegion(code)}, "127.0.0.1:0",
			slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := svc.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
		r.svc[code] = svc
	}
	return r
}

type figuresOf struct {
	Projects int64  `json:"projects"`
	Amount   int64  `json:"amount_fen"`
	Savings  int64  `json:"savings_fen"`
	Premium  int64  `json:"premium_fen"`
	Online   int64  `json:"online_openings"`
	Wan      string `json:"amount_wan"`
}

type breakdownOf struct {
	Rows []struct {
		Key  string `json:"key"`
		Name string `json:"name"`
		figuresOf
	} `json:"rows"`
	Total figuresOf `json:"total"`
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	code, body := get(t, u)
	if code != 200 {
		t.Fatalf("%s: %d %s", u, code, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("%s: %v", u, err)
	}
}

// TestProvincePublishedFigures: Yunnan's published 2022 figures (T4) come out of the API of a
// province deployment exactly, and Baoshan's (T1) out of the same data by area=530500.
func TestProvincePublishedFigures(t *testing.T) {
	t.Parallel()
	yn := startRegions(t).svc["530000"]
	b, err := os.ReadFile("../demo/testdata/published.json")
	if err != nil {
		t.Fatal(err)
	}
	var pub struct {
		T4 struct {
			Periods []struct {
				Name, From, To string
				Projects       int64  `json:"projects"`
				Amount         int64  `json:"amount_fen"`
				Remote         *int64 `json:"remote_evaluations"`
				Types          map[string]struct {
					Projects *int64 `json:"projects"`
					Amount   *int64 `json:"amount_fen"`
				} `json:"types"`
				TopAreas []struct {
					Code   string `json:"code"`
					Name   string `json:"name"`
					Amount int64  `json:"amount_fen"`
				} `json:"top_areas"`
			} `json:"periods"`
		} `json:"t4"`
	}
	if err := json.Unmarshal(b, &pub); err != nil {
		t.Fatal(err)
	}
	for _, p := range pub.T4.Periods {
		period := "from=" + p.From + "&to=" + p.To
		var sum figuresOf
		getJSON(t, yn.URL+"/api/v1/summary?"+period, &sum)
		if sum.Projects != p.Projects || sum.Amount != p.Amount {
			t.Errorf("%s: %d lots, %d fen; published %d, %d", p.Name, sum.Projects, sum.Amount, p.Projects, p.Amount)
		}
		if p.Remote != nil {
			var comp struct {
				Sentence string `json:"sentence"`
				Total    struct {
					Remote struct {
						Count *int64 `json:"count"`
					} `json:"remote_evaluation"`
				} `json:"total"`
			}
			getJSON(t, yn.URL+"/api/v1/competition?"+period, &comp)
			if c := comp.Total.Remote.Count; c == nil || *c != *p.Remote || !strings.Contains(comp.Sentence, fmt.Sprintf("远程异地评标%d个", *p.Remote)) {
				t.Errorf("%s: remote evaluations %v, sentence %s; published %d", p.Name, c, comp.Sentence, *p.Remote)
			}
		}
		var types breakdownOf
		getJSON(t, yn.URL+"/api/v1/breakdown?by=type&"+period, &types)
		for _, r := range types.Rows {
			if want, ok := p.Types[r.Key]; ok && (want.Projects != nil && *want.Projects != r.Projects || want.Amount != nil && *want.Amount != r.Amount) {
				t.Errorf("%s %s: %d lots, %d fen; published %+v", p.Name, r.Key, r.Projects, r.Amount, want)
			}
		}
		if len(p.TopAreas) > 0 {
			var areas breakdownOf
			getJSON(t, yn.URL+"/api/v1/breakdown?by=area&"+period, &areas)
			rows := areas.Rows
			sort.SliceStable(rows, func(i, j int) bool { return rows[i].Amount > rows[j].Amount })
			for i, top := range p.TopAreas {
				if rows[i].Key != top.Code || rows[i].Amount != top.Amount {
					t.Errorf("%s: number %d by amount is %s %s (%d fen); published %s %s (%d)", p.Name, i+1, rows[i].Key, rows[i].Name, rows[i].Amount, top.Code, top.Name, top.Amount)
				}
			}
			if rows[0].Name != "云南省本级" {
				t.Errorf("the province's own centre is named %q, want 云南省本级", rows[0].Name)
			}
		}
	}
	want, err := os.ReadFile("testdata/t1-summary.json")
	if err != nil {
		t.Fatal(err)
	}
	code, body := get(t, yn.URL+"/api/v1/summary?from=2021-01-01&to=2021-12-31&area=530500")
	if code != 200 || strings.TrimSpace(string(body)) != strings.TrimSpace(string(want)) {
		t.Errorf("T1 inside Yunnan: %d\n got %s\nwant %s", code, body, want)
	}
	var bulletin struct {
		Sentences []string `json:"sentences"`
	}
	getJSON(t, yn.URL+"/api/v1/report?style=bulletin&from=2022-01-01&to=2022-08-31", &bulletin)
	if len(bulletin.Sentences) == 0 || !strings.HasPrefix(bulletin.Sentences[0], "1-8月，全省各级公共资源交易中心累计完成交易14561宗，交易金额4642.4亿元") ||
		!strings.Contains(bulletin.Sentences[0], "工程建设7488宗，4192.96亿元") || !strings.Contains(bulletin.Sentences[0], "土地使用权出让878宗，168.98亿元") {
		t.Errorf("the province's bulletin: %q", bulletin.Sentences)
	}
}

// TestAreasAddUp: at every level of the tree — the nation, the province, a city, a county —
// a breakdown by area lists the area's own centre and its subdivisions with lots, and adds up
// to the area's total; each region sees its own data and only that.
func TestAreasAddUp(t *testing.T) {
	t.Parallel()
	s := startRegions(t)
	year := "year=2022"
	var yunnan figuresOf
	getJSON(t, s.svc["530000"].URL+"/api/v1/summary?"+year, &yunnan)
	tests := []struct {
		region, area string
		keys         int    // rows of the breakdown by area
		first        string // the first row's name
		levels       string
	}{
		{division.NationCode, "", 1, "云南省", "省级 市级 县区级"},
		{division.NationCode, "530000", 17, "云南省本级", "省级 市级 县区级"},
		{"530000", "", 17, "云南省本级", "省级 市级 县区级"},
		{"530000", "530500", 6, "保山市本级", "市级 县区级"},
		{"530000", "532500", 0, "红河哈尼族彝族自治州本级", "市级 县区级"},
		{"530500", "", 6, "保山市本级", "市级 县区级"},
		{"530581", "", 1, "腾冲市", "县区级"},
	}
	for _, tt := range tests {
		base := s.svc[tt.region].URL
		q := year
		if tt.area != "" {
			q += "&area=" + tt.area
		}
		var total figuresOf
		getJSON(t, base+"/api/v1/summary?"+q, &total)
		for _, by := range []string{"area", "level", "place"} {
			var bd breakdownOf
			getJSON(t, base+"/api/v1/breakdown?by="+by+"&"+q, &bd)
			var sum figuresOf
			for _, r := range bd.Rows {
				sum.Projects += r.Projects
				sum.Amount += r.Amount
				sum.Savings += r.Savings
				sum.Premium += r.Premium
				sum.Online += r.Online
			}
			sum.Wan = total.Wan
			if sum != total || bd.Total != total {
				t.Errorf("region %s area %q by %s: rows add up to %+v, total %+v; the summary is %+v", tt.region, tt.area, by, sum, bd.Total, total)
			}
			switch by {
			case "area":
				if tt.keys > 0 && len(bd.Rows) != tt.keys || bd.Rows[0].Name != tt.first {
					t.Errorf("region %s area %q by area: %d rows starting %q; want %d starting %q", tt.region, tt.area, len(bd.Rows), bd.Rows[0].Name, tt.keys, tt.first)
				}
			case "level":
				var keys []string
				for _, r := range bd.Rows {
					keys = append(keys, r.Key)
				}
				if strings.Join(keys, " ") != tt.levels {
					t.Errorf("region %s by level: %v, want %s", tt.region, keys, tt.levels)
				}
			}
		}
		if tt.region == division.NationCode && tt.area == "" && total != yunnan {
			t.Errorf("the nation's 2022 is %+v, Yunnan's (all the data) %+v", total, yunnan)
		}
	}
}

// TestAreaOutsideRegion: an area or place outside the region, or no division at all, is a 400
// that says so, on every endpoint that takes a view.
func TestAreaOutsideRegion(t *testing.T) {
	t.Parallel()
	s := startRegions(t)
	bs := s.svc["530500"].URL
	for _, path := range []string{"/api/v1/summary", "/api/v1/breakdown", "/api/v1/report", "/", "/report", "/screen", "/lots",
		"/api/v1/lots", "/export/indicators", "/export/lots", "/export/evaluation"} {
		for param, want := range map[string]string{
			"area=530000":  "不在保山市范围内",
			"area=510104":  "四川省成都市锦江区",
			"area=999999":  "无法识别",
			"place=530102": "不在保山市范围内",
			"area=abc":     "无法识别",
		} {
			q := "?year=2022&" + param
			if path == "/api/v1/breakdown" || path == "/export/indicators" {
				q += "&by=area" // the routes that take it
			}
			code, body := get(t, bs+path+q)
			text, _ := url.QueryUnescape(string(body))
			if code != 400 || !strings.Contains(text, want) {
				t.Errorf("%s?%s: %d %.200s; want 400 saying %s", path, param, code, text, want)
			}
		}
	}
	// A place outside the area asked for is refused, not answered with nothing.
	if code, body := get(t, s.svc["530000"].URL+"/api/v1/summary?area=530500&place=530102"); code != 400 || !strings.Contains(string(body), "不在地区530500") {
		t.Errorf("area=530500&place=530102: %d %s; want 400", code, body)
	}
	// The whole country is an area, never one trading place.
	if code, body := get(t, s.svc[division.NationCode].URL+"/api/v1/summary?place=000000"); code != 400 || !strings.Contains(string(body), "area") {
		t.Errorf("place=000000: %d %s; want 400", code, body)
	}
	// A retired code names the division it became.
	var a, b figuresOf
	getJSON(t, bs+"/api/v1/summary?year=2021&area=530522", &a)
	getJSON(t, bs+"/api/v1/summary?year=2021&area=530581", &b)
	if a != b || a.Projects == 0 {
		t.Errorf("area 530522 (腾冲县) gives %+v, 530581 %+v", a, b)
	}
}

// TestRegionTitles: pages and sentences name the region as its level says.
func TestRegionTitles(t *testing.T) {
	t.Parallel()
	s := startRegions(t)
	for code, want := range map[string][]string{
		"530000":            {"云南省公共资源交易统计", "全省各级交易中心累计完成交易项目"},
		division.NationCode: {"全国公共资源交易统计", "全国各级交易中心累计完成交易项目"},
		"530500":            {"保山市公共资源交易统计", "全市各级交易中心累计完成交易项目"},
		"530581":            {"腾冲市公共资源交易统计", "全市累计完成交易项目"},
	} {
		_, page := get(t, s.svc[code].URL+"/?year=2022")
		if !strings.Contains(string(page), want[0]) {
			t.Errorf("region %s: the overview lacks its title %s", code, want[0])
		}
		var rep struct {
			Sentences []string `json:"sentences"`
		}
		getJSON(t, s.svc[code].URL+"/api/v1/report?year=2022", &rep)
		if len(rep.Sentences) == 0 || !strings.Contains(rep.Sentences[0], want[1]) {
			t.Errorf("region %s: the annual sentence %q lacks %s", code, rep.Sentences, want[1])
		}
	}
	_, page := get(t, s.svc["530000"].URL+"/?year=2022&area=530581")
	for _, crumb := range []string{">云南省</a>", ">保山市</a>", ">腾冲市</a>"} {
		if !strings.Contains(string(page), crumb) {
			t.Errorf("the breadcrumb of 腾冲市 in Yunnan lacks %s", crumb)
		}
	}
}
