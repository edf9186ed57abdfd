package export

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"tradestat/msg"
	"tradestat/query"
	"tradestat/safecell"
)

// Lots is a source of lots in order: it calls emit for each, stopping at emit's first error.
// query.Store.EachLot is one; it streams from the server, so an export of a million lots
// never holds them all.
type Lots func(emit func(query.LotRow) error) error

// firstAmount is the index of the first of lotText's five amounts (budget … premium).
const firstAmount = 8

func lotHeader(l msg.Lang) []string {
	return []string{l.T("project code"), l.T("lot code"), l.T("name"), l.T("trade type"), l.T("sub-type"), l.T("trading centre"), l.T("project region"),
		l.T("completion date"), l.T("budget or ceiling price (10k yuan)"), l.T("reserve price (10k yuan)"), l.T("deal amount (10k yuan)"),
		l.T("savings (10k yuan)"), l.T("premium (10k yuan)"), l.T("online bid opening")}
}

// WriteLots streams lots in format f: CSV row by row; XLSX through excelize's stream writer,
// which keeps rows beyond its buffer in a temporary file rather than in memory.
func WriteLots(w io.Writer, f Format, m Meta, lots Lots) error {
	if f == CSV {
		return lotsCSV(w, m, lots)
	}
	return lotsXLSX(w, m, lots)
}

// lotText is a lot's cells; its trade type and online flag in lang, its names as they are.
func lotText(lang msg.Lang, l query.LotRow) []string {
	online := lang.T("no")
	if l.Online {
		online = lang.T("yes")
	}
	typ, _ := lang.Interface(string(l.Type))
	return []string{safecell.Text(l.ProjectCode), safecell.Text(l.LotCode), safecell.Text(l.Name), typ, safecell.Text(l.SubType),
		l.PlaceName, safecell.Text(l.RegionName), l.Date.String(),
		l.Budget.Wan(), l.Reserve.Wan(), l.Amount.Wan(), l.Savings.Wan(), l.Premium.Wan(), online}
}

func lotsCSV(w io.Writer, m Meta, lots Lots) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	if err := cw.Write(lotHeader(m.Lang)); err != nil {
		return err
	}
	err := lots(func(l query.LotRow) error { return cw.Write(lotText(m.Lang, l)) })
	if err != nil {
		return err
	}
	if err := cw.Write([]string{safecell.Text(m.footer())}); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func lotsXLSX(w io.Writer, m Meta, lots Lots) error {
	x := excelize.NewFile()
	defer x.Close()
	sheet := m.Lang.T("lot details")
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 2, 16); err != nil {
		return err
	}
	if err := sw.SetColWidth(3, 3, 36); err != nil {
		return err
	}
	if err := sw.SetColWidth(4, len(lotHeader(m.Lang)), 14); err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: bold, Value: safecell.Text(m.Title)}}); err != nil {
		return err
	}
	var header []any
	for _, h := range lotHeader(m.Lang) {
		header = append(header, excelize.Cell{StyleID: bold, Value: h})
	}
	if err := sw.SetRow("A2", header); err != nil {
		return err
	}
	row := 3
	err = lots(func(l query.LotRow) error {
		text := lotText(m.Lang, l)
		cells := make([]any, len(text))
		for i, t := range text {
			cells[i] = t
		}
		// The amounts as numbers (columns I–M), each the float nearest the exact decimal.
		for i := firstAmount; i < firstAmount+5; i++ {
			v, err := strconv.ParseFloat(text[i], 64)
			if err != nil {
				return err
			}
			cells[i] = v
		}
		ref, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(ref, cells)
	})
	if err != nil {
		return err
	}
	ref, _ := excelize.CoordinatesToCellName(1, row+1)
	if err := sw.SetRow(ref, []any{safecell.Text(m.footer())}); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.Write(w)
}
