// Command tradestat loads trading-platform exports into ClickHouse and serves the statistics
// dashboard. See app for the subcommands.
package main

import (
	"os"

	"tradestat/app"
)

func main() {
	os.Exit(app.Main(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}
