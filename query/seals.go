package query

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
)

// Seal is a sealed period (定稿): the figures of a year of an area as a report published
// them, kept with the lot versions they came from (commit.Loader.Seal).
type Seal struct {
	ID        string
	Year      int
	Area      string // division code
	Note      string
	At        time.Time // Asia/Shanghai
	User      string
	Lots      uint64
	Amount    money.Fen
	Revoked   bool
	RevokedAt time.Time
	RevokedBy string
	// Competition tells whether the seal recorded the competition figures too: the seals made
	// before they were sealed did not.
	Competition bool
}

// Seals lists the seals, newest first, revoked ones too: of an account's store, those of its
// region, of a division within it or of one that holds it. Cached: seals and revocations
// count in the data's generation.
func (s *Store) Seals(ctx context.Context) ([]Seal, error) {
	return cached(ctx, s, "seals", s.readSeals)
}

func (s *Store) readSeals(ctx context.Context) ([]Seal, error) {
	rows, err := s.conn.Query(ctx, `SELECT seal_id, year, area, note, sealed_at, user_name, lots, amount_fen,
			seal_id GLOBAL IN (SELECT seal_id FROM seal_revocations), competition
		FROM seals ORDER BY sealed_at DESC, seal_id`)
	if err != nil {
		return nil, fmt.Errorf("seals: %w", err)
	}
	defer rows.Close()
	var out []Seal
	for rows.Next() {
		var x Seal
		var year uint16
		var amount int64
		var revoked, competition uint8
		if err := rows.Scan(&x.ID, &year, &x.Area, &x.Note, &x.At, &x.User, &x.Lots, &amount, &revoked, &competition); err != nil {
			return nil, fmt.Errorf("seals: %w", err)
		}
		x.Year, x.Amount, x.Revoked, x.At = int(year), money.Fen(amount), revoked == 1, x.At.In(tradestat.Shanghai)
		x.Competition = competition == 1
		if d, ok := s.region.Tree().Code(x.Area); ok && (d.Within(s.region.Root()) || s.region.Root().Within(d)) {
			out = append(out, x)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("seals: %w", err)
	}
	return out, s.revocations(ctx, out)
}

// revocations fills in who revoked the revoked seals of list, and when.
func (s *Store) revocations(ctx context.Context, list []Seal) error {
	rows, err := s.conn.Query(ctx, "SELECT seal_id, at, user_name FROM seal_revocations")
	if err != nil {
		return fmt.Errorf("seal revocations: %w", err)
	}
	defer rows.Close()
	at := map[string]int{}
	for i, x := range list {
		at[x.ID] = i
	}
	for rows.Next() {
		var id, user string
		var when time.Time
		if err := rows.Scan(&id, &when, &user); err != nil {
			return fmt.Errorf("seal revocations: %w", err)
		}
		if i, ok := at[id]; ok {
			list[i].RevokedAt, list[i].RevokedBy = when.In(tradestat.Shanghai), user
		}
	}
	return rows.Err()
}

// SealFor is the newest seal in force over f: one of f's year, whole (f is the year's 1
// January to 31 December), whose area holds every place f admits.
func (s *Store) SealFor(ctx context.Context, f Filter) (Seal, bool, error) {
	if f.From != (tradestat.Date{Year: f.From.Year, Month: 1, Day: 1}) || f.To != (tradestat.Date{Year: f.From.Year, Month: 12, Day: 31}) {
		return Seal{}, false, nil
	}
	seals, err := s.Seals(ctx)
	if err != nil {
		return Seal{}, false, err
	}
	codes, all := f.Places(s.region)
	for _, x := range seals { // newest first
		if x.Revoked || x.Year != f.From.Year {
			continue
		}
		area, ok := s.region.Tree().Code(x.Area)
		if ok && holds(area, s.region, codes, all) {
			return x, true, nil
		}
	}
	return Seal{}, false, nil
}

// holds tells whether area holds the places a filter admits (all: every place of region).
func holds(area *division.Division, region division.Region, codes []string, all bool) bool {
	if all {
		return region.Root().Within(area)
	}
	for _, c := range codes {
		if d, ok := region.Tree().Code(c); !ok || !d.Within(area) {
			return false
		}
	}
	return true
}

// Against is a view's figures beside the seal in force over it: the seal, the figures it
// recorded and the current ones.
type Against struct {
	Seal            Seal
	Sealed, Current Totals
}

// Choose is the figures of f as asked: the current ones, or (sealed) those of the seal in
// force over f — a NotFound failure when no seal covers f; with the seal in force and both
// summaries, nil when no seal covers f (whose current summary is then not read for it).
func (s *Store) Choose(ctx context.Context, f Filter, sealed bool) (Figures, *Against, error) {
	x, ok, err := s.SealFor(ctx, f)
	switch {
	case err != nil:
		return nil, nil, err
	case !ok && sealed:
		return nil, nil, tradestat.Fail(tradestat.NotFound, "no seal covers this view: seals are of a whole year of an area")
	case !ok:
		return s, nil, nil
	}
	a := &Against{Seal: x}
	if a.Current, err = s.Summary(ctx, f); err != nil {
		return nil, nil, err
	}
	if a.Sealed, err = s.Sealed(x).Summary(ctx, f); err != nil {
		return nil, nil, err
	}
	if sealed {
		return s.Sealed(x), a, nil
	}
	return s, a, nil
}

// Figures are the figures of views as the data has them now (a Store) or as a seal recorded
// them (Store.Sealed): what a report's text is written from.
type Figures interface {
	Region() division.Region
	Summary(ctx context.Context, f Filter) (Totals, error)
	Breakdown(ctx context.Context, f Filter, d Dimension) ([]Row, Totals, error)
}

// Sealed are the figures seal x recorded, for the views it covers: its year, whole, within
// its area. They are read from seal_figures, the seal's sums by month, place and type, and
// cached as long as any result: a seal never changes.
type Sealed struct {
	s    *Store
	seal Seal
}

// Sealed are the figures seal x recorded.
func (s *Store) Sealed(x Seal) Sealed { return Sealed{s, x} }

// Region is the region of the store the seal is read through.
func (x Sealed) Region() division.Region { return x.s.region }

// Seal is the seal whose figures these are.
func (x Sealed) Seal() Seal { return x.seal }

// Summary is the figures of the lots f selects as the seal recorded them.
func (x Sealed) Summary(ctx context.Context, f Filter) (Totals, error) {
	got, err := x.read(ctx, f, "")
	return got[""], err
}

// Breakdown is the sealed figures of f grouped by d, as Store.Breakdown groups the current.
func (x Sealed) Breakdown(ctx context.Context, f Filter, d Dimension) ([]Row, Totals, error) {
	got, err := x.read(ctx, f, d)
	if err != nil {
		return nil, Totals{}, err
	}
	return x.s.rows(f, d, got)
}

// read is the sealed figures of f, by d's key ("": all in one, keyed ""). A view the seal
// does not cover is refused: its sealed figures would be those of part of it.
func (x Sealed) read(ctx context.Context, f Filter, d Dimension) (map[string]Totals, error) {
	if err := x.covers(f); err != nil {
		return nil, err
	}
	return cached(ctx, x.s, fmt.Sprintf("sealed %s %s %+v", x.seal.ID, d, f), func(ctx context.Context) (map[string]Totals, error) {
		key, keyArgs := "''", []any(nil)
		if d != "" {
			key, keyArgs = d.keyExpr()
		}
		where, args := where(f, x.s.region)
		cols, cargs := dailyTotalsColumns()
		rows, err := x.s.conn.Query(ctx, "SELECT "+key+" AS k, "+cols+" FROM seal_figures "+where+" AND seal_id = ? GROUP BY k",
			concat(keyArgs, cargs, args, []any{x.seal.ID})...)
		if err != nil {
			return nil, fmt.Errorf("sealed figures: %w", err)
		}
		defer rows.Close()
		got := map[string]Totals{}
		for rows.Next() {
			var k string
			t, err := scanTotals(rows, &k)
			if err != nil {
				return nil, fmt.Errorf("sealed figures: %w", err)
			}
			got[monthKey(d, k)] = t
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sealed figures: %w", err)
		}
		return got, nil
	})
}

// covers refuses a view the seal does not cover: its sealed figures would be those of part
// of it.
func (x Sealed) covers(f Filter) error {
	year := x.seal.Year
	area, ok := x.s.region.Tree().Code(x.seal.Area)
	codes, all := f.Places(x.s.region)
	if f.From != (tradestat.Date{Year: year, Month: 1, Day: 1}) || f.To != (tradestat.Date{Year: year, Month: 12, Day: 31}) ||
		!ok || !holds(area, x.s.region, codes, all) {
		return fmt.Errorf("seal %s covers %d of %s, not %s–%s of these places", x.seal.ID, year, x.seal.Area, f.From, f.To)
	}
	return nil
}

// CompetitionFigures are the competition figures of views as the data has them now (a Store)
// or as a seal recorded them (Sealed).
type CompetitionFigures interface {
	CompetitionBreakdown(ctx context.Context, f Filter, d Dimension) ([]CompetitionRow, Competition, error)
}

// Competition is the competition figures of the sections f selects as the seal recorded them.
func (x Sealed) Competition(ctx context.Context, f Filter) (Competition, error) {
	_, total, err := x.CompetitionBreakdown(ctx, f, ByType)
	return total, err
}

// CompetitionBreakdown is the sealed competition figures of f grouped by d, read from
// seal_competition as Store.CompetitionBreakdown reads the current ones; of a seal made
// before competition figures were sealed, a NotFound failure saying so.
func (x Sealed) CompetitionBreakdown(ctx context.Context, f Filter, d Dimension) ([]CompetitionRow, Competition, error) {
	if err := x.covers(f); err != nil {
		return nil, Competition{}, err
	}
	if !x.seal.Competition {
		return nil, Competition{}, tradestat.Fail(tradestat.NotFound, "seal %s was made before competition figures were sealed: it recorded the deal figures alone", x.seal.ID)
	}
	w, args := where(f, x.s.region)
	return x.s.competitionBreakdown(ctx, fmt.Sprintf("sealed competition %s %s %+v", x.seal.ID, d, f), f, d,
		"seal_competition "+w+" AND seal_id = ?", append(args, x.seal.ID))
}

// CompetitionAgainst is a view's competition figures beside the seal in force over it: the
// seal and, when it recorded them, its competition figures and the current ones.
type CompetitionAgainst struct {
	Seal            Seal
	Sealed, Current Competition // both zero when the seal did not record them
}

// ChooseCompetition is the competition figures of f as asked, as Choose is the deal figures:
// the current ones, or (sealed) those of the seal in force over f — a NotFound failure when
// no seal covers f or the seal did not record them; with the seal in force, nil when none.
func (s *Store) ChooseCompetition(ctx context.Context, f Filter, sealed bool) (CompetitionFigures, *CompetitionAgainst, error) {
	x, ok, err := s.SealFor(ctx, f)
	switch {
	case err != nil:
		return nil, nil, err
	case !ok && sealed:
		return nil, nil, tradestat.Fail(tradestat.NotFound, "no seal covers this view: seals are of a whole year of an area")
	case !ok:
		return s, nil, nil
	}
	a := &CompetitionAgainst{Seal: x}
	if x.Competition {
		if a.Current, err = s.Competition(ctx, f); err != nil {
			return nil, nil, err
		}
		if a.Sealed, err = s.Sealed(x).Competition(ctx, f); err != nil {
			return nil, nil, err
		}
	}
	if sealed {
		if _, err := s.Sealed(x).Competition(ctx, f); err != nil {
			return nil, nil, err
		}
		return s.Sealed(x), a, nil
	}
	return s, a, nil
}

// LotState is a lot as a seal or the data has it, for the list of changes.
type LotState struct {
	Date   string
	Place  string
	Type   string
	Amount money.Fen
}

// Change is a lot that differs between a seal and the data now: added since, removed since
// (withdrawn, cancelled, moved out of the view), or changed; with the load that made the data
// what it is now.
type Change struct {
	Project, Lot, Name string
	Kind               string // added, removed, changed
	Before, After      LotState
	File               string // the load the lot's current version came from; "" when it has none
	Now                string // for a removed lot still loaded: why it left (cancelled, moved)
}

// maxChanges bounds the changes a list shows; the differences of the figures are exact all
// the same.
const maxChanges = 500

// SealChanges lists the lots f selects that differ between seal x and the data now, in
// project and lot order, at most maxChanges.
func (s *Store) SealChanges(ctx context.Context, x Seal, f Filter) ([]Change, error) {
	sealed, sargs := where(f, s.region)
	now, nargs := dealsWhere(f, s.region)
	rows, err := s.conn.Query(ctx, `SELECT project_code, lot_code, any(name), countIf(side = 0) AS was, countIf(side = 1) AS is,
			anyIf(d, side = 0) AS d0, anyIf(d, side = 1) AS d1, anyIf(place_code, side = 0) AS p0, anyIf(place_code, side = 1) AS p1,
			anyIf(t, side = 0) AS t0, anyIf(t, side = 1) AS t1, anyIf(amount_fen, side = 0) AS a0, anyIf(amount_fen, side = 1) AS a1,
			anyIf(batch_id, side = 1)
		FROM (
			SELECT toUInt8(0) AS side, project_code, lot_code, name, toString(deal_date) AS d, place_code, toString(trade_type) AS t, amount_fen, batch_id
			FROM seal_lots `+sealed+` AND seal_id = ?
			UNION ALL
			SELECT toUInt8(1) AS side, project_code, lot_code, name, toString(deal_date) AS d, place_code, toString(trade_type) AS t, amount_fen, batch_id
			FROM deals FINAL `+now+`)
		GROUP BY project_code, lot_code
		HAVING was != is OR d0 != d1 OR p0 != p1 OR t0 != t1 OR a0 != a1
		ORDER BY project_code, lot_code LIMIT ?`, concat(sargs, []any{x.ID}, nargs, []any{maxChanges})...)
	if err != nil {
		return nil, fmt.Errorf("changes since the seal: %w", err)
	}
	defer rows.Close()
	var out []Change
	batches := map[uint64]bool{}
	var batchOf []uint64
	for rows.Next() {
		var c Change
		var was, is uint64
		var a0, a1 int64
		var batch uint64
		if err := rows.Scan(&c.Project, &c.Lot, &c.Name, &was, &is, &c.Before.Date, &c.After.Date, &c.Before.Place, &c.After.Place,
			&c.Before.Type, &c.After.Type, &a0, &a1, &batch); err != nil {
			return nil, fmt.Errorf("changes since the seal: %w", err)
		}
		c.Before.Amount, c.After.Amount = money.Fen(a0), money.Fen(a1)
		switch {
		case was == 0:
			c.Kind, c.Before = "added", LotState{}
		case is == 0:
			c.Kind, c.After = "removed", LotState{}
		default:
			c.Kind = "changed"
		}
		if is == 0 {
			batch = 0 // found by explainRemoved, if the lot is still loaded
		} else {
			batches[batch] = true
		}
		out = append(out, c)
		batchOf = append(batchOf, batch)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("changes since the seal: %w", err)
	}
	if err := s.explainRemoved(ctx, out, batches, batchOf); err != nil {
		return nil, err
	}
	files, err := s.fileNames(ctx, batches)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].File = files[batchOf[i]] // none for a removed lot no load holds any more
	}
	return out, nil
}

