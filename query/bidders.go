package query

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
)

// Bidders and winners, from the current bid lists of the sections a filter selects (every
// section on its day, failed ones too, for a bidder's bids; completed ones for awards): what
// one bidder, known by its 统一社会信用代码, bid and won, and how concentrated the awards are.

// BidderPlace is what a bidder did at one trading place.
type BidderPlace struct {
	PlaceCode, PlaceName string
	Bids, Wins           int64
	Won                  money.Fen // the deal amounts of the sections it won
}

// Bidder is what one bidder bid and won in the sections a filter selects.
type Bidder struct {
	Code, Name string
	Bids, Wins int64
	Won        money.Fen
	Places     []BidderPlace   // by amount won, then bids
	Recent     []BidderSection // its latest sections, at most RecentSections
	Buyers     []BidderBuyer   // the buyers it won from, by amount won, at most TopBuyers
	// UnnamedWins are its wins, counted as Buyers counts them (completed sections whose list
	// marks it alone as the winner), of sections whose export names no buyer.
	UnnamedWins int64
}

// BidderBuyer is a buyer (招标人/采购人) a bidder won from, and the bidder's share of the
// buyer's awards: over the buyer's completed sections whose current bid list marks exactly
// one winning bid (as the concentration of awards counts them), of which the bidder won Wins
// for Won.
type BidderBuyer struct {
	Name     string
	Wins     int64
	Won      money.Fen
	Sections int64     // the buyer's sections so awarded
	Amount   money.Fen // and their deal amounts
}

// TopBuyers is how many of the buyers a bidder won from, the largest first, a Bidder lists.
const TopBuyers = 20

// Share is the bidder's share of the buyer's awarded amount in percent with two decimals;
// false when the buyer's awards sum to nothing.
func (b BidderBuyer) Share() (string, bool) { return money.Percent(int64(b.Won), int64(b.Amount)) }

// BidderSection is one section a bidder bid for, with its bid.
type BidderSection struct {
	ProjectCode, LotCode, Name string
	PlaceCode, PlaceName       string
	Day                        tradestat.Date
	Amount                     money.Fen // the section's deal amount
	Cancelled                  bool
	Price                      money.Fen // the bid's
	Validity                   tradestat.Validity
	Winner                     tradestat.Award
}

// RecentSections is how many of a bidder's sections, the latest first, a Bidder lists.
const RecentSections = 100

// WinRate is wins ÷ bids in percent with two decimals; false without a bid.
func (b Bidder) WinRate() (string, bool) { return money.Percent(b.Wins, b.Bids) }

// sectionsOn is the SELECT of the sections f selects within r on their day (the opening
// date, else the completion date), with their amount and whether they completed: cond narrows
// them further ("" for all, " AND cancelled = 0" for the completed).
func sectionsOn(f Filter, r division.Region, cond string) (string, []any) {
	conds, args := narrowing(f, r)
	return `SELECT project_code, lot_code, place_code AS s_place, amount_fen AS s_amount, cancelled AS s_cancelled,
			name AS s_name, day AS s_day, buyer AS s_buyer
		FROM (SELECT project_code, lot_code, place_code, amount_fen, cancelled, name, buyer,
				if(open_date > toDate('1970-01-01'), open_date, deal_date) AS day
			FROM deals FINAL WHERE 1` + cond + conds + `)
		WHERE day >= toDate(?) AND day <= toDate(?)`, append(args, f.From.String(), f.To.String())
}

