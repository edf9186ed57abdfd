package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"tradestat/money"
)

// browser starts headless Chromium (Debian's package, which make test installs) and returns a
// context for driving it, plus what the page did: console errors, exceptions and every URL
// it requested.
func browser(t testing.TB) (context.Context, *pageLog) {
	t.Helper()
	return browserFor(t, 90*time.Second)
}

// browserFor is browser with a longer life than a test page's, for benchmarks.
func browserFor(t testing.TB, life time.Duration) (context.Context, *pageLog) {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("the browser test needs Debian's chromium (make test installs it): %v", err)
	}
	// Not t.TempDir: Chromium's helper processes may still write there for a moment after the
	// browser is closed, which would fail TempDir's cleanup.
	profile, err := os.MkdirTemp("", "tradestat-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // root in CI containers
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), // this machine reaches no outside host
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(profile),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, life)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		for range 20 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})

	pl := &pageLog{}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value))
				}
				pl.add(&pl.errors, "console.error: "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			pl.add(&pl.errors, "exception: "+ev.ExceptionDetails.Error())
		case *network.EventRequestWillBeSent:
			pl.add(&pl.requests, ev.Request.URL)
		case *network.EventLoadingFailed:
			pl.add(&pl.errors, "request failed: "+ev.ErrorText)
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 {
				pl.add(&pl.errors, fmt.Sprintf("HTTP %d for %s", int(ev.Response.Status), ev.Response.URL))
			}
		}
	})
	if err := chromedp.Run(ctx, network.Enable()); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, pl
}

type pageLog struct {
	mu               sync.Mutex
	errors, requests []string
}

func (p *pageLog) add(to *[]string, s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	*to = append(*to, s)
}

// check fails the test for any console error, exception or failed request, and for any
// request to a host that is not loopback.
func (p *pageLog) check(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.errors {
		t.Errorf("page error: %s", e)
	}
	if len(p.requests) == 0 {
		t.Error("no request was seen: the network listener is not working")
	}
	for _, r := range p.requests {
		u, err := url.Parse(r)
		if err != nil || u.Scheme == "data" || u.Scheme == "blob" {
			continue
		}
		if h := u.Hostname(); h != "127.0.0.1" && h != "localhost" && h != "::1" {
			t.Errorf("request off loopback: %s", r)
		}
	}
}

