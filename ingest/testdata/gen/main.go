// Command gen writes the export-like test files of ingest/testdata that cannot be written by
// hand as text: a workbook with title rows, merged cells and Excel dates, a GBK-encoded CSV and
// a legacy .xls header. Run it from ingest/: go run ./testdata/gen
package main

import (
	"log"
	"os"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func main() {
	if err := workbook("testdata/baoshan-2021.xlsx"); err != nil {
		log.Fatal(err)
	}
	if err := platformWorkbook("testdata/platform-2022.xlsx"); err != nil {
		log.Fatal(err)
	}
	if err := gbk("testdata/gbk-place-530521.csv"); err != nil {
		log.Fatal(err)
	}
	if err := utf16TSV("testdata/unicode-text.txt"); err != nil {
		log.Fatal(err)
	}
	// An Excel 97–2003 compound-document signature, which the reader must refuse clearly.
	legacy := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	if err := os.WriteFile("testdata/legacy.xls", legacy, 0o644); err != nil {
		log.Fatal(err)
	}
}

func workbook(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "2021年"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14}) // m/d/yy: shows a date, stores a serial
	if err != nil {
		return err
	}
	set := func(cell string, v any) {
		if err == nil {
			err = f.SetCellValue(sheet, cell, v)
		}
	}
	set("A1", "2021年保山市公共资源交易项目统计表")
	if err := f.MergeCell(sheet, "A1", "K1"); err != nil {
		return err
	}
	set("A2", "填报单位：保山市公共资源交易中心")
	header := []any{"序号", "项目编号", "标段(包)编号", "项目名称", "交易类型", "交易地点", "成交日期", "控制价（万元）", "起始价(万元)", "成交金额（万元）", "开标方式"}
	if err := f.SetSheetRow(sheet, "A4", &header); err != nil {
		return err
	}
	day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	rows := [][]any{
		{1, "BSGC2021-0101", "01", "隆阳区农村公路提升改造工程", "建设工程", "保山市隆阳区", day("2021-03-01"), 1000, nil, 950.5, "不见面开标"},
		{2, "BSGC2021-0102", "01", "腾冲市供水管网改造工程", nil, "腾冲", day("2021-03-02"), 500.25, nil, 480, "现场"}, // 交易类型 merged from above
		{3, "BSCG2021-0101", "02", "办公设备采购", "政府采购货物", "市本级", day("2021-06-30"), 20.123456, nil, 19.5, "不见面开标"},
		{4, "BSTD2021-0101", "01", "国有建设用地使用权挂牌出让", "土地出让", "保山市", day("2021-12-31"), nil, 3000, 3600, ""},
		{5, "BSKY2021-0101", "01", "建筑用砂石矿采矿权出让", "采矿权", "530522", day("2021-08-15"), nil, 0.1, 0.1 + 0.2, ""},
		{6, "BSCG2021-0102", "01", "物业管理服务", "政府采购服务", "龙陵县", day("2021-09-01"), 30, nil, "待定", "现场"},
		{7, "BSGC2021-0101", "01", "隆阳区农村公路提升改造工程（更正）", "工程建设", "隆阳区", day("2021-03-01"), 1000, nil, 960, "不见面开标"},
		{"合计", nil, nil, nil, nil, nil, nil, 2550.373456, 3000.1, 9999, nil},
		{"制表人：张三"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, 5+i)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			return err
		}
		dcell, _ := excelize.CoordinatesToCellName(7, 5+i)
		if err := f.SetCellStyle(sheet, dcell, dcell, dateStyle); err != nil {
			return err
		}
	}
	if err := f.MergeCell(sheet, "E5", "E6"); err != nil {
		return err
	}
	if err != nil {
		return err
	}
	notes, err := f.NewSheet("说明")
	if err != nil {
		return err
	}
	_ = notes
	if err := f.SetCellValue("说明", "A1", "本表金额单位为万元，数据来源于交易系统。"); err != nil {
		return err
	}
	return f.SaveAs(path)
}

