package tradestat_test

import (
	"os"
	"slices"
	"testing"

	"go.yaml.in/yaml/v2"

	"tradestat"
	"tradestat/internal/tradestattest"
	"tradestat/msg"
)

// TestShortSubmission: the SHORT flag applies to a section when the law sets a minimum for its
// trade type and procurement method and its dates give a period, and is raised, citing the
// minimum and its rule, when the period is under it (testdata/submission.yaml).
func TestShortSubmission(t *testing.T) {
	data, err := os.ReadFile("testdata/submission.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Type, Method     string
		Notice, Deadline string
		Applies, Short   bool
		Days             int
		Working          bool
		Rule             string
	}
	if err := yaml.UnmarshalStrict(data, &cases); err != nil {
		t.Fatal(err)
	}
	date := func(s string) tradestat.Date { return tradestattest.Date(t, s) }
	for _, c := range cases {
		method, ok := tradestat.SolicitationNamed(c.Method)
		if !ok {
			t.Fatalf("%+v: no such method", c)
		}
		r := tradestat.Assess(tradestat.SectionFacts{Type: tradestat.TradeType(c.Type), Solicitation: method,
			Notice: date(c.Notice), Deadline: date(c.Deadline)}, tradestat.Fence{})
		applies := slices.Contains(r.Applicable, tradestat.FlagShortSubmission)
		var raised *tradestat.Raised
		for i := range r.Raised {
			if r.Raised[i].Code == tradestat.FlagShortSubmission {
				raised = &r.Raised[i]
			}
		}
		switch {
		case applies != c.Applies || (raised != nil) != c.Short:
			t.Errorf("%+v: applies %v, raised %+v", c, applies, raised)
		case raised != nil && (raised.Bound != int64(c.Days) || raised.Minimum.Days != c.Days ||
			raised.Minimum.WorkingDays != c.Working || raised.Minimum.Rule.Key() != c.Rule):
			t.Errorf("%+v: raised %+v", c, *raised)
		}
	}
}

// TestMinimumsCiteTheirRules: every minimum names a rule the catalog says in Chinese, and no
// pair of type and method has two.
func TestMinimumsCiteTheirRules(t *testing.T) {
	seen := map[[2]string]bool{}
	mins := tradestat.SubmissionMinimums()
	if len(mins) == 0 {
		t.Fatal("no minimum")
	}
	for _, m := range mins {
		if zh := m.Rule.Text(msg.Chinese); zh == m.Rule.Key() {
			t.Errorf("%+v: the catalog has no Chinese for its rule", m)
		}
		key := [2]string{string(m.Type), m.Solicitation.String()}
		if seen[key] {
			t.Errorf("%+v: listed twice", m)
		}
		seen[key] = true
		if got, ok := tradestat.MinSubmission(m.Type, m.Solicitation); !ok || got.Days != m.Days {
			t.Errorf("MinSubmission(%s, %v) = %+v, %v; want %+v", m.Type, m.Solicitation, got, ok, m)
		}
	}
}