// artifact is where screenshots go: $TRADESTAT_ARTIFACTS (make test sets it) or a temp dir.
func artifact(t *testing.T, name string) string {
	dir := os.Getenv("TRADESTAT_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, name)
}

// kpisText is the cards' text as a reader sees it, without their copy buttons.
const kpisText = `(() => {
  const c = document.querySelector(".kpis").cloneNode(true);
  c.querySelectorAll("button").forEach(b => b.remove());
  document.body.appendChild(c);
  const text = c.innerText;
  c.remove();
  return text;
})()`

// paintedCanvases counts the chart canvases with drawn pixels, sampling each canvas.
const paintedCanvases = `(() => {
  let painted = 0;
  for (const c of document.querySelectorAll(window.paintedScope || "canvas")) {
    if (c.width === 0 || c.height === 0) continue;
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4 * 7) if (d[i] !== 0) n++;
    if (n > 100) painted++;
  }
  return painted;
})()`

// pages are the views the browser test opens at every viewport, with the chart canvases
// each must paint.
var pages = []struct {
	name, path string
	canvases   int
}{
	{"overview", "/?year=2021", 9},
	{"overview-filtered", "/?from=2020-01-01&to=2020-08-31&family=" + url.QueryEscape("政府采购") + "&psort=amount", 9},
	{"lots", "/lots?year=2021&place=530581&sort=amount", 0},
	{"overview-en", "/?year=2021&lang=en&metric=online_rate", 9},
	{"lots-en", "/lots?year=2021&lang=en&q=BSGC", 0},
	{"report", "/report?from=2020-01-01&to=2020-08-31&style=bulletin", 0},
	{"competition", "/competition?year=2021", 0},
	{"flags", "/flags?year=2021", 0},
}

func TestDashboardInBrowser(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	for _, vp := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1920, 1080}, {"phone", 375, 812}} {
		lot, bids := demoSection(t)
		for _, pg := range append(pages[:len(pages):len(pages)],
			struct {
				name, path string
				canvases   int
			}{"section", "/section?project=" + url.QueryEscape(lot.ProjectCode) + "&lot=" + url.QueryEscape(lot.LotCode), 0},
			struct {
				name, path string
				canvases   int
			}{"bidder", "/bidders/" + bids[0].BidderCode + "?year=2021", 0},
			struct {
				name, path string
				canvases   int
			}{"buyer", "/buyer?year=2021&name=" + url.QueryEscape(lot.Procedure.Buyer), 0}) {
			t.Run(vp.name+"/"+pg.name, func(t *testing.T) {
				t.Parallel() // each page in a browser of its own
				ctx, pl := browser(t)
				var text string
				var painted, scrollWidth, clientWidth int
				var shot []byte
				actions := []chromedp.Action{
					chromedp.EmulateViewport(vp.width, vp.height),
					chromedp.Navigate(svc.URL + pg.path),
					chromedp.WaitVisible("footer.fresh", chromedp.ByQuery),
				}
				if pg.canvases > 0 {
					actions = append(actions, chromedp.WaitVisible("#chart_online canvas", chromedp.ByQuery),
						chromedp.Sleep(1500*time.Millisecond)) // ECharts animates its first paint
				}
				actions = append(actions,
					chromedp.Text("main", &text, chromedp.ByQuery),
					chromedp.Evaluate(paintedCanvases, &painted),
					chromedp.Evaluate(`document.documentElement.scrollWidth`, &scrollWidth),
					chromedp.Evaluate(`document.documentElement.clientWidth`, &clientWidth),
					chromedp.FullScreenshot(&shot, 100))
				if err := chromedp.Run(ctx, actions...); err != nil {
					t.Fatal(err)
				}
				flat := strings.Join(strings.Fields(text), "")
				if pg.name == "overview" {
					for _, want := range []string{"1651个", "1107371万元", "35303.82万元", "17338.8万元", "289个", "节约率", "同比"} {
						if !strings.Contains(flat, want) {
							t.Errorf("the page lacks %s", want)
						}
					}
				}
				if !strings.Contains(flat, "2023-12-31") {
					t.Error("the page does not say how current its data is (the latest deal, 2023-12-31)")
				}
				if painted != pg.canvases {
					t.Errorf("%d chart canvases have pixels drawn, want %d", painted, pg.canvases)
				}
				if scrollWidth > clientWidth {
					t.Errorf("page scrolls sideways: %d px wide in a %d px viewport", scrollWidth, clientWidth)
				}
				path := artifact(t, fmt.Sprintf("%s-%dx%d.png", pg.name, vp.width, vp.height))
				if err := os.WriteFile(path, shot, 0o644); err != nil {
					t.Fatal(err)
				}
				pl.check(t)
			})
		}
	}
}

// barCentre finds where the first bar of a chart is drawn, in page coordinates.
const barCentre = `((id) => ` + barOf + `(id, null))`

// barOf finds where the bar of a category (by its axis label; the first when null) is drawn.
const barOf = `((id, label) => {
  const el = document.getElementById(id);
  const chart = echarts.getInstanceByDom(el);
  const opt = chart.getOption();
  const i = label === null ? 0 : opt.xAxis[0].data.findIndex(d => (typeof d === "object" ? d.value : d) === label);
  if (i < 0) return [-1, -1];
  const v = opt.series[0].data[i];
  const value = typeof v === "object" ? v.value : v;
  const [x, y] = chart.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [i, Number(value) / 2]);
  const r = el.getBoundingClientRect();
  return [r.left + x, r.top + y];
})`

