package ingest

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"tradestat/money"
)

// Inspect is --dry-run: it prints how src would be read — the format, each table's header row,
// the column mapping with units, the columns ignored — and the first n data rows as they would
// be loaded or rejected. It writes nothing to the database.
func Inspect(src Source, opts Options, w io.Writer, n int) error {
	ft, err := openTables(src, opts)
	if err != nil {
		return err
	}
	defer ft.Close()
	fmt.Fprintf(w, "file: %s (%s)\n", src.Name, ft.format)
	types, known := typeAliases(), aliases()
	for _, t := range ft.tables {
		if t.Sheet() != "" {
			fmt.Fprintf(w, "\nsheet %s:\n", t.Sheet())
		}
		conv, err := findHeader(t, src.Name, known, opts)
		if err != nil {
			fmt.Fprintf(w, "  not read: %v\n", err)
			continue
		}
		conv.types = types
		fmt.Fprintf(w, "  header row: %d\n  columns:\n", conv.l.headerLine)
		for _, c := range conv.l.columns {
			unit := ""
			if c.field.isMoney() {
				unit = " [元]"
				if c.unit == money.Wan {
					unit = " [万元]"
				}
			}
			fmt.Fprintf(w, "    %-24s → %s%s\n", c.header, c.field, unit)
		}
		if opts.Place != "" && conv.l.at[fPlace] < 0 {
			fmt.Fprintf(w, "    (no place column)        → place %s from --place\n", opts.Place)
		}
		if len(conv.l.ignored) > 0 {
			fmt.Fprintf(w, "  ignored: %s\n", strings.Join(conv.l.ignored, ", "))
		}
		fmt.Fprintf(w, "  first rows:\n")
		for shown := 0; shown < n; {
			rec, line, err := t.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			shown++
			if err != nil {
				fmt.Fprintf(w, "    row %d: rejected: not valid CSV: %v\n", line, err)
				continue
			}
			if conv.classify(rec) == rowSkipped {
				fmt.Fprintf(w, "    row %d: skipped (blank, summary or note)\n", line)
				continue
			}
			lot, rej := conv.lot(rec, line)
			if rej != nil {
				fmt.Fprintf(w, "    row %d: rejected: %s\n", line, rej.Error())
				continue
			}
			online := "否"
			if lot.Online {
				online = "是"
			}
			fmt.Fprintf(w, "    row %d: %s | %s | %s | %s | 成交 %s元 | 预算 %s元 | 起始价 %s元 | 节约 %s元 | 增价 %s元 | 不见面开标 %s\n",
				line, lot.ID(), lot.Type, lot.PlaceCode, lot.DealDate, lot.Amount.Yuan(), lot.Budget.Yuan(),
				lot.Reserve.Yuan(), lot.Savings().Yuan(), lot.Premium().Yuan(), online)
		}
	}
	fmt.Fprintln(w, "\ndry run: nothing was loaded")
	return nil
}

// Check tells, from its first rows, whether src is a file the worker can read at all: CSV or
// XLSX (not a legacy .xls, not some other binary), with a row naming at least three known
// columns in one of its tables. The dashboard checks uploads with it, so that a picture or a
// PDF is refused at once with the worker's own reason. Whether every needed column is there
// is left to the load, whose report says so: the worker may be told --place or --mapping.
func Check(src Source, opts Options) error {
	ft, err := openTables(src, opts)
	if err != nil {
		return err
	}
	defer ft.Close()
	known := aliases()
	for _, t := range ft.tables {
		for i := 0; i < maxHeaderSearch; i++ {
			rec, _, err := t.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if IsUnreadable(err) {
				return fmt.Errorf("%s: %w", src.Name, err)
			}
			if err != nil {
				continue
			}
			if _, n := matchHeader(rec, known, opts.Mapping); n >= 3 {
				return nil
			}
		}
	}
	return unreadablef("%s: not a transaction export: no row in the first %d names at least three known columns (项目编号, 成交金额, 交易类型 …)", src.Name, maxHeaderSearch)
}
