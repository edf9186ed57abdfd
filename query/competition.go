package query

import (
	"context"
	"fmt"
	"strings"

	"tradestat"
	"tradestat/money"
)

// Competition is what happened before the deals of a set of sections (标段/包): how many
// opened and how many failed, how many were evaluated remotely, how many bid, and how long
// their submission and decision periods were. Every section counts, failed ones included, on
// its opening day (docs/competition.md). Each figure has its basis — the sections whose export
// said what it needs — and a figure whose basis is 0 is not given.
type Competition struct {
	Sections int64 // sections opened: failed or not
	Failed   int64 // of which did not complete (流标, 废标, 终止 …)

	RemoteKnown int64 // sections whose export says whether they were evaluated remotely
	Remote      int64 // of which were (远程异地评标)

	// ByCompetitors counts the sections whose export gives their number of bidders (valid
	// ones where it says, else all) by that number; the last holds thirty or more.
	ByCompetitors [MaxCompetitors + 1]int64
	BiddersSum    int64 // their bidders, added up

	SubmissionKnown int64 // sections with a notice and a deadline 1–365 days apart
	SubmissionDays  int64 // their days, added up
	SubmissionShort int64 // of which under the legal minimum of their type and method (tradestat.MinSubmission)

	DecisionKnown int64 // completed sections with an opening and a deal 1–365 days apart
	DecisionDays  int64

	CeilingKnown   int64 // completed sections with a ceiling price and an award
	CeilingRatioBP int64 // their award ÷ ceiling in basis points, added up
	AtCap          int64 // of which awarded at 98% of the ceiling or more
}

// MaxCompetitors is the number of bidders from which sections are counted together.
const MaxCompetitors = tradestat.ManyBidders

// Add returns the sum of two Competitions.
func (c Competition) Add(d Competition) Competition {
	out := Competition{c.Sections + d.Sections, c.Failed + d.Failed, c.RemoteKnown + d.RemoteKnown, c.Remote + d.Remote,
		c.ByCompetitors, c.BiddersSum + d.BiddersSum, c.SubmissionKnown + d.SubmissionKnown, c.SubmissionDays + d.SubmissionDays,
		c.SubmissionShort + d.SubmissionShort, c.DecisionKnown + d.DecisionKnown, c.DecisionDays + d.DecisionDays,
		c.CeilingKnown + d.CeilingKnown, c.CeilingRatioBP + d.CeilingRatioBP, c.AtCap + d.AtCap}
	for i, n := range d.ByCompetitors {
		out.ByCompetitors[i] += n
	}
	return out
}

// BiddersKnown counts the sections whose number of bidders the exports give.
func (c Competition) BiddersKnown() int64 {
	var n int64
	for _, v := range c.ByCompetitors {
		n += v
	}
	return n
}

// FailureRate is 流标率: failed ÷ opened sections, in percent.
func (c Competition) FailureRate() (string, bool) { return money.Percent(c.Failed, c.Sections) }

// RemoteRate is the share of the sections whose evaluation is known that were evaluated remotely.
func (c Competition) RemoteRate() (string, bool) { return money.Percent(c.Remote, c.RemoteKnown) }

// MeanBidders is the mean number of bidders per section, over the sections that give it.
func (c Competition) MeanBidders() (string, bool) { return money.Ratio(c.BiddersSum, c.BiddersKnown()) }

// MedianBidders is the median number of bidders per section ("4", "4.5"), or "≥30" when it
// falls among the sections counted together.
func (c Competition) MedianBidders() (string, bool) {
	n := c.BiddersKnown()
	if n == 0 {
		return "", false
	}
	// The middle sections are the ((n+1)/2)th and the (n/2+1)th, counted from 1.
	at := func(rank int64) int {
		for v, k := range c.ByCompetitors {
			if rank <= k {
				return v
			}
			rank -= k
		}
		return MaxCompetitors
	}
	lo, hi := at((n+1)/2), at(n/2+1)
	switch {
	case hi == MaxCompetitors:
		return fmt.Sprintf("≥%d", MaxCompetitors), true
	case lo == hi:
		return fmt.Sprint(lo), true
	}
	m, _ := money.Ratio(int64(lo+hi), 2)
	return strings.TrimSuffix(strings.TrimSuffix(m, "0"), ".0"), true
}

// SingleShare is the share of sections with one bidder, of those that give their bidders.
func (c Competition) SingleShare() (string, bool) {
	return money.Percent(c.ByCompetitors[1], c.BiddersKnown())
}

// UnderThreeShare is the share of sections with fewer than three bidders (none, one or two).
func (c Competition) UnderThreeShare() (string, bool) {
	return money.Percent(c.ByCompetitors[0]+c.ByCompetitors[1]+c.ByCompetitors[2], c.BiddersKnown())
}

// MeanSubmissionDays is the mean days from notice to bid deadline.
func (c Competition) MeanSubmissionDays() (string, bool) {
	return money.Ratio(c.SubmissionDays, c.SubmissionKnown)
}

