package tradestat_test

import (
	"errors"
	"fmt"
	"testing"

	"tradestat"
	"tradestat/msg"
)

func TestFailures(t *testing.T) {
	cause := errors.New("disk")
	for _, tt := range []struct {
		err      error
		kind     tradestat.FailureKind
		zh, en   string
		wrapping error
	}{
		{tradestat.Fail(tradestat.NotFound, "no map of this area"), tradestat.NotFound, "没有这个地区的地图", "no map of this area", nil},
		{fmt.Errorf("map: %w", tradestat.Fail(tradestat.Invalid, "lang %q: want zh or en", "fr")), tradestat.Invalid,
			"lang「fr」：应为 zh 或 en", `lang "fr": want zh or en`, nil},
		{tradestat.FailWith(tradestat.Unsupported, cause, "%s is empty", "a.csv"), tradestat.Unsupported, "a.csv 是空文件", "a.csv is empty", cause},
		{errors.New("plain"), tradestat.Internal, "", "", nil},
	} {
		if got := tradestat.KindOf(tt.err); got != tt.kind {
			t.Errorf("KindOf(%v) = %v, want %v", tt.err, got, tt.kind)
		}
		var e *tradestat.Error
		if !errors.As(tt.err, &e) {
			continue
		}
		if e.Text(msg.Chinese) != tt.zh || e.Text(msg.English) != tt.en || e.Error() != tt.en {
			t.Errorf("%v: %q / %q", tt.err, e.Text(msg.Chinese), e.Text(msg.English))
		}
		if tt.wrapping != nil && !errors.Is(tt.err, tt.wrapping) {
			t.Errorf("%v does not wrap its cause", tt.err)
		}
	}
}

// TestOfInput: the failures a worker sets the input aside for are those of what was given;
// the product's own, a service away and a full disk are tried again.
func TestOfInput(t *testing.T) {
	again := map[tradestat.FailureKind]bool{tradestat.Internal: true, tradestat.Unavailable: true, tradestat.Full: true}
	for k := tradestat.Internal; k <= tradestat.Full; k++ {
		if k.OfInput() == again[k] {
			t.Errorf("kind %d: OfInput %v", k, k.OfInput())
		}
	}
	if tradestat.KindOf(errors.New("connection reset")).OfInput() {
		t.Error("an error that is no failure counts as the input's")
	}
}
