package report

import (
	"fmt"

	"tradestat/query"
)

// CompetitionSentence is the competition figures of a period as a bulletin writes them:
// sections opened and failed with the failure rate; the remote evaluations, saying how many
// sections did not say how they were evaluated; the bidders per section. A part whose basis
// is empty is left out rather than written as 0.
func CompetitionSentence(f query.Filter, c query.Competition) string {
	period := AnnualPeriod(f.From, f.To)
	if c.Sections == 0 {
		return period + "，无开标标段记录。"
	}
	rate, _ := c.FailureRate()
	s := fmt.Sprintf("%s，共开标%d个标段，流标%d个，流标率%s%%", period, c.Sections, c.Failed, rate)
	if c.RemoteKnown > 0 {
		s += fmt.Sprintf("；远程异地评标%d个", c.Remote)
		if unsaid := c.Sections - c.RemoteKnown; unsaid > 0 {
			s += fmt.Sprintf("（另有%d个标段未注明评标地点，未计入）", unsaid)
		}
	}
	if mean, ok := c.MeanBidders(); ok {
		s += fmt.Sprintf("；平均每个标段%s家投标，仅一家投标的标段%d个", mean, c.ByCompetitors[1])
	}
	return s + "。"
}
