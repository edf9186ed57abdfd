package dashboard

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tradestat/export"
	"tradestat/query"
	"tradestat/report"
)

// exportCompetition serves GET /export/competition?format=xlsx|csv plus the view: the
// competition figures by area, trade type and month (each figure beside its basis), the red
// flags' counts and the most flagged sections with their reasons, and the largest winners —
// what the competition and flags pages show, as a workbook or CSV.
func (s *Server) exportCompetition(c *fiber.Ctx, r viewRequest) error {
	st, ctx, v := r.st, r.ctx, r.v
	format, err := export.ParseFormat(c.Query("format"))
	if err != nil {
		return err
	}
	figures, x, err := chosenCompetition(ctx, c, st, v)
	if err != nil {
		return err
	}
	_, asSealed := figures.(query.Sealed)
	l := v.L.msg()
	m := export.Meta{Lang: l, Title: exportTitle("competition and risk", v), At: time.Now(), Region: v.Region.Root()}
	var sheets []export.Sheet
	for i, d := range []query.Dimension{query.ByArea, query.ByType, query.ByMonth} {
		rows, total, err := figures.CompetitionBreakdown(ctx, v.Filter, d)
		if err != nil {
			return err
		}
		name := export.DimensionName(l, d)
		sh := export.Sheet{Name: name, Title: l.T("%s (%s)", m.Title, name), Header: competitionHeader(v.L),
			Total: competitionCells(v.L.T("合计"), total)}
		for _, row := range rows {
			if row.Sections > 0 || d == query.ByMonth {
				sh.Rows = append(sh.Rows, competitionCells(v.L.rowName(query.Row{Key: row.Key, Name: row.Name}), row.Competition))
			}
		}
		if i == 0 && v.L == zh {
			// The bulletin's sentence is written in Chinese alone, for the reports it goes into.
			sh.Notes = append(sh.Notes, report.CompetitionSentence(v.Filter, total))
		}
		sh.Notes = append(sh.Notes, v.L.T("每个数字只计算导出文件提供了相应数据的标段（依据），未提供的不计入；流标标段按开标日期计入，不计入任何成交统计。"))
		if line := competitionSealLine(v, x, asSealed); line != "" {
			sh.Notes = append(sh.Notes, line)
		}
		sheets = append(sheets, sh)
	}
	flags, err := st.Flags(ctx, v.Filter, 1, query.MaxPageSize)
	if err != nil {
		return err
	}
	fs := flagSheets(v, m.Title, flags)
	con, err := st.Concentration(ctx, v.Filter)
	if err != nil {
		return err
	}
	fs = append(fs, winnerSheet(v, m.Title, con))
	if asSealed {
		for i := range fs {
			fs[i].Notes = append(fs[i].Notes, v.L.T("风险提示和中标人集中度按当前的投标记录计算，不随定稿保存。"))
		}
	}
	sheets = append(sheets, fs...)
	var b strings.Builder
	if err := export.WriteSheets(&b, format, m, sheets); err != nil {
		return err
	}
	attach(c, format, export.Filename(m.Title, format))
	return c.SendString(b.String())
}

// competitionSealLine is what the figures' sheets say of the seal in force over the view:
// whether they are its figures or the current ones; "" when no seal covers the view.
func competitionSealLine(v view, x *competitionSeal, asSealed bool) string {
	switch {
	case x == nil:
		return ""
	case asSealed:
		return v.L.T("以下竞争数字为定稿数字") + "（" + x.Seal.At.Format("2006-01-02") + " · " + x.Seal.Note + "）"
	case !x.Recorded:
		return v.L.T("这个定稿早于竞争数字随定稿保存，只记录了成交数字；以下为当前数字。")
	case x.Changed:
		return v.L.T("以下数字为当前数字") + "（" + v.L.T("与定稿不同") + "：" + x.ChangedText(v.L) + "）"
	default:
		return v.L.T("以下数字为当前数字") + "（" + v.L.T("数据与定稿一致") + "）"
	}
}

// number is a figure's cell: blank without a basis, text when it is not a number (≥30).
func number(s string, ok bool) export.Cell {
	if !ok {
		return export.Cell{Kind: export.Decimal}
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return export.Cell{Text: s}
	}
	return export.Cell{Text: s, Kind: export.Decimal}
}

func count(n int64) export.Cell {
	return export.Cell{Text: strconv.FormatInt(n, 10), Kind: export.Count}
}

func competitionHeader(t lang) []string {
	pct := func(s string) string { return t.T(s) + "（%）" }
	return []string{t.T("分组"), t.T("开标标段"), t.T("流标标段"), pct("流标率"),
		t.T("远程异地评标"), pct("远程异地评标率"), t.T("远程异地评标的依据（标段）"),
		t.T("平均投标人数"), t.T("投标人数中位数"), pct("仅一家投标"), pct("投标人少于三家"), t.T("投标人数的依据（标段）"),
		t.T("平均投标期（天）"), t.T("短于法定最短期限的标段"), t.T("投标期的依据（标段）"),
		t.T("平均评标定标期（天）"), t.T("评标定标期的依据（标段）"),
		pct("中标价÷最高投标限价"), pct("贴近限价（≥98%）"), t.T("最高投标限价的依据（标段）")}
}

