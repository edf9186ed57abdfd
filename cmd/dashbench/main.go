// Command dashbench measures the dashboard over a loaded database; make bench-dashboard runs
// it (deploy/bench-dashboard.sh).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"tradestat/division"
	"tradestat/internal/dashbench"
	"tradestat/warehouse"
)

func main() {
	cfg := warehouse.ConfigFromEnv(os.Getenv)
	opts := dashbench.Options{}
	flag.StringVar(&cfg.Database, "database", cfg.Database, "database to measure")
	flag.IntVar(&opts.Samples, "samples", 200, "page requests per measure")
	flag.StringVar(&opts.Page, "page", "/", "the page measured: / (the overview) or /competition")
	flag.IntVar(&opts.Clients, "clients", 32, "concurrent API clients")
	flag.DurationVar(&opts.Duration, "duration", 10*time.Second, "length of the API load (0: none)")
	flag.IntVar(&opts.Year, "year", 0, "the year the overview shows (0: the latest)")
	region := flag.String("region", "530500", "the region served (a GB/T 2260 code; 000000 for the country)")
	flag.StringVar(&opts.Area, "area", "", "the area the overview shows (a division code within the region; empty for the whole region)")
	flag.Parse()
	tree, err := division.China()
	if err == nil {
		opts.Region, err = tree.Region(*region)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dashbench:", err)
		os.Exit(2)
	}
	if err := dashbench.Run(context.Background(), cfg, opts, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "dashbench:", err)
		os.Exit(1)
	}
}
