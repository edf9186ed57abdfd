package dashboard

import (
	"path/filepath"

	"github.com/gofiber/fiber/v2"

	"tradestat"
	"tradestat/inbox"
	"tradestat/query"
)

// ingestPage is what the ingest status page shows.
type ingestPage struct {
	chrome
	View      view
	Freshness freshness // unused: the header asks for it
	CSRF      string
	Uploads   bool
	Limit     string
	Uploaded  string
	Regions   bool            // the deployment's admin: the region inboxes are listed too
	Withdraw  bool            // loads can be withdrawn here
	Withdrawn string          // the load just withdrawn
	Waiting   []inbox.Waiting // in the inbox, not yet loaded
	Filed     []inbox.Filed   // done/ and failed/, newest first
	Batches   []query.Batch   // the loads, from ingest_batches
}

// maxListed bounds the files and loads the status page lists.
const maxListed = 50

// ingestStatus serves GET /admin/ingest: the upload form, the files waiting for the worker,
// the worker's reports of the latest files it filed, and the latest loads — of the admin's
// region: an admin limited to one sees its region inbox and its region's loads only.
func (s *Server) ingestStatus(c *fiber.Ctx, r viewRequest) error {
	st, ctx, l := r.st, r.ctx, r.v.L
	batches, err := st.RecentBatches(ctx, maxListed)
	if err != nil {
		return err
	}
	page := ingestPage{
		chrome:    s.chrome(c, "数据导入", langPath("/admin/ingest", other(l)), choice{langPath("/", l), "返回统计"}, choice{langPath("/admin/audit", l), "审计日志"}),
		View:      view{L: l, Region: st.Region()},
		Uploaded:  c.Query("uploaded"),
		Regions:   !s.limited(c),
		Withdraw:  s.loader != nil,
		Withdrawn: c.Query("withdrawn"),
		Batches:   batches,
	}
	page.CSRF = page.chrome.CSRF
	if s.uploads != nil {
		page.Uploads, page.Limit = true, sizeText(s.uploads.limit)
		if page.Waiting, page.Filed, err = s.inboxOf(c).Status(maxListed, page.Regions); err != nil {
			return err
		}
	}
	return s.render(c, "ingest.html", page)
}

// inboxOf is the inbox of the request's account: the top one, or its region's.
func (s *Server) inboxOf(c *fiber.Ctx) inbox.Inbox {
	if s.limited(c) {
		return s.uploads.inbox.Of(s.storeOf(c).Region().Code())
	}
	return s.uploads.inbox
}

// rejectReport serves GET /admin/ingest/rejects?dir=done&file=NAME[&inbox=CODE]: the reject
// report the worker left beside a file, in the top inbox or a region's (the admin's own when
// it is limited to a region; a region within the deployment's for the deployment's admin).
// Only names the directory lists are served.
func (s *Server) rejectReport(c *fiber.Ctx) error {
	if s.uploads == nil {
		return fiber.ErrNotFound
	}
	dir, file, code := c.Query("dir"), c.Query("file"), c.Query("inbox")
	if dir != "done" && dir != "failed" {
		return tradestat.Fail(tradestat.Invalid, "dir %q: want done or failed", dir)
	}
	inbox := s.inboxOf(c)
	if code != "" && code != inbox.Region {
		if s.limited(c) {
			return tradestat.Fail(tradestat.Forbidden, "your account sees the loads of %s only", s.storeOf(c).Region().Name())
		}
		d, err := s.store.Region().Area(code)
		if err != nil || d.Code != code {
			return tradestat.Fail(tradestat.Invalid, "inbox %q: want the code of a division within %s", code, s.store.Region().Name())
		}
		inbox = s.uploads.inbox.Of(code)
	}
	path, ok := inbox.RejectReport(dir, file)
	if !ok {
		return tradestat.Fail(tradestat.NotFound, "no reject report for this file")
	}
	c.Attachment(filepath.Base(path))
	return c.SendFile(path)
}
