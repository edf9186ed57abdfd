package query

import (
	"context"
	"fmt"
	"strings"
	"time"

	"tradestat"
)

// AuditEntry is one row of the audit log, for the admin page.
type AuditEntry struct {
	At                                            time.Time // Asia/Shanghai
	User, Role, IP, Action, Path, Filters, Detail string
	Status                                        uint16
	Region                                        string // the account's region; "" for the whole region
}

// AuditLog reads the newest limit entries of the audit log, newest first (entries of one
// second in a fixed order, the same on every engine): of an account's store, those of
// accounts limited to its region or a division within it. It is not cached: the log grows
// without a load.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	within, args := s.withinRegion()
	rows, err := s.conn.Query(ctx, `SELECT at, user_name, role, ip, action, path, filters, detail, status, region
		FROM audit_log `+within+` ORDER BY at DESC, user_name, role, ip, action, path, filters, detail, status, region LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.At, &e.User, &e.Role, &e.IP, &e.Action, &e.Path, &e.Filters, &e.Detail, &e.Status, &e.Region); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		e.At = e.At.In(tradestat.Shanghai)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Batch is one loaded file as ingest_batches records it: what came in and what became of
// every row (Read = Loaded + Rejected + Skipped + Duplicates).
type Batch struct {
	ID, File, SHA256                            string
	Size                                        uint64
	Demo                                        bool
	Finished                                    time.Time // Asia/Shanghai
	Read, Loaded, Rejected, Skipped, Duplicates uint64
	Region                                      string // the division the lots had to lie in; "" before loads recorded it
	// Withdrawn: taken back (tradestat batch withdraw); Withdrawable: it can be, its replaced
	// versions having been kept.
	Withdrawn, Withdrawable bool
}

// RecentBatches reads the newest limit loads, newest first, for the ingest status page: of
// an account's store, the loads made for its region or a division within it.
func (s *Store) RecentBatches(ctx context.Context, limit int) ([]Batch, error) {
	within, args := s.withinRegion()
	rows, err := s.conn.Query(ctx, `SELECT batch_id, file_name, sha256, file_size, demo, finished_at,
		rows_read, loaded, rejected, skipped, duplicates, region, versions,
		batch_id GLOBAL IN (SELECT batch_id FROM batch_withdrawals)
		FROM ingest_batches `+within+` ORDER BY finished_at DESC, batch_id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("recent loads: %w", err)
	}
	defer rows.Close()
	var out []Batch
	for rows.Next() {
		var b Batch
		var demo, versions, withdrawn uint8
		if err := rows.Scan(&b.ID, &b.File, &b.SHA256, &b.Size, &demo, &b.Finished,
			&b.Read, &b.Loaded, &b.Rejected, &b.Skipped, &b.Duplicates, &b.Region, &versions, &withdrawn); err != nil {
			return nil, fmt.Errorf("recent loads: %w", err)
		}
		b.Demo, b.Finished = demo == 1, b.Finished.In(tradestat.Shanghai)
		b.Withdrawn, b.Withdrawable = withdrawn == 1, versions == 1 && withdrawn == 0
		out = append(out, b)
	}
	return out, rows.Err()
}

// IngestTotals are what every load so far came to, as ingest_batches records them.
type IngestTotals struct {
	Files                                       uint64
	Read, Loaded, Rejected, Skipped, Duplicates uint64
}

// Ingested reads the ingest totals, for the metrics. Not cached: a scrape wants them now.
func (s *Store) Ingested(ctx context.Context) (IngestTotals, error) {
	var t IngestTotals
	err := s.conn.QueryRow(ctx, `SELECT count(), sum(rows_read), sum(loaded), sum(rejected), sum(skipped), sum(duplicates)
		FROM ingest_batches`).Scan(&t.Files, &t.Read, &t.Loaded, &t.Rejected, &t.Skipped, &t.Duplicates)
	if err != nil {
		return t, fmt.Errorf("ingest totals: %w", err)
	}
	return t, nil
}

// withinRegion is the WHERE clause that keeps, for an account's store, the rows whose region
// column names its region or a division within it (current codes, as accounts and loads
// record them), and nothing for the deployment's store, which reads every row.
func (s *Store) withinRegion() (string, []any) {
	if !s.scoped {
		return "", nil
	}
	ds := s.region.Root().Descendants()
	args := make([]any, len(ds))
	for i, d := range ds {
		args[i] = d.Code
	}
	return "WHERE region IN (" + strings.Repeat("?, ", len(args)-1) + "?)", args
}
