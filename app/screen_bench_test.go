package app_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// paintTimes resolves, once the page's map (or its first chart) has pixels, to the page's
// first contentful paint, the moment the chart was seen painted, the page's HTML received and
// its scripts run (DOMContentLoaded), in ms from the start of navigation.
const paintTimes = `new Promise(resolve => {
  const painted = () => {
    const c = document.querySelector("#chart_map canvas") || document.querySelector("canvas");
    if (!c || c.width === 0) return false;
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4 * 97) if (d[i] !== 0) return true;
    return false;
  };
  const tick = () => {
    if (!painted()) { requestAnimationFrame(tick); return; }
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    const nav = performance.getEntriesByType("navigation")[0];
    resolve([fcp ? fcp.startTime : -1, performance.now(), nav.responseEnd, nav.domContentLoadedEventEnd]);
  };
  tick();
})`

// BenchmarkFirstPaint opens / and /screen over loopback in a fresh headless Chromium (no
// cache) and reports the first contentful paint and the moment the map had pixels, from the
// start of navigation. make bench-screen runs it several times and prints median and worst.
func BenchmarkFirstPaint(b *testing.B) {
	svc := startDemo(b)
	for _, path := range []string{"/?year=2021", "/screen?year=2021"} {
		b.Run(path, func(b *testing.B) {
			var fcp, mapped, html, dom float64
			for range b.N {
				ctx, _ := browser(b)
				var times []float64
				if err := chromedp.Run(ctx, chromedp.EmulateViewport(1920, 1080), chromedp.Navigate(svc.URL+path),
					chromedp.Evaluate(paintTimes, &times, awaitPromise)); err != nil {
					b.Fatal(err)
				}
				fcp += times[0]
				mapped += times[1]
				html += times[2]
				dom += times[3]
			}
			b.ReportMetric(fcp/float64(b.N), "fcp_ms")
			b.ReportMetric(mapped/float64(b.N), "map_ms")
			b.ReportMetric(html/float64(b.N), "html_ms")
			b.ReportMetric(dom/float64(b.N), "scripts_run_ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkScreenHeap runs the wall display's refresh back to back — REFRESHES times, default
// 1440: an hour of refreshes every 2.5 s, or a day of the display's own every 60 s —
// and reports the browser's JS heap after a garbage collection at the start, halfway and at the
// end, and the page's DOM nodes: a display that runs for days must not grow.
func BenchmarkScreenHeap(b *testing.B) {
	svc := startDemo(b)
	n := 1440
	if s := os.Getenv("REFRESHES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatalf("REFRESHES=%q", s)
		}
	}
	for range b.N {
		ctx, _ := browserFor(b, 30*time.Minute)
		heap := func() (used float64, nodes int) {
			b.Helper()
			if err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
				if err := heapprofiler.CollectGarbage().Do(ctx); err != nil {
					return err
				}
				u, _, _, _, err := runtime.GetHeapUsage().Do(ctx)
				used = u
				return err
			}), chromedp.Evaluate(`document.getElementsByTagName("*").length`, &nodes)); err != nil {
				b.Fatal(err)
			}
			return used, nodes
		}
		if err := chromedp.Run(ctx, chromedp.EmulateViewport(1920, 1080), chromedp.Navigate(svc.URL+"/screen?year=2021"),
			chromedp.WaitVisible("#chart_map canvas", chromedp.ByQuery), chromedp.Sleep(time.Second)); err != nil {
			b.Fatal(err)
		}
		// A few refreshes first: the first ones fill caches the page keeps for good.
		for range 10 {
			if err := chromedp.Run(ctx, chromedp.Evaluate(`window.tradestatScreen.refresh()`, nil, awaitPromise)); err != nil {
				b.Fatal(err)
			}
		}
		refresh := func(n int) {
			for range n {
				if err := chromedp.Run(ctx, chromedp.Evaluate(`window.tradestatScreen.refresh()`, nil, awaitPromise)); err != nil {
					b.Fatal(err)
				}
			}
		}
		// The heap first grows while V8 optimises hot code and ECharts fills its bounded
		// caches, then stays flat: growth is judged over the second half (README has the
		// figures).
		start, nodesStart := heap()
		began := time.Now()
		refresh(n / 2)
		half, _ := heap()
		refresh(n - n/2)
		took := time.Since(began)
		end, nodesEnd := heap()
		b.ReportMetric(start/1024, "heap_start_KB")
		b.ReportMetric(half/1024, "heap_half_KB")
		b.ReportMetric(end/1024, "heap_end_KB")
		b.ReportMetric(100*(end-half)/half, "growth_2nd_half_%")
		b.ReportMetric(float64(nodesEnd-nodesStart), "dom_nodes_added")
		b.ReportMetric(float64(took.Milliseconds())/float64(n), "refresh_ms")
	}
	b.ReportMetric(0, "ns/op")
}

func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }
