package commit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
)

// Sealed is a seal just written: a year's figures of an area as a report publishes them, and
// the lot versions they came from.
type Sealed struct {
	ID, Area, Note string
	Year           int
	Lots           uint64
	Amount         money.Fen
	Supersedes     string // the seal in force over the year and area before it, if any
}

// Seal records the figures of year in area (a division within the loader's region; "" for
// the region) for user, with note (the report they went into): every lot that counts now,
// as its current version, into seal_lots, their sums by month, place and type into
// seal_figures, the year's competition figures into seal_competition, then the seal itself,
// so that a seal that exists is complete. Loads wait meanwhile. A year of an area a seal is in force over already (its own or a wider area's)
// is sealed again only on purpose: supersedes must name that seal (a Conflict otherwise,
// naming it), and the new seal records it.
func (l *Loader) Seal(ctx context.Context, year int, area, note, user, supersedes string) (Sealed, error) {
	s := Sealed{ID: fmt.Sprintf("%016x", newBatch()), Year: year, Note: strings.TrimSpace(note)}
	d, err := l.region.Area(area)
	if err != nil {
		return s, refused(tradestat.Invalid, "area %s is no division within %s", area, l.region.Name())
	}
	s.Area = d.Code
	if year < 1990 || year > 2100 {
		return s, refused(tradestat.Invalid, "year %d is outside the years 1990–2100", year)
	}
	if s.Note == "" || len([]rune(s.Note)) > 200 {
		return s, refused(tradestat.Invalid, "a seal needs a note of up to 200 characters: the report its figures went into")
	}
	f := tradestat.Filter{From: tradestat.Date{Year: year, Month: 1, Day: 1}, To: tradestat.Date{Year: year, Month: 12, Day: 31}, Area: d.Code}
	cond, places := placeCondition(f, l.region)
	args := append([]any{s.ID, f.From.String(), f.To.String()}, places...)
	le, err := l.leases.hold(ctx)
	if err != nil {
		return s, err
	}
	defer le.release(ctx)
	if err := l.recoverStopped(ctx); err != nil {
		return s, err
	}
	// Under the lease: of two seals of one period at once, the second sees the first.
	inForce, err := l.sealInForce(ctx, year, d)
	if err != nil {
		return s, err
	}
	switch {
	case inForce.id != "" && supersedes != inForce.id:
		return s, refused(tradestat.Conflict, "%d of %s is sealed already: seal %s of %s (%s); a new seal replaces it only when it is made to supersede it (admins)",
			year, d.Name, inForce.id, inForce.at, inForce.note)
	case inForce.id == "" && supersedes != "":
		return s, refused(tradestat.Conflict, "seal %s is not in force over %d of %s: there is nothing to supersede", supersedes, year, d.Name)
	}
	s.Supersedes = inForce.id
	// The copy reads every lot of the table (deals FINAL) and writes a year's: with the
	// server's defaults it squashes up to a million rows into one block before writing and
	// reads each column through a megabyte buffer per part, which for a national year holds
	// many times what the copy needs. Small blocks and buffers bound it without slowing it;
	// the sums group hundreds of thousands of month × place × type groups, which past 20 MB
	// are grouped on disk (make bench-seal and docs/seals.md give the figures). Logged by the
	// server whatever its own setting: a
	// seal is rare, and what it cost is then in system.query_log, where make bench-seal
	// reads it.
	logged := clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{
		"log_queries":                        1,
		"max_block_size":                     8192,
		"max_read_buffer_size":               128 << 10,
		"min_insert_block_size_rows":         65536,
		"min_insert_block_size_bytes":        8 << 20,
		"max_bytes_before_external_group_by": 20 << 20,
	}))
	if err := l.conn.Exec(logged, `INSERT INTO seal_lots (seal_id, project_code, lot_code, name, trade_type, place_code, deal_date,
			budget_fen, reserve_fen, amount_fen, savings_fen, premium_fen, online, batch_id, version)
		SELECT ?, project_code, lot_code, name, trade_type, place_code, deal_date, budget_fen, reserve_fen, amount_fen,
			savings_fen, premium_fen, online, batch_id, version
		FROM deals FINAL WHERE deal_date >= toDate(?) AND deal_date <= toDate(?) AND cancelled = 0`+cond, args...); err != nil {
		return s, fmt.Errorf("seal %d %s: %w", year, d.Code, err)
	}
	tender, auction := tradestat.TypeNames(tradestat.Tender), tradestat.TypeNames(tradestat.Auction)
	if err := l.conn.Exec(logged, `INSERT INTO seal_figures (seal_id, deal_date, place_code, trade_type, `+strings.Join(figureColumns(), ", ")+`)
		SELECT ?, toStartOfMonth(deal_date) AS month, place_code, trade_type, `+dailySums+`
		FROM seal_lots WHERE seal_id = ? GROUP BY month, place_code, trade_type`, s.ID, tender, auction, tender, auction, s.ID); err != nil {
		return s, fmt.Errorf("seal %d %s: %w", year, d.Code, err)
	}
	// The competition figures of the year as the rollup has them now, under the lease: a
	// section counts in its opening year, which need not be its record's.
	comp, _, _ := competitionSums()
	summed := make([]string, len(comp))
	for i, c := range comp {
		summed[i] = "sum(" + c + ")"
	}
	if err := l.conn.Exec(logged, `INSERT INTO seal_competition (seal_id, deal_date, place_code, trade_type, bidders, `+strings.Join(comp, ", ")+`)
		SELECT ?, deal_date, place_code, trade_type, bidders, `+strings.Join(summed, ", ")+`
		FROM competition_monthly WHERE deal_date >= toDate(?) AND deal_date <= toDate(?)`+cond+`
		GROUP BY deal_date, place_code, trade_type, bidders HAVING sum(sections) != 0`, args...); err != nil {
		return s, fmt.Errorf("seal %d %s: %w", year, d.Code, err)
	}
	var amount int64
	if err := l.conn.QueryRow(ctx, "SELECT count(), sum(amount_fen) FROM seal_lots WHERE seal_id = ?", s.ID).Scan(&s.Lots, &amount); err != nil {
		return s, fmt.Errorf("seal %d %s: %w", year, d.Code, err)
	}
	s.Amount = money.Fen(amount)
	b, err := l.conn.PrepareBatch(ctx, "INSERT INTO seals (seal_id, year, area, note, sealed_at, user_name, region, lots, amount_fen, supersedes, competition)")
	if err != nil {
		return s, fmt.Errorf("seal %d %s: %w", year, d.Code, err)
	}
	defer b.Close()
	if err := b.Append(s.ID, uint16(year), s.Area, s.Note, l.now(), user, l.region.Code(), s.Lots, amount, s.Supersedes, uint8(1)); err != nil {
		return s, fmt.Errorf("seal %d %s: %w", year, d.Code, err)
	}
	if err := b.Send(); err != nil {
		return s, fmt.Errorf("seal %d %s: %w", year, d.Code, err)
	}
	return s, nil
}

