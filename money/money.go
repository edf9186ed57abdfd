// Package money keeps amounts exact: integer fen (分) from parsing to the last sum, and the one
// place where amounts become the text of reports — 万元 and 亿元 by the published style
// (docs/domain.md): integers without decimals, otherwise at most two decimals with trailing zeros
// dropped. No float64 is used anywhere, so no figure can drift by a fen.
package money

import (
	"fmt"
	"math"
	"math/big"
	"strings"
)

// Fen is an amount of money in fen (1 yuan = 100 fen).
type Fen int64

// Units of the amounts in exports and reports, in fen.
const (
	Yuan Fen = 100
	Wan  Fen = 10000 * Yuan     // 万元
	Yi   Fen = 100000000 * Yuan // 亿元
)

// Parse reads a decimal amount given in unit (Yuan or Wan) exactly. It accepts an optional
// sign and as many decimals as the unit can hold in whole fen (2 for 元, 6 for 万元); more
// would need rounding, and a figure that needs rounding is not exact input.
func Parse(s string, unit Fen) (Fen, error) {
	orig := s
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if len(intPart)+len(frac) == 0 || !allDigits(intPart) || !allDigits(frac) {
		return 0, fmt.Errorf("amount %q is not a number", orig)
	}
	scale := digitsOf(unit)
	if len(frac) > scale {
		return 0, fmt.Errorf("amount %q has more than %d decimals", orig, scale)
	}
	// Accumulate the digits of intPart and frac, padded to scale, with overflow checks; no
	// string is built, since this runs for every amount of every loaded row.
	var v uint64
	for i := 0; i < len(intPart)+scale; i++ {
		var c byte = '0'
		switch {
		case i < len(intPart):
			c = intPart[i]
		case i-len(intPart) < len(frac):
			c = frac[i-len(intPart)]
		}
		if v >= math.MaxInt64/10 && v > (math.MaxInt64-uint64(c-'0'))/10 { // the constant test spares a division per digit
			return 0, fmt.Errorf("amount %q is out of range", orig)
		}
		v = v*10 + uint64(c-'0')
	}
	if neg {
		return Fen(-int64(v)), nil
	}
	return Fen(v), nil
}

// digitsOf is the number of decimal places of unit that whole fen can represent
// (Yuan → 2, Wan → 6).
func digitsOf(unit Fen) int {
	switch unit { // the units every row uses, without a loop of divisions
	case Yuan:
		return 2
	case Wan:
		return 6
	}
	n := 0
	for u := unit; u > 1; u /= 10 {
		n++
	}
	return n
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Wan formats f in 万元 by the report style: 1107371, 35303.82, 17338.8 (no unit suffix).
func (f Fen) Wan() string { return format(f, Wan) }

// Yi formats f in 亿元 by the report style: 110.74 (no unit suffix).
func (f Fen) Yi() string { return format(f, Yi) }

// Yuan formats f in 元 with exactly two decimals, the form of canonical files: 1234.50.
func (f Fen) Yuan() string {
	sign, a := "", int64(f)
	if a < 0 {
		sign, a = "-", -a
	}
	return fmt.Sprintf("%s%d.%02d", sign, a/100, a%100)
}

// format rounds f to two decimals of unit, half away from zero (四舍五入), and drops
// trailing zeros.
func format(f Fen, unit Fen) string {
	sign := ""
	a := int64(f)
	if a < 0 {
		sign, a = "-", -a
	}
	step := int64(unit) / 100 // fen in 0.01 of the unit
	hundredths := a / step
	if (a%step)*2 >= step {
		hundredths++
	}
	whole, rest := hundredths/100, hundredths%100
	if hundredths == 0 {
		sign = ""
	}
	switch {
	case rest == 0:
		return fmt.Sprintf("%s%d", sign, whole)
	case rest%10 == 0:
		return fmt.Sprintf("%s%d.%d", sign, whole, rest/10)
	default:
		return fmt.Sprintf("%s%d.%02d", sign, whole, rest)
	}
}

// Percent is num / den in percent with exactly two decimals, rounded half away from zero
// ("3.19", "-12.50", "100.00"); ok is false when den is 0. The arithmetic is in integers wide
// enough for national totals in fen times 10⁴: no float is involved.
func Percent(num, den int64) (string, bool) { return hundredths(num, den, 10000) }

// Ratio is num / den with exactly two decimals, rounded half away from zero ("3.25"): a mean
// such as bidders per section or days per period; ok is false when den is 0.
func Ratio(num, den int64) (string, bool) { return hundredths(num, den, 100) }

// hundredths is num × scale / den in hundredths, written with two decimals.
func hundredths(num, den, scale int64) (string, bool) {
	if den == 0 {
		return "", false
	}
	n, d := big.NewInt(num), big.NewInt(den)
	n.Mul(n, big.NewInt(scale))
	neg := n.Sign()*d.Sign() < 0
	n.Abs(n)
	d.Abs(d)
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if r.Lsh(r, 1).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	hundredths := q.String()
	for len(hundredths) < 3 {
		hundredths = "0" + hundredths
	}
	sign := ""
	if neg && q.Sign() != 0 {
		sign = "-"
	}
	return sign + hundredths[:len(hundredths)-2] + "." + hundredths[len(hundredths)-2:], true
}
