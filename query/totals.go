package query

import "tradestat/money"

// Totals are the five report figures of a set of lots, and the bases of their rates.
type Totals struct {
	Projects int64
	Amount   money.Fen
	Savings  money.Fen
	Premium  money.Fen
	Online   int64

	// SavingsBase is the budget of the lots that have savings (tender-type lots with a
	// budget): 节约率 = Savings / SavingsBase. PremiumBase is the reserve price of the lots
	// that have a premium (auction-type lots with a reserve): 增值率 = Premium / PremiumBase.
	// TenderLots counts tender-type lots, the ones an online opening applies to.
	SavingsBase money.Fen
	PremiumBase money.Fen
	TenderLots  int64

	// NoBudget counts the tender-type lots without a budget or ceiling price, which Savings
	// cannot include; NoReserve the auction-type lots without a reserve price, which Premium
	// cannot include. A figure shown while either is not zero says so.
	NoBudget  int64
	NoReserve int64
}

// Add returns the sum of two Totals.
func (t Totals) Add(u Totals) Totals {
	return Totals{t.Projects + u.Projects, t.Amount + u.Amount, t.Savings + u.Savings, t.Premium + u.Premium,
		t.Online + u.Online, t.SavingsBase + u.SavingsBase, t.PremiumBase + u.PremiumBase, t.TenderLots + u.TenderLots,
		t.NoBudget + u.NoBudget, t.NoReserve + u.NoReserve}
}

// Five is the five report figures alone, without the rate bases.
func (t Totals) Five() Totals {
	return Totals{Projects: t.Projects, Amount: t.Amount, Savings: t.Savings, Premium: t.Premium, Online: t.Online}
}

// SavingsRate is 节约率 in percent with two decimals ("3.19"); ok is false without a base.
func (t Totals) SavingsRate() (string, bool) {
	return money.Percent(int64(t.Savings), int64(t.SavingsBase))
}

// PremiumRate is 增值率 in percent with two decimals; ok is false without a base.
func (t Totals) PremiumRate() (string, bool) {
	return money.Percent(int64(t.Premium), int64(t.PremiumBase))
}

// OnlineRate is the share of tender-type lots opened online, in percent with two decimals.
func (t Totals) OnlineRate() (string, bool) { return money.Percent(t.Online, t.TenderLots) }
