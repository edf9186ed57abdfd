// Package tradestat holds the domain of the product: lots that completed trading on a public
// resource trading platform, their trade types and families, and the trading places of the
// customer's city. Every other package (ingest, query, dashboard, demo) speaks these types, so
// the rules that decide a published figure — which family a type belongs to, which lots have
// savings and which a premium — live here once.
package tradestat

import (
	"fmt"
	"time"

	"tradestat/money"
)

// Lot is one lot (标段/包) that completed trading: the unit counted in 交易项目数.
type Lot struct {
	ProjectCode string // 项目编号
	LotCode     string // 标段(包)编号
	Name        string // 项目名称
	Type        TradeType
	// SubType is the sector, class or kind under the type that the export named, as the trade
	// catalogue calls it (房屋建筑 under 工程建设, 货物 under 政府采购); empty when it named none.
	SubType    string
	PlaceCode  string // 交易地点, GB/T 2260 code of the trading centre's jurisdiction
	RegionCode string // 项目所在区域, GB/T 2260 code; may be empty
	DealDate   Date   // 成交/开标日期 in Asia/Shanghai
	Budget     money.Fen
	Reserve    money.Fen
	Amount     money.Fen
	Online     bool // 不见面开标
	// Cancelled: the export says the lot did not complete trading (流标, 废标, 终止 …). It is
	// loaded, replacing an earlier version of the lot, and counts in no figure.
	Cancelled bool
	// Procedure is what happened before the deal, as far as the export says.
	Procedure  Procedure
	SourceFile string
	SourceRow  int
}

// Procedure is what happened to a section before its deal (or its failure): who bid, how it
// was evaluated, and the dates of its notice, deadline and opening. Every part is optional —
// an export says what its platform records — and a zero part means the export did not say:
// a figure that needs it counts the sections that have it and says how many that is.
type Procedure struct {
	Bidders      int  // 投标人数: bids submitted, when BiddersKnown
	BiddersKnown bool //
	Valid        int  // 有效投标人数: bids not rejected, when ValidKnown
	ValidKnown   bool //
	Remote       Remote
	Notice       Date      // 公告发布时间: the first tender notice
	Deadline     Date      // 投标截止时间
	Opening      Date      // 开标时间
	Ceiling      money.Fen // 最高投标限价 (control price), when the export has it beside a budget or alone
	Method       string    // 评标办法 as the export writes it
	Solicitation Solicitation
	FailReason   string // 流标原因 of a section that did not complete
	// Buyer is who put the section out (招标人, 采购人, 出让人, 转让方 …) as the export writes it.
	Buyer string
}

// ManyBidders is the number of bidders from which the competition figures count sections
// together (a median in their range reads "≥30"); their means use the exact numbers.
const ManyBidders = 30

// Competitors is the number of bidders a competition figure counts: the valid ones when the
// export says, else those that bid; ok is false when it says neither.
func (p Procedure) Competitors() (n int, ok bool) {
	switch {
	case p.ValidKnown:
		return p.Valid, true
	case p.BiddersKnown:
		return p.Bidders, true
	}
	return 0, false
}

// Remote says whether a section was evaluated remotely across regions (远程异地评标: experts
// at another city's venue, the main and secondary venues 主场/副场), as far as the export says.
type Remote int8

// The values of Remote: unknown is the zero value, so that a lot whose export has no such
// column is in no remote-evaluation figure, neither as remote nor as local.
const (
	RemoteUnknown Remote = iota
	RemoteNo
	RemoteYes
)

// ID is the lot's identity: a lot loaded again under the same ID replaces the earlier load.
// Platforms number lots within a project, so the project code qualifies the lot code when
// both are known.
func (l Lot) ID() string {
	if l.ProjectCode == "" {
		return l.LotCode
	}
	if l.LotCode == "" {
		return l.ProjectCode
	}
	return l.ProjectCode + "/" + l.LotCode
}

// Savings is 节约资金: budget − deal amount, for tender-type trades with a known budget only.
func (l Lot) Savings() money.Fen {
	if l.Type.Kind() != Tender || l.Budget == 0 {
		return 0
	}
	return l.Budget - l.Amount
}

