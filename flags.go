package tradestat

import (
	"sort"

	"tradestat/money"
)

// Red flags: the signs in a section's bids and dates that a supervisor looks at first. Each
// follows a published definition (docs/competition.md names the source of each: the Open
// Contracting Partnership's Cardinal rules R018, R024, R028, R035, R058, and for the submission
// period the law that sets the section's minimum, periods.yaml). A flag applies to a section
// only when the section has what it needs; a section's risk score is the share of its
// applicable flags raised, and is never given without the flags it counts.

// FlagCode names a red flag.
type FlagCode string

// The flags, in the order a section's flags are listed.
const (
	FlagSingleBid       FlagCode = "R018" // a single bid received
	FlagCloseToWinner   FlagCode = "R024" // the runner-up bid unusually close to the winning bid
	FlagDiscounted      FlagCode = "R058" // the winning bid unusually far below the runner-up
	FlagIdenticalBids   FlagCode = "R028" // different bidders, the same price
	FlagOthersRejected  FlagCode = "R035" // every bid but the winner's disqualified
	FlagAtCeiling       FlagCode = "CAP"  // awarded at 98% of the ceiling price or more
	FlagShortSubmission FlagCode = "SHORT"
)

// Flags lists every flag in order.
func Flags() []FlagCode {
	return []FlagCode{FlagSingleBid, FlagCloseToWinner, FlagDiscounted, FlagIdenticalBids, FlagOthersRejected, FlagAtCeiling, FlagShortSubmission}
}

// MinFenceSections is how many sections of a trade type and year must have a winning and a
// runner-up price before their gaps give fences: fewer say nothing of what is usual.
const MinFenceSections = 10

// AtCeilingPercent is the share of the ceiling price from which an award is at the cap.
const AtCeilingPercent = 98

// SectionFacts is what the flags of one awarded section are computed from: its lot, and the
// current bid list of the section when one was loaded.
type SectionFacts struct {
	Type         TradeType
	Solicitation Solicitation // 0: not said
	Amount       money.Fen
	Ceiling      money.Fen // 0: not said
	Notice       Date
	Deadline     Date
	// Bidders is the number of bids: the list's when there is one, else the lot's 投标人数.
	Bidders      int
	BiddersKnown bool
	// From the bid list (all 0 without one).
	Priced    int       // bids with a price
	Identical int       // priced bids whose price another bid of the section also has
	Winners   int       // bids marked as winning
	WinPrice  money.Fen // the winning bid's price, when one bid won
	RunnerUp  money.Fen // the lowest price of the other bids not rejected; 0 when none
	Others    int       // bids not marked as winning
	OthersOff int       // of which rejected
	OthersNA  int       // of which the list does not say whether they stood
}

// GapBP is the runner-up's price above the winning bid's, in basis points of the winning bid
// (negative when the runner-up bid less), and whether the section has both.
func (s SectionFacts) GapBP() (int64, bool) {
	if s.Winners != 1 || s.WinPrice <= 0 || s.RunnerUp <= 0 {
		return 0, false
	}
	return int64(s.RunnerUp-s.WinPrice) * 10000 / int64(s.WinPrice), true
}

// SubmissionDays is the days from the notice to the bid deadline, when both are said and lie
// 1–365 days apart (as the competition figures count them).
func (s SectionFacts) SubmissionDays() (int, bool) {
	if s.Notice.IsZero() || s.Deadline.IsZero() {
		return 0, false
	}
	d := s.Notice.DaysUntil(s.Deadline)
	return d, d >= 1 && d <= 365
}

// Fence is the usual range of the gap between winning and runner-up bids in one trade type and
// year: the quartiles of the sections' gaps (the value at ⌊n/4⌋ and ⌊3n/4⌋ of the gaps sorted),
// and the number of sections.
type Fence struct {
	Sections int
	Q1, Q3   int64
}

// FenceOf is the fence of a set of gaps.
func FenceOf(gaps []int64) Fence {
	if len(gaps) == 0 {
		return Fence{}
	}
	s := append([]int64(nil), gaps...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return Fence{Sections: len(s), Q1: s[len(s)/4], Q3: s[len(s)*3/4]}
}

// outside tells a gap below Q1 − 1.5·IQR (low) or above Q3 + 1.5·IQR (high), in halves so
// that the bounds stay whole numbers.
func (f Fence) outside(gap int64) (low, high bool) {
	iqr := f.Q3 - f.Q1
	return 2*gap < 2*f.Q1-3*iqr, 2*gap > 2*f.Q3+3*iqr
}

// Raised is a flag raised on a section, with what the sentence saying it needs.
type Raised struct {
	Code FlagCode
	// The figures of the sentence: the gap and the fence crossed (R024, R058, in basis
	// points), the bids with one price (R028), the bids rejected (R035), the award's share of
	// the ceiling in basis points (CAP), the days and the minimum (SHORT).
	Value, Bound int64
	// Minimum is the legal minimum a SHORT flag found the section under, with its rule.
	Minimum SubmissionMinimum
}

// Risk is what the flags say of one section.
type Risk struct {
	Applicable []FlagCode
	Raised     []Raised
}

// ScoreBP is the share of the applicable flags raised, in basis points; ok is false when no
// flag applies.
func (r Risk) ScoreBP() (int64, bool) {
	if len(r.Applicable) == 0 {
		return 0, false
	}
	return int64(len(r.Raised)) * 10000 / int64(len(r.Applicable)), true
}

// Assess applies every flag to a section, with the fence of its trade type and year.
func Assess(s SectionFacts, fence Fence) Risk {
	var r Risk
	apply := func(code FlagCode, applies, raised bool, value, bound int64) *Raised {
		if !applies {
			return nil
		}
		r.Applicable = append(r.Applicable, code)
		if !raised {
			return nil
		}
		r.Raised = append(r.Raised, Raised{Code: code, Value: value, Bound: bound})
		return &r.Raised[len(r.Raised)-1]
	}
	// A single bid flags an open procedure only: an invited, negotiated or single-source one
	// chose its bidders.
	apply(FlagSingleBid, s.Type.Kind() == Tender && s.Solicitation.OpenOrUnknown() && s.BiddersKnown && s.Bidders > 0, s.Bidders == 1, 1, 0)
	gap, hasGap := s.GapBP()
	fenced := hasGap && fence.Sections >= MinFenceSections
	low, high := fence.outside(gap)
	iqr := fence.Q3 - fence.Q1
	apply(FlagCloseToWinner, fenced, low, gap, (2*fence.Q1-3*iqr)/2)
	apply(FlagDiscounted, fenced, high, gap, (2*fence.Q3+3*iqr)/2)
	apply(FlagIdenticalBids, s.Priced >= 2, s.Identical >= 2, int64(s.Identical), 0)
	apply(FlagOthersRejected, s.Winners == 1 && s.Others >= 1 && s.OthersNA == 0, s.OthersOff == s.Others, int64(s.OthersOff), 0)
	share := int64(0)
	if s.Ceiling > 0 {
		share = int64(s.Amount) * 10000 / int64(s.Ceiling)
	}
	apply(FlagAtCeiling, s.Ceiling > 0 && s.Amount > 0, s.Amount*100 >= s.Ceiling*AtCeilingPercent, share, AtCeilingPercent*100)
	days, ok := s.SubmissionDays()
	least, limited := MinSubmission(s.Type, s.Solicitation)
	if short := apply(FlagShortSubmission, ok && limited, days < least.Days, int64(days), int64(least.Days)); short != nil {
		short.Minimum = least
	}
	return r
}
