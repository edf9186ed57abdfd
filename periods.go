package tradestat

import (
	_ "embed"
	"sync"

	"go.yaml.in/yaml/v2"
)

//go:embed periods.yaml
var periodsYAML []byte

// MinSubmissionDays is the shortest submission period the law allows for each trade type that
// has one minimum for every procedure (periods.yaml, with its source); a type not listed has
// none the product can check.
func MinSubmissionDays() map[TradeType]int {
	out := map[TradeType]int{}
	for t, d := range minSubmission() {
		out[t] = d
	}
	return out
}

var minSubmission = sync.OnceValue(func() map[TradeType]int {
	var file struct {
		Days map[string]int `yaml:"submission_minimum_days"`
	}
	if err := yaml.UnmarshalStrict(periodsYAML, &file); err != nil {
		panic("tradestat: periods.yaml: " + err.Error())
	}
	out := map[TradeType]int{}
	for name, d := range file.Days {
		t, err := ParseTradeType(name)
		if err != nil || d <= 0 {
			panic("tradestat: periods.yaml: " + name)
		}
		out[t] = d
	}
	return out
})
