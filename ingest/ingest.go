// Package ingest loads transaction files into ClickHouse. It validates every row, accounts for
// every row (loaded, rejected with a reason, skipped as blank or summary, or merged as a
// duplicate) and holds all of tradestat's writing SQL.
package ingest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat"
)

// DefaultBatchSize bounds how many rows one INSERT carries, and so the client's memory.
const DefaultBatchSize = 20000

// Loader writes lots into the lots table and records each file in ingest_batches.
type Loader struct {
	conn      driver.Conn
	batchSize int
	now       func() time.Time
}

// NewLoader returns a Loader writing through conn.
func NewLoader(conn driver.Conn) *Loader {
	return &Loader{conn: conn, batchSize: DefaultBatchSize, now: time.Now}
}

// Source is one file to load.
type Source struct {
	Name string    // shown in reports and stored with every lot; the base name of a path
	Body io.Reader // the file's bytes
	Demo bool      // marks the synthetic demo dataset, which the dashboard labels 示例数据
}

// LoadFile loads the file at path.
func (l *Loader) LoadFile(ctx context.Context, path string) (Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return Report{File: path}, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	return l.Load(ctx, Source{Name: filepath.Base(path), Body: f})
}

// Load reads src, loads its valid lots and records the batch. An error means the file could
// not be read or written at all; row problems are in the Report's Rejects.
func (l *Loader) Load(ctx context.Context, src Source) (Report, error) {
	rep := Report{File: src.Name, BatchID: newBatchID()}
	started := l.now()
	data, err := io.ReadAll(src.Body)
	if err != nil {
		return rep, fmt.Errorf("read %s: %w", src.Name, err)
	}
	sum := sha256.Sum256(data)
	rep.Size, rep.SHA256 = int64(len(data)), hex.EncodeToString(sum[:])
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))

	p, err := parseCanonical(src.Name, bytes.NewReader(data))
	if err != nil {
		return rep, err
	}
	rep.Read, rep.Skipped, rep.Duplicates = p.read, p.skipped, p.duplicates
	rep.Rejects, rep.Rejected, rep.IgnoredColumns = p.rejects, len(p.rejects), p.ignored

	// The version orders loads of the same lot: the newest load wins (ReplacingMergeTree).
	version := uint64(started.UnixNano())
	if err := l.insertLots(ctx, p.lots, rep.BatchID, version); err != nil {
		return rep, fmt.Errorf("load %s: %w", src.Name, err)
	}
	rep.Loaded = len(p.lots)
	if err := l.insertBatch(ctx, rep, src.Demo, started, l.now()); err != nil {
		return rep, fmt.Errorf("load %s: %w", src.Name, err)
	}
	return rep, nil
}

func newBatchID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

const insertLotsSQL = `INSERT INTO lots (lot_id, project_code, lot_code, name, trade_type, family,
	place_code, region_code, deal_date, budget_fen, reserve_fen, amount_fen, savings_fen,
	premium_fen, online, source_file, source_row, batch_id, version)`

// insertLots writes lots in bounded batches. The columns are named: 18.16 refuses a batch
// without them (GUIDE §5).
func (l *Loader) insertLots(ctx context.Context, lots []tradestat.Lot, batchID string, version uint64) error {
	for start := 0; start < len(lots); start += l.batchSize {
		end := min(start+l.batchSize, len(lots))
		if err := l.insertChunk(ctx, lots[start:end], batchID, version); err != nil {
			return err
		}
	}
	return nil
}

func (l *Loader) insertChunk(ctx context.Context, lots []tradestat.Lot, batchID string, version uint64) error {
	batch, err := l.conn.PrepareBatch(ctx, insertLotsSQL)
	if err != nil {
		return fmt.Errorf("prepare insert: %w", err)
	}
	defer batch.Close()
	for _, lot := range lots {
		var online uint8
		if lot.Online {
			online = 1
		}
		d := lot.DealDate
		err := batch.Append(lot.ID(), lot.ProjectCode, lot.LotCode, lot.Name, string(lot.Type),
			string(lot.Type.Family()), lot.PlaceCode, lot.RegionCode,
			time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC),
			int64(lot.Budget), int64(lot.Reserve), int64(lot.Amount), int64(lot.Savings()),
			int64(lot.Premium()), online, lot.SourceFile, uint32(lot.SourceRow), batchID, version)
		if err != nil {
			return fmt.Errorf("row %d: %w", lot.SourceRow, err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("insert lots: %w", err)
	}
	return nil
}

func (l *Loader) insertBatch(ctx context.Context, rep Report, demo bool, started, finished time.Time) error {
	batch, err := l.conn.PrepareBatch(ctx, `INSERT INTO ingest_batches (batch_id, file_name,
		file_size, sha256, demo, started_at, finished_at, rows_read, loaded, rejected, skipped, duplicates)`)
	if err != nil {
		return fmt.Errorf("prepare batch record: %w", err)
	}
	defer batch.Close()
	var d uint8
	if demo {
		d = 1
	}
	if err := batch.Append(rep.BatchID, rep.File, uint64(rep.Size), rep.SHA256, d, started, finished,
		uint64(rep.Read), uint64(rep.Loaded), uint64(rep.Rejected), uint64(rep.Skipped),
		uint64(rep.Duplicates)); err != nil {
		return fmt.Errorf("batch record: %w", err)
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("insert batch record: %w", err)
	}
	return nil
}
