package dashboard

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"tradestat/audit"
	"tradestat/auth"
	"tradestat/ingest"
	"tradestat/query"
)

// uploads is where files uploaded from the browser go: the inbox of the ingest worker
// (`tradestat ingest --watch DIR`), so that an upload is loaded by exactly the worker's path,
// with its accounting and its report, and the dashboard itself never writes lots.
type uploads struct {
	inbox ingest.Inbox
	limit int64 // bytes
}

// WithUploads lets admins upload export files of up to limit bytes into inbox, the directory
// an ingest worker watches.
func WithUploads(inbox string, limit int64) Option {
	return func(s *Server) { s.uploads = &uploads{inbox: ingest.Inbox{Dir: inbox}, limit: limit} }
}

// WithAudit records sign-ins, uploads and exports in log.
func WithAudit(log *audit.Log) Option { return func(s *Server) { s.audit = log } }

// formBody bounds the body of every request but an upload: the largest is a sign-in form.
const formBody = 1 << 20

// multipartSlack is what an upload's body may carry beyond the file: the form's other fields
// and the multipart boundaries.
const multipartSlack = 64 << 10

const uploadPath = "/admin/upload"

// limitBody refuses a request body over its route's bound from the Content-Length header,
// having read at most formBody of it (the server reads that much before any handler; the
// rest is never read): an upload may be as large as the upload limit, anything else as a
// form. An upload is also refused here unless it comes from an admin, so that no one else
// can make the server spool a large body to disk (the CSRF check reads the whole form).
func (s *Server) limitBody(c *fiber.Ctx) error {
	n := int64(c.Request().Header.ContentLength()) // -1: chunked, -2: no body
	limit := int64(formBody)
	if c.Path() == uploadPath && c.Method() == fiber.MethodPost {
		if s.uploads == nil {
			return fiber.NewError(fiber.StatusNotFound, "此服务器未开启上传 (uploads are not set up: serve --inbox DIR)")
		}
		if !s.isAdmin(c) {
			c.Context().SetConnectionClose()
			return fiber.NewError(fiber.StatusForbidden, "只有管理员可以上传文件 (only admins may upload)")
		}
		limit = s.uploads.limit + multipartSlack
	}
	if n == -1 || n > limit {
		// The body is not read; the connection cannot carry another request after it.
		c.Context().SetConnectionClose()
	}
	switch {
	case n == -1:
		return fiber.NewError(fiber.StatusLengthRequired, "请求须带 Content-Length (send a Content-Length)")
	case n > limit:
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("请求过大：上限 %s (request body too large; the limit is %s)", sizeText(limit), sizeText(limit)))
	}
	return c.Next()
}

// sizeText is a byte count as people read it.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// uploadTypes are the file kinds the worker reads, by extension.
var uploadTypes = map[string]bool{".csv": true, ".txt": true, ".tsv": true, ".xlsx": true, ".xlsm": true}

