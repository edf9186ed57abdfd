package money

import (
	"math"
	"strings"
	"testing"
	"testing/quick"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		fen      Fen
		wan, yi  string
		yuanText string
	}{
		{1107371000000, "1107371", "110.74", "11073710000.00"}, // T1 deal amount
		{35303820000, "35303.82", "3.53", "353038200.00"},      // T1 savings
		{17338800000, "17338.8", "1.73", "173388000.00"},       // T1 premium
		{136787346000000 / 100, "1367873.46", "136.79", "13678734600.00"},
		{0, "0", "0", "0.00"},
		{1, "0", "0", "0.01"},
		{4999, "0", "0", "49.99"},       // 49.99 元 = 0.004999 万元 → 0
		{5000, "0.01", "0", "50.00"},    // half rounds away from zero
		{-5000, "-0.01", "0", "-50.00"}, // and so does a negative half
		{-4999, "0", "0", "-49.99"},     // no "-0"
		{995000, "1", "0", "9950.00"},   // 0.995 万元 rounds up to 1
		{10000000, "10", "0", "100000.00"},
		{-35303820000, "-35303.82", "-3.53", "-353038200.00"},
	}
	for _, tt := range tests {
		if got := tt.fen.Wan(); got != tt.wan {
			t.Errorf("Fen(%d).Wan() = %q, want %q", tt.fen, got, tt.wan)
		}
		if got := tt.fen.Yi(); got != tt.yi {
			t.Errorf("Fen(%d).Yi() = %q, want %q", tt.fen, got, tt.yi)
		}
		if got := tt.fen.Yuan(); got != tt.yuanText {
			t.Errorf("Fen(%d).Yuan() = %q, want %q", tt.fen, got, tt.yuanText)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		unit    Fen
		want    Fen
		wantErr bool
	}{
		{"1234.5", Yuan, 123450, false},
		{"1234.56", Yuan, 123456, false},
		{" 0.01 ", Yuan, 1, false},
		{"-12", Yuan, -1200, false},
		{"+12.", Yuan, 1200, false},
		{".5", Yuan, 50, false},
		{"000", Yuan, 0, false},
		{"35303.82", Wan, 35303820000, false},
		{"1.000001", Wan, 1000001, false},
		{"92233720368547758.07", Yuan, 9223372036854775807, false},
		{"92233720368547758.08", Yuan, 0, true},
		{"1.234", Yuan, 0, true}, // a thousandth of a yuan is not a whole fen
		{"1.0000001", Wan, 0, true},
		{"", Yuan, 0, true},
		{".", Yuan, 0, true},
		{"-", Yuan, 0, true},
		{"待定", Yuan, 0, true},
		{"1,000", Yuan, 0, true},
		{"1e6", Yuan, 0, true},
		{"1.2.3", Yuan, 0, true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, tt.unit)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("Parse(%q, %d) = %d, %v; want %d, error %v", tt.in, tt.unit, got, err, tt.want, tt.wantErr)
		}
	}
}

// TestYuanRoundTrip: every amount written in canonical 元 text reads back to the same fen.
func TestYuanRoundTrip(t *testing.T) {
	f := func(v int64) bool {
		if v == -1<<63 {
			return true // has no positive counterpart; amounts never come near it
		}
		got, err := Parse(Fen(v).Yuan(), Yuan)
		return err == nil && got == Fen(v)
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 20000}); err != nil {
		t.Error(err)
	}
}

// TestWanIsRoundedYuan: Wan agrees with rounding the exact value half away from zero, checked
// against an independent computation in 元 text.
func TestWanIsRoundedYuan(t *testing.T) {
	f := func(v int32) bool {
		fen := Fen(v) * 1000
		parsed, err := Parse(fen.Wan(), Wan)
		if err != nil {
			return false
		}
		diff := parsed - fen
		if diff < 0 {
			diff = -diff
		}
		return diff*2 <= Wan/100
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 20000}); err != nil {
		t.Error(err)
	}
}

