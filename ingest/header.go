package ingest

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"tradestat/money"
)

// field is what a column of an export holds.
type field int

// The fields tradestat reads. A column that maps to none is ignored (and reported).
const (
	fNone field = iota
	fProjectCode
	fLotCode
	fDealCode
	fName
	fType
	fPlace
	fRegion
	fDate
	fBudget
	fReserve
	fAmount
	fOnline
	fPriceUnit
	fCurrency
	fSerial
	numFields
)

// fieldNames are the names mapping files and --dry-run use for the fields.
var fieldNames = [numFields]string{"", "project_code", "lot_code", "deal_code", "name", "trade_type",
	"place", "region", "deal_date", "budget", "reserve", "amount", "online", "price_unit", "currency", "serial"}

func (f field) String() string { return fieldNames[f] }

func (f field) isMoney() bool { return f == fBudget || f == fReserve || f == fAmount }

func parseField(s string) (field, bool) {
	for i, n := range fieldNames {
		if n != "" && n == s {
			return field(i), true
		}
	}
	return fNone, false
}

// aliases is the built-in table of column names: Chinese names as platforms write them,
// English names, tradestat's canonical layout and the national data specification's
// identifiers (GUIDE §2). Keys are normalised with headerKey.
func aliases() map[string]field {
	m := map[string]field{}
	add := func(f field, names ...string) {
		for _, n := range names {
			m[headerKey(n)] = f
		}
	}
	add(fSerial, "序号", "序", "no", "no.", "#", "行号")
	add(fProjectCode, "项目编号", "项目代码", "招标项目编号", "项目编码", "交易项目编号", "project_code", "project code", "TENDER_PROJECT_CODE", "PROJECT_CODE")
	add(fLotCode, "标段编号", "标段(包)编号", "标段包编号", "包号", "标包编号", "标段号", "分包编号", "lot_code", "lot code", "BID_SECTION_CODE")
	add(fDealCode, "统一交易标识码", "交易标识码", "UNIFIED_DEAL_CODE", "deal_code")
	add(fName, "项目名称", "标段名称", "标段(包)名称", "名称", "交易项目名称", "name", "project_name", "TENDER_PROJECT_NAME", "BID_SECTION_NAME")
	add(fType, "交易类型", "交易类别", "项目类型", "业务类型", "交易分类", "交易品种", "trade_type", "type", "TRADE_TYPE")
	add(fPlace, "交易地点", "交易中心", "交易场所", "交易平台", "交易发生行政区域", "所属交易中心", "交易地点代码", "place", "place_code", "TRA_PLACE_CODE", "TRA_PLACE")
	add(fRegion, "项目所在区域", "项目所在地", "所属区域", "行政区划", "区域", "地区", "所属地区", "region", "region_code", "REGION_CODE")
	add(fDate, "成交日期", "成交时间", "开标日期", "开标时间", "中标日期", "交易日期", "完成日期", "成交确认日期", "交易时间", "deal_date", "date", "DEAL_DATE", "BID_OPEN_TIME")
	add(fBudget, "预算金额", "预算", "控制价", "招标控制价", "最高投标限价", "最高限价", "采购预算", "预算价", "budget", "budget_yuan", "PROGRAM_BUDGET", "CONTROL_PRICE")
	add(fReserve, "起始价", "起拍价", "底价", "挂牌价", "挂牌起始价", "出让起始价", "保留价", "出让底价", "reserve", "reserve_yuan", "START_PRICE")
	add(fAmount, "成交金额", "中标金额", "交易金额", "成交价", "成交价格", "中标价", "中标价格", "中标(成交)价格", "中标(成交)金额", "成交总价", "金额",
		"amount", "amount_yuan", "BID_AMOUNT", "WIN_BID_PRICE", "DEAL_PRICE")
	add(fOnline, "不见面开标", "是否不见面开标", "开标方式", "网上开标", "是否网上开标", "远程开标", "是否远程开标", "online")
	add(fPriceUnit, "金额单位", "价格单位", "单位", "PRICE_UNIT")
	add(fCurrency, "币种", "币别", "CURRENCY_CODE", "currency")
	return m
}

var unitPattern = regexp.MustCompile(`^(.*?)[\(\[【]?(万元|元)[\)\]】]?$`)

// headerKey normalises a header cell for lookup: full-width forms folded, spaces, line breaks
// and a trailing unit dropped, English lower-cased.
func headerKey(s string) string {
	k, _ := splitUnit(s)
	return k
}

