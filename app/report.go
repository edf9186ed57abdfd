package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"

	"tradestat"
	"tradestat/division"
	"tradestat/msg"
	"tradestat/query"
	"tradestat/report"
	"tradestat/warehouse"
)

// runReport is `tradestat report`: the figures of a period as sentences to paste into a
// document, one paragraph a line, in the annual or the bulletin style; of a sealed year, of
// the current figures or (--as sealed) the seal's, with a line on stderr saying which.
// cfg is read after the flags are parsed: --database and the rest set it.
func runReport(ctx context.Context, cfg *warehouse.Config, fs *flag.FlagSet, args []string, region func() (division.Region, error), stdout, stderr io.Writer) error {
	style := fs.String("style", "annual", "annual (self-evaluation report) or bulletin (monthly bulletin)")
	as := fs.String("as", "current", "current figures, or sealed: those of the seal (定稿) over the period")
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
	store, done, err := openStore(ctx, cfg, region)
	if err != nil {
		return err
	}
	defer done()
	r := store.Region()
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
	figures, note, err := chosenFigures(ctx, store, f, *as, msg.Chinese)
	if err != nil {
		return err
	}
	in, err := report.Gather(ctx, figures, f)
	if err != nil {
		return err
	}
	if note != "" {
		fmt.Fprintln(stderr, note)
	}
	for _, s := range report.Sentences(st, in) {
		fmt.Fprintln(stdout, s)
	}
	return nil
}

// openStore opens the warehouse cfg names and a store of the region reading it; done closes
// the connection.
func openStore(ctx context.Context, cfg *warehouse.Config, region func() (division.Region, error)) (store *query.Store, done func() error, err error) {
	r, err := region()
	if err != nil {
		return nil, nil, err
	}
	conn, err := warehouse.Open(ctx, *cfg)
	if err != nil {
		return nil, nil, err
	}
	return query.New(conn, r), conn.Close, nil
}

// chosenFigures is the figures a command asks for with --as: the current ones ("current"),
// or those of the seal in force over f ("sealed"; refused when none covers it); with what
// the output says of the seal in force (report.SealNote, in l), "" when none covers f.
func chosenFigures(ctx context.Context, store *query.Store, f query.Filter, as string, l msg.Lang) (query.Figures, string, error) {
	if as != "current" && as != "sealed" {
		return nil, "", tradestat.FailWith(tradestat.Invalid, errUsage, "--as %q: want current or sealed", as)
	}
	figures, a, err := store.Choose(ctx, f, as == "sealed")
	if err != nil || a == nil {
		return figures, "", err
	}
	return figures, report.SealNote(l, a.Seal, a.Sealed, a.Current, as == "sealed"), nil
}
