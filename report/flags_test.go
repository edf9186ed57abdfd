package report_test

import (
	"os"
	"strings"
	"testing"

	"tradestat"
	"tradestat/msg"
	"tradestat/report"
)

// TestShortSubmissionReasons: a short submission period is said with the minimum of the
// section's method and the rule setting it, in both languages (testdata/short-reasons.golden:
// every minimum of periods.yaml, a period of 2 days).
func TestShortSubmissionReasons(t *testing.T) {
	var b strings.Builder
	for _, m := range tradestat.SubmissionMinimums() {
		r := tradestat.Raised{Code: tradestat.FlagShortSubmission, Value: 2, Bound: int64(m.Days), Minimum: m}
		b.WriteString(string(m.Type) + " " + m.Solicitation.String() + "\n")
		for _, l := range []msg.Lang{msg.Chinese, msg.English} {
			b.WriteString("  " + report.FlagReason(l, r) + "\n")
		}
	}
	want, err := os.ReadFile("testdata/short-reasons.golden")
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