// Bidder reads what the bidder with credit code bid and won in the sections f selects.
func (s *Store) Bidder(ctx context.Context, f Filter, code string) (Bidder, error) {
	code = tradestat.NormalCreditCode(code)
	if err := tradestat.CheckCreditCode(code); err != nil {
		return Bidder{}, err
	}
	return cached(ctx, s, fmt.Sprintf("bidder %s %+v", code, f), func(ctx context.Context) (Bidder, error) {
		out := Bidder{Code: code}
		sections, args := sectionsOn(f, s.region, "")
		rows, err := s.conn.Query(ctx, `SELECT s_place, toInt64(count()), toInt64(countIf(winner = 2)),
				toInt64(sumIf(s_amount, winner = 2 AND s_cancelled = 0)), any(bidder_name)
			FROM (SELECT project_code, lot_code, winner, bidder_name FROM bids
				WHERE bidder_key = ? AND `+currentBids(sections)+`) AS b
			ANY INNER JOIN (`+sections+`) AS s USING (project_code, lot_code)
			GROUP BY s_place`, concat([]any{code}, args, args)...)
		if err != nil {
			return out, fmt.Errorf("bidder %s: %w", code, err)
		}
		defer rows.Close()
		for rows.Next() {
			var p BidderPlace
			var won int64
			var name string
			if err := rows.Scan(&p.PlaceCode, &p.Bids, &p.Wins, &won, &name); err != nil {
				return out, fmt.Errorf("bidder %s: %w", code, err)
			}
			p.Won, p.PlaceName = money.Fen(won), s.region.NameOf(p.PlaceCode)
			out.Bids, out.Wins, out.Won = out.Bids+p.Bids, out.Wins+p.Wins, out.Won+p.Won
			if out.Name == "" || name < out.Name {
				out.Name = name // one of its names, the same on every read
			}
			out.Places = append(out.Places, p)
		}
		if err := rows.Err(); err != nil {
			return out, fmt.Errorf("bidder %s: %w", code, err)
		}
		if out.Recent, err = s.bidderSections(ctx, f, code); err != nil {
			return out, err
		}
		if out.Buyers, out.UnnamedWins, err = s.bidderBuyers(ctx, f, code); err != nil {
			return out, err
		}
		sort.Slice(out.Places, func(i, j int) bool {
			a, b := out.Places[i], out.Places[j]
			if a.Won != b.Won {
				return a.Won > b.Won
			}
			if a.Bids != b.Bids {
				return a.Bids > b.Bids
			}
			return a.PlaceCode < b.PlaceCode
		})
		return out, nil
	})
}

// Winner is one bidder's awards.
type Winner struct {
	Key, Code, Name string // Key: the credit code, else the name the lists give
	Wins            int64
	Won             money.Fen
}

// Concentration is how the awards of the completed sections a filter selects are shared among
// their winners: over the sections whose current bid list marks exactly one winning bid.
type Concentration struct {
	Sections int64     // its basis: sections with one winner marked
	Amount   money.Fen // their deal amounts
	Winners  int64     // distinct winners
	Repeat   int64     // of which won two sections or more
	Top      []Winner  // the largest by amount won, at most TopWinners
	Top5     money.Fen // the amount the five largest won
	Top10    money.Fen // and the ten largest
}

// TopWinners is how many of the largest winners a Concentration lists.
const TopWinners = 10

// ShareOf is an amount's share of the awards in percent with two decimals; false without any.
func (c Concentration) ShareOf(a money.Fen) (string, bool) {
	return money.Percent(int64(a), int64(c.Amount))
}

// Concentration reads the winners' shares of the awards of the sections f selects. It reads
// them from the winners rollups (migrations 078–083), which commit keeps by day, month and
// year (whole years read a year's rows, the rest months and days as figures do), unless a
// month of the period is marked stale (a writer is changing it, one stopped before recomputing
// it, or it holds a number two winners share) or a writer marked one while they were read:
// then from the bid lists themselves, as the rollups would hold them.
func (s *Store) Concentration(ctx context.Context, f Filter) (Concentration, error) {
	return cached(ctx, s, fmt.Sprintf("concentration %+v", f), func(ctx context.Context) (Concentration, error) {
		marks, err := s.winnerMarks(ctx, f)
		if err != nil {
			return Concentration{}, err
		}
		if marks.stale == 0 {
			from, args := rollupRead(f, s.region, rollupTables{"winners_yearly", "winners_monthly", "winners_daily", winnerColumns}, false)
			out, err := s.numberedWinners(ctx, f, from, args)
			if err != nil {
				return out, err
			}
			after, err := s.winnerMarks(ctx, f)
			if err != nil || after == marks {
				return out, err
			}
		}
		q, args := concentrationOfBids(f, s.region, "")
		return s.concentration(ctx, q, args)
	})
}

// MaxBuyerName is the longest name of a buyer a read takes, in characters.
const MaxBuyerName = 200