// TestRegionDrillDown: in a province's dashboard a click on a city's bar drills into the city
// and one on a county's into the county; the breadcrumb shows the way (云南省 › 保山市 ›
// 腾冲市) and leads back; at each level the cards are the API's figures of that area.
func TestRegionDrillDown(t *testing.T) {
	t.Parallel()
	s := startRegions(t)
	yn := s.svc["530000"]
	ctx, pl := browser(t)
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1920, 1080), chromedp.Navigate(yn.URL+"/?year=2022")); err != nil {
		t.Fatal(err)
	}
	check := func(area, crumbs string) {
		t.Helper()
		var location, kpis, trail, title string
		if err := chromedp.Run(ctx,
			chromedp.WaitVisible(".kpis", chromedp.ByQuery),
			chromedp.Location(&location),
			chromedp.Evaluate(kpisText, &kpis),
			chromedp.Evaluate(`document.querySelector("nav.crumbs").textContent.replace(/\s+/g, "")`, &trail),
			chromedp.Text("header.top h1", &title, chromedp.ByQuery),
		); err != nil {
			t.Fatal(err)
		}
		if area != "" && !strings.Contains(location, "area="+area) || area == "" && strings.Contains(location, "area=") {
			t.Errorf("at %s, want area %q", location, area)
		}
		if trail != crumbs || !strings.HasPrefix(title, "云南省公共资源交易统计") {
			t.Errorf("at %s the breadcrumb reads %q under %q, want %q", location, trail, title, crumbs)
		}
		var want figuresOf
		getJSON(t, yn.URL+"/api/v1/summary?year=2022&area="+area, &want)
		if flat := strings.Join(strings.Fields(kpis), ""); !strings.Contains(flat, fmt.Sprintf("交易项目%d个", want.Projects)) {
			t.Errorf("at %s the cards read %s; the API counts %d lots", location, flat, want.Projects)
		}
	}
	click := func(label string) {
		t.Helper()
		var at []float64
		if err := chromedp.Run(ctx,
			chromedp.WaitVisible("#chart_places canvas", chromedp.ByQuery),
			chromedp.Sleep(1500*time.Millisecond),
			chromedp.ScrollIntoView("#chart_places", chromedp.ByQuery),
			chromedp.Evaluate(barOf+`("chart_places", `+strconv.Quote(label)+`)`, &at),
		); err != nil {
			t.Fatal(err)
		}
		if at[0] < 0 {
			t.Fatalf("no bar labelled %s", label)
		}
		if err := chromedp.Run(ctx, chromedp.MouseClickXY(at[0], at[1]), chromedp.Sleep(500*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	check("", "云南省")
	click("保山市")
	check("530500", "云南省›保山市")
	click("腾冲市")
	check("530581", "云南省›保山市›腾冲市")
	if err := chromedp.Run(ctx, chromedp.Click(`nav.crumbs a:first-child`, chromedp.ByQuery), chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	check("", "云南省")
	pl.check(t)
}

// TestDrillDownAndLotList: clicking a trading place's bar narrows the view to that place, and
// the lot list behind it totals exactly the figures the cards show.
func TestDrillDownAndLotList(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	ctx, pl := browser(t)
	var at []float64
	var location, kpis string
	err := chromedp.Run(ctx,
		chromedp.EmulateViewport(1920, 1080),
		chromedp.Navigate(svc.URL+"/?year=2021"),
		chromedp.WaitVisible("#chart_places canvas", chromedp.ByQuery),
		chromedp.Sleep(1500*time.Millisecond),
		chromedp.ScrollIntoView("#chart_places", chromedp.ByQuery),
		chromedp.Evaluate(barCentre+`("chart_places")`, &at),
	)
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Run(ctx,
		chromedp.MouseClickXY(at[0], at[1]),
		chromedp.Sleep(500*time.Millisecond),
		chromedp.WaitVisible(".kpis", chromedp.ByQuery),
		chromedp.Location(&location),
		chromedp.Evaluate(kpisText, &kpis),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(location, "place=530500") || !strings.Contains(location, "year=2021") {
		t.Fatalf("clicking the first place's bar led to %s, want the 2021 view of 530500", location)
	}
	_, body := get(t, svc.URL+"/api/v1/summary?year=2021&place=530500")
	var want struct {
		Projects   int64  `json:"projects"`
		AmountWan  string `json:"amount_wan"`
		SavingsWan string `json:"savings_wan"`
		PremiumWan string `json:"premium_wan"`
		Online     int64  `json:"online_openings"`
	}
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(kpis), "")
	for _, fig := range []string{fmt.Sprintf("交易项目%d个", want.Projects), "交易金额" + want.AmountWan + "万元", "节约资金" + want.SavingsWan + "万元"} {
		if !strings.Contains(flat, fig) {
			t.Errorf("after the drill-down the cards show %s, lacking %s", flat, fig)
		}
	}

	// The lot list of this view: its totals are the cards' figures.
	var figures map[string]string
	err = chromedp.Run(ctx,
		chromedp.Click("#lots-link", chromedp.ByQuery),
		chromedp.WaitVisible("#totals", chromedp.ByQuery),
		chromedp.Evaluate(`Object.fromEntries([...document.querySelectorAll("#totals [data-figure]")].map(e => [e.dataset.figure, e.textContent]))`, &figures),
	)
	if err != nil {
		t.Fatal(err)
	}
	wantFigures := map[string]string{"projects": fmt.Sprint(want.Projects), "amount": want.AmountWan, "savings": want.SavingsWan,
		"premium": want.PremiumWan, "online": fmt.Sprint(want.Online)}
	if fmt.Sprint(figures) != fmt.Sprint(wantFigures) {
		t.Errorf("lot list totals %v, the cards' figures %v", figures, wantFigures)
	}
	pl.check(t)
}

// TestLanguageSwitch: the switch in the header turns a view into English and back, keeping
// the view and every figure.
func TestLanguageSwitch(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	ctx, pl := browser(t)
	var htmlLang, kpis, location string
	err := chromedp.Run(ctx,
		chromedp.EmulateViewport(1920, 1080),
		chromedp.Navigate(svc.URL+"/?year=2021&place=530581"),
		chromedp.WaitVisible("a.lang", chromedp.ByQuery),
		chromedp.Click("a.lang", chromedp.ByQuery),
		chromedp.Sleep(300*time.Millisecond),
		chromedp.WaitVisible(".kpis", chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.lang`, &htmlLang),
		chromedp.Evaluate(kpisText, &kpis),
		chromedp.Location(&location),
	)
	if err != nil {
		t.Fatal(err)
	}
	if htmlLang != "en" || !strings.Contains(location, "lang=en") || !strings.Contains(location, "place=530581") {
		t.Fatalf("after the switch: lang %q at %s", htmlLang, location)
	}
	_, body := get(t, svc.URL+"/api/v1/summary?year=2021&place=530581")
	var want struct {
		Projects  int64  `json:"projects"`
		AmountWan string `json:"amount_wan"`
	}
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(kpis), " ")
	for _, w := range []string{fmt.Sprintf("Projects %d", want.Projects), "Deal amount " + want.AmountWan, "Savings rate", "YoY"} {
		if !strings.Contains(flat, w) {
			t.Errorf("English cards %q lack %q", flat, w)
		}
	}
	for _, r := range flat {
		if r >= 0x4e00 && r <= 0x9fff {
			t.Errorf("English cards still hold Chinese: %q", flat)
			break
		}
	}
	err = chromedp.Run(ctx,
		chromedp.Click("a.lang", chromedp.ByQuery),
		chromedp.Sleep(300*time.Millisecond),
		chromedp.WaitVisible(".kpis", chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.lang`, &htmlLang),
		chromedp.Evaluate(kpisText, &kpis),
	)
	if err != nil {
		t.Fatal(err)
	}
	if htmlLang != "zh-CN" || !strings.Contains(strings.Join(strings.Fields(kpis), ""), fmt.Sprintf("交易项目%d个", want.Projects)) {
		t.Errorf("back in Chinese: lang %q, cards %q", htmlLang, kpis)
	}
	pl.check(t)
}

// TestFilterForm: each filter of the form, chosen and applied in the browser, narrows the
// view in the URL and on the cards to what the API says of the same filter.
func TestFilterForm(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	ctx, pl := browser(t)
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1920, 1080)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ name, value string }{
		{"area", "530581"}, {"level", "县区级"}, {"family", "政府采购"}, {"type", "土地使用权出让"},
		{"from", "2021-03-01"},
	} {
		var location, kpis string
		err := chromedp.Run(ctx,
			chromedp.Navigate(svc.URL+"/?year=2021"),
			chromedp.WaitVisible("form.filters", chromedp.ByQuery),
			chromedp.SetValue(`form.filters [name="`+f.name+`"]`, f.value, chromedp.ByQuery),
			chromedp.SetValue(`form.filters [name="year"]`, map[bool]string{true: "", false: "2021"}[f.name == "from"], chromedp.ByQuery),
			chromedp.Click(`form.filters button[type="submit"]`, chromedp.ByQuery),
			chromedp.Sleep(300*time.Millisecond),
			chromedp.WaitVisible(".kpis", chromedp.ByQuery),
			chromedp.Location(&location),
			chromedp.Evaluate(kpisText, &kpis),
		)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if !strings.Contains(location, f.name+"="+url.QueryEscape(f.value)) || strings.Contains(location, "=&") {
			t.Errorf("%s: the form led to %s", f.name, location)
			continue
		}
		api := "/api/v1/summary?year=2021&" + f.name + "=" + url.QueryEscape(f.value)
		if f.name == "from" {
			api = "/api/v1/summary?from=2021-03-01&to=2023-12-31"
		}
		_, body := get(t, svc.URL+api)
		var want struct {
			Projects int64 `json:"projects"`
		}
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatal(err)
		}
		if flat := strings.Join(strings.Fields(kpis), ""); !strings.Contains(flat, fmt.Sprintf("交易项目%d个", want.Projects)) {
			t.Errorf("%s=%s: cards %s, the API counts %d projects", f.name, f.value, flat, want.Projects)
		}
	}
	pl.check(t)
}

