package tradestat

import (
	_ "embed"
	"fmt"
	"sort"
	"sync"

	"go.yaml.in/yaml/v2"

	"tradestat/msg"
)

//go:embed periods.yaml
var periodsYAML []byte

// SubmissionMinimum is the shortest submission period the law allows for the sections of one
// trade type sought in one way (periods.yaml, with its sources).
type SubmissionMinimum struct {
	Type         TradeType
	Solicitation Solicitation // SolicitUnknown: the sections whose export does not say
	Days         int
	// WorkingDays: the law counts working days. The product checks them as calendar days, a
	// bound no shorter period can pass, so that a section it flags is short for certain.
	WorkingDays bool
	// Rule is the provision setting the minimum, as a catalog message.
	Rule msg.Message
}

// SubmissionMinimums lists every minimum, by trade type and then procurement method.
func SubmissionMinimums() []SubmissionMinimum {
	return append([]SubmissionMinimum(nil), submissionMinimums().list...)
}

// MinSubmission is the minimum for a section of trade type t sought as s, if the law sets one
// the product can check.
func MinSubmission(t TradeType, s Solicitation) (SubmissionMinimum, bool) {
	m, ok := submissionMinimums().by[minimumKey{t, s}]
	return m, ok
}

type minimumKey struct {
	t TradeType
	s Solicitation
}

type minimums struct {
	list []SubmissionMinimum
	by   map[minimumKey]SubmissionMinimum
}

// unsaidMethod is periods.yaml's name for a section whose export does not say its method.
const unsaidMethod = "unsaid"

// submissionMinimums reads periods.yaml; it is the product's own, so a file it cannot read is a
// fault of the build, and panics.
var submissionMinimums = sync.OnceValue(func() minimums {
	type entry struct {
		Days    int    `yaml:"days"`
		Working bool   `yaml:"working"`
		Rule    string `yaml:"rule"`
	}
	var file struct {
		Days map[string]map[string]entry `yaml:"submission_minimum_days"`
	}
	if err := yaml.UnmarshalStrict(periodsYAML, &file); err != nil {
		panic("tradestat: periods.yaml: " + err.Error())
	}
	out := minimums{by: map[minimumKey]SubmissionMinimum{}}
	for name, byMethod := range file.Days {
		t, err := ParseTradeType(name)
		if err != nil {
			panic("tradestat: periods.yaml: " + name)
		}
		for method, e := range byMethod {
			// A method unsaid is named so here, never "" (SolicitationNamed's unknown).
			s, ok := SolicitationNamed(method)
			ok = ok && method != "" || method == unsaidMethod
			if !ok || e.Days <= 0 || e.Rule == "" {
				panic(fmt.Sprintf("tradestat: periods.yaml: %s %s: want a known method, days > 0 and a rule", name, method))
			}
			m := SubmissionMinimum{Type: t, Solicitation: s, Days: e.Days, WorkingDays: e.Working, Rule: msg.Of(e.Rule)}
			out.list = append(out.list, m)
			out.by[minimumKey{t, s}] = m
		}
	}
	order := map[TradeType]int{}
	for i, t := range TradeTypes() {
		order[t] = i
	}
	sort.Slice(out.list, func(i, j int) bool {
		a, b := out.list[i], out.list[j]
		if a.Type != b.Type {
			return order[a.Type] < order[b.Type]
		}
		return a.Solicitation < b.Solicitation
	})
	return out
})