// BuyerConcentration is how the awards of one buyer (招标人/采购人, its name as the exports
// write it) among the sections f selects are shared among their winners, as Concentration
// shares a period's. It reads the bid lists of the buyer's sections: the rollups do not keep
// buyers, and one buyer's sections are few beside a period's.
func (s *Store) BuyerConcentration(ctx context.Context, f Filter, buyer string) (Concentration, error) {
	buyer = strings.TrimSpace(buyer)
	if buyer == "" || utf8.RuneCountInString(buyer) > MaxBuyerName {
		return Concentration{}, tradestat.Fail(tradestat.Invalid, "buyer: give the name of a tenderer or purchaser, at most %d characters", MaxBuyerName)
	}
	return cached(ctx, s, fmt.Sprintf("buyer concentration %q %+v", buyer, f), func(ctx context.Context) (Concentration, error) {
		// The keys of the buyer's lots, read first without FINAL, let the read of their
		// current rows skip the rest of deals by its sort key: at national scale this is the
		// difference between reading every lot and reading the buyer's.
		q, args := concentrationOfBids(f, s.region, " AND buyer = ? AND (project_code, lot_code) GLOBAL IN (SELECT project_code, lot_code FROM deals WHERE buyer = ?)", buyer, buyer)
		return s.concentration(ctx, q, args)
	})
}

// numberedWinners is the Concentration of the rollup rows of from (with args), which hold the
// sections f selects. Its totals and largest winners come from the year's head when f is one
// whole year the head serves (yearHead), else from the rows: the server groups them by the
// winners' numbers, which is much faster than by their keys' text, and answers with the totals
// and the largest winners alone. A period's winners number in the hundreds of thousands at
// national scale, too many to send to be counted here, and the grouping is most of a cold
// page's work at the root. Only the largest are named, by the rows of their numbers.
func (s *Store) numberedWinners(ctx context.Context, f Filter, from string, args []any) (Concentration, error) {
	byNumber := `SELECT winner_id, toInt64(sum(wins)) AS w, toInt64(sum(won_fen)) AS a FROM ` + from + ` GROUP BY winner_id HAVING w != 0`
	out, top, ok, err := s.yearHead(ctx, f)
	if err != nil {
		return out, fmt.Errorf("concentration: %w", err)
	}
	if !ok {
		var errTotals, errTop error
		var wg sync.WaitGroup
		wg.Go(func() {
			errTotals = s.conn.QueryRow(ctx, `SELECT toInt64(count()), toInt64(countIf(w >= 2)), toInt64(sum(w)), toInt64(sum(a)) FROM (`+byNumber+`)`, args...).
				Scan(&out.Winners, &out.Repeat, &out.Sections, (*int64)(&out.Amount))
		})
		// One more than are kept: a tie at the last place is read whole below, as the largest
		// are ordered by key among equals.
		wg.Go(func() {
			top, errTop = s.numbered(ctx, `SELECT * FROM (`+byNumber+`) ORDER BY a DESC, w DESC LIMIT ?`, concat(args, []any{TopWinners + 1}))
		})
		wg.Wait()
		if err := cmp.Or(errTotals, errTop); err != nil {
			return out, fmt.Errorf("concentration: %w", err)
		}
	}
	if len(top) > TopWinners {
		last := top[TopWinners-1]
		if top[TopWinners].wins == last.wins && top[TopWinners].won == last.won {
			tied, err := s.numbered(ctx, `SELECT * FROM (`+byNumber+`) WHERE a = ? AND w = ?`, concat(args, []any{last.won, last.wins}))
			if err != nil {
				return out, fmt.Errorf("concentration: %w", err)
			}
			top = append(slices.DeleteFunc(top, func(n numbered) bool { return n.wins == last.wins && n.won == last.won }), tied...)
		}
	}
	if len(top) == 0 {
		return out, nil
	}
	ids := make([]any, len(top))
	for i, n := range top {
		ids[i] = n.id
	}
	rows, err := s.conn.Query(ctx, `SELECT winner_id, min(winner_key), min(winner_code), min(winner_name)
		FROM (SELECT winner_id, winner_key, winner_code, winner_name, sum(wins) AS w FROM `+from+`
			WHERE winner_id IN (`+strings.Repeat("?, ", len(ids)-1)+`?)
			GROUP BY winner_id, winner_key, winner_code, winner_name HAVING w != 0)
		GROUP BY winner_id`, concat(args, ids)...)
	if err != nil {
		return out, fmt.Errorf("concentration: %w", err)
	}
	defer rows.Close()
	names := map[uint64]Winner{}
	for rows.Next() {
		var id uint64
		var w Winner
		if err := rows.Scan(&id, &w.Key, &w.Code, &w.Name); err != nil {
			return out, fmt.Errorf("concentration: %w", err)
		}
		names[id] = w
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("concentration: %w", err)
	}
	for _, n := range top {
		w := names[n.id]
		w.Wins, w.Won = n.wins, money.Fen(n.won)
		out.Top = append(out.Top, w)
	}
	out.keepLargest()
	return out, nil
}