// TestTooltipYi: the page's 亿元 text for chart tooltips, made in the browser, is the Go
// money package's for every amount tried.
func TestTooltipYi(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	ctx, pl := browser(t)
	var wan []string
	var want []string
	for _, f := range []money.Fen{1107371 * money.Wan, 3530382 * money.Wan / 100, 173388 * money.Wan / 10, money.Wan * 10000,
		money.Wan * 99995, 9999499 * money.Wan / 100, 9994999 * money.Wan / 100, 1234550 * money.Wan / 100, 136787346 * money.Wan / 100,
		-25000 * money.Wan, 4999 * money.Wan / 100, 150 * money.Wan, 123456789012 * money.Wan / 100} {
		wan, want = append(wan, f.Wan()), append(want, f.Yi())
	}
	var got []string
	var tip string
	err := chromedp.Run(ctx,
		chromedp.EmulateViewport(1920, 1080),
		chromedp.Navigate(svc.URL+"/?year=2021"),
		chromedp.WaitVisible("#chart_years canvas", chromedp.ByQuery),
		chromedp.Evaluate(`[`+strings.Join(wan, ",")+`].map(window.tradestat.yi)`, &got),
		chromedp.Evaluate(`echarts.getInstanceByDom(document.getElementById("chart_years")).dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: 2})`, nil),
		chromedp.Sleep(500*time.Millisecond),
		chromedp.Evaluate(`document.getElementById("chart_years").innerText`, &tip),
	)
	if err != nil {
		t.Fatal(err)
	}
	// The 2021 bar of the annual chart: 1107371万元, 110.74亿元.
	if !strings.Contains(tip, "1107371（110.74亿元）") {
		t.Errorf("the tooltip of 2021 reads %q", tip)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("亿元 in the browser %v, in Go %v (from 万元 %v)", got, want, wan)
	}
	pl.check(t)
}

