package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tradestat/commit"
	"tradestat/division"
	"tradestat/ingest"
)

// mapOf is the map chart's regions and data items, and where on the page the centre of a
// region is (x, y; -1 when the map has no such region).
const mapOf = `((name) => {
  const el = document.getElementById("chart_map");
  const chart = echarts.getInstanceByDom(el);
  const series = chart.getModel().getSeriesByIndex(0);
  const geo = series.coordinateSystem;
  const out = {regions: geo.regions.map(r => r.name), items: series.getData().count(), at: [-1, -1]};
  const region = name && geo.getRegion(name);
  if (region) {
    const [x, y] = chart.convertToPixel({seriesIndex: 0}, region.getCenter());
    const r = el.getBoundingClientRect();
    out.at = [r.left + x, r.top + y];
  }
  return out;
})`

type mapState struct {
	Regions []string  `json:"regions"`
	Items   int       `json:"items"`
	At      []float64 `json:"at"`
}

// TestMapDrillDown: the map of a province has a region per city and that of a city a region
// per county, each shaded by its figure; a click on a region drills into it, and the cards
// then read that area's figures as the API gives them.
func TestMapDrillDown(t *testing.T) {
	t.Parallel()
	s := startRegions(t)
	yn := s.svc["530000"]
	ctx, pl := browser(t)
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1600, 1200), chromedp.Navigate(yn.URL+"/?year=2022")); err != nil {
		t.Fatal(err)
	}
	clickRegion := func(name string, regions int, area string) {
		t.Helper()
		var m mapState
		if err := chromedp.Run(ctx,
			chromedp.WaitVisible("#chart_map canvas", chromedp.ByQuery),
			chromedp.ScrollIntoView("#chart_map", chromedp.ByQuery),
			chromedp.Sleep(1500*time.Millisecond),
			chromedp.Evaluate(mapOf+`(`+strconv.Quote(name)+`)`, &m),
		); err != nil {
			t.Fatal(err)
		}
		if len(m.Regions) != regions || m.Items != regions {
			t.Errorf("the map has %d regions and %d data items, want %d: %v", len(m.Regions), m.Items, regions, m.Regions)
		}
		if m.At[0] < 0 {
			t.Fatalf("the map has no region %s: %v", name, m.Regions)
		}
		var location, kpis string
		if err := chromedp.Run(ctx, chromedp.MouseClickXY(m.At[0], m.At[1]), chromedp.Sleep(500*time.Millisecond),
			chromedp.WaitVisible(".kpis", chromedp.ByQuery), chromedp.Location(&location), chromedp.Evaluate(kpisText, &kpis)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(location, "area="+area) {
			t.Fatalf("a click on %s led to %s, want area=%s", name, location, area)
		}
		var want figuresOf
		getJSON(t, yn.URL+"/api/v1/summary?year=2022&area="+area, &want)
		if flat := strings.Join(strings.Fields(kpis), ""); !strings.Contains(flat, fmt.Sprintf("交易项目%d个", want.Projects)) ||
			!strings.Contains(flat, "交易金额"+want.Wan+"万元") {
			t.Errorf("at %s the cards read %s; the API: %d lots, %s万元", location, flat, want.Projects, want.Wan)
		}
	}
	var tip string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`window.tradestat.mapTip({name: "保山市", value: 1107371, seriesName: "交易金额（万元）", marker: ""})`, &tip)); err != nil {
		t.Fatal(err)
	}
	if tip != "保山市<br/>交易金额（万元）：1107371（110.74亿元）" {
		t.Errorf("the map's tooltip reads %q", tip)
	}
	clickRegion("保山市", 16, "530500")
	clickRegion("腾冲市", 5, "530581")
	var hasMap bool
	if err := chromedp.Run(ctx, chromedp.Evaluate(`!!document.getElementById("chart_map")`, &hasMap)); err != nil {
		t.Fatal(err)
	}
	if hasMap {
		t.Error("a county, which has no subdivisions, shows a map")
	}
	pl.check(t)
}

