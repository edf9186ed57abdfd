// Command loadtest drives a running `tradestat serve` with mixed traffic for make loadtest
// (see internal/loadtest).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"tradestat/internal/loadtest"
)

func main() {
	var o loadtest.Options
	flag.StringVar(&o.URL, "url", "http://127.0.0.1:18090", "the server")
	flag.IntVar(&o.Clients, "clients", 100, "concurrent clients")
	flag.DurationVar(&o.Duration, "duration", time.Minute, "how long to measure")
	flag.DurationVar(&o.Warmup, "warmup", 2*time.Minute, "traffic before measuring")
	flag.StringVar(&o.User, "user", "", "sign in as this analyst (password from LOADTEST_PASSWORD)")
	flag.IntVar(&o.PID, "pid", 0, "the server's process ID, for its memory and CPU time")
	flag.IntVar(&o.DatabasePID, "db-pid", 0, "the ClickHouse server's process ID, for its CPU time")
	flag.DurationVar(&o.Alone, "alone", 0, "run each kind of traffic alone this long after the mix, for its own cost (0: not)")
	flag.DurationVar(&o.Think, "think", time.Second, "mean pause between a client's requests (0: none)")
	flag.DurationVar(&o.Knee, "knee", 0, "with -think 0: find the rate at which p99 crosses the target, 1, 2, 4 … clients this long each (0: not)")
	flag.BoolVar(&o.OwnAccounts, "own-accounts", false, "client i signs in as USER-i (USER-CODE-i for a region's), an account of its own")
	regions := flag.String("regions", "", "comma-separated division codes with an analyst account USER-CODE each (same password), limited to that region")
	flag.Parse()
	if *regions != "" {
		o.Regions = strings.Split(*regions, ",")
	}
	o.Password = os.Getenv("LOADTEST_PASSWORD")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := loadtest.Run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
	res.Write(os.Stdout, o)
}