// MeanDecisionDays is the mean days from opening to deal.
func (c Competition) MeanDecisionDays() (string, bool) {
	return money.Ratio(c.DecisionDays, c.DecisionKnown)
}

// MeanCeilingRatio is the mean award ÷ ceiling price, in percent.
func (c Competition) MeanCeilingRatio() (string, bool) {
	return money.Percent(c.CeilingRatioBP, c.CeilingKnown*10000)
}

// AtCapShare is the share of awards at 98% of their ceiling price or more.
func (c Competition) AtCapShare() (string, bool) { return money.Percent(c.AtCap, c.CeilingKnown) }

// competitionColumns are the columns a read takes from competition_daily and
// competition_monthly (migrations 062, 064).
const competitionColumns = `deal_date, place_code, trade_type, bidders, sections, failed, remote_known, remote, bidders_sum,
	submission_known, submission_days, submission_short, decision_known, decision_days, ceiling_known, ceiling_ratio_bp, at_cap`

// competitionSums are the sums scanCompetition reads, after the group's number of bidders.
const competitionSums = `sum(sections), sum(failed), sum(remote_known), sum(remote), sum(bidders_sum),
	sum(submission_known), sum(submission_days), sum(submission_short), sum(decision_known), sum(decision_days),
	sum(ceiling_known), sum(ceiling_ratio_bp), sum(at_cap)`

// scanCompetition reads one group's number of bidders and sums after dest, as figures of
// their own: a group's bidders go into its place in ByCompetitors.
func scanCompetition(row interface{ Scan(...any) error }, dest ...any) (Competition, error) {
	var c Competition
	var bidders int16
	dest = append(dest[:len(dest):len(dest)], &bidders, &c.Sections, &c.Failed, &c.RemoteKnown, &c.Remote, &c.BiddersSum,
		&c.SubmissionKnown, &c.SubmissionDays, &c.SubmissionShort, &c.DecisionKnown, &c.DecisionDays,
		&c.CeilingKnown, &c.CeilingRatioBP, &c.AtCap)
	if err := row.Scan(dest...); err != nil {
		return c, err
	}
	if bidders >= 0 {
		c.ByCompetitors[min(int(bidders), MaxCompetitors)] = c.Sections
	}
	return c, nil
}

// competitionFrom is the FROM clause of a read of the filter's competition figures.
func (s *Store) competitionFrom(f Filter) (string, []any) {
	return rollupRead(f, s.region, rollupTables{"", "competition_monthly", "competition_daily", competitionColumns}, true)
}

// Competition is the competition figures of the sections the filter selects.
func (s *Store) Competition(ctx context.Context, f Filter) (Competition, error) {
	_, total, err := s.CompetitionBreakdown(ctx, f, ByType)
	return total, err
}

// CompetitionRow is one group of a competition breakdown.
type CompetitionRow struct {
	Key, Name string
	Competition
}

// CompetitionBreakdown groups the filter's sections by d, every key listed as a breakdown of
// the figures lists it, with their total.
func (s *Store) CompetitionBreakdown(ctx context.Context, f Filter, d Dimension) ([]CompetitionRow, Competition, error) {
	from, args := s.competitionFrom(f)
	return s.competitionBreakdown(ctx, fmt.Sprintf("competition %s %+v", d, f), f, d, from, args)
}

// competitionBreakdown reads the competition figures of f grouped by d from from (a FROM
// clause of rows with competition_daily's columns, args bound in it), cached under name.
func (s *Store) competitionBreakdown(ctx context.Context, name string, f Filter, d Dimension, from string, args []any) ([]CompetitionRow, Competition, error) {
	type result struct {
		rows  []CompetitionRow
		total Competition
	}
	r, err := cached(ctx, s, name, func(ctx context.Context) (result, error) {
		key, keyArgs := d.keyExpr()
		rows, err := s.conn.Query(ctx, "SELECT "+key+" AS k, bidders, "+competitionSums+" FROM "+from+" GROUP BY k, bidders",
			concat(keyArgs, args)...)
		if err != nil {
			return result{}, fmt.Errorf("competition by %s: %w", d, err)
		}
		defer rows.Close()
		got := map[string]Competition{}
		for rows.Next() {
			var k string
			c, err := scanCompetition(rows, &k)
			if err != nil {
				return result{}, fmt.Errorf("competition by %s: %w", d, err)
			}
			k = monthKey(d, k)
			got[k] = got[k].Add(c)
		}
		if err := rows.Err(); err != nil {
			return result{}, fmt.Errorf("competition by %s: %w", d, err)
		}
		groups, total, err := groupsOf(s, f, d, got)
		if err != nil {
			return result{}, err
		}
		out := make([]CompetitionRow, len(groups))
		for i, g := range groups {
			out[i] = CompetitionRow{g.key, g.name, g.value}
		}
		return result{out, total}, nil
	})
	return append([]CompetitionRow(nil), r.rows...), r.total, err
}
