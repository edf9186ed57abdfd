package dashboard

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
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
	if m.Sealed, err = s.sealedLine(ctx, c, st, v); err != nil {
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
	if m.Sealed, err = s.sealedLine(ctx, c, st, v); err != nil {
		return err
	}
	// The export is written whole into a file of its own first, then sent: the lane of lot
	// exports, shared by every account, is held while the server reads the lots, never while
	// a slow client reads the file; and a read that fails is an error the client is told,
	// not a file cut short.
	spool, err := os.CreateTemp("", "tradestat-export-")
	if err != nil {
		return diskFailure("the export's temporary file", err)
	}
	_ = os.Remove(spool.Name()) // open, it lives until it is closed, and is never left behind
	sent := false
	defer func() {
		if !sent {
			spool.Close()
		}
	}()
	ectx, cancel := context.WithTimeout(context.Background(), exportTimeout)
	defer cancel()
	w := bufio.NewWriterSize(spool, 64<<10)
	if err := export.WriteLots(w, format, m, func(emit func(query.LotRow) error) error {
		return st.EachLot(ectx, v.Filter, search, noBasis, emit)
	}); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return diskFailure("the export's temporary file", err)
	}
	size, err := spool.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = spool.Seek(0, io.SeekStart)
	}
	if err != nil {
		return diskFailure("the export's temporary file", err)
	}
	attach(c, format, export.Filename(m.Title, format))
	sent = true
	// The download counts among the account's requests in progress until it is sent.
	return c.SendStream(&sending{File: spool, done: handOff(c)}, int(size))
}

// sending is a download's file, which the server closes once it has sent it (or failed to):
// then the request is done.
type sending struct {
	*os.File
	done func()
}

func (s *sending) Close() error {
	defer s.done()
	return s.File.Close()
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
	var notes []string
	if x != nil {
		notes = append(notes, x.line(v.L, isSealed(figures)))
	}
	rows, why := s.evaluationRows(v)
	if why != "" {
		notes = append(notes, why)
	}
	var b strings.Builder
	if err := evaluation.WriteXLSX(&b, l, title, notes, evaluation.Evaluate(rows, t)); err != nil {
		return err
	}
	attach(c, export.XLSX, export.Filename(title, export.XLSX))
	return c.SendString(b.String())
}

// evaluationRows are the rows of the self-evaluation table of a view: its area's targets when
// the view is that area's whole calendar year; otherwise the indicators without targets, and
// why, for the line under the table. A county's table is never judged against its city's
// targets, nor a quarter's or one trade type's against a year's.
func (s *Server) evaluationRows(v view) ([]evaluation.Indicator, string) {
	l, f := v.L.msg(), v.Filter
	if !areaYear(f) {
		return evaluation.Unjudged(s.targets), l.T("the targets are of an area's whole year: a table of %s is not judged against them", v.Period()+" "+v.Scope())
	}
	area, err := v.Region.Area(f.Area)
	if err != nil { // the view was read against the region: cannot happen
		return evaluation.Unjudged(s.targets), l.T("the targets file sets no targets for %s: the table lists the actual values without judging them", v.Scope())
	}
	rows := evaluation.For(s.targets, area.Code, area.Code == s.store.Region().Code())
	if rows == nil {
		return evaluation.Unjudged(s.targets), l.T("the targets file sets no targets for %s: the table lists the actual values without judging them", v.Scope())
	}
	return rows, ""
}
