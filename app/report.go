package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"

	"tradestat"
	"tradestat/division"
	"tradestat/query"
	"tradestat/report"
	"tradestat/warehouse"
)

// runReport is `tradestat report`: the figures of a period as sentences to paste into a
// document, one paragraph a line, in the annual or the bulletin style.
// cfg is read after the flags are parsed: --database and the rest set it.
func runReport(ctx context.Context, cfg *warehouse.Config, fs *flag.FlagSet, args []string, region func() (division.Region, error), stdout io.Writer) error {
	style := fs.String("style", "annual", "annual (self-evaluation report) or bulletin (monthly bulletin)")
	params := map[string]*string{}
	for _, k := range tradestat.ViewKeys() {
		params[k] = fs.String(k, "", k+" (as in the dashboard's URL; from/to as YYYY-MM-DD)")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := report.ParseStyle(*style)
	if err != nil {
		return err
	}
	conn, err := warehouse.Open(ctx, *cfg)
	if err != nil {
		return err
	}
	defer conn.Close()
	r, err := region()
	if err != nil {
		return err
	}
	store := query.New(conn, r)
	values := url.Values{}
	for k, v := range params {
		if *v != "" {
			values.Set(k, *v)
		}
	}
	f, err := tradestat.ParseFilter(values, r, func() (tradestat.Date, tradestat.Date, error) { return store.Period(ctx) })
	if err != nil {
		return err
	}
	in, err := report.Gather(ctx, store, f)
	if err != nil {
		return err
	}
	for _, s := range report.Sentences(st, in) {
		fmt.Fprintln(stdout, s)
	}
	return nil
}