// yearHead is the totals and the largest winners (at least TopWinners+1 of them, or all, in
// order) of f from the head of its year (winners_heads) when it serves f: f is one whole
// year of every type, the head holds enough winners, and f admits every place the year's
// winners are at, as the head counts them all. false when it does not; a read of the rows
// then stands in.
func (s *Store) yearHead(ctx context.Context, f Filter) (Concentration, []numbered, bool, error) {
	var out Concentration
	if f.Type != "" || f.Family != "" || f.From != (tradestat.Date{Year: f.From.Year, Month: 1, Day: 1}) ||
		f.To != (tradestat.Date{Year: f.From.Year, Month: 12, Day: 31}) {
		return out, nil, false, nil
	}
	var places []string
	var ids []uint64
	var wins, won []int64
	rows, err := s.conn.Query(ctx, `SELECT places, winners, repeat, sections, amount_fen, top_ids, top_wins, top_won
		FROM winners_heads FINAL WHERE year = toDate(?)`, f.From.String())
	if err != nil {
		return out, nil, false, err
	}
	defer rows.Close()
	if !rows.Next() { // a year no writer has headed yet
		return out, nil, false, rows.Err()
	}
	if err := rows.Scan(&places, &out.Winners, &out.Repeat, &out.Sections, (*int64)(&out.Amount), &ids, &wins, &won); err != nil {
		return out, nil, false, err
	}
	if codes, all := f.Places(s.region); !all {
		admitted := map[string]bool{}
		for _, c := range codes {
			admitted[c] = true
		}
		if slices.ContainsFunc(places, func(p string) bool { return !admitted[p] }) {
			return out, nil, false, nil
		}
	}
	if len(ids) != len(wins) || len(ids) != len(won) || int64(len(ids)) < min(TopWinners+1, out.Winners) {
		return out, nil, false, nil
	}
	top := make([]numbered, len(ids))
	for i := range ids {
		top[i] = numbered{ids[i], wins[i], won[i]}
	}
	slices.SortFunc(top, func(a, b numbered) int { return cmp.Or(cmp.Compare(b.won, a.won), cmp.Compare(b.wins, a.wins)) })
	return out, top[:min(len(top), TopWinners+1)], true, nil
}

// numbered is a winner as the rollups number it, with its wins and the amount it won.
type numbered struct {
	id        uint64
	wins, won int64
}

