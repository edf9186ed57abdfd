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
	flag.IntVar(&o.PID, "pid", 0, "the server's process ID, for its memory")
	flag.DurationVar(&o.Think, "think", time.Second, "mean pause between a client's requests (0: none)")
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