// textOutside lists every text of the wall display that is off the display or cut off by its
// box (the rolling list of deals aside, which scrolls by design).
const textOutside = `(() => {
  const W = innerWidth, H = innerHeight, bad = [];
  const boxes = el => {
    const out = [];
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== "visible" || s.overflowY !== "visible") out.push(a);
    }
    return out;
  };
  for (const el of document.querySelectorAll("#stage *")) {
    if (el.closest(".roll") || el.closest(".map-body")) continue;
    if (!Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const off = r.left < -1 || r.top < -1 || r.right > W + 1 || r.bottom > H + 1;
    const cut = boxes(el).some(a => { const c = a.getBoundingClientRect();
      return r.left < c.left - 1 || r.top < c.top - 1 || r.right > c.right + 1 || r.bottom > c.bottom + 1; });
    if (off || cut) bad.push(el.textContent.trim().slice(0, 40) + (off ? " (off the display)" : " (cut off by its box)"));
  }
  if (document.documentElement.scrollWidth > W + 1 || document.documentElement.scrollHeight > H + 1) bad.push("the page scrolls");
  return bad;
})()`

// TestWallDisplay: /screen at the walls' resolutions — a 16:9 panel at three sizes, a small
// laptop's and a three-panel LED strip — shows every figure without scrolling and with every
// text inside the display, the map with Baoshan's five counties painted at its centre, the
// ranking, this month and this year, and the latest deals; a forced size lays it out for that
// size. Screenshots of each are kept as artifacts.
func TestWallDisplay(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	for _, vp := range []struct {
		width, height int64
		query         string
		layout        string
	}{
		{1920, 1080, "", "stage"},
		{3840, 2160, "", "stage"},
		{1366, 768, "", "stage"},
		{5760, 1080, "", "stage strip"},
		{1920, 1080, "&w=5760&h=1080", "stage strip"},
		{1920, 1080, "&cards=competition", "stage"},
	} {
		t.Run(fmt.Sprintf("%dx%d%s", vp.width, vp.height, vp.query), func(t *testing.T) {
			ctx, pl := browser(t)
			var kpis, rank, periods, deals, layout string
			var painted int
			var outside []string
			var m mapState
			var shot []byte
			err := chromedp.Run(ctx,
				chromedp.EmulateViewport(vp.width, vp.height),
				chromedp.Navigate(svc.URL+"/screen?year=2021"+vp.query),
				chromedp.WaitVisible("#chart_map canvas", chromedp.ByQuery),
				chromedp.Sleep(1500*time.Millisecond),
				chromedp.Text(".kpis", &kpis, chromedp.ByQuery),
				chromedp.Text(".rank", &rank, chromedp.ByQuery),
				chromedp.Text(".periods", &periods, chromedp.ByQuery),
				chromedp.Text(".deals", &deals, chromedp.ByQuery),
				chromedp.AttributeValue("#stage", "class", &layout, nil, chromedp.ByQuery),
				chromedp.Evaluate(`window.paintedScope = "#chart_map canvas"; `+paintedCanvases, &painted),
				chromedp.Evaluate(mapOf+`(null)`, &m),
				chromedp.Evaluate(textOutside, &outside),
				chromedp.CaptureScreenshot(&shot),
			)
			if err != nil {
				t.Fatal(err)
			}
			flat := strings.Join(strings.Fields(kpis), "")
			for _, want := range []string{"1651个", "1107371万元", "35303.82万元", "17338.8万元", "289个", "同比"} {
				if !strings.Contains(flat, want) {
					t.Errorf("the cards lack %s: %s", want, flat)
				}
			}
			if !strings.Contains(strings.Join(strings.Fields(rank), ""), "隆阳区216135.5万元") {
				t.Errorf("the ranking reads %q", rank)
			}
			if !strings.Contains(periods, "本月") || !strings.Contains(periods, "本年累计") {
				t.Errorf("this month and this year: %q", periods)
			}
			if !strings.Contains(deals, "2021-12-31") {
				t.Errorf("the latest deals of 2021 are not listed first: %.200q", deals)
			}
			if painted != 1 || len(m.Regions) != 5 || m.Items != 5 {
				t.Errorf("map: %d canvas painted, %d regions, %d items; want Baoshan's 5 counties", painted, len(m.Regions), m.Items)
			}
			if layout != vp.layout {
				t.Errorf("layout %q, want %q", layout, vp.layout)
			}
			if vp.query == "&cards=competition" {
				var comp string
				if err := chromedp.Run(ctx, chromedp.Text(".centre .comp", &comp, chromedp.ByQuery)); err != nil {
					t.Fatal(err)
				}
				comp = strings.Join(strings.Fields(comp), "")
				for _, want := range []string{"开标标段1743个", "流标率5.28%", "远程异地评标289个依据1285个标段", "平均投标人数2.64家"} {
					if !strings.Contains(comp, want) {
						t.Errorf("the competition cards lack %s: %s", want, comp)
					}
				}
			}
			if !strings.Contains(vp.query, "w=") {
				for _, o := range outside {
					t.Errorf("not on the display: %s", o)
				}
			}
			if err := os.WriteFile(artifact(t, fmt.Sprintf("screen-%dx%d%s.png", vp.width, vp.height, strings.NewReplacer("&", "-", "=", "").Replace(vp.query))), shot, 0o644); err != nil {
				t.Fatal(err)
			}
			pl.check(t)
		})
	}
}

