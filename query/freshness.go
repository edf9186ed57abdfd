package query

import (
	"context"
	"fmt"
	"time"

	"tradestat"
)

// Extent is the first and last completion date in the data; ok is false when there are no lots.
func (s *Store) Extent(ctx context.Context) (from, to tradestat.Date, ok bool, err error) {
	type extent struct {
		from, to tradestat.Date
		ok       bool
	}
	e, err := cached(ctx, s, "extent", func(ctx context.Context) (extent, error) {
		// The first and last months with lots from figures_monthly, then their first and last days
		// from those months' rows of figures_daily alone.
		var e extent
		var n uint64
		var lo, hi string
		// An account's store sees its region's places only: a lot elsewhere in a later year
		// must not move its default period to a year it has nothing in.
		places, pargs := narrowing(Filter{}, s.region)
		row := s.conn.QueryRow(ctx, `SELECT count(), toString(min(deal_date)), toString(max(deal_date))
			FROM (SELECT deal_date, sum(lots) AS n FROM figures_monthly WHERE 1`+places+` GROUP BY deal_date HAVING n != 0)`, pargs...)
		if err := row.Scan(&n, &lo, &hi); err != nil {
			return e, fmt.Errorf("data extent: %w", err)
		}
		if n == 0 {
			return e, nil
		}
		row = s.conn.QueryRow(ctx, `SELECT toString(minIf(deal_date, deal_date < toDate(?) + 31)), toString(maxIf(deal_date, deal_date >= toDate(?)))
			FROM (SELECT deal_date, sum(lots) AS n FROM figures_daily
				WHERE (deal_date >= toDate(?) AND deal_date < toDate(?) + 31 OR deal_date >= toDate(?))`+places+` GROUP BY deal_date HAVING n != 0)`,
			append([]any{lo, hi, lo, lo, hi}, pargs...)...)
		if err := row.Scan(&lo, &hi); err != nil {
			return e, fmt.Errorf("data extent: %w", err)
		}
		var err error
		if e.from, err = tradestat.ParseDate(lo); err != nil {
			return e, fmt.Errorf("data extent: %w", err)
		}
		if e.to, err = tradestat.ParseDate(hi); err != nil {
			return e, fmt.Errorf("data extent: %w", err)
		}
		e.ok = true
		return e, nil
	})
	return e.from, e.to, e.ok, err
}

// Period is the period a view without one shows: all the data there is, or today when
// there is none yet.
func (s *Store) Period(ctx context.Context) (from, to tradestat.Date, err error) {
	from, to, ok, err := s.Extent(ctx)
	if err != nil || ok {
		return from, to, err
	}
	today := tradestat.DateOf(time.Now().In(tradestat.Shanghai))
	return today, today, nil
}

// Freshness says how current the data is: the latest completion date and the last load.
type Freshness struct {
	LatestDeal tradestat.Date // zero when there are no lots; filled from Extent by callers that have it
	LastLoad   time.Time      // zero when nothing was ever loaded
	Demo       bool           // some loaded file is the synthetic demo dataset
}

// LoadInfo reads when data was last loaded and whether it includes the demo dataset (of an
// account's store, the loads that brought lots in its region). Every
// page shows it, and it changes only with the data's generation, so it is cached like the
// figures: one read per load rather than one per page.
func (s *Store) LoadInfo(ctx context.Context) (Freshness, error) {
	return cached(ctx, s, "loadinfo", func(ctx context.Context) (Freshness, error) {
		var fr Freshness
		var n, demo uint64
		var last time.Time
		// An account's store counts the loads that brought some version of a lot in its region:
		// when another region's data was loaded is not its to know.
		q, args := "SELECT count(), max(finished_at), sum(demo) FROM ingest_batches", []any(nil)
		if s.scoped {
			var places string
			places, args = narrowing(Filter{}, s.region)
			q += " WHERE reinterpretAsUInt64(reverse(unhex(batch_id))) GLOBAL IN (SELECT DISTINCT batch_id FROM deals WHERE 1" + places + ")"
		}
		row := s.conn.QueryRow(ctx, q, args...)
		if err := row.Scan(&n, &last, &demo); err != nil {
			return fr, fmt.Errorf("load info: %w", err)
		}
		if n > 0 {
			fr.LastLoad, fr.Demo = last.In(tradestat.Shanghai), demo > 0
		}
		return fr, nil
	})
}
