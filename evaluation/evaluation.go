// Package evaluation writes the performance self-evaluation table (项目支出绩效自评表) of a year:
// the indicators of the targets file the user edits (一级/二级/三级指标 and 年度指标值), the
// actual value of each — computed from the data for the figures tradestat knows (交易项目数,
// 交易金额, 节约资金, 增价, 不见面开标项目数 and the rates), taken from the file for the
// others (满意度, 稳定率, …) — and whether the target was met.
package evaluation

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
	"tradestat/msg"
	"tradestat/query"
	"tradestat/safecell"
)

// DefaultTargets is the targets file tradestat ships: Baoshan's indicators, to copy and edit.
//
//go:embed targets.csv
var DefaultTargets []byte

// Indicator is one row of the table.
type Indicator struct {
	Level1, Level2, Level3 string
	Target                 string // as the file writes it: ≥1500个, ≥100亿元, ≥90%; "" for none
	Actual                 string // 实际完成值
	Status                 Status
	// Area is the division code whose table the row belongs to (the file's 地区代码 column);
	// "" for the region the deployment serves.
	Area string
}

// Status is whether an indicator met its target: a catalog text, said in the table's language.
type Status string

// The statuses: 达成, 未达成, 待填 when there is nothing to compare, or 未设指标值 when the
// row has no target.
const (
	Met      Status = "met"
	NotMet   Status = "not met"
	ToFill   Status = "to fill in"
	NoTarget Status = "no target"
)

// Text is the status in l.
func (s Status) Text(l msg.Lang) string { return l.T(string(s)) }

// ParseTargets reads a targets file: CSV with the header 一级指标,二级指标,三级指标,年度指标值,
// 实际完成值 and, optionally, 地区代码 (UTF-8, with or without BOM). A 实际完成值 left empty is
// computed from the data. A row's 地区代码 is the division whose table it belongs to; a row
// without one belongs to the region the deployment serves. The file is refused with the row
// of the first problem.
func ParseTargets(r io.Reader) ([]Indicator, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, tradestat.FailWith(tradestat.Invalid, err, "targets: %v", err)
	}
	var out []Indicator
	areaCol := -1 // the column 地区代码, if the file has it
	for i, rec := range recs {
		if i == 0 {
			for j, h := range rec {
				if h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")); h == "地区代码" || h == "地区" {
					areaCol = j
				}
			}
			continue
		}
		for len(rec) < 5 {
			rec = append(rec, "")
		}
		in := Indicator{Level1: strings.TrimSpace(rec[0]), Level2: strings.TrimSpace(rec[1]), Level3: strings.TrimSpace(rec[2]),
			Target: strings.TrimSpace(rec[3]), Actual: strings.TrimSpace(rec[4])}
		if areaCol >= 0 && areaCol < len(rec) {
			in.Area = strings.TrimSpace(rec[areaCol])
		}
		if in.Area != "" && !division.IsCode(in.Area) {
			return nil, tradestat.Fail(tradestat.Invalid, "targets row %d, 地区代码 %q: not a division code (six digits, GB/T 2260)", i+1, in.Area)
		}
		if in.Level1 == "" && in.Level3 == "" {
			continue // a blank line
		}
		if in.Level1 == "" || in.Level2 == "" || in.Level3 == "" || in.Target == "" {
			return nil, tradestat.Fail(tradestat.Invalid, "targets row %d: 一级指标, 二级指标, 三级指标 and 年度指标值 are all needed", i+1)
		}
		if _, err := parseTarget(in.Target); err != nil {
			return nil, tradestat.FailWith(tradestat.Invalid, err, "targets row %d, 年度指标值 %q: not a target value (a number, with ≥ or ≤ before it and its unit after it)", i+1, in.Target)
		}
		if in.Actual == "" && !computed(in.Level3) {
			return nil, tradestat.Fail(tradestat.Invalid, "targets row %d: %s is not computed from the data; give its 实际完成值", i+1, in.Level3)
		}
		out = append(out, in)
	}
	return out, nil
}

// For is the rows of the table of area (a division code): the file's rows for it, or, when
// area is the region the deployment serves (served), its rows that name no area as well.
// nil when the file sets no targets for the area: a table of it is then Unjudged, never
// judged against another area's targets.
func For(indicators []Indicator, area string, served bool) []Indicator {
	var out []Indicator
	for _, in := range indicators {
		if in.Area == area || served && in.Area == "" {
			out = append(out, in)
		}
	}
	return out
}

// Unjudged is the rows of a table that has no targets to meet: each indicator the data
// gives, once, with no target. The file's other indicators are left out: their actual values
// are written for the areas the file names, not for this one.
func Unjudged(indicators []Indicator) []Indicator {
	var out []Indicator
	seen := map[string]bool{}
	for _, in := range indicators {
		if !computed(in.Level3) || seen[in.Level3] {
			continue
		}
		seen[in.Level3] = true
		out = append(out, Indicator{Level1: in.Level1, Level2: in.Level2, Level3: in.Level3})
	}
	return out
}

