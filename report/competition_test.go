package report

import (
	"testing"

	"tradestat"
	"tradestat/query"
)

func TestCompetitionSentence(t *testing.T) {
	year := query.Filter{From: tradestat.Date{Year: 2021, Month: 1, Day: 1}, To: tradestat.Date{Year: 2021, Month: 12, Day: 31}}
	some := query.Competition{Sections: 6, Failed: 2, RemoteKnown: 3, Remote: 2, BiddersSum: 17}
	some.ByCompetitors[1], some.ByCompetitors[2], some.ByCompetitors[3], some.ByCompetitors[4], some.ByCompetitors[7] = 1, 1, 1, 1, 1
	for _, tt := range []struct {
		c    query.Competition
		want string
	}{
		{some, "2021年1至12月，共开标6个标段，流标2个，流标率33.33%；远程异地评标2个（另有3个标段未注明评标地点，未计入）；平均每个标段3.40家投标，仅一家投标的标段1个。"},
		{query.Competition{Sections: 4, Failed: 1}, "2021年1至12月，共开标4个标段，流标1个，流标率25.00%。"},
		{query.Competition{}, "2021年1至12月，无开标标段记录。"},
	} {
		if got := CompetitionSentence(year, tt.c); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}