// uploadName is the name an uploaded file is kept under in the inbox: the base name the
// browser sent, without directories, control or invisible formatting characters (such as a
// right-to-left override that would disguise the extension), leading dots (the worker skips
// hidden files) or Excel's lock-file prefix, and with a known extension.
func uploadName(sent string) (string, error) {
	sent = sent[strings.LastIndexAny(sent, `/\`)+1:]
	name := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, sent)
	name = strings.TrimLeft(strings.TrimPrefix(strings.TrimSpace(name), "~$"), ". ")
	if r := []rune(name); len(r) > 120 {
		ext := filepath.Ext(name)
		name = string(r[:120-len([]rune(ext))]) + ext
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case name == "" || name == ext:
		return "", unsupported("文件名为空 (the file has no name)")
	case ext == ".xls":
		return "", unsupported(name + " 是旧版 Excel 97–2003 工作簿 (.xls)：请在 Excel 或 WPS 中另存为 .xlsx 后上传 (save it as .xlsx, then upload that)")
	case ingest.ReservedName(name):
		return "", unsupported(name + "：以 .report.txt 或 .rejects.csv 结尾的名称留给导入报告，请改名后上传 (names ending in .report.txt or .rejects.csv are the worker's reports; rename the file)")
	case !uploadTypes[ext]:
		return "", unsupported(fmt.Sprintf("%s：只接受 CSV、TXT、TSV 或 XLSX 文件 (only CSV, TXT, TSV or XLSX exports)", name))
	}
	return name, nil
}

func unsupported(msg string) error { return fiber.NewError(fiber.StatusUnsupportedMediaType, msg) }

// upload serves POST /admin/upload: the file is checked (size, extension, and from its first
// rows that the worker can read it at all), then put into the inbox under its own name
// (written under a hidden name first and linked, so the worker never sees half a file), and
// the admin is sent to the ingest status page, where the worker's report appears. The upload
// of an admin limited to a region goes into that region's inbox, whose lots the worker loads
// only within it.
func (s *Server) upload(c *fiber.Ctx) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return badRequest{"请选择要上传的文件 (choose a file to upload)"}
	}
	name, err := uploadName(fh.Filename)
	if err != nil {
		return err
	}
	if fh.Size > s.uploads.limit {
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("%s 过大：上限 %s (the file is larger than the upload limit)", name, sizeText(s.uploads.limit)))
	}
	if fh.Size == 0 {
		return unsupported(name + " 是空文件 (the file is empty)")
	}
	if s.audit != nil {
		if err := s.audit.Ready(); err != nil {
			return auditUnavailable()
		}
	}
	in, err := fh.Open()
	if err != nil {
		return diskError{"上传的临时文件 (the upload's temporary file)", err}
	}
	defer in.Close()
	inbox := s.inboxOf(c)
	if err := os.MkdirAll(inbox.Dir, 0o755); err != nil {
		return diskError{"上传目录 (the inbox)", err}
	}
	tmp, err := os.CreateTemp(inbox.Dir, ".upload-*")
	if err != nil {
		return diskError{"上传目录 (the inbox)", err}
	}
	defer os.Remove(tmp.Name()) // the hidden name goes in every case; a linked upload stays
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), in)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return diskError{"写入上传目录 (writing into the inbox)", err}
	}
	if err := ingest.Check(ingest.Source{Name: name, Path: tmp.Name()}, ingest.Options{}); err != nil {
		return unsupported(err.Error())
	}
	if name, err = inbox.Put(tmp.Name(), name); err != nil {
		return diskError{"写入上传目录 (writing into the inbox)", err}
	}
	sum := hex.EncodeToString(h.Sum(nil))
	s.record(c, audit.Entry{Action: audit.Upload, Detail: fmt.Sprintf("%s, %d bytes, SHA-256 %s", name, n, sum), Status: fiber.StatusSeeOther})
	s.log.Info("uploaded into the inbox", "file", name, "region", inbox.Region, "bytes", n, "sha256", sum)
	l, _ := parseLang(c.Query("lang"))
	return c.Redirect(langPath("/admin/ingest?uploaded="+url.QueryEscape(name), l), fiber.StatusSeeOther)
}

type ingestPage struct {
	chrome
	View      view
	Freshness freshness // unused: the header asks for it
	CSRF      string
	Uploads   bool
	Limit     string
	Uploaded  string
	Regions   bool             // the deployment's admin: the region inboxes are listed too
	Withdraw  bool             // loads can be withdrawn here
	Withdrawn string           // the load just withdrawn
	Waiting   []ingest.Waiting // in the inbox, not yet loaded
	Filed     []ingest.Filed   // done/ and failed/, newest first
	Batches   []query.Batch    // the loads, from ingest_batches
}

// maxListed bounds the files and loads the status page lists.
const maxListed = 50

// ingestStatus serves GET /admin/ingest: the upload form, the files waiting for the worker,
// the worker's reports of the latest files it filed, and the latest loads — of the admin's
// region: an admin limited to one sees its region inbox and its region's loads only.
func (s *Server) ingestStatus(c *fiber.Ctx) error {
	l, err := parseLang(c.Query("lang"))
	if err != nil {
		return err
	}
	ctx, cancel := s.requestContext(c)
	defer cancel()
	st := s.storeOf(c)
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
func (s *Server) inboxOf(c *fiber.Ctx) ingest.Inbox {
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
		return badf("dir %q: want done or failed", dir)
	}
	inbox := s.inboxOf(c)
	if code != "" && code != inbox.Region {
		if s.limited(c) {
			return fiber.NewError(fiber.StatusForbidden, fmt.Sprintf("您的账号只能查看%s的导入 (your account sees the loads of %s only)", s.storeOf(c).Region().Name(), s.storeOf(c).Region().Name()))
		}
		d, err := s.store.Region().Area(code)
		if err != nil || d.Code != code {
			return badf("inbox %q: want the code of a division within %s", code, s.store.Region().Name())
		}
		inbox = s.uploads.inbox.Of(code)
	}
	path, ok := inbox.RejectReport(dir, file)
	if !ok {
		return fiber.NewError(fiber.StatusNotFound, "没有这个文件的拒收报告 (no reject report for this file)")
	}
	c.Attachment(filepath.Base(path))
	return c.SendFile(path)
}

type auditPage struct {
	chrome
	View      view
	Freshness freshness // unused: the header asks for it
	Entries   []query.AuditEntry
}

// maxAudit is how many entries the audit page shows.
const maxAudit = 500

// auditLog serves GET /admin/audit: the newest entries of the audit log; for an admin
// limited to a region, those of its region's accounts.
func (s *Server) auditLog(c *fiber.Ctx) error {
	l, err := parseLang(c.Query("lang"))
	if err != nil {
		return err
	}
	ctx, cancel := s.requestContext(c)
	defer cancel()
	st := s.storeOf(c)
	entries, err := st.AuditLog(ctx, maxAudit)
	if err != nil {
		return err
	}
	return s.render(c, "audit.html", auditPage{
		chrome: s.chrome(c, "审计日志", langPath("/admin/audit", other(l)), choice{langPath("/", l), "返回统计"}, choice{langPath("/admin/ingest", l), "数据导入"}),
		View:   view{L: l, Region: st.Region()}, Entries: entries,
	})
}

// isAdmin tells whether this request may open the admin pages: an admin is signed in, or
// access control is off.
func (s *Server) isAdmin(c *fiber.Ctx) bool {
	if s.access == nil {
		return true
	}
	u, ok := s.sessionUser(c)
	return ok && u.Role >= auth.Admin
}

// record writes e to the audit log, when there is one, completed with this request's path,
// query string, address and (unless e names one) signed-in account.
func (s *Server) record(c *fiber.Ctx, e audit.Entry) {
	if s.audit == nil {
		return
	}
	// fiber's strings point into buffers reused by the next request; the entry outlives this one.
	e.Path, e.IP, e.User = strings.Clone(c.Path()), strings.Clone(c.IP()), strings.Clone(e.User)
	e.Filters = string(c.Request().URI().QueryString())
	if q, err := url.QueryUnescape(e.Filters); err == nil {
		e.Filters = q // as people read it: family=工程建设, not %E5…
	}
	e.Filters = truncate(e.Filters, 2000)
	if e.User == "" && s.access != nil {
		if u, ok := s.sessionUser(c); ok {
			e.User, e.Role = u.Name, u.Role.String()
		}
	}
	e.Region, _ = c.Locals(regionKey{}).(string)
	if e.Region == "" && s.access != nil { // a sign-in: the account is known by its name
		if u, ok := s.access.users.Lookup(e.User); ok {
			e.Region = s.canonical(u.Region)
		}
	}
	if err := s.audit.Record(e); err != nil {
		s.log.Error("audit entry refused", "action", e.Action, "path", e.Path, "user", e.User, "err", err)
	}
}

// audited wraps an export: refused while the audit log cannot take entries, recorded with the
// status it was answered with.
func (s *Server) audited(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if s.audit == nil {
			return h(c)
		}
		if err := s.audit.Ready(); err != nil {
			return auditUnavailable()
		}
		err := h(c)
		if err != nil {
			err = s.handleError(c, err) // so the status recorded is the one answered
		}
		s.record(c, audit.Entry{Action: audit.Export, Status: c.Response().StatusCode()})
		return err
	}
}

func auditUnavailable() error {
	return fiber.NewError(fiber.StatusServiceUnavailable, "审计日志暂不可写，导出与上传暂停 (the audit log cannot be written; exports and uploads are paused)")
}

// truncate keeps at most n bytes of s, and valid UTF-8.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// langPath is path in language l.
func langPath(path string, l lang) string {
	if l != en {
		return path
	}
	if strings.Contains(path, "?") {
		return path + "&lang=en"
	}
	return path + "?lang=en"
}

// other is the language the switch in the header leads to.
func other(l lang) lang {
	if l == en {
		return zh
	}
	return en
}
