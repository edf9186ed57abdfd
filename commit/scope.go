package commit

import (
	"context"
	"fmt"

	"tradestat"
	"tradestat/division"
	"tradestat/ingest"
)

// A load made for a region may create lots in it and replace lots whose current version is in
// it, nothing else. A lot's identity (project code and lot code) is the same in every region,
// so a row of a county's file that carries another county's codes would otherwise move that
// lot into the county with any amount, or cancel it. Such a row is rejected, and the reason
// names the rule, not the other lot: its place and amount are not the loader's to see.

// rejectOutside rejects the staged rows whose lot's current version lies outside the loader's
// region, removes them from the stage and returns how many rows it rejected. It runs under
// the write lease, so no other load moves a lot between the check and the move.
func (l *Loader) rejectOutside(ctx context.Context, st *stage, rep *ingest.Report, rejects func(ingest.Reject) error) (int, error) {
	codes, all := tradestat.Filter{}.Places(l.region)
	if all {
		return 0, nil
	}
	// The current version of each staged lot that deals holds, read by argMax rather than
	// FINAL so that the filter on its place applies to the current version alone.
	outside := `SELECT project_code, lot_code FROM (
			SELECT project_code, lot_code, argMax(place_code, version) AS p FROM deals
			WHERE (project_code, lot_code) IN (SELECT project_code, lot_code FROM ` + st.table + `)
			GROUP BY project_code, lot_code)
		WHERE NOT has(?, p)`
	p := rep.Lang.Printer()
	return l.setAside(ctx, st.table, outside, codes, rep, rejects,
		p.T("a lot with these codes is already loaded for a trading place outside %s; a load for %s may only add lots in it or change its own", l.region.Name(), l.region.Name()))
}

// setAside rejects the rows of a staging table whose section outside (a SELECT
// of project_code, lot_code bound to the region's place codes) names, each with reason and
// the codes as its value, in file order, and removes them from the table. It returns how many
// rows it rejected.
func (l *Loader) setAside(ctx context.Context, table, outside string, codes []string, rep *ingest.Report,
	rejects func(ingest.Reject) error, reason string) (int, error) {
	rows, err := l.conn.Query(ctx, `SELECT source_row, project_code, lot_code FROM `+table+`
		WHERE (project_code, lot_code) IN (`+outside+`) ORDER BY source_row`, codes)
	if err != nil {
		return 0, fmt.Errorf("check the load against its region: %w", err)
	}
	defer rows.Close()
	p := rep.Lang.Printer()
	n := 0
	for rows.Next() {
		var row uint32
		var project, lot string
		if err := rows.Scan(&row, &project, &lot); err != nil {
			return 0, fmt.Errorf("check the load against its region: %w", err)
		}
		n++
		r := ingest.Reject{File: rep.File, Row: int(row), Column: p.T("project code / lot code"), Value: project + " / " + lot, Reason: reason}
		if err := rep.Refuse(r, rejects); err != nil {
			return 0, err
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("check the load against its region: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	// The stage keeps the other rows: copied into a table of their own, made as the stage
	// was, that takes its name (a mutation of the stage would read the table it rewrites).
	kept := table + "_kept"
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"DROP TABLE IF EXISTS " + kept, nil},
		{"CREATE TABLE " + kept + " AS " + table, nil},
		{"INSERT INTO " + kept + " SELECT * FROM " + table + " WHERE (project_code, lot_code) NOT IN (" + outside + ")", []any{codes}},
		{"DROP TABLE " + table, nil},
		{"RENAME TABLE " + kept + " TO " + table, nil},
	} {
		if err := l.conn.Exec(ctx, q.sql, q.args...); err != nil {
			return 0, fmt.Errorf("set aside the rows outside the region: %w", err)
		}
	}
	return n, nil
}

// placeCondition is the condition (" AND …", or "" for every place) and its arguments that
// keep the rows of f's places within region r.
func placeCondition(f tradestat.Filter, r division.Region) (string, []any) {
	codes, all := f.Places(r)
	if all {
		return "", nil
	}
	return " AND has(?, place_code)", []any{codes}
}