// TestScreenRefresh: the wall display reads its figures again without reloading the page: a
// lot loaded after it opened shows up in its cards, its ranking and its map.
func TestScreenRefresh(t *testing.T) {
	t.Parallel()
	svc, conn := startDemoConn(t)
	ctx, pl := browser(t)
	var before string
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1920, 1080), chromedp.Navigate(svc.URL+"/screen?year=2021"),
		chromedp.WaitVisible("#chart_map canvas", chromedp.ByQuery),
		chromedp.Evaluate(`window.notReloaded = true`, nil),
		chromedp.Text(".kpis", &before, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(strings.Fields(before), ""), "1651个") {
		t.Fatalf("before: %s", before)
	}
	csv := filepath.Join(t.TempDir(), "one.csv")
	if err := os.WriteFile(csv, []byte("project_code,lot_code,name,trade_type,place_code,deal_date,budget_yuan,amount_yuan\n"+
		"REFRESH-1,001,刷新测试,工程建设,530502,2021-06-01,1000000,900000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := commit.NewLoader(conn, division.MustRegion("530500")).LoadFile(context.Background(), csv, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // the server trusts the data's generation for a second
	var after, rank string
	var still bool
	var items []map[string]any
	if err := chromedp.Run(ctx,
		chromedp.Evaluate(`window.tradestatScreen.refresh()`, nil, awaitPromise),
		chromedp.Text(".kpis", &after, chromedp.ByQuery),
		chromedp.Text(".rank", &rank, chromedp.ByQuery),
		chromedp.Evaluate(`window.notReloaded === true`, &still),
		chromedp.Evaluate(`echarts.getInstanceByDom(document.getElementById("chart_map")).getOption().series[0].data`, &items),
	); err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(after), "")
	if !still || !strings.Contains(flat, "1652个") || !strings.Contains(flat, "1107461万元") {
		t.Errorf("after a load and a refresh (reloaded: %v) the cards read %s; want 1652个, 1107461万元", !still, flat)
	}
	if !strings.Contains(strings.Join(strings.Fields(rank), ""), "隆阳区216225.5万元") {
		t.Errorf("the ranking after the refresh: %q", rank)
	}
	for _, it := range items {
		if it["name"] == "隆阳区" && fmt.Sprint(it["value"]) != "216225.5" {
			t.Errorf("the map's 隆阳区 after the refresh: %v", it["value"])
		}
	}
	// A refresh the server does not answer keeps the figures and says when they were read —
	// also after a refresh replaced the footer (a live part: its freshness line changes with
	// every load), which the first cut of this missed whenever the minute changed.
	var stale, kept string
	if err := chromedp.Run(ctx,
		chromedp.Evaluate(`document.querySelector("footer").outerHTML = document.querySelector("footer").outerHTML`, nil),
		chromedp.Evaluate(`window.fetch = () => Promise.reject(new Error("the server is away")); window.tradestatScreen.refresh()`, nil, awaitPromise),
		chromedp.Evaluate(`document.querySelector("footer .refreshed").textContent`, &stale),
		chromedp.Text(".kpis", &kept, chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stale, "数据暂未刷新，显示的是") || !strings.HasSuffix(stale, "读取的数字") || strings.Contains(stale, "{time}") ||
		!strings.Contains(strings.Join(strings.Fields(kept), ""), "1652个") {
		t.Errorf("after a failed refresh the footer reads %q and the cards %q", stale, kept)
	}
	pl.check(t)
}

// TestScreenLink: an account's screen link opens the wall display with its map and refreshes
// it, though it signs no one in.
func TestScreenLink(t *testing.T) {
	t.Parallel()
	svc, token, _, _ := startWithAuth(t)
	ctx, pl := browser(t)
	var m mapState
	var kpis string
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1920, 1080), chromedp.Navigate(svc.URL+"/screen?year=2021&token="+token),
		chromedp.WaitVisible("#chart_map canvas", chromedp.ByQuery), chromedp.Sleep(time.Second),
		chromedp.Evaluate(mapOf+`(null)`, &m),
		chromedp.Evaluate(`window.tradestatScreen.refresh()`, nil, awaitPromise),
		chromedp.Text(".kpis", &kpis, chromedp.ByQuery),
		chromedp.Text("footer .refreshed", new(string), chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	if len(m.Regions) != 5 || !strings.Contains(strings.Join(strings.Fields(kpis), ""), "1651个") {
		t.Errorf("through the screen link: %d regions, cards %q", len(m.Regions), kpis)
	}
	var stale string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`document.querySelector("footer .refreshed").textContent`, &stale)); err != nil {
		t.Fatal(err)
	}
	if stale != "" {
		t.Errorf("the refresh through the screen link failed: %q", stale)
	}
	pl.check(t)
}

