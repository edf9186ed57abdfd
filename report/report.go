// Package report writes the figures as the documents write them: whole sentences a report
// writer pastes into a self-evaluation report (the annual style of the seed) or a monthly
// economic bulletin (the bulletin style), with the period phrased the way those documents
// phrase it and every amount in the money package's 万元 form. The page, the API and the CLI
// all take their text from here, so they cannot disagree.
package report

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
	"tradestat/msg"
	"tradestat/query"
)

// Style is a kind of document.
type Style string

// The styles.
const (
	Annual   Style = "annual"   // 2021年1至12月，全市各级交易中心累计完成交易项目1651个，…
	Bulletin Style = "bulletin" // 1-8月，全市共完成公共资源交易项目1300个，… 其中：…
)

// ParseStyle accepts a style name; "" is the annual style.
func ParseStyle(s string) (Style, error) {
	switch Style(s) {
	case "", Annual:
		return Annual, nil
	case Bulletin:
		return Bulletin, nil
	}
	return "", tradestat.Fail(tradestat.Invalid, "unknown style %q (want annual or bulletin)", s)
}

// Input is what the text is written from: the period and filters, and the figures of the
// query layer for them.
type Input struct {
	Region   division.Region // who speaks: 全市, 全省 … follow from it
	Filter   query.Filter
	Total    query.Totals
	Families []query.Row // by family, for the bulletin style
	Types    []query.Row // by trade type, for a province's or the nation's bulletin
	Levels   []query.Row // by level, for the bulletin style
}

// wide reports whether the region is a province or the nation, whose bulletins count lots
// in 宗 and amounts in 亿元 (全省各级公共资源交易中心累计完成交易24550宗，交易金额8662.34亿元).
func (in Input) wide() bool {
	return in.Region.Root() != nil && in.Region.Root().Level <= division.Province
}

// Sentences writes the text of a style: each element a sentence or paragraph a writer copies
// whole.
func Sentences(style Style, in Input) []string {
	if style == Bulletin {
		return bulletin(in)
	}
	return annual(in)
}

// annual is the seed's form: the figures of the period, then the online openings.
func annual(in Input) []string {
	t := in.Total
	subject := annualSubject(in)
	period := AnnualPeriod(in.Filter.From, in.Filter.To)
	if t.Projects == 0 {
		return []string{fmt.Sprintf("%s，%s未完成%s交易项目。", period, subject, category(in.Filter))}
	}
	s := fmt.Sprintf("%s，%s累计完成%s交易项目%d个，交易金额%s万元", period, subject, category(in.Filter), t.Projects, t.Amount.Wan())
	s += savingsPremium(t)
	out := []string{s + "。"}
	if t.Online > 0 {
		out = append(out, "服务网上不见面开标项目"+strconv.FormatInt(t.Online, 10)+"个。")
	}
	return out
}

// savingsPremium is the savings and premium clauses of a sentence: each when it is not zero
// or when lots of the view have no basis for it, and then saying how many it leaves out
// (节约资金35303.82万元（未含52个无预算价项目）), so that an understated figure is never
// stated as complete.
func savingsPremium(t query.Totals) string {
	s := ""
	if t.Savings != 0 || t.NoBudget > 0 {
		s += "，节约资金" + t.Savings.Wan() + "万元" + leftOut(t.NoBudget, "预算价")
	}
	if t.Premium != 0 || t.NoReserve > 0 {
		s += "，增价" + t.Premium.Wan() + "万元" + leftOut(t.NoReserve, "起始价")
	}
	return s
}

// leftOut is the note of lots a figure leaves out for want of a price basis.
func leftOut(n int64, basis string) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("（未含%d个无%s项目）", n, basis)
}

// bulletin is the monthly bulletin's form: the totals, then one clause per family that has
// lots, then the split by centre level.
func bulletin(in Input) []string {
	if in.wide() {
		return wideBulletin(in)
	}
	t := in.Total
	period := BulletinPeriod(in.Filter.From, in.Filter.To)
	subject := bulletinSubject(in)
	if t.Projects == 0 {
		return []string{fmt.Sprintf("%s，%s未完成公共资源交易项目。", period, subject)}
	}
	s := fmt.Sprintf("%s，%s共完成公共资源交易项目%d个，成交金额%s万元", period, subject, t.Projects, t.Amount.Wan())
	if t.Savings != 0 || t.NoBudget > 0 {
		s += "，节约资金" + t.Savings.Wan() + "万元" + leftOut(t.NoBudget, "预算价")
	}
	s += "。"
	var clauses []string
	for _, r := range in.Families {
		if r.Projects == 0 {
			continue
		}
		fam := tradestat.Family(r.Key)
		c := fmt.Sprintf("%s%d个，%s%s万元", familyLabel(fam), r.Projects, amountWord(fam), r.Amount.Wan())
		c += savingsPremium(r.Totals)
		clauses = append(clauses, c)
	}
	if len(clauses) > 0 {
		s += "其中：" + strings.Join(clauses, "；") + "。"
	}
	out := []string{s}
	var levels []string
	for _, r := range in.Levels {
		if r.Projects == 0 {
			continue
		}
		levels = append(levels, fmt.Sprintf("%s交易中心完成项目%d个，成交金额%s万元", levelLabel(r.Key), r.Projects, r.Amount.Wan()))
	}
	if len(levels) > 1 {
		out = append(out, "分级看，"+strings.Join(levels, "；")+"。")
	}
	return out
}