// TestCopyButton: a copy button puts exactly the sentence shown on the clipboard.
func TestCopyButton(t *testing.T) {
	t.Parallel()
	svc := startDemo(t)
	ctx, pl := browser(t)
	var shown, copied string
	err := chromedp.Run(ctx,
		cdpbrowser.GrantPermissions([]cdpbrowser.PermissionType{cdpbrowser.PermissionTypeClipboardReadWrite,
			cdpbrowser.PermissionTypeClipboardSanitizedWrite}).WithOrigin(svc.URL),
		chromedp.Navigate(svc.URL+"/report?year=2021"),
		chromedp.WaitVisible("#sentence-0", chromedp.ByQuery),
		chromedp.Text("#sentence-0", &shown, chromedp.ByQuery),
		chromedp.Click(`button[data-copy="sentence-0"]`, chromedp.ByQuery),
		chromedp.Sleep(300*time.Millisecond),
		chromedp.Evaluate(`navigator.clipboard.readText()`, &copied, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
			return p.WithAwaitPromise(true)
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	const want = "2021年1至12月，全市各级交易中心累计完成交易项目1651个，交易金额1107371万元，节约资金35303.82万元，增价17338.8万元。"
	if shown != want || copied != want {
		t.Errorf("shown %q, copied %q; want both %q", shown, copied, want)
	}
	// A card's button copies the figure as the card shows it.
	var card string
	err = chromedp.Run(ctx,
		chromedp.Navigate(svc.URL+"/?year=2021"),
		chromedp.WaitVisible(".kpis", chromedp.ByQuery),
		chromedp.Click(`.kpi:nth-child(3) button.copy`, chromedp.ByQuery),
		chromedp.Sleep(300*time.Millisecond),
		chromedp.Evaluate(`navigator.clipboard.readText()`, &card, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
			return p.WithAwaitPromise(true)
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	if card != "35303.82万元" {
		t.Errorf("the savings card copied %q, want 35303.82万元", card)
	}
	pl.check(t)
}