// TestWallDisplayOfCounty: a county has no subdivisions to map: its wall display shows the
// months' chart at its centre, fits the display, and refreshes that chart.
func TestWallDisplayOfCounty(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	ctx, pl := browser(t)
	var rank string
	var outside []string
	var painted int
	var months []any
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1920, 1080), chromedp.Navigate(svc.URL+"/screen?year=2021&area=530581"),
		chromedp.WaitVisible("#chart_months canvas", chromedp.ByQuery), chromedp.Sleep(1500*time.Millisecond),
		chromedp.Text(".rank", &rank, chromedp.ByQuery),
		chromedp.Evaluate(textOutside, &outside),
		chromedp.Evaluate(`window.paintedScope = "#chart_months canvas"; `+paintedCanvases, &painted),
		chromedp.Evaluate(`window.tradestatScreen.refresh()`, nil, awaitPromise),
		chromedp.Evaluate(`echarts.getInstanceByDom(document.getElementById("chart_months")).getOption().xAxis[0].data`, &months),
	); err != nil {
		t.Fatal(err)
	}
	if painted != 1 || len(months) != 12 || !strings.Contains(rank, "腾冲市") {
		t.Errorf("a county's display: %d chart painted, %d months after a refresh, ranking %q", painted, len(months), rank)
	}
	for _, o := range outside {
		t.Errorf("not on the display: %s", o)
	}
	pl.check(t)
}