func familyLabel(f tradestat.Family) string {
	switch f {
	case tradestat.FamilyConstruction, tradestat.FamilyProcurement:
		return string(f) + "项目"
	}
	return string(f) + "交易项目"
}

// amountWord is what the bulletin calls a family's deal amount: construction is awarded
// (中标), the others are dealt (成交).
func amountWord(f tradestat.Family) string {
	if f == tradestat.FamilyConstruction {
		return "中标金额"
	}
	return "成交金额"
}

func levelLabel(l string) string {
	if l == division.CentreCounty {
		return "县（区）级"
	}
	return l
}

// annualSubject is who did the trading: 全市各级交易中心 (全省…, 全国…; a county region is
// 全县 alone), an area's centres (保山市各级交易中心), one centre, or a level's.
func annualSubject(in Input) string {
	f, root := in.Filter, in.Region.Root()
	switch {
	case f.Place != "":
		return centreName(in.Region, f.Place) + "交易中心"
	case f.Level != "":
		return levelLabel(f.Level) + "交易中心"
	case f.Area != "":
		if a, err := in.Region.Area(f.Area); err == nil {
			if a.Level == division.County {
				return a.Name + "交易中心"
			}
			return a.Name + "各级交易中心"
		}
	case root.Level == division.County:
		return root.Whole()
	}
	return root.Whole() + "各级交易中心"
}

// centreName names one trading place's own centre: the region's own is its level's (市级,
// 省级), another division with subdivisions is 保山市本级, a county is itself.
func centreName(r division.Region, code string) string {
	d, ok := r.Tree().Code(code)
	switch {
	case !ok:
		return code
	case d == r.Root() && d.Level != division.County:
		return strings.TrimSuffix(d.CentreLevel(), "区级")
	case d.Level == division.County:
		return r.NameOf(code)
	}
	return r.NameOf(code) + "本级"
}

func bulletinSubject(in Input) string {
	f, root := in.Filter, in.Region.Root()
	switch {
	case f.Place != "":
		if f.Place == root.Code && root.Level != division.County {
			return strings.TrimSuffix(root.CentreLevel(), "级") + "本级"
		}
		return centreName(in.Region, f.Place)
	case f.Level != "":
		return levelLabel(f.Level) + "交易中心"
	case f.Area != "":
		return in.Region.NameOf(f.Area)
	}
	return root.Whole()
}

// wideBulletin is a province's (or the nation's) bulletin: lots in 宗, amounts in 亿元, the
// trade types that have lots, then the split by centre level.
func wideBulletin(in Input) []string {
	t := in.Total
	period := BulletinPeriod(in.Filter.From, in.Filter.To)
	subject := in.Region.Root().Whole() + "各级公共资源交易中心"
	if in.Filter.Area != "" || in.Filter.Place != "" || in.Filter.Level != "" {
		subject = bulletinSubject(in)
	}
	if t.Projects == 0 {
		return []string{fmt.Sprintf("%s，%s未完成公共资源交易。", period, subject)}
	}
	s := fmt.Sprintf("%s，%s累计完成交易%d宗，交易金额%s亿元", period, subject, t.Projects, t.Amount.Yi())
	if t.Savings != 0 || t.NoBudget > 0 {
		s += "，节约资金" + t.Savings.Yi() + "亿元" + leftOut(t.NoBudget, "预算价")
	}
	if t.Premium != 0 || t.NoReserve > 0 {
		s += "，增价" + t.Premium.Yi() + "亿元" + leftOut(t.NoReserve, "起始价")
	}
	s += "。"
	var clauses []string
	for _, r := range in.Types {
		if r.Projects > 0 {
			clauses = append(clauses, fmt.Sprintf("%s%d宗，%s亿元", r.Key, r.Projects, r.Amount.Yi()))
		}
	}
	if len(clauses) > 0 {
		s += "其中：" + strings.Join(clauses, "；") + "。"
	}
	out := []string{s}
	var levels []string
	for _, r := range in.Levels {
		if r.Projects > 0 {
			levels = append(levels, fmt.Sprintf("%s交易中心完成交易%d宗，交易金额%s亿元", levelLabel(r.Key), r.Projects, r.Amount.Yi()))
		}
	}
	if len(levels) > 1 {
		out = append(out, "分级看，"+strings.Join(levels, "；")+"。")
	}
	return out
}

// category names the kind of lots counted when the view is narrowed to a family or type.
func category(f query.Filter) string {
	switch {
	case f.Type != "":
		return string(f.Type)
	case f.Family != "":
		return string(f.Family)
	}
	return ""
}