// Detail is what the audit log records of the seal.
func (s Sealed) Detail() string {
	d := fmt.Sprintf("%s %d %s %s: %d lots, %s万元", s.ID, s.Year, s.Area, s.Note, s.Lots, s.Amount.Wan())
	if s.Supersedes != "" {
		d += ", supersedes " + s.Supersedes
	}
	return d
}

// sealHead is what a refusal says of a seal.
type sealHead struct{ id, at, note string }

// sealInForce is the seal in force over year of area: the newest not revoked of that year
// whose area holds area (its own, its city's, its province's).
func (l *Loader) sealInForce(ctx context.Context, year int, area *division.Division) (sealHead, error) {
	rows, err := l.conn.Query(ctx, `SELECT seal_id, area, sealed_at, note FROM seals
		WHERE year = ? AND seal_id GLOBAL NOT IN (SELECT seal_id FROM seal_revocations) ORDER BY sealed_at DESC, seal_id`, uint16(year))
	if err != nil {
		return sealHead{}, fmt.Errorf("seals of %d: %w", year, err)
	}
	defer rows.Close()
	for rows.Next() {
		var h sealHead
		var code string
		var at time.Time
		if err := rows.Scan(&h.id, &code, &at, &h.note); err != nil {
			return sealHead{}, fmt.Errorf("seals of %d: %w", year, err)
		}
		h.at = at.In(tradestat.Shanghai).Format("2006-01-02 15:04")
		if d, ok := l.region.Tree().Code(code); ok && area.Within(d) {
			return h, nil
		}
	}
	return sealHead{}, rows.Err()
}

// Revoke marks seal id revoked by user. The seal and its lots stay, as does the revocation.
func (l *Loader) Revoke(ctx context.Context, id, user string) error {
	var area string
	var n, revoked uint64
	if err := l.conn.QueryRow(ctx, `SELECT (SELECT count() FROM seals WHERE seal_id = ?), (SELECT any(area) FROM seals WHERE seal_id = ?),
		(SELECT count() FROM seal_revocations WHERE seal_id = ?)`, id, id, id).Scan(&n, &area, &revoked); err != nil {
		return fmt.Errorf("revoke seal %s: %w", id, err)
	}
	if n == 0 {
		return refused(tradestat.NotFound, "there is no seal %s", id)
	}
	// Another region's seal is refused before anything is said of it.
	if d, ok := l.region.Tree().Code(area); !ok || !d.Within(l.region.Root()) {
		return refused(tradestat.Forbidden, "seal %s is not of %s: an account may revoke only the seals of its region", id, l.region.Name())
	}
	if revoked > 0 {
		return refused(tradestat.Conflict, "seal %s was revoked already", id)
	}
	b, err := l.conn.PrepareBatch(ctx, "INSERT INTO seal_revocations (seal_id, at, user_name)")
	if err != nil {
		return fmt.Errorf("revoke seal %s: %w", id, err)
	}
	defer b.Close()
	if err := b.Append(id, l.now(), user); err != nil {
		return fmt.Errorf("revoke seal %s: %w", id, err)
	}
	return b.Send()
}
