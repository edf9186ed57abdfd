package ingest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
)

// Normalisers turn the values of real exports (docs/domain.md) into domain values. Each takes the
// cell text as exported and returns the value or an error that says what was wrong, which the
// caller turns into a Reject naming file, row and column.

// textf is a value a cell cannot hold: a catalog message (package msg) with its values, said
// in the load's language where the row is rejected, in English by Error.
func textf(key string, args ...any) error { return tradestat.Fail(tradestat.Invalid, key, args...) }

// errEmpty marks a cell that holds no value (blank, or a placeholder such as "-" or "/").
var errEmpty = errors.New("empty")

// narrow folds full-width characters (０-９, ．, ，, （）, full-width space) to their ASCII forms
// and trims white space, so every normaliser sees one spelling.
func narrow(s string) string {
	// Only the ideographic space U+3000 (E3 80 80 in UTF-8) and the full-width forms
	// U+FF01–U+FFEE (EF BC 81 – EF BF AE) fold. A byte scan finds them; Chinese text without
	// them, the common case, is returned without a transform.
	for i := 0; i+2 < len(s); i++ {
		if s[i] == 0xEF && s[i+1] >= 0xBC && s[i+1] <= 0xBF || s[i] == 0xE3 && s[i+1] == 0x80 && s[i+2] == 0x80 {
			return strings.TrimSpace(width.Narrow.String(s))
		}
	}
	return strings.TrimSpace(s)
}

// normID is a code as an identity: in NFKC (full-width letters and digits as ASCII), without
// invisible characters (a BOM, a zero-width space, controls) and surrounding spaces, so that
// one code written two ways is one lot rather than two. Plain ASCII, the common case, is
// returned as it is.
func normID(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			s = norm.NFKC.String(s)
			return strings.TrimSpace(strings.Map(func(r rune) rune {
				if unicode.Is(unicode.Cf, r) || unicode.IsControl(r) || r == utf8.RuneError {
					return -1
				}
				return r
			}, s))
		}
	}
	return s
}

// isPlaceholder reports cell text that platforms write for "no value".
func isPlaceholder(s string) bool {
	switch s {
	case "", "-", "--", "—", "——", "/", "无", "空", "N/A", "n/a", "null", "NULL":
		return true
	}
	return false
}

// parseAmount reads an amount exactly. unit is the column's unit (money.Yuan or money.Wan); a
// unit written in the cell itself ("12.5万元", "3000元") takes precedence. Thousands separators,
// ¥/￥, spaces and full-width digits are accepted; anything else that is not a plain decimal is
// refused rather than guessed. excel marks a raw numeric XLSX cell, whose text may carry binary
// floating-point noise (0.30000000000000004) that Excel itself never shows: it is rounded to
// the 15 significant digits Excel displays, in decimal text, before parsing.
func parseAmount(s string, unit money.Fen, excel bool) (money.Fen, error) {
	orig := s
	if !excel && plainAmount(s) { // the common case: 1234.56, nothing to clean
		return parseExact(s, unit, orig)
	}
	s = narrow(s)
	if isPlaceholder(s) {
		return 0, errEmpty
	}
	if strings.ContainsAny(s, ", \u00a0¥￥'") {
		s = strings.Map(func(r rune) rune {
			switch r {
			case ',', ' ', '\u00a0', '¥', '￥', '\'':
				return -1
			}
			return r
		}, s)
	}
	switch {
	case strings.HasSuffix(s, "万元"):
		s, unit = strings.TrimSuffix(s, "万元"), money.Wan
	case strings.HasSuffix(s, "万"):
		s, unit = strings.TrimSuffix(s, "万"), money.Wan
	case strings.HasSuffix(s, "元"):
		s, unit = strings.TrimSuffix(s, "元"), money.Yuan
	}
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") { // accounting negative
		s = "-" + s[1:len(s)-1]
	}
	if excel || strings.ContainsAny(s, "eE") {
		var err error
		if s, err = plainDecimal(s, excel); err != nil {
			return 0, textf("amount %q is not a number", orig)
		}
	}
	return parseExact(s, unit, orig)
}

// plainAmount reports text that is digits with at most one decimal point.
func plainAmount(s string) bool {
	if s == "" || s[0] == '.' {
		return false
	}
	points := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.':
			points++
		case c < '0' || c > '9':
			return false
		}
	}
	return points <= 1
}

