package app

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"tradestat"
	"tradestat/division"
	"tradestat/evaluation"
	"tradestat/msg"
	"tradestat/query"
	"tradestat/warehouse"
)

// readTargets reads a targets file for the self-evaluation table.
func readTargets(path string) ([]evaluation.Indicator, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ins, err := evaluation.ParseTargets(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ins, nil
}

// runEvaluation is `tradestat evaluation --year YYYY [--targets FILE] [--out FILE] [--as
// sealed]`: the performance self-evaluation table of a year, written as XLSX, marked 已定稿
// under the table when a seal covers the year.
// cfg is read after the flags are parsed: --database and the rest set it.
func runEvaluation(ctx context.Context, cfg *warehouse.Config, fs *flag.FlagSet, args []string, lang func() (msg.Lang, error), region func() (division.Region, error), stdout io.Writer) error {
	year := fs.Int("year", 0, "the year evaluated")
	targetsFile := fs.String("targets", "", "targets file (CSV; default: tradestat's own, evaluation/targets.csv)")
	out := fs.String("out", "", "the XLSX to write (default: 绩效自评表-YEAR.xlsx, or self-evaluation-YEAR.xlsx with --lang en)")
	as := fs.String("as", "current", "current figures, or sealed: those of the year's seal (定稿)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	l, err := lang()
	if err != nil {
		return err
	}
	if *year < 1990 || *year > 2100 {
		return tradestat.FailWith(tradestat.Invalid, errUsage, "--year: want a year between 1990 and 2100")
	}
	var ins []evaluation.Indicator
	if *targetsFile != "" {
		ins, err = readTargets(*targetsFile)
	} else {
		ins, err = evaluation.ParseTargets(bytes.NewReader(evaluation.DefaultTargets))
	}
	if err != nil {
		return err
	}
	store, done, err := openStore(ctx, cfg, region)
	if err != nil {
		return err
	}
	defer done()
	f := query.Filter{}
	f.From.Year, f.From.Month, f.From.Day = *year, 1, 1
	f.To.Year, f.To.Month, f.To.Day = *year, 12, 31
	figures, note, err := chosenFigures(ctx, store, f, *as, l)
	if err != nil {
		return err
	}
	t, err := figures.Summary(ctx, f)
	if err != nil {
		return err
	}
	path := *out
	if path == "" {
		path = fmt.Sprintf("%s-%d.xlsx", l.T("self-evaluation"), *year) // 绩效自评表-2021.xlsx
	}
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	// The table of the region served: the file's rows for it, or, without any, the actual
	// values unjudged — never another area's targets.
	var notes []string
	if note != "" {
		notes = append(notes, note)
	}
	r := store.Region()
	rows := evaluation.For(ins, r.Code(), true)
	if rows == nil {
		rows = evaluation.Unjudged(ins)
		notes = append(notes, l.T("the targets file sets no targets for %s: the table lists the actual values without judging them", r.Name()))
	}
	err = evaluation.WriteXLSX(file, l, l.T("%d performance self-evaluation table", *year), notes, evaluation.Evaluate(rows, t))
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Fprintln(stdout, l.T("wrote %s", path))
	return nil
}