// Premium is 增价: deal amount − reserve price, for auction-type trades with a known reserve
// price only.
func (l Lot) Premium() money.Fen {
	if l.Type.Kind() != Auction || l.Reserve == 0 {
		return 0
	}
	return l.Amount - l.Reserve
}

// CheckPrices refuses prices that cannot both be right: a tender-type lot awarded above its
// budget or ceiling price (bids above 最高投标限价 are void), or an auction-type lot sold below
// its reserve price. Such a pair most often means one column is in 万元 and the other in 元;
// loading it would turn savings or premium negative and silently lower a published figure.
func (l Lot) CheckPrices() error {
	switch {
	case l.Type.Kind() == Tender && l.Budget > 0 && l.Amount > l.Budget:
		return Fail(Invalid, "the deal amount %s yuan exceeds the budget or ceiling price %s yuan: check the units of both columns", l.Amount.Yuan(), l.Budget.Yuan())
	case l.Type.Kind() == Auction && l.Reserve > 0 && l.Amount < l.Reserve:
		return Fail(Invalid, "the deal amount %s yuan is below the reserve price %s yuan: check the units of both columns", l.Amount.Yuan(), l.Reserve.Yuan())
	case l.Type.Kind() == Tender && l.Amount > 0 && l.Budget/l.Amount >= ImplausibleRatio:
		return Fail(Invalid, "the budget or ceiling price %s yuan is %d times the deal amount %s yuan, which no award is: check the units of both columns", l.Budget.Yuan(), int64(l.Budget/l.Amount), l.Amount.Yuan())
	case l.Type.Kind() == Tender && l.Procedure.Ceiling > 0 && l.Amount > l.Procedure.Ceiling:
		return Fail(Invalid, "the deal amount %s yuan exceeds the ceiling price %s yuan: check the units of both columns", l.Amount.Yuan(), l.Procedure.Ceiling.Yuan())
	case l.Type.Kind() == Tender && l.Amount > 0 && l.Procedure.Ceiling/l.Amount >= ImplausibleRatio:
		return Fail(Invalid, "the budget or ceiling price %s yuan is %d times the deal amount %s yuan, which no award is: check the units of both columns", l.Procedure.Ceiling.Yuan(), int64(l.Procedure.Ceiling/l.Amount), l.Amount.Yuan())
	case l.Type.Kind() == Auction && l.Reserve > 0 && l.Amount/l.Reserve >= ImplausibleRatio:
		return Fail(Invalid, "the deal amount %s yuan is %d times the reserve price %s yuan, which no sale is: check the units of both columns", l.Amount.Yuan(), int64(l.Amount/l.Reserve), l.Reserve.Yuan())
	}
	return nil
}

// ImplausibleRatio is how many times its award a budget, or its reserve a sale, cannot be:
// savings of 99.9% or a sale at a thousand times the reserve are not trades but one column
// read in 元 and the other in 万元 (a factor of 10,000), which would pass as a vast saving or
// premium.
const ImplausibleRatio = 1000

// NoDate is the day of a lot that did not complete trading and whose export gives it no date
// at all (a 流标 section has no completion date): the first day the warehouse's dates hold. It
// is in no period a report asks for, and such a lot counts in no figure anyway; it is kept so
// that it replaces its earlier version.
func NoDate() Date { return Date{Year: 1970, Month: 1, Day: 1} }

// Date is a calendar day in Asia/Shanghai. It is kept as a plain civil date so that no
// conversion between time zones can move a lot into another day, month or year.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateLayout is the canonical text form of a Date, the form ClickHouse's toDate parses.
const DateLayout = "2006-01-02"

// ParseDate parses a date in DateLayout and rejects impossible days such as 2021-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q is not of the form YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf is the civil date of t as written in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// DaysIn is the length of month m of year: the day before the first of the next month, as
// the standard library's calendar normalises it (leap years included).
func DaysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// String formats the date in DateLayout.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// Time is midnight of the date in Asia/Shanghai.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Shanghai) }