// parseExact parses cleaned amount text, naming the cell's text orig in errors.
func parseExact(s string, unit money.Fen, orig string) (money.Fen, error) {
	v, err := money.Parse(s, unit)
	if err != nil {
		if strings.Contains(err.Error(), "decimals") {
			return 0, textf("amount %q has more decimals than whole fen allow", orig)
		}
		return 0, textf("amount %q is not a number", orig)
	}
	return v, nil
}

// plainDecimal rewrites a decimal that may use an exponent (1.5E+7) as plain digits, and with
// round15 rounds it to 15 significant digits, all in decimal text: no float is involved.
func plainDecimal(s string, round15 bool) (string, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	mant, expText, hasExp := strings.Cut(strings.ToLower(s), "e")
	exp := 0
	if hasExp {
		e, err := strconv.Atoi(expText)
		if err != nil || e > 30 || e < -30 {
			return "", fmt.Errorf("bad exponent")
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", fmt.Errorf("not a number")
	}
	point := len(intPart) + exp // position of the decimal point within digits
	// Drop leading zeros, keeping the point where it is.
	for len(digits) > 1 && digits[0] == '0' {
		digits, point = digits[1:], point-1
	}
	if round15 && len(digits) > 15 {
		roundUp := digits[15] >= '5'
		digits = digits[:15]
		if roundUp {
			b := []byte(digits)
			i := len(b) - 1
			for ; i >= 0 && b[i] == '9'; i-- {
				b[i] = '0'
			}
			if i < 0 {
				b = append([]byte{'1'}, b...)
				point++
			} else {
				b[i]++
			}
			digits = string(b)
		}
	}
	var out string
	switch {
	case point <= 0:
		out = "0." + strings.Repeat("0", -point) + digits
	case point >= len(digits):
		out = digits + strings.Repeat("0", point-len(digits))
	default:
		out = digits[:point] + "." + digits[point:]
	}
	if strings.Contains(out, ".") {
		out = strings.TrimRight(strings.TrimRight(out, "0"), ".")
	}
	if neg && strings.Trim(out, "0.") != "" {
		out = "-" + out
	}
	return out, nil
}

// excelEpoch is day 0 of Excel's 1900 date system as Excel counts it (serial 1 = 1900-01-01,
// with the fictitious 1900-02-29 at 60; every real date from 1900-03-01 on is epoch + serial).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// parseDate reads a completion date in every form of docs/domain.md ("real exports"): 2021-03-01, 2021/3/1, 2021.3.1,
// 2021年3月1日, 20210301, an Excel serial number (44256, or 44256.4375 with a time of day), each
// optionally followed by a time; an RFC 3339 time with a zone is taken in Asia/Shanghai.
// Impossible days (2021-02-30) are refused, never rolled over.
func parseDate(s string) (tradestat.Date, error) {
	orig := s
	if isoDate(s) {
		return civilISO(s, orig)
	}
	s = narrow(s)
	if isPlaceholder(s) {
		return tradestat.Date{}, errEmpty
	}
	if strings.ContainsAny(s, "TZ+") {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return checkYear(tradestat.DateOf(t.In(tradestat.Shanghai)), orig)
		}
	}
	// A date followed by a time: keep the date part.
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	if serial, frac, _ := strings.Cut(s, "."); len(serial) == 5 && allDigits(serial) && allDigits(frac) {
		n, _ := strconv.Atoi(serial)
		if n < 61 {
			return tradestat.Date{}, textf("date %q is an Excel serial before 1900-03-01", orig)
		}
		return checkYear(tradestat.DateOf(excelEpoch.AddDate(0, 0, n)), orig)
	}
	if isoDate(s) {
		return civilISO(s, orig)
	}
	var y, m, d string
	switch {
	case len(s) == 8 && allDigits(s):
		y, m, d = s[:4], s[4:6], s[6:]
	case strings.Contains(s, "年"):
		rest := strings.TrimSuffix(strings.TrimSuffix(s, "日"), "号")
		var ok bool
		if y, rest, ok = strings.Cut(rest, "年"); !ok {
			break
		}
		m, d, _ = strings.Cut(rest, "月")
	default:
		if i := strings.IndexAny(s, "-/."); i > 0 {
			sep := s[i : i+1]
			if parts := strings.Split(s, sep); len(parts) == 3 {
				y, m, d = parts[0], parts[1], parts[2]
			}
		}
	}
	if len(y) != 4 || !allDigits(y) || m == "" || d == "" || len(m) > 2 || len(d) > 2 || !allDigits(m) || !allDigits(d) {
		return tradestat.Date{}, textf("date %q is not a date in a known form", orig)
	}
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	return civilDate(yi, mi, di, orig)
}

