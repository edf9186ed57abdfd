package tradestat

import (
	"strings"

	"tradestat/money"
)

// Bid is one bid for a section, as a bid list (开标记录表, 投标人名单, the specification's
// TENDER_LIST) gives it. A bid list is the whole list of a section: a later load that names a
// section replaces the list an earlier one gave it, and withdrawing the later load gives the
// earlier list back.
type Bid struct {
	ProjectCode, LotCode string // the section the bid is for, as its lots are identified
	PlaceCode            string // the trading place of the list: what a region may write
	BidderCode           string // 统一社会信用代码, checked (CheckCreditCode); "" when the list gives none
	BidderName           string
	Price                money.Fen // the bid price; 0 when the list gives none
	Validity             Validity
	RejectReason         string // why the bid was rejected (否决原因), as the list writes it
	Winner               Award
	SourceFile           string
	SourceRow            int
}

// BidderKey identifies the bidder across lists: its credit code, else its name as written
// (a list without codes names each bidder once per section).
func (b Bid) BidderKey() string {
	if b.BidderCode != "" {
		return b.BidderCode
	}
	return "名称:" + b.BidderName
}

// Validity is whether a bid stood through opening and evaluation, as far as the list says.
type Validity int8

// The values of Validity: unknown is the zero value, so that a list without such a column
// raises no flag that needs it.
const (
	ValidityUnknown Validity = iota
	BidValid
	BidRejected
)

// Award is whether a bid won its section, as far as the list says.
type Award int8

// The values of Award: unknown is the zero value.
const (
	AwardUnknown Award = iota
	AwardLost
	AwardWon
)

// creditCodeChars are the characters of a unified social credit code (GB 32100-2015, 4.2):
// the digits and the capital letters but I, O, Z, S and V; a character's value is its index.
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeWeights are the weights of the first 17 characters (GB 32100-2015, 5.1: 3^(i-1)
// mod 31).
var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// NormalCreditCode is a credit code as written (full-width, lower case, spaces) in the form
// CheckCreditCode reads.
func NormalCreditCode(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '\u3000' || r == '-':
			return -1
		case r >= 'ａ' && r <= 'ｚ':
			return r - 'ａ' + 'A'
		case r >= 'Ａ' && r <= 'Ｚ':
			return r - 'Ａ' + 'A'
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// CreditCodeCheck is the check character of the first 17 characters of a unified social
// credit code, 0 when one of them is not of the code's alphabet.
func CreditCodeCheck(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := range 17 {
		v := strings.IndexByte(creditCodeChars, first17[i])
		if v < 0 {
			return 0
		}
		sum += v * creditCodeWeights[i]
	}
	return creditCodeChars[(31-sum%31)%31]
}

// CheckCreditCode checks a unified social credit code (统一社会信用代码, GB 32100-2015): 18
// characters of the code's alphabet whose last is the check character of the first 17. A
// code mistyped by one character, or two swapped, fails it.
func CheckCreditCode(code string) error {
	if len(code) != 18 {
		return Fail(Invalid, "a unified social credit code has 18 characters, not %d", len([]rune(code)))
	}
	for i := range 17 {
		if strings.IndexByte(creditCodeChars, code[i]) < 0 {
			return Fail(Invalid, "character %d of a unified social credit code cannot be %q", i+1, string(code[i]))
		}
	}
	if want := CreditCodeCheck(code[:17]); code[17] != want {
		return Fail(Invalid, "the check character of the unified social credit code is %q, not %q: the code is mistyped", string(want), string(code[17]))
	}
	return nil
}
