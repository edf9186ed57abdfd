// Package dashbench measures the dashboard against a loaded database, for make
// bench-dashboard: the overview page with all its panels (or the competition overview), cold (a fresh server, nothing
// cached) and warm, and API requests per second under concurrent clients. It drives the real
// server over HTTP on loopback, so the times are what a browser on the same host would wait.
package dashbench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"tradestat/app"
	"tradestat/commit"
	"tradestat/division"
	"tradestat/warehouse"
)

// Options say how much to measure.
type Options struct {
	Region  division.Region // the region served
	Area    string          // the area the overview shows; "" for the whole region
	Year    int             // the year the overview shows; 0 for the default (the latest)
	Samples int             // page requests per measure (cold and warm)
	// Page is the page measured: "/" (the overview, the default) or "/competition" (the
	// competition overview); its lines are named overview_… or competition_….
	Page     string
	Clients  int           // concurrent API clients
	Duration time.Duration // how long the API load runs; 0 for none
}

// settle migrates the database and does what the ingest worker does first on it: completes
// the loads a writer left stopped and recomputes the rollups a migration or a stopped writer
// left stale. Without it a database made before a migration that remakes a rollup would be
// measured on the slower reads that stand in for it.
func settle(ctx context.Context, cfg warehouse.Config, r division.Region) error {
	conn, err := warehouse.Open(ctx, cfg.Writing())
	if err != nil {
		return err
	}
	defer conn.Close()
	return commit.NewLoader(conn, r).Recover(ctx)
}

// Run measures the dashboard over the database cfg names and writes key=value lines to out.
func Run(ctx context.Context, cfg warehouse.Config, opts Options, out io.Writer) error {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	client := &http.Client{Timeout: 30 * time.Second}
	setup := app.Setup{Region: opts.Region}
	q := url.Values{}
	if opts.Area != "" {
		q.Set("area", opts.Area)
	}
	if opts.Year != 0 {
		q.Set("year", strconv.Itoa(opts.Year))
	}
	page, name := opts.Page, "competition"
	if page == "" || page == "/" {
		page, name = "/", "overview"
	}
	overview := page + "?" + q.Encode()
	if err := settle(ctx, cfg, opts.Region); err != nil {
		return err
	}

	// Cold: a fresh server for every request, so no result is cached.
	var cold []time.Duration
	for range opts.Samples {
		svc, err := app.StartWith(ctx, cfg, setup, "127.0.0.1:0", quiet)
		if err != nil {
			return err
		}
		d, err := timeGet(client, svc.URL+overview)
		svc.Close()
		if err != nil {
			return err
		}
		cold = append(cold, d)
	}

	svc, err := app.StartWith(ctx, cfg, setup, "127.0.0.1:0", quiet)
	if err != nil {
		return err
	}
	defer svc.Close()
	if _, err := timeGet(client, svc.URL+overview); err != nil { // fills the cache
		return err
	}
	var warm []time.Duration
	for range opts.Samples {
		d, err := timeGet(client, svc.URL+overview)
		if err != nil {
			return err
		}
		warm = append(warm, d)
	}

	fmt.Fprintf(out, "%s_cold_p50_ms=%.1f\n%s_cold_p99_ms=%.1f\n", name, ms(pct(cold, 50)), name, ms(pct(cold, 99)))
	fmt.Fprintf(out, "%s_warm_p50_ms=%.1f\n%s_warm_p99_ms=%.1f\n", name, ms(pct(warm, 50)), name, ms(pct(warm, 99)))
	if opts.Duration <= 0 {
		return nil
	}

	// API load: every client asks for the summary and two breakdowns in turn.
	paths := []string{"/api/v1/summary?" + q.Encode(), "/api/v1/breakdown?by=area&" + q.Encode(), "/api/v1/breakdown?by=month&" + q.Encode()}
	var done, failed atomic.Int64
	deadline := time.Now().Add(opts.Duration)
	var wg sync.WaitGroup
	for c := range opts.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; time.Now().Before(deadline); i++ {
				if _, err := timeGet(client, svc.URL+paths[i%len(paths)]); err != nil {
					failed.Add(1)
					continue
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()

	fmt.Fprintf(out, "api_rps=%.0f\napi_errors=%d\n", float64(done.Load())/opts.Duration.Seconds(), failed.Load())
	return nil
}

// timeGet fetches url, reading the whole body, and fails on any status but 200.
func timeGet(client *http.Client, url string) (time.Duration, error) {
	start := time.Now()
	resp, err := client.Get(url)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return time.Since(start), nil
}

// pct is the p-th percentile of ds (nearest rank).
func pct(ds []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s)-1, i-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
