package report

import (
	"fmt"

	"tradestat"
	"tradestat/msg"
)

// A flag as a supervisor reads it: its name, and the sentence saying what was found on a
// section and which published definition it follows. Both are catalog messages.

// flagNames are the flags' names (catalog keys).
var flagNames = map[tradestat.FlagCode]string{
	tradestat.FlagSingleBid:       "single bid",
	tradestat.FlagCloseToWinner:   "runner-up too close",
	tradestat.FlagDiscounted:      "winner far below the runner-up",
	tradestat.FlagIdenticalBids:   "identical bid prices",
	tradestat.FlagOthersRejected:  "all but the winner disqualified",
	tradestat.FlagAtCeiling:       "awarded at the ceiling",
	tradestat.FlagShortSubmission: "short submission period",
}

// FlagName is a flag's name in l.
func FlagName(l msg.Lang, code tradestat.FlagCode) string { return l.T(flagNames[code]) }

// FlagReason is what a raised flag found on its section, in l.
func FlagReason(l msg.Lang, r tradestat.Raised) string {
	switch r.Code {
	case tradestat.FlagSingleBid:
		return l.T("only one bid was received (Cardinal R018)")
	case tradestat.FlagCloseToWinner:
		return l.T("the runner-up bid is only %s%% above the winning bid, below the usual range of its trade type and year (from %s%%) (Cardinal R024)", BP(r.Value), BP(r.Bound))
	case tradestat.FlagDiscounted:
		return l.T("the runner-up bid is %s%% above the winning bid, beyond the usual range of its trade type and year (up to %s%%) (Cardinal R058)", BP(r.Value), BP(r.Bound))
	case tradestat.FlagIdenticalBids:
		return l.T("%d bids have exactly the price of another bid (Cardinal R028)", r.Value)
	case tradestat.FlagOthersRejected:
		return l.T("every other bid (%d) was disqualified; only the winner's stood (Cardinal R035)", r.Value)
	case tradestat.FlagAtCeiling:
		return l.T("awarded at %s%% of the ceiling price (%d%% or more is at the cap)", BP(r.Value), r.Bound/100)
	case tradestat.FlagShortSubmission:
		// A tender has bids; a consultation, negotiation or inquiry has responses.
		tender := r.Minimum.Solicitation == tradestat.SolicitUnknown || r.Minimum.Solicitation == tradestat.SolicitOpen ||
			r.Minimum.Solicitation == tradestat.SolicitInvited
		switch {
		case r.Minimum.WorkingDays:
			return l.T("%d days from the notice to the deadline for responses, under the legal minimum of %d working days (%s)", r.Value, r.Bound, r.Minimum.Rule)
		case !tender:
			return l.T("%d days from the notice to the deadline for responses, under the legal minimum of %d days (%s)", r.Value, r.Bound, r.Minimum.Rule)
		}
		return l.T("%d days from the notice to the bid deadline, under the legal minimum of %d days (%s)", r.Value, r.Bound, r.Minimum.Rule)
	}
	return string(r.Code)
}

// BP is basis points as a percentage with two decimals (1234 → 12.34, -5 → -0.05).
func BP(bp int64) string {
	sign := ""
	if bp < 0 {
		sign, bp = "-", -bp
	}
	return fmt.Sprintf("%s%d.%02d", sign, bp/100, bp%100)
}