// isoDate reports text in the canonical form YYYY-MM-DD.
func isoDate(s string) bool {
	return len(s) == 10 && s[4] == '-' && s[7] == '-' && allDigits(s[:4]) && allDigits(s[5:7]) && allDigits(s[8:])
}

// civilISO reads a date isoDate accepted, without allocating.
func civilISO(s, orig string) (tradestat.Date, error) {
	yi := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	mi, di := int(s[5]-'0')*10+int(s[6]-'0'), int(s[8]-'0')*10+int(s[9]-'0')
	return civilDate(yi, mi, di, orig)
}

// civilDate checks that y-m-d is a real day within range: 2021-02-30 is refused, not rolled
// over into March.
func civilDate(y, m, d int, orig string) (tradestat.Date, error) {
	if m < 1 || m > 12 || d < 1 || d > tradestat.DaysIn(y, time.Month(m)) {
		return tradestat.Date{}, textf("date %q does not exist", orig)
	}
	return checkYear(tradestat.Date{Year: y, Month: time.Month(m), Day: d}, orig)
}

func checkYear(d tradestat.Date, orig string) (tradestat.Date, error) {
	if d.Year < 1990 || d.Year > 2100 {
		return tradestat.Date{}, textf("date %q is outside the years 1990–2100", orig)
	}
	return d, nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// parsePlace reads a trading place within the region: a code (current or retired) or a name
// as exports write it (division.Region.Place says which forms); full-width forms and
// placeholders first, as for every cell.
func parsePlace(r division.Region, s string) (*division.Division, error) {
	s = narrow(s)
	if isPlaceholder(s) {
		return nil, errEmpty
	}
	return r.Place(s)
}

// parseRegion reads a project region (项目所在区域) anywhere in the country, kept as its
// 6-digit code or, failing that, as written: it is descriptive, and no figure depends on it.
func parseRegion(t *division.Tree, s string) string {
	s = narrow(s)
	nation, err := t.Region(division.NationCode)
	if err == nil {
		if d, err := nation.Place(s); err == nil {
			return d.Code
		}
	}
	return s
}

// parseTradeType reads a trade type by its words against the trade catalogue (values.go):
// the type and the sub-type it names, or a reject naming the candidates or the nearest word
// known. allowed, the types a sheet's name allows, settles a value that could be several.
func parseTradeType(s string, allowed []string) (tradestat.TradeType, string, error) {
	if isPlaceholder(narrow(strings.TrimSpace(s))) {
		return "", "", errEmpty
	}
	lx := vocab().trades
	v := lx.read(s).settle(allowed)
	if l, ok := v.one(); ok {
		return tradestat.TradeType(l), v.subs[l], nil
	}
	switch {
	case v.empty:
		return "", "", errEmpty
	case v.conflict:
		return "", "", textf("trade type %q names more than one trade (%s): a lot has one type; write one, or say which in a mapping file", s, strings.Join(v.labels, " / "))
	case len(v.labels) > 1:
		return "", "", textf("trade type %q could be %s, and neither the value nor its sheet's name says which: write the type (政府采购工程, 工程建设 …), or say which in a mapping file", s, strings.Join(v.labels, " / "))
	case v.nearest != nil:
		return "", "", textf("trade type %q names no trade of the catalogue (the nearest word known is %s, %s): write the type, or say what it is in a mapping file", s, v.nearest.key, strings.Join(v.nearest.labelSet(), " / "))
	}
	return "", "", textf("trade type %q names no trade of the catalogue: write the type, or say what it is in a mapping file", s)
}

// parseFlag reads the online-opening flag in every form of docs/exports.md §5.
func parseFlag(s string) (bool, error) {
	if online, known := vocab().online(s); known {
		return online, nil
	}
	return false, textf("opening mode %q says neither online (不见面, 网上, 远程 …) nor on site (现场, 线下 …), or says both", s)
}

// parseCount reads a number of bidders: a whole number, perhaps followed by its counter word
// (5家, 3人, 4个); Excel may store it as 5.0.
func parseCount(s string) (int, error) {
	s = narrow(s)
	if isPlaceholder(s) {
		return 0, errEmpty
	}
	n := strings.TrimSuffix(strings.TrimRight(s, "家人个名户位 "), ".0")
	v, err := strconv.Atoi(n)
	if err != nil || v < 0 || v > tradestat.MaxBidders {
		return 0, textf("%q is not a number of bidders (a whole number from 0 to %d)", s, tradestat.MaxBidders)
	}
	return v, nil
}