// explainRemoved finds, for the lots that left the view since the seal, their current
// version if any: a cancellation or a move by a later load (whose batch it notes), or none
// (the load that brought it was withdrawn).
func (s *Store) explainRemoved(ctx context.Context, changes []Change, batches map[uint64]bool, batchOf []uint64) error {
	var keys []string
	at := map[string]int{}
	for i, c := range changes {
		if c.Kind == "removed" {
			k := c.Project + "\x00" + c.Lot
			at[k] = i
			keys = append(keys, c.Project)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Strings(keys)
	rows, err := s.conn.Query(ctx, `SELECT project_code, lot_code, batch_id, cancelled, toString(deal_date), place_code
		FROM deals FINAL PREWHERE project_code IN (`+strings.Repeat("?, ", len(keys)-1)+`?)`, anySlice(keys)...)
	if err != nil {
		return fmt.Errorf("changes since the seal: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var project, lot, date, place string
		var batch uint64
		var cancelled uint8
		if err := rows.Scan(&project, &lot, &batch, &cancelled, &date, &place); err != nil {
			return fmt.Errorf("changes since the seal: %w", err)
		}
		i, ok := at[project+"\x00"+lot]
		if !ok {
			continue
		}
		batches[batch], batchOf[i] = true, batch
		switch d, ok := s.region.Tree().Code(place); {
		case cancelled == 1:
			changes[i].Now = "cancelled"
		case !ok || !s.region.Contains(d):
			// Moved out of the store's region: where to and when is another region's to see.
			changes[i].Now = "moved"
		default:
			changes[i].Now = "moved"
			changes[i].After = LotState{Date: date, Place: place}
		}
	}
	return rows.Err()
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, v := range ss {
		out[i] = v
	}
	return out
}

// fileNames names the loads of batches by their files.
func (s *Store) fileNames(ctx context.Context, batches map[uint64]bool) (map[uint64]string, error) {
	out := map[uint64]string{}
	if len(batches) == 0 {
		return out, nil
	}
	ids := make([]any, 0, len(batches))
	for b := range batches {
		ids = append(ids, fmt.Sprintf("%016x", b))
	}
	rows, err := s.conn.Query(ctx, "SELECT batch_id, file_name FROM ingest_batches WHERE batch_id IN ("+strings.Repeat("?, ", len(ids)-1)+"?)", ids...)
	if err != nil {
		return nil, fmt.Errorf("changes since the seal: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, file string
		if err := rows.Scan(&id, &file); err != nil {
			return nil, fmt.Errorf("changes since the seal: %w", err)
		}
		var b uint64
		fmt.Sscanf(id, "%x", &b)
		out[b] = file
	}
	return out, rows.Err()
}