func gbk(path string) error {
	text := "施甸县公共资源交易中心2021年交易明细\r\n" +
		"项目编号,项目名称,交易类别,开标日期,预算金额(元),中标金额(元),是否不见面开标\r\n" +
		"SDGC2021-001,施甸县学校教学楼建设工程,工程,2021年3月1日,\"¥1,234,567.00\",\"1,200,000.00\",Y\r\n" +
		"SDCG2021-001,施甸县医疗设备采购,政府采购,2021/3/5,８８０００,８６５００．５,√\r\n" +
		"SDYP2021-001,医用耗材集中采购,药品耗材,20210310,50000,49000,N\r\n" +
		"SDQT2021-001,广告位使用权出让,其它,2021-04-01,,12000,\r\n" +
		"SDGC2021-002,未填日期的工程,工程,,100000,90000,N\r\n" +
		"合计,,,,,1347500.50,\r\n"
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(text))
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// utf16TSV writes what Excel's "Unicode text" export gives: UTF-16LE with a BOM, tab-separated.
func utf16TSV(path string) error {
	text := "项目编号\t交易类型\t交易地点\t成交日期\t成交金额（万元）\n" +
		"LL2021-001\t工程建设\t龙陵县\t2021-07-01\t１２.３４\n" +
		"LL2021-002\t政府采购\t龙陵\t2021/7/2\t0.5\n"
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// platformWorkbook is a results workbook in the layout GUIDE-style platforms export: a merged
// title, a header over two rows under merged group labels (the unit in one of them), nested
// header wordings (中标（成交）价格, 控制价/起拍价), classification leaves as trade types,
// centre names as places, Excel serial dates in a column appended at the right, a 合计 row, a
// signature line merged across the table, and a sheet of notes.
func platformWorkbook(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	s := "成交信息"
	if err := f.SetSheetName("Sheet1", s); err != nil {
		return err
	}
	set := func(cell string, v any) {
		if err := f.SetCellValue(s, cell, v); err != nil {
			log.Fatal(err)
		}
	}
	row := func(cell string, values ...any) {
		if err := f.SetSheetRow(s, cell, &values); err != nil {
			log.Fatal(err)
		}
	}
	merge := func(from, to string) {
		if err := f.MergeCell(s, from, to); err != nil {
			log.Fatal(err)
		}
	}
	set("A1", "2022年保山市公共资源交易成交项目汇总表")
	merge("A1", "J1")
	row("A2", "序号", "基本信息", "", "", "", "", "金额（万元）", "", "开标", "备注")
	merge("B2", "F2")
	merge("G2", "H2")
	row("A3", "", "项目编号", "标段（包）编号", "项目名称", "交易分类", "交易场所", "控制价/起拍价", "中标（成交）价格", "开标方式", "", "成交（中标）日期")
	row("A4", 1, "BS2022-GC-0017", "BS2022-GC-0017-01", "龙陵县水库除险加固工程", "工程建设-水利", "龙陵县公共资源交易中心", 1234.5678, 1180.25, "不见面开标（远程异地评标）", "", 44650)
	row("A5", 2, "BS2022-CG-0101", "BS2022-CG-0101-02", "施甸县教育装备采购", "政府采购(货物类)", "施甸县", "86.4", "79.9", "现场开标", "", 44702)
	row("A6", 3, "BS2022-TD-0005", "BS2022-TD-0005-01", "隆阳区国有建设用地使用权挂牌出让", "土地使用权出让", "保山市本级", 3000, 3620.5, "网上挂牌", "", 44895)
	row("A7", "合计", "", "", "", "", "", 4320.9678, 4880.65)
	set("A9", "制表人：张三    审核人：李四")
	merge("A9", "J9")
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(s, "K4", "K6", date); err != nil {
		return err
	}
	if _, err := f.NewSheet("填表说明"); err != nil {
		return err
	}
	if err := f.SetCellValue("填表说明", "A1", "金额单位为万元；开标方式按平台记录填写。"); err != nil {
		return err
	}
	return f.SaveAs(path)
}
