package tradestat

import "fmt"

// TradeType is the canonical 交易类型 of a lot.
type TradeType string

// The canonical trade types (docs/domain.md).
const (
	Construction TradeType = "工程建设"
	Procurement  TradeType = "政府采购"
	Land         TradeType = "土地使用权出让"
	Mining       TradeType = "矿业权出让"
	StateProp    TradeType = "国有产权交易"
	Confiscated  TradeType = "罚没财物处置"
	Medicine     TradeType = "药品及医用耗材采购"
	OtherType    TradeType = "其他"
)

// TradeTypes lists the canonical trade types in the order reports list them.
func TradeTypes() []TradeType {
	return []TradeType{Construction, Procurement, Land, Mining, StateProp, Confiscated, Medicine, OtherType}
}

// ParseTradeType accepts a canonical trade type name.
func ParseTradeType(s string) (TradeType, error) {
	for _, t := range TradeTypes() {
		if string(t) == s {
			return t, nil
		}
	}
	return "", fmt.Errorf("unknown trade type %q", s)
}

// Kind says which benefit figure a trade type has.
type Kind int

// Tender-type trades are awarded below a budget or ceiling price and have savings; auction-type
// trades sell above a reserve price and have a premium; other trades have neither.
const (
	NeitherKind Kind = iota
	Tender
	Auction
)

// Kind is the benefit kind of the trade type.
func (t TradeType) Kind() Kind {
	switch t {
	case Construction, Procurement, Medicine:
		return Tender
	case Land, Mining, StateProp, Confiscated:
		return Auction
	}
	return NeitherKind
}

// TypeNames lists the names of the trade types of a benefit kind, in report order: the
// arrays SQL binds to tell tender-type lots (savings) and auction-type lots (premium) apart.
func TypeNames(k Kind) []string {
	var names []string
	for _, t := range TradeTypes() {
		if t.Kind() == k {
			names = append(names, string(t))
		}
	}
	return names
}

// Family is the grouping that published bulletins report by.
type Family string

// The four families of the bulletins (docs/domain.md).
const (
	FamilyConstruction Family = "工程建设"
	FamilyProcurement  Family = "政府采购"
	FamilyAuction      Family = "土地、罚没财物、矿业权和国有产权"
	FamilyOther        Family = "其他"
)

// Families lists the families in bulletin order.
func Families() []Family {
	return []Family{FamilyConstruction, FamilyProcurement, FamilyAuction, FamilyOther}
}

// ParseFamily accepts a family name.
func ParseFamily(s string) (Family, error) {
	for _, f := range Families() {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown family %q", s)
}

// Family is the bulletin family of the trade type.
func (t TradeType) Family() Family {
	switch t {
	case Construction:
		return FamilyConstruction
	case Procurement:
		return FamilyProcurement
	case Land, Mining, StateProp, Confiscated:
		return FamilyAuction
	}
	return FamilyOther
}