// computed reports the indicators tradestat computes from the data.
func computed(name string) bool {
	switch name {
	case "交易项目数", "交易金额", "节约资金", "增价", "不见面开标项目数", "节约率", "增值率", "不见面开标率":
		return true
	}
	return false
}

// target is a parsed 年度指标值: a comparison, a value and its unit.
type target struct {
	op    string // ≥ ≤ > < =
	value string // decimal text
	unit  string // 个, 万元, 亿元, %, or any other unit (compared as a plain number)
}

func parseTarget(s string) (target, error) {
	var t target
	for _, op := range []string{"≥", "≤", ">=", "<=", ">", "<", "="} {
		if strings.HasPrefix(s, op) {
			t.op, s = strings.NewReplacer(">=", "≥", "<=", "≤").Replace(op), strings.TrimSpace(s[len(op):])
			break
		}
	}
	if t.op == "" {
		t.op = "≥" // a bare value is a floor, as these tables mean it
	}
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	if i == 0 {
		return t, fmt.Errorf("no number")
	}
	t.value, t.unit = s[:i], strings.TrimSpace(s[i:])
	if _, err := money.Parse(t.value, money.Wan); err != nil {
		return t, err
	}
	return t, nil
}

// Evaluate fills in the actual values from the year's figures and each status. A computed
// indicator is compared with its target exactly, in fen or as a fraction, never as the
// rounded text it is shown as (99.996亿元 shows as 100亿元 but does not meet ≥100亿元).
func Evaluate(indicators []Indicator, t query.Totals) []Indicator {
	out := make([]Indicator, len(indicators))
	for i, in := range indicators {
		tg, _ := parseTarget(in.Target) // checked by ParseTargets
		if in.Target == "" {
			in.Actual, in.Status = actual(in.Level3, "", t), NoTarget
			out[i] = in
			continue
		}
		if in.Actual == "" {
			in.Actual = actual(in.Level3, tg.unit, t)
			in.Status = exactStatus(in.Level3, tg, t)
		} else {
			in.Status = status(tg, in.Actual)
		}
		out[i] = in
	}
	return out
}

// exactStatus compares a computed indicator with its target: num/den against the target's
// value in its unit, by cross-multiplying integers.
func exactStatus(name string, tg target, t query.Totals) Status {
	var num, den int64
	var unit money.Fen
	switch name {
	case "交易项目数":
		num, den, unit = t.Projects, 1, 1
	case "不见面开标项目数":
		num, den, unit = t.Online, 1, 1
	case "交易金额", "节约资金", "增价":
		f := map[string]money.Fen{"交易金额": t.Amount, "节约资金": t.Savings, "增价": t.Premium}[name]
		num, den, unit = int64(f), 1, money.Wan
		if tg.unit == "亿元" {
			unit = money.Yi
		}
	case "节约率":
		num, den, unit = int64(t.Savings)*100, int64(t.SavingsBase), 1
	case "增值率":
		num, den, unit = int64(t.Premium)*100, int64(t.PremiumBase), 1
	case "不见面开标率":
		num, den, unit = t.Online*100, t.TenderLots, 1
	}
	if den == 0 || !unitFits(name, tg.unit) {
		return ToFill
	}
	// The target in units of 1e-6 of its unit; the actual in the same, as a fraction.
	want, err := money.Parse(tg.value, money.Wan) // six decimals: 1e-6 of the unit
	if err != nil {
		return ToFill
	}
	lhs := new(big.Int).Mul(big.NewInt(num), big.NewInt(int64(money.Wan))) // actual × 1e6 × den⁻¹ …
	rhs := new(big.Int).Mul(big.NewInt(int64(want)), big.NewInt(den))      // … against target × 1e6
	rhs.Mul(rhs, big.NewInt(int64(unit)))
	return compare(tg.op, lhs.Cmp(rhs))
}

// unitFits reports a target unit a computed indicator can be compared in.
func unitFits(name, unit string) bool {
	switch name {
	case "交易项目数", "不见面开标项目数":
		return unit == "个" || unit == ""
	case "交易金额", "节约资金", "增价":
		return unit == "万元" || unit == "亿元"
	}
	return unit == "%"
}

func compare(op string, c int) Status {
	met := false
	switch op {
	case "≥":
		met = c >= 0
	case "≤":
		met = c <= 0
	case ">":
		met = c > 0
	case "<":
		met = c < 0
	case "=":
		met = c == 0
	}
	if met {
		return Met
	}
	return NotMet
}

