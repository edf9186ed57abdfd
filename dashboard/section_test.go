package dashboard

import (
	"testing"

	"tradestat"
	"tradestat/msg"
)

// TestSolicitationNames: every procurement method has its name in Chinese and in English from
// the catalog, and a method not said has none.
func TestSolicitationNames(t *testing.T) {
	for _, m := range tradestat.Solicitations() {
		zh, en := solicitationName(msg.Chinese, m), solicitationName(msg.English, m)
		if zh == "" || en == "" || zh == en || zh == solicitationNames[m] {
			t.Errorf("%v: Chinese %q, English %q", m, zh, en)
		}
	}
	if got := solicitationName(msg.Chinese, tradestat.SolicitUnknown); got != "" {
		t.Errorf("a method not said is named %q", got)
	}
}