// AnnualPeriod phrases a period as annual reports do: 2021年1至12月, 2021年3月,
// 2021年3至5月, or a date range.
func AnnualPeriod(from, to tradestat.Date) string {
	if m1, m2, ok := wholeMonths(from, to); ok {
		if m1 == m2 {
			return fmt.Sprintf("%d年%d月", from.Year, m1)
		}
		return fmt.Sprintf("%d年%d至%d月", from.Year, m1, m2)
	}
	return dateRange(from, to)
}

// BulletinPeriod phrases a period as a bulletin within its year does: 全年, 1-8月, 8月,
// 3-5月, or a date range.
func BulletinPeriod(from, to tradestat.Date) string {
	if m1, m2, ok := wholeMonths(from, to); ok {
		switch {
		case m1 == 1 && m2 == 12:
			return "全年"
		case m1 == m2:
			return fmt.Sprintf("%d月", m1)
		}
		return fmt.Sprintf("%d-%d月", m1, m2)
	}
	return dateRange(from, to)
}

// wholeMonths reports a period of whole months within one year.
func wholeMonths(from, to tradestat.Date) (time.Month, time.Month, bool) {
	ok := from.Year == to.Year && from.Day == 1 && to.Day == tradestat.DaysIn(to.Year, to.Month) && from.Month <= to.Month
	return from.Month, to.Month, ok
}

func dateRange(from, to tradestat.Date) string {
	d := func(x tradestat.Date) string { return fmt.Sprintf("%d年%d月%d日", x.Year, x.Month, x.Day) }
	if from == to {
		return d(from)
	}
	return d(from) + "至" + d(to)
}

// Figure is one figure as a report writes it, for the copy buttons beside each: 1651个,
// 1107371万元, 110.74亿元.
type Figure struct {
	Label, Text string
}

// Figures are the five figures of a total in their report form, amounts also in 亿元 from
// 1亿元 up, as reports write them.
func Figures(t query.Totals) []Figure {
	amount := func(label string, f money.Fen) []Figure {
		out := []Figure{{label, f.Wan() + "万元"}}
		if f >= money.Yi || f <= -money.Yi {
			out = append(out, Figure{label + "（亿元）", f.Yi() + "亿元"})
		}
		return out
	}
	out := []Figure{{"交易项目", strconv.FormatInt(t.Projects, 10) + "个"}}
	out = append(out, amount("交易金额", t.Amount)...)
	out = append(out, amount("节约资金", t.Savings)...)
	out = append(out, amount("增价", t.Premium)...)
	return append(out, Figure{"不见面开标", strconv.FormatInt(t.Online, 10) + "个"})
}

// SealNote is what a table or text of a view under seal x says of it: 已定稿 with the seal's
// date and note, which figures it holds (the seal's when ofSealed, else the current ones),
// and, when they differ, the other five figures and the difference, so that a reader has the
// sealed figures, the current ones and the difference whichever the table holds.
//
// It is said in l: Chinese for the reports, English for an English page's exports.
func SealNote(l msg.Lang, x query.Seal, sealed, current query.Totals, ofSealed bool) string {
	note := l.T("this year was sealed on %s (%s); ", x.At.Format("2006-01-02"), x.Note)
	changed := sealed != current
	switch {
	case !changed && ofSealed:
		return note + l.T("these are the sealed figures, which the current data equal")
	case !changed:
		return note + l.T("these are the current figures, which equal the sealed ones")
	case ofSealed:
		note += l.T("these are the sealed figures; current figures: %s", figuresLine(l, current))
	default:
		note += l.T("these are the current figures; sealed figures: %s", figuresLine(l, sealed))
	}
	amount := (current.Amount - sealed.Amount).Wan()
	if !strings.HasPrefix(amount, "-") {
		amount = "+" + amount
	}
	return note + l.T("; changes since the seal: projects %+d, deal amount %s (10k yuan)", current.Projects-sealed.Projects, amount)
}

// figuresLine is the five figures of t in one line: 交易项目1651个，交易金额1107371万元，….
func figuresLine(l msg.Lang, t query.Totals) string {
	return l.T("projects %d; in 10k yuan: deal amount %s, savings %s, premium %s; online openings %d",
		t.Projects, t.Amount.Wan(), t.Savings.Wan(), t.Premium.Wan(), t.Online)
}

// Gather asks the query layer for what the text of a filter is written from.
func Gather(ctx context.Context, store query.Figures, f query.Filter) (Input, error) {
	in := Input{Region: store.Region(), Filter: f}
	var err error
	if in.Total, err = store.Summary(ctx, f); err != nil {
		return in, err
	}
	if in.Families, _, err = store.Breakdown(ctx, f, query.ByFamily); err != nil {
		return in, err
	}
	if in.Levels, _, err = store.Breakdown(ctx, f, query.ByLevel); err != nil {
		return in, err
	}
	if in.wide() {
		if in.Types, _, err = store.Breakdown(ctx, f, query.ByType); err != nil {
			return in, err
		}
	}
	return in, nil
}
