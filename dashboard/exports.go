package dashboard

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tradestat"
	"tradestat/evaluation"
	"tradestat/export"
	"tradestat/query"
)

// exportTimeout bounds a streamed export: a million lots take seconds, not minutes.
const exportTimeout = 10 * time.Minute

// exportTitle names an export after its view, in the page's language (what is a catalog
// text): Chinese, the language of the reports the exports go into, or English.
func exportTitle(what string, v view) string {
	l := v.L.msg()
	return l.T("%s public resource trading: %s (%s, %s)", v.Region.Name(), l.T(what), v.Period(), v.Scope())
}

// attach sets the headers of a file download named name: an ASCII fallback and the UTF-8
// name (RFC 6266), so that browsers save 保山市….xlsx.
func attach(c *fiber.Ctx, f export.Format, name string) {
	c.Set(fiber.HeaderContentType, f.ContentType())
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="tradestat-export.%s"; filename*=UTF-8''%s`,
		f, strings.ReplaceAll(url.QueryEscape(name), "+", "%20")))
}

// exportIndicators serves GET /export/indicators?by=…&format=xlsx|csv plus the view: the
// benefit indicators grouped each way asked (a sheet each in XLSX), with totals rows that
// equal the dashboard's figures and each group's year-on-year change.
func (s *Server) exportIndicators(c *fiber.Ctx, r viewRequest) error {
	st, ctx, v := r.st, r.ctx, r.v
	format, err := export.ParseFormat(c.Query("format"))
	if err != nil {
		return err
	}
	var dims []query.Dimension
	seen := map[query.Dimension]bool{}
	for _, name := range strings.Split(c.Query("by", string(query.ByArea)), ",") {
		d, err := query.ParseDimension(strings.TrimSpace(name))
		if err != nil {
			return err
		}
		if !seen[d] {
			seen[d] = true
			dims = append(dims, d)
		}
	}
	tables, err := export.Indicators(ctx, st, v.Filter, dims, v.L.rowName)
	if err != nil {
		return err
	}
	m := export.Meta{Lang: v.L.msg(), Title: exportTitle("benefit indicators", v), At: time.Now(), Region: v.Region.Root()}
	if m.Sealed, err = s.sealedLine(ctx, st, v); err != nil {
		return err
	}
	var b strings.Builder
	if err := export.WriteIndicators(&b, format, m, tables); err != nil {
		return err
	}
	attach(c, format, export.Filename(m.Title, format))
	return c.SendString(b.String())
}

// exportLots serves GET /export/lots?format=xlsx|csv plus the view and search: every lot
// behind the view's figures, streamed from the server to the browser.
func (s *Server) exportLots(c *fiber.Ctx, r viewRequest) error {
	st, ctx, v := r.st, r.ctx, r.v
	format, err := export.ParseFormat(c.Query("format"))
	if err != nil {
		return err
	}
	lq, err := lotRequest(c, 1)
	if err != nil {
		return err
	}
	if lq.Cancelled {
		return tradestat.Fail(tradestat.Invalid, "status=cancelled: the lots that did not complete trading are listed on the page (/lots), not exported")
	}
	search, noBasis := lq.Search, lq.NoBasis
	title := "lot details"
	if noBasis {
		title = "lot details without a budget or reserve price"
	}
	m := export.Meta{Lang: v.L.msg(), Title: exportTitle(title, v), At: time.Now(), Region: v.Region.Root()}
	if m.Sealed, err = s.sealedLine(ctx, st, v); err != nil {
		return err
	}
	attach(c, format, export.Filename(m.Title, format))
	f, store, log := v.Filter, st, s.log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
		defer cancel()
		err := export.WriteLots(w, format, m, func(emit func(query.LotRow) error) error {
			return store.EachLot(ctx, f, search, noBasis, emit)
		})
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			log.Error("lot export cut short", "err", err)
		}
	})
	return nil
}

// exportEvaluation serves GET /export/evaluation?year=YYYY (and the view's filters): the
// performance self-evaluation table (项目支出绩效自评表) of the year, as XLSX; of a sealed
// year, of the current figures or (as=sealed) the seal's, marked 已定稿 under the table.
func (s *Server) exportEvaluation(c *fiber.Ctx, r viewRequest) error {
	st, ctx, v := r.st, r.ctx, r.v
	figures, x, err := s.chosen(ctx, c, st, v)
	if err != nil {
		return err
	}
	t, err := figures.Summary(ctx, v.Filter)
	if err != nil {
		return err
	}
	l := v.L.msg()
	title := l.T("%s performance self-evaluation table (%s)", v.Period(), v.Scope())
	note := ""
	if x != nil {
		note = x.line(v.L, isSealed(figures))
	}
	var b strings.Builder
	if err := evaluation.WriteXLSX(&b, l, title, note, evaluation.Evaluate(s.targets, t)); err != nil {
		return err
	}
	attach(c, export.XLSX, export.Filename(title, export.XLSX))
	return c.SendString(b.String())
}