// Before reports whether d is an earlier day than e: by year, then month, then day.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// AddDays is the date n days later (earlier for a negative n).
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// AddMonths is the date n months later; a day the month lacks normalises into the next one,
// as time.AddDate does, so callers add months to a month's first day.
func (d Date) AddMonths(n int) Date { return DateOf(d.Time().AddDate(0, n, 0)) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// DaysUntil is the number of days from d to e (negative when e comes first).
func (d Date) DaysUntil(e Date) int {
	return int(time.Date(e.Year, e.Month, e.Day, 0, 0, 0, 0, time.UTC).Sub(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

// Shanghai is Asia/Shanghai. China has had no daylight saving time since 1991, so a fixed
// UTC+8 zone is exact for every date the product handles and needs no tzdata on the host.
var Shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

// Bounds of what one lot can plausibly be. A value beyond them is a broken cell, a unit
// mistake or a hostile file, never a real deal, and is rejected with the bound named, so that
// no sum of lots can overflow 64-bit fen and no field can make a reader hold megabytes.
const (
	// MaxLotAmount bounds every amount of one lot (budget, reserve, deal): 1万亿元. The largest
	// single public-resource deals are a few hundred 亿元; a whole province trades a few 万亿元
	// a year.
	MaxLotAmount money.Fen = 1_000_000_000_000 * money.Yuan
	// MaxCodeRunes bounds a project, lot or deal code: real codes are under 50 characters.
	MaxCodeRunes = 100
	// MaxNameRunes bounds a project name: real names are under 200 characters.
	MaxNameRunes = 1000
	// MaxBidders bounds the bidders of one section: the largest draws of 政府采购 framework
	// agreements take a few thousand.
	MaxBidders = 100000
)

// MaxTotal bounds the sum of any column over all the lots a database holds: a load that
// would take a total past it is refused, so that the sums ClickHouse computes in Int64 fen,
// and every sum of them in Go, stay exact (half of the Int64 range, 4.6 × 10^16 元, far above
// the 2.2 × 10^13 元 the whole country trades in a year).
const MaxTotal money.Fen = 1 << 62

// Solicitation is how a section's bidders were sought (招标方式, 采购方式: 招标投标法 第十条,
// 政府采购法 第二十六条, 竞争性磋商 by 财库〔2014〕214号), as far as its export says. It decides
// whether a single bid is a red flag: in an open procedure anyone could have bid, while an
// invitation, a negotiation or a single source names its bidders.
type Solicitation uint8

// The values of Solicitation: unknown is the zero value, a section whose export does not say.
const (
	SolicitUnknown      Solicitation = iota
	SolicitOpen                      // 公开招标, 公开采购
	SolicitInvited                   // 邀请招标
	SolicitNegotiated                // 竞争性谈判
	SolicitConsultation              // 竞争性磋商
	SolicitInquiry                   // 询价
	SolicitSingleSource              // 单一来源
)

// Solicitations lists the known procurement methods, in order.
func Solicitations() []Solicitation {
	return []Solicitation{SolicitOpen, SolicitInvited, SolicitNegotiated, SolicitConsultation, SolicitInquiry, SolicitSingleSource}
}

// solicitationNames are the methods' names in canonical files and the vocabulary's readings.
var solicitationNames = [...]string{"", "open", "invited", "negotiated", "consultation", "inquiry", "single_source"}

// String is the method's canonical name ("" when unknown).
func (p Solicitation) String() string {
	if int(p) < len(solicitationNames) {
		return solicitationNames[p]
	}
	return ""
}

// SolicitationNamed is the method of a canonical name (String); "" is SolicitUnknown, and a
// name no method has is not ok.
func SolicitationNamed(name string) (Solicitation, bool) {
	for i, n := range solicitationNames {
		if n == name {
			return Solicitation(i), true
		}
	}
	return SolicitUnknown, false
}

// OpenOrUnknown reports a section that may have been open to any bidder: an open procedure,
// or one whose export does not say (docs/competition.md: R018).
func (p Solicitation) OpenOrUnknown() bool { return p == SolicitUnknown || p == SolicitOpen }