// numbered reads the winners query gives (number, wins, amount won).
func (s *Store) numbered(ctx context.Context, query string, args []any) ([]numbered, error) {
	rows, err := s.conn.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []numbered
	for rows.Next() {
		var n numbered
		if err := rows.Scan(&n.id, &n.wins, &n.won); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// winnerColumns are the columns a read takes from the winners rollups.
const winnerColumns = "deal_date, place_code, trade_type, winner_id, winner_key, winner_code, winner_name, wins, won_fen"

// winnerMarks are the newest mark of winners_stale and how many months of f's period it holds
// stale.
type winnerMarks struct{ newest, stale uint64 }

func (s *Store) winnerMarks(ctx context.Context, f Filter) (winnerMarks, error) {
	var m winnerMarks
	err := s.conn.QueryRow(ctx, `SELECT (SELECT max(marked) FROM winners_stale),
		(SELECT count() FROM winners_stale FINAL WHERE done = 0 AND month >= toStartOfMonth(toDate(?)) AND month <= toDate(?))`,
		f.From.String(), f.To.String()).Scan(&m.newest, &m.stale)
	if err != nil {
		return m, fmt.Errorf("concentration: %w", err)
	}
	return m, nil
}

// concentrationOfBids is the SELECT of the winners of the sections f selects within r (and
// cond, a condition on deals with condArgs, narrows), each with a code, a name, its wins and
// the amount it won, from the current bid lists: over the completed sections whose list marks
// exactly one winning bid.
func concentrationOfBids(f Filter, r division.Region, cond string, condArgs ...any) (string, []any) {
	sections, args := sectionsOn(f, r, " AND cancelled = 0"+cond)
	args = concat(condArgs, args)
	return `SELECT wkey, min(wcode), min(wname), toInt64(count()), toInt64(sum(s_amount))
			FROM (SELECT project_code, lot_code, anyIf(bidder_key, winner = 2) AS wkey, anyIf(bidder_code, winner = 2) AS wcode,
					anyIf(bidder_name, winner = 2) AS wname
				FROM bids WHERE ` + currentBids(sections) + `
				GROUP BY project_code, lot_code HAVING countIf(winner = 2) = 1) AS w
			ANY INNER JOIN (` + sections + `) AS s USING (project_code, lot_code)
			GROUP BY wkey`, concat(args, args)
}

// concentration streams the winners query gives (key, code, name, wins, amount won) into a
// Concentration.
func (s *Store) concentration(ctx context.Context, query string, args []any) (Concentration, error) {
	var out Concentration
	rows, err := s.conn.Query(ctx, query, args...)
	if err != nil {
		return out, fmt.Errorf("concentration: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var w Winner
		var won int64
		if err := rows.Scan(&w.Key, &w.Code, &w.Name, &w.Wins, &won); err != nil {
			return out, fmt.Errorf("concentration: %w", err)
		}
		w.Won = money.Fen(won)
		out.Sections, out.Amount, out.Winners = out.Sections+w.Wins, out.Amount+w.Won, out.Winners+1
		if w.Wins >= 2 {
			out.Repeat++
		}
		out.Top = append(out.Top, w)
		if len(out.Top) > 4*TopWinners {
			out.keepLargest()
		}
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("concentration: %w", err)
	}
	out.keepLargest()
	return out, nil
}

// keepLargest keeps the TopWinners largest of c.Top, largest first, and adds up the shares of
// the first five and ten.
func (c *Concentration) keepLargest() {
	slices.SortFunc(c.Top, func(a, b Winner) int {
		if largerWinner(a, b) {
			return -1
		}
		if largerWinner(b, a) {
			return 1
		}
		return 0
	})
	c.Top = c.Top[:min(len(c.Top), TopWinners)]
	c.Top5, c.Top10 = 0, 0
	for i, w := range c.Top {
		if i < 5 {
			c.Top5 += w.Won
		}
		c.Top10 += w.Won
	}
}

// largerWinner orders winners by amount won, then wins, then key.
func largerWinner(a, b Winner) bool {
	if a.Won != b.Won {
		return a.Won > b.Won
	}
	if a.Wins != b.Wins {
		return a.Wins > b.Wins
	}
	return a.Key < b.Key
}

// bidderBuyers reads the buyers the bidder with credit code won from among the sections f
// selects, the largest TopBuyers by amount won, each with its awards; and the bidder's wins
// of sections that name no buyer. A win here is as the concentration counts it: a completed
// section whose current list marks exactly one winning bid, the bidder's.
func (s *Store) bidderBuyers(ctx context.Context, f Filter, code string) ([]BidderBuyer, int64, error) {
	// The awarded sections of f that cond (with condArgs) selects, with their winner's key.
	awarded := func(cond string, condArgs []any) (string, []any) {
		sections, args := sectionsOn(f, s.region, " AND cancelled = 0"+cond)
		args = concat(condArgs, args)
		return `SELECT s_buyer, s_amount, wkey
			FROM (SELECT project_code, lot_code, anyIf(bidder_key, winner = 2) AS wkey FROM bids WHERE ` + currentBids(sections) + `
				GROUP BY project_code, lot_code HAVING countIf(winner = 2) = 1) AS w
			ANY INNER JOIN (` + sections + `) AS s USING (project_code, lot_code)`, concat(args, args)
	}
	fail := func(err error) ([]BidderBuyer, int64, error) { return nil, 0, fmt.Errorf("bidder %s: %w", code, err) }
	// Those the bidder bid for, of which its wins.
	won, args := awarded(" AND (project_code, lot_code) IN (SELECT project_code, lot_code FROM bids WHERE bidder_key = ?)", []any{code})
	rows, err := s.conn.Query(ctx, `SELECT s_buyer, toInt64(count()) AS w, toInt64(sum(s_amount)) AS a FROM (`+won+`)
		WHERE wkey = ? GROUP BY s_buyer ORDER BY s_buyer != '', a DESC, w DESC, s_buyer LIMIT ?`, concat(args, []any{code, TopBuyers + 1})...)
	if err != nil {
		return fail(err)
	}
	defer rows.Close()
	var out []BidderBuyer
	var unnamed int64
	for rows.Next() {
		var b BidderBuyer
		var amount int64
		if err := rows.Scan(&b.Name, &b.Wins, &amount); err != nil {
			return fail(err)
		}
		b.Won = money.Fen(amount)
		if b.Name == "" {
			unnamed = b.Wins
			continue
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	if len(out) > TopBuyers {
		out = out[:TopBuyers]
	}
	if len(out) == 0 {
		return nil, unnamed, nil
	}
	names := make([]any, len(out))
	for i, b := range out {
		names[i] = b.Name
	}
	all, args := awarded(" AND buyer IN ("+strings.Repeat("?, ", len(names)-1)+"?)", names)
	totals := map[string][2]int64{}
	rows, err = s.conn.Query(ctx, `SELECT s_buyer, toInt64(count()), toInt64(sum(s_amount)) FROM (`+all+`) GROUP BY s_buyer`, args...)
	if err != nil {
		return fail(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var t [2]int64
		if err := rows.Scan(&name, &t[0], &t[1]); err != nil {
			return fail(err)
		}
		totals[name] = t
	}
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	for i := range out {
		t := totals[out[i].Name]
		out[i].Sections, out[i].Amount = t[0], money.Fen(t[1])
	}
	return out, unnamed, nil
}

// bidderSections reads the latest sections the bidder with credit code bid for among those f
// selects, with its bids.
func (s *Store) bidderSections(ctx context.Context, f Filter, code string) ([]BidderSection, error) {
	sections, args := sectionsOn(f, s.region, "")
	rows, err := s.conn.Query(ctx, `SELECT project_code, lot_code, s_name, s_place, toString(s_day), s_amount, s_cancelled,
			price_fen, valid, winner
		FROM (SELECT project_code, lot_code, price_fen, valid, winner FROM bids
			WHERE bidder_key = ? AND `+currentBids(sections)+`) AS b
		ANY INNER JOIN (`+sections+`) AS s USING (project_code, lot_code)
		ORDER BY s_day DESC, project_code, lot_code LIMIT `+fmt.Sprint(RecentSections), concat([]any{code}, args, args)...)
	if err != nil {
		return nil, fmt.Errorf("bidder %s: %w", code, err)
	}
	defer rows.Close()
	var out []BidderSection
	for rows.Next() {
		var b BidderSection
		var day string
		var amount, price int64
		var cancelled, valid, winner uint8
		if err := rows.Scan(&b.ProjectCode, &b.LotCode, &b.Name, &b.PlaceCode, &day, &amount, &cancelled, &price, &valid, &winner); err != nil {
			return nil, fmt.Errorf("bidder %s: %w", code, err)
		}
		b.Day, b.Amount, b.Cancelled, b.Price = civilDate(day), money.Fen(amount), cancelled != 0, money.Fen(price)
		b.Validity, b.Winner, b.PlaceName = tradestat.Validity(valid), tradestat.Award(winner), s.region.NameOf(b.PlaceCode)
		out = append(out, b)
	}
	return out, rows.Err()
}
