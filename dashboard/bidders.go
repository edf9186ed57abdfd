package dashboard

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"tradestat"
	"tradestat/money"
	"tradestat/query"
)

// Bidders and winners (docs/competition.md): what one bidder, known by its 统一社会信用代码,
// bid and won in a view, and how concentrated the view's awards are. Both read the current bid
// lists of the view's sections, within the account's region.

type bidderPlaceJSON struct {
	Place     string `json:"place_code"`
	PlaceName string `json:"place_name"`
	Bids      int64  `json:"bids"`
	Wins      int64  `json:"wins"`
	WonYuan   string `json:"won_yuan"`
	WonWan    string `json:"won_wan"`
}

// bidderAPI serves GET /api/v1/bidders/:code: the bidder's bids, wins, win rate and the deal
// amounts it won in the filter's sections, by trading place.
func (s *Server) bidderAPI(c *fiber.Ctx, r viewRequest) error {
	b, err := r.st.Bidder(r.ctx, r.v.Filter, c.Params("code"))
	if err != nil {
		return err
	}
	out := struct {
		From    string            `json:"from"`
		To      string            `json:"to"`
		Code    string            `json:"code"`
		Name    string            `json:"name"`
		Bids    int64             `json:"bids"`
		Wins    int64             `json:"wins"`
		WinRate *string           `json:"win_rate"`
		WonYuan string            `json:"won_yuan"`
		WonWan  string            `json:"won_wan"`
		Places  []bidderPlaceJSON `json:"places"`
		Buyers  []bidderBuyerJSON `json:"buyers"`
		// UnnamedWins: its wins of sections that name no buyer, which buyers leaves out.
		UnnamedWins int64           `json:"wins_naming_no_buyer"`
		Recent      []bidderBidJSON `json:"sections"`
	}{From: r.v.Filter.From.String(), To: r.v.Filter.To.String(), Code: b.Code, Name: b.Name, Bids: b.Bids, Wins: b.Wins,
		WonYuan: b.Won.Yuan(), WonWan: b.Won.Wan(), Places: []bidderPlaceJSON{}, Buyers: []bidderBuyerJSON{}, UnnamedWins: b.UnnamedWins,
		Recent: []bidderBidJSON{}}
	if rate, ok := b.WinRate(); ok {
		out.WinRate = &rate
	}
	for _, p := range b.Places {
		out.Places = append(out.Places, bidderPlaceJSON{p.PlaceCode, p.PlaceName, p.Bids, p.Wins, p.Won.Yuan(), p.Won.Wan()})
	}
	for _, by := range b.Buyers {
		bj := bidderBuyerJSON{Name: by.Name, Wins: by.Wins, WonYuan: by.Won.Yuan(), Sections: by.Sections, AmountYuan: by.Amount.Yuan()}
		if share, ok := by.Share(); ok {
			bj.Share = &share
		}
		out.Buyers = append(out.Buyers, bj)
	}
	for _, sec := range b.Recent {
		bj := bidderBidJSON{ProjectCode: sec.ProjectCode, LotCode: sec.LotCode, Name: sec.Name, Place: sec.PlaceCode,
			Date: sec.Day.String(), Failed: sec.Cancelled}
		if sec.Price > 0 {
			bj.Price = sec.Price.Yuan()
		}
		if sec.Validity != tradestat.ValidityUnknown {
			valid := sec.Validity == tradestat.BidValid
			bj.Valid = &valid
		}
		if sec.Winner != tradestat.AwardUnknown {
			won := sec.Winner == tradestat.AwardWon
			bj.Won = &won
		}
		out.Recent = append(out.Recent, bj)
	}
	return c.JSON(out)
}

// bidderBuyerJSON is a buyer the bidder won from: its wins there, and the buyer's awards (its
// completed sections whose list marks one winner) with the bidder's share of their amount.
type bidderBuyerJSON struct {
	Name       string  `json:"name"`
	Wins       int64   `json:"wins"`
	WonYuan    string  `json:"won_yuan"`
	Sections   int64   `json:"buyer_sections"`
	AmountYuan string  `json:"buyer_amount_yuan"`
	Share      *string `json:"share_percent"`
}

// bidderBidJSON is one of a bidder's latest sections, with its bid.
type bidderBidJSON struct {
	ProjectCode string `json:"project_code"`
	LotCode     string `json:"lot_code"`
	Name        string `json:"name"`
	Place       string `json:"place_code"`
	Date        string `json:"date"`
	Failed      bool   `json:"failed"`
	Price       string `json:"price_yuan"`
	Valid       *bool  `json:"valid"`
	Won         *bool  `json:"won"`
}

type winnerJSON struct {
	Code    string  `json:"code,omitempty"`
	Name    string  `json:"name"`
	Wins    int64   `json:"wins"`
	WonYuan string  `json:"won_yuan"`
	Share   *string `json:"share"`
}

// winnersAPI serves GET /api/v1/winners: how the awards of the filter's sections are shared
// among their winners — the largest ten, the shares of the largest five and ten, the winners
// that won more than once — over the sections whose bid list marks one winner (the basis);
// with buyer=NAME, the awards of that buyer (招标人/采购人) alone.
func (s *Server) winnersAPI(c *fiber.Ctx, r viewRequest) error {
	var con query.Concentration
	var err error
	buyer, byBuyer := c.Queries()["buyer"]
	if byBuyer {
		con, err = r.st.BuyerConcentration(r.ctx, r.v.Filter, buyer)
	} else {
		con, err = r.st.Concentration(r.ctx, r.v.Filter)
	}
	if err != nil {
		return err
	}
	share := func(a money.Fen) *string {
		if v, ok := con.ShareOf(a); ok {
			return &v
		}
		return nil
	}
	out := struct {
		From      string       `json:"from"`
		To        string       `json:"to"`
		Buyer     string       `json:"buyer,omitempty"`
		Basis     int64        `json:"basis"`
		AmountWan string       `json:"amount_wan"`
		Winners   int64        `json:"winners"`
		Repeat    int64        `json:"repeat_winners"`
		Top5      *string      `json:"top5_share"`
		Top10     *string      `json:"top10_share"`
		Top       []winnerJSON `json:"top"`
	}{From: r.v.Filter.From.String(), To: r.v.Filter.To.String(), Buyer: strings.TrimSpace(buyer), Basis: con.Sections, AmountWan: con.Amount.Wan(),
		Winners: con.Winners, Repeat: con.Repeat, Top5: share(con.Top5), Top10: share(con.Top10), Top: []winnerJSON{}}
	for _, w := range con.Top {
		out.Top = append(out.Top, winnerJSON{w.Code, w.Name, w.Wins, w.Won.Yuan(), share(w.Won)})
	}
	return c.JSON(out)
}
