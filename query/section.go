package query

import (
	"context"
	"fmt"

	"tradestat"
	"tradestat/money"
)

// One section as its page shows it: its lot, the flags raised on it when it was awarded (with
// the fences of its type and year, as in the list of flagged sections), and its current bid
// list. A section is found within the view's area and the account's region, whatever the
// view's period: a link to it from any list of the region opens it.

// SectionBid is one bid of a section's current list.
type SectionBid struct {
	Code, Name string // 统一社会信用代码 ("" when the list gives none) and name
	Price      money.Fen
	Validity   tradestat.Validity
	Reason     string // why it was rejected, as the list says
	Winner     tradestat.Award
}

// Section is a section's lot, its flags and its bids.
type Section struct {
	FlaggedSection // Risk: only of an awarded section
	Cancelled      bool
	FailReason     string
	Ceiling        money.Fen
	Notice         tradestat.Date
	Deadline       tradestat.Date
	Remote         tradestat.Remote
	Method         string
	Solicitation   tradestat.Solicitation
	Buyer          string       // who put it out, as its export says; "" when it does not
	List           []SectionBid // lowest price first; the bids without a price last
}

// Section reads the section project/lot within f's area and the store's region: a NotFound
// failure when there is none there.
func (s *Store) Section(ctx context.Context, f Filter, project, lot string) (Section, error) {
	scope := Filter{Area: f.Area, Place: f.Place, Level: f.Level}
	return cached(ctx, s, fmt.Sprintf("section %q %q %+v", project, lot, scope), func(ctx context.Context) (Section, error) {
		out, err := s.sectionLot(ctx, scope, project, lot)
		if err != nil {
			return out, err
		}
		if !out.Cancelled {
			if err := s.sectionRisk(ctx, &out); err != nil {
				return out, err
			}
		}
		return out, s.sectionBids(ctx, &out)
	})
}

func (s *Store) sectionLot(ctx context.Context, scope Filter, project, lot string) (Section, error) {
	out := Section{FlaggedSection: FlaggedSection{ProjectCode: project, LotCode: lot}}
	conds, args := narrowing(scope, s.region)
	rows, err := s.conn.Query(ctx, `SELECT name, toString(trade_type), place_code,
			toString(if(open_date > toDate('1970-01-01'), open_date, deal_date)), amount_fen, cancelled, fail_reason,
			ceiling_fen, toInt32(notice_date), toInt32(deadline_date), remote, eval_method, solicitation, buyer
		FROM deals FINAL WHERE project_code = ? AND lot_code = ?`+conds, concat([]any{project, lot}, args)...)
	if err != nil {
		return out, fmt.Errorf("section %s %s: %w", project, lot, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return out, fmt.Errorf("section %s %s: %w", project, lot, err)
		}
		return out, tradestat.Fail(tradestat.NotFound, "no section %s (lot %s) in this view's region", project, lot)
	}
	var typ, day string
	var amount, ceiling int64
	var cancelled, remote, solicitation uint8
	var notice, deadline int32
	if err := rows.Scan(&out.Name, &typ, &out.PlaceCode, &day, &amount, &cancelled, &out.FailReason, &ceiling, &notice, &deadline,
		&remote, &out.Method, &solicitation, &out.Buyer); err != nil {
		return out, fmt.Errorf("section %s %s: %w", project, lot, err)
	}
	out.Solicitation = tradestat.Solicitation(solicitation)
	out.Type, out.Day, out.Amount, out.Cancelled = tradestat.TradeType(typ), civilDate(day), money.Fen(amount), cancelled != 0
	out.Ceiling, out.Notice, out.Deadline, out.Remote = money.Fen(ceiling), epochDay(notice), epochDay(deadline), tradestat.Remote(remote)
	out.PlaceName = s.region.NameOf(out.PlaceCode)
	return out, rows.Err()
}

// sectionRisk assesses an awarded section as the flags' list does: its facts, and the fences
// of its type and year over the warehouse.
func (s *Store) sectionRisk(ctx context.Context, sec *Section) error {
	year := tradestat.Filter{From: tradestat.Date{Year: sec.Day.Year, Month: 1, Day: 1}, To: tradestat.Date{Year: sec.Day.Year, Month: 12, Day: 31}, Type: sec.Type}
	fences, err := s.fences(ctx, year)
	if err != nil {
		return err
	}
	sections, args := awardedWhere(Filter{From: sec.Day, To: sec.Day, Place: sec.PlaceCode}, s.region,
		" AND project_code = ? AND lot_code = ?", []any{sec.ProjectCode, sec.LotCode})
	rows, err := s.conn.Query(ctx, sectionFacts(sections), concat(args, args)...)
	if err != nil {
		return fmt.Errorf("section %s %s: %w", sec.ProjectCode, sec.LotCode, err)
	}
	defer rows.Close()
	for rows.Next() {
		got, facts, y, err := scanSection(rows)
		if err != nil {
			return fmt.Errorf("section %s %s: %w", sec.ProjectCode, sec.LotCode, err)
		}
		sec.Bids, sec.Risk = got.Bids, tradestat.Assess(facts, fences[fenceKey{facts.Type, y}])
	}
	return rows.Err()
}

// sectionBids reads a section's current bid list.
func (s *Store) sectionBids(ctx context.Context, sec *Section) error {
	rows, err := s.conn.Query(ctx, `SELECT bidder_code, bidder_name, price_fen, valid, reject_reason, winner FROM bids
		WHERE project_code = ? AND lot_code = ?
			AND version IN (SELECT max(version) FROM bids WHERE project_code = ? AND lot_code = ?)
		ORDER BY price_fen = 0, price_fen, bidder_name, bidder_code`, sec.ProjectCode, sec.LotCode, sec.ProjectCode, sec.LotCode)
	if err != nil {
		return fmt.Errorf("section %s %s: %w", sec.ProjectCode, sec.LotCode, err)
	}
	defer rows.Close()
	for rows.Next() {
		var b SectionBid
		var price int64
		var valid, winner uint8
		if err := rows.Scan(&b.Code, &b.Name, &price, &valid, &b.Reason, &winner); err != nil {
			return fmt.Errorf("section %s %s: %w", sec.ProjectCode, sec.LotCode, err)
		}
		b.Price, b.Validity, b.Winner = money.Fen(price), tradestat.Validity(valid), tradestat.Award(winner)
		sec.List = append(sec.List, b)
	}
	sec.Bids = len(sec.List)
	return rows.Err()
}