// splitUnit separates a header cell into its name and the unit it states, if any:
// 成交金额(万元), 控制价（元）, 金额/元, amount_yuan, 成交金额万元.
func splitUnit(s string) (string, money.Fen) {
	s = strings.ToLower(strings.Join(strings.Fields(narrow(s)), ""))
	s = strings.TrimPrefix(s, "*") // "required" marks
	for _, suffix := range []struct {
		text string
		unit money.Fen
	}{{"/万元", money.Wan}, {"/元", money.Yuan}, {"_wan", money.Wan}} {
		if strings.HasSuffix(s, suffix.text) {
			return strings.TrimSuffix(s, suffix.text), suffix.unit
		}
	}
	if strings.HasSuffix(s, "_yuan") {
		return s, money.Yuan // the canonical layout keeps _yuan in its names
	}
	if m := unitPattern.FindStringSubmatch(s); m != nil && m[1] != "" {
		if m[2] == "万元" {
			return m[1], money.Wan
		}
		return m[1], money.Yuan
	}
	return s, 0
}

// Mapping is extra header → field entries from a --mapping file, for exports whose column
// names the built-in aliases do not know.
type Mapping map[string]mappedField

type mappedField struct {
	field field
	unit  money.Fen
}

// LoadMapping reads a mapping file: CSV lines `header,field[,unit]`, e.g.
// `成交价(含税),amount,元`. Lines starting with # are comments.
func LoadMapping(path string) (Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mapping file: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.Comment = '#'
	m := Mapping{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return m, nil
		}
		if err != nil {
			return nil, fmt.Errorf("mapping file %s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) < 2 {
			return nil, fmt.Errorf("mapping file %s, line %d: want `header,field[,unit]`", path, line)
		}
		fld, ok := parseField(strings.TrimSpace(rec[1]))
		if !ok {
			return nil, fmt.Errorf("mapping file %s, line %d: unknown field %q (fields: %s)", path, line, rec[1], strings.Join(fieldNames[1:], ", "))
		}
		mf := mappedField{field: fld}
		if len(rec) > 2 {
			switch strings.TrimSpace(rec[2]) {
			case "元", "yuan", "":
				mf.unit = money.Yuan
			case "万元", "wan":
				mf.unit = money.Wan
			default:
				return nil, fmt.Errorf("mapping file %s, line %d: unit %q is not 元 or 万元", path, line, rec[2])
			}
		}
		m[strings.TrimSpace(rec[0])] = mf
	}
}

// column is one mapped column of an export.
type column struct {
	index  int
	header string
	field  field
	unit   money.Fen // for money fields: the unit the header (or Mapping) states, else 元
}

// layout is how one table's columns map to fields, found from its header row.
type layout struct {
	headerLine int
	columns    []column       // the mapped columns, in file order
	at         [numFields]int // field → index into a record, -1 when absent
	unit       [numFields]money.Fen
	ignored    []string // header cells that map to no field, or repeat a mapped field
}

// maxHeaderSearch is how far below the top a header row is looked for: title rows, notes
// and blank rows come first in real exports.
const maxHeaderSearch = 50

// matchHeader maps a row of cells to fields. It returns the layout and how many cells were
// recognised.
func matchHeader(rec []string, known map[string]field, extra Mapping) (layout, int) {
	var l layout
	for i := range l.at {
		l.at[i] = -1
	}
	n := 0
	for i, cell := range rec {
		if strings.TrimSpace(cell) == "" {
			continue
		}
		key, unit := splitUnit(cell)
		f, ok := known[key]
		if mf, mapped := extra[strings.TrimSpace(cell)]; mapped {
			f, ok = mf.field, true
			if mf.unit != 0 {
				unit = mf.unit
			}
		}
		if !ok {
			l.ignored = append(l.ignored, strings.TrimSpace(cell))
			continue
		}
		n++
		if f == fSerial {
			continue
		}
		if l.at[f] >= 0 {
			l.ignored = append(l.ignored, strings.TrimSpace(cell)+" (another "+f.String()+" column came first)")
			continue
		}
		if unit == 0 {
			unit = money.Yuan
		}
		l.at[f], l.unit[f] = i, unit
		l.columns = append(l.columns, column{index: i, header: strings.TrimSpace(cell), field: f, unit: unit})
	}
	return l, n
}

// usable reports whether a matched header has what a lot needs, and if not, what is missing.
func (l layout) missing(defaultPlace bool) []string {
	var miss []string
	if l.at[fProjectCode] < 0 && l.at[fLotCode] < 0 && l.at[fDealCode] < 0 {
		miss = append(miss, "a project, lot or deal code (项目编号/标段编号/统一交易标识码)")
	}
	if l.at[fAmount] < 0 {
		miss = append(miss, "the deal amount (成交金额/中标金额)")
	}
	if l.at[fType] < 0 {
		miss = append(miss, "the trade type (交易类型)")
	}
	if l.at[fDate] < 0 {
		miss = append(miss, "the completion date (成交日期/开标日期)")
	}
	if l.at[fPlace] < 0 && !defaultPlace {
		miss = append(miss, "the trading place (交易地点), or --place CODE")
	}
	return miss
}