// actual writes a computed indicator in the unit of its target.
func actual(name, unit string, t query.Totals) string {
	amount := func(f money.Fen) string {
		if unit == "亿元" {
			return f.Yi() + "亿元"
		}
		return f.Wan() + "万元"
	}
	rate := func(s string, ok bool) string {
		if !ok {
			return ""
		}
		return s + "%"
	}
	switch name {
	case "交易项目数":
		return strconv.FormatInt(t.Projects, 10) + "个"
	case "交易金额":
		return amount(t.Amount)
	case "节约资金":
		return amount(t.Savings)
	case "增价":
		return amount(t.Premium)
	case "不见面开标项目数":
		return strconv.FormatInt(t.Online, 10) + "个"
	case "节约率":
		return rate(t.SavingsRate())
	case "增值率":
		return rate(t.PremiumRate())
	case "不见面开标率":
		return rate(t.OnlineRate())
	}
	return ""
}

// status compares a value given in the file with its target, both read as decimals in the
// same unit.
func status(tg target, actualText string) Status {
	a, err := parseTarget(actualText)
	if err != nil || a.unit != tg.unit {
		return ToFill
	}
	want, _ := money.Parse(tg.value, money.Wan)
	got, _ := money.Parse(a.value, money.Wan)
	c := 0
	switch {
	case got > want:
		c = 1
	case got < want:
		c = -1
	}
	return compare(tg.op, c)
}

// WriteXLSX writes the table in the layout self-evaluation reports use, with the 一级 and
// 二级 cells merged over their rows, and each of notes in a line under it: what the table's
// figures are, such as the seal they were published under, or why it judges nothing. Its
// headings and statuses are in l; the indicators, targets and their units are the targets
// file's, as it writes them.
func WriteXLSX(w io.Writer, l msg.Lang, title string, notes []string, indicators []Indicator) error {
	x := excelize.NewFile()
	defer x.Close()
	sheet := l.T("self-evaluation")
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	border := []excelize.Border{{Type: "left", Style: 1}, {Type: "right", Style: 1}, {Type: "top", Style: 1}, {Type: "bottom", Style: 1}}
	titleStyle, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	if err != nil {
		return err
	}
	head, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return err
	}
	body, err := x.NewStyle(&excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	if err := x.SetCellValue(sheet, "A1", safecell.Text(title)); err != nil {
		return err
	}
	if err := x.MergeCell(sheet, "A1", "F1"); err != nil {
		return err
	}
	if err := x.SetCellStyle(sheet, "A1", "F1", titleStyle); err != nil {
		return err
	}
	header := []any{l.T("level 1 indicator"), l.T("level 2 indicator"), l.T("level 3 indicator"), l.T("target for the year"),
		l.T("actual"), l.T("target met")}
	if err := x.SetSheetRow(sheet, "A2", &header); err != nil {
		return err
	}
	if err := x.SetCellStyle(sheet, "A2", "F2", head); err != nil {
		return err
	}
	for i, in := range indicators {
		row := []any{safecell.Text(in.Level1), safecell.Text(in.Level2), safecell.Text(in.Level3),
			safecell.Text(in.Target), safecell.Text(in.Actual), in.Status.Text(l)}
		if err := x.SetSheetRow(sheet, fmt.Sprintf("A%d", i+3), &row); err != nil {
			return err
		}
	}
	last := len(indicators) + 2
	if err := x.SetCellStyle(sheet, "A3", fmt.Sprintf("F%d", last), body); err != nil {
		return err
	}
	// Merge each run of equal 一级 (and, within it, 二级) cells.
	for col, key := range []func(Indicator) string{
		func(in Indicator) string { return in.Level1 },
		func(in Indicator) string { return in.Level1 + "\x00" + in.Level2 },
	} {
		name := string(rune('A' + col))
		start := 0
		for i := 1; i <= len(indicators); i++ {
			if i < len(indicators) && key(indicators[i]) == key(indicators[start]) {
				continue
			}
			if i-start > 1 {
				if err := x.MergeCell(sheet, fmt.Sprintf("%s%d", name, start+3), fmt.Sprintf("%s%d", name, i+2)); err != nil {
					return err
				}
			}
			start = i
		}
	}
	for i, note := range notes {
		cell := fmt.Sprintf("A%d", last+2+i)
		if err := x.SetCellValue(sheet, cell, safecell.Text(note)); err != nil {
			return err
		}
		if err := x.MergeCell(sheet, cell, fmt.Sprintf("F%d", last+2+i)); err != nil {
			return err
		}
		wrap, err := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
		if err != nil {
			return err
		}
		if err := x.SetCellStyle(sheet, cell, cell, wrap); err != nil {
			return err
		}
		if err := x.SetRowHeight(sheet, last+2+i, 48); err != nil {
			return err
		}
	}
	for col, width := range map[string]float64{"A": 14, "B": 20, "C": 22, "D": 16, "E": 18, "F": 12} {
		if err := x.SetColWidth(sheet, col, col, width); err != nil {
			return err
		}
	}
	return x.Write(w)
}