func competitionCells(name string, c query.Competition) []export.Cell {
	remote := export.Cell{Kind: export.Count}
	if c.RemoteKnown > 0 {
		remote = count(c.Remote)
	}
	return []export.Cell{{Text: name}, count(c.Sections), count(c.Failed), number(c.FailureRate()),
		remote, number(c.RemoteRate()), count(c.RemoteKnown),
		number(c.MeanBidders()), number(c.MedianBidders()), number(c.SingleShare()), number(c.UnderThreeShare()), count(c.BiddersKnown()),
		number(c.MeanSubmissionDays()), count(c.SubmissionShort), count(c.SubmissionKnown),
		number(c.MeanDecisionDays()), count(c.DecisionKnown),
		number(c.MeanCeilingRatio()), number(c.AtCapShare()), count(c.CeilingKnown)}
}

// flagSheets are the flags' counts and the most flagged sections, each with its reasons.
func flagSheets(v view, title string, p query.FlagPage) []export.Sheet {
	l := v.L.msg()
	counts := export.Sheet{Name: v.L.T("风险提示"), Title: l.T("%s (%s)", title, v.L.T("风险提示")),
		Header: []string{v.L.T("提示"), v.L.T("适用标段"), v.L.T("触发标段")}}
	for _, fc := range p.Counts {
		counts.Rows = append(counts.Rows, []export.Cell{{Text: report.FlagName(l, fc.Code)}, count(fc.Applicable), count(fc.Raised)})
	}
	counts.Notes = []string{l.T("%d awarded sections, %d with a bid list, %d with a flag raised", p.Sections, p.WithBids, p.Flagged),
		v.L.T("风险分为该标段已触发的提示占适用提示的比例，每项提示都列出原因；缺少所需数据的提示不适用，不计入。提示是需要核查的信号，不是违法违规的结论。")}
	list := export.Sheet{Name: v.L.T("风险标段"), Title: l.T("%s (%s)", title, v.L.T("风险标段")),
		Header: []string{v.L.T("项目编号"), v.L.T("标段编号"), v.L.T("名称"), v.L.T("交易地点"), v.L.T("日期"),
			v.L.T("成交金额（万元）"), v.L.T("投标数"), v.L.T("风险分") + "（%）", v.L.T("提示")}}
	for _, row := range p.Rows {
		score, _ := row.ScoreBP()
		var reasons []string
		for _, raised := range row.Raised {
			reasons = append(reasons, report.FlagReason(l, raised))
		}
		list.Rows = append(list.Rows, []export.Cell{{Text: row.ProjectCode}, {Text: row.LotCode}, {Text: row.Name}, {Text: v.L.T(row.PlaceName)},
			{Text: row.Day.String()}, {Text: row.Amount.Wan(), Kind: export.Decimal}, count(int64(row.Bids)),
			{Text: report.BP(score), Kind: export.Decimal}, {Text: strings.Join(reasons, "\n")}})
	}
	if p.Flagged > int64(len(p.Rows)) {
		list.Notes = append(list.Notes, l.T("the %d most flagged of %d flagged sections", len(p.Rows), p.Flagged))
	}
	return []export.Sheet{counts, list}
}

// winnerSheet is the largest winners and their shares.
func winnerSheet(v view, title string, con query.Concentration) export.Sheet {
	l := v.L.msg()
	sh := export.Sheet{Name: v.L.T("中标人"), Title: l.T("%s (%s)", title, v.L.T("中标人集中度")),
		Header: []string{v.L.T("中标人"), v.L.T("统一社会信用代码"), v.L.T("中标次数"), v.L.T("中标金额（万元）"), v.L.T("占比") + "（%）"}}
	for _, w := range con.Top {
		sh.Rows = append(sh.Rows, []export.Cell{{Text: w.Name}, {Text: w.Code}, count(w.Wins), {Text: w.Won.Wan(), Kind: export.Decimal},
			number(con.ShareOf(w.Won))})
	}
	top5, ok5 := con.ShareOf(con.Top5)
	top10, _ := con.ShareOf(con.Top10)
	if ok5 {
		sh.Notes = append(sh.Notes, l.T("based on %d sections whose bid lists mark one winner: %d winners, %d of them won more than once; the five largest won %s%% of the amount, the ten largest %s%%",
			con.Sections, con.Winners, con.Repeat, top5, top10))
	} else {
		sh.Notes = append(sh.Notes, v.L.T("本期没有标明中标人的投标记录"))
	}
	return sh
}