func TestPercent(t *testing.T) {
	tests := []struct {
		num, den int64
		want     string
		ok       bool
	}{
		{353038200, 1106740000, "31.90", true},
		{1, 3, "33.33", true},
		{2, 3, "66.67", true},
		{1, 200, "0.50", true},
		{1, 40000, "0.00", true}, // 0.0025%: rounds to zero, shown without a sign
		{1, 20000, "0.01", true}, // 0.005% rounds half away from zero
		{-1, 20000, "-0.01", true},
		{-1, 40000, "0.00", true},
		{5, -4, "-125.00", true},
		{0, 7, "0.00", true},
		{7, 0, "", false},
		{math.MaxInt64, 1, "922337203685477580700.00", true}, // no overflow at any scale
	}
	for _, tt := range tests {
		got, ok := Percent(tt.num, tt.den)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Percent(%d, %d) = %q, %v; want %q, %v", tt.num, tt.den, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRatio(t *testing.T) {
	tests := []struct {
		num, den int64
		want     string
		ok       bool
	}{
		{13, 4, "3.25", true},
		{10, 3, "3.33", true},
		{20, 3, "6.67", true},
		{1, 200, "0.01", true}, // 0.005 rounds half away from zero
		{0, 5, "0.00", true},
		{5, 0, "", false},
	}
	for _, tt := range tests {
		if got, ok := Ratio(tt.num, tt.den); got != tt.want || ok != tt.ok {
			t.Errorf("Ratio(%d, %d) = %q, %v; want %q, %v", tt.num, tt.den, got, ok, tt.want, tt.ok)
		}
	}
}

// TestReportFormsProperties: for any amount, 万元 and 亿元 text never ends in a zero decimal
// or a bare point (the report style drops trailing zeros), reads back within half a unit of
// the last decimal of the exact value, and a whole amount of 万元 prints as an integer.
func TestReportFormsProperties(t *testing.T) {
	f := func(v int64) bool {
		if v == -1<<63 {
			return true
		}
		fen := Fen(v / 1000) // stay far from overflow when reading back
		for _, u := range []struct {
			unit Fen
			text string
		}{{Wan, fen.Wan()}, {Yi, fen.Yi()}} {
			if strings.HasSuffix(u.text, ".") || strings.Contains(u.text, ".") && strings.HasSuffix(u.text, "0") {
				return false
			}
			back, err := Parse(u.text, u.unit)
			if err != nil {
				return false
			}
			diff := back - fen
			if diff < 0 {
				diff = -diff
			}
			if diff*2 > u.unit/100 {
				return false
			}
		}
		whole := (fen / Wan) * Wan
		return !strings.Contains(whole.Wan(), ".")
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 20000}); err != nil {
		t.Error(err)
	}
}

// TestPercentProperties: Percent is the exact ratio rounded half away from zero to two
// decimals — checked by multiplying back in integers — and is odd in its numerator.
func TestPercentProperties(t *testing.T) {
	f := func(num int32, den int32) bool {
		if den == 0 {
			_, ok := Percent(int64(num), 0)
			return !ok
		}
		s, ok := Percent(int64(num), int64(den))
		if !ok {
			return false
		}
		h, err := Parse(s, Yuan) // hundredths of a percent, as integer "fen"
		if err != nil {
			return false
		}
		// |num·10000/den − h| ≤ 1/2, as |num·10000 − h·den| · 2 ≤ |den|.
		d := int64(num)*10000 - int64(h)*int64(den)
		if d < 0 {
			d = -d
		}
		ad := int64(den)
		if ad < 0 {
			ad = -ad
		}
		neg, _ := Percent(-int64(num), int64(den))
		return d*2 <= ad && (s == "0.00" && neg == "0.00" || neg == "-"+s || "-"+neg == s)
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 20000}); err != nil {
		t.Error(err)
	}
}
