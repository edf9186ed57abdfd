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

	"tradestat"
	"tradestat/audit"
	"tradestat/inbox"
	"tradestat/ingest"
)

// uploads is where files uploaded from the browser go: the inbox of the ingest worker
// (`tradestat ingest --watch DIR`), so that an upload is loaded by exactly the worker's path,
// with its accounting and its report, and the dashboard itself never writes lots.
type uploads struct {
	inbox inbox.Inbox
	limit int64 // bytes
}

// WithUploads lets admins upload export files of up to limit bytes into dir, the inbox
// an ingest worker watches.
func WithUploads(dir string, limit int64) Option {
	return func(s *Server) { s.uploads = &uploads{inbox: inbox.Inbox{Dir: dir}, limit: limit} }
}

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
			return tradestat.Fail(tradestat.NotFound, "uploads are not set up on this server (serve --inbox DIR)")
		}
		if !s.isAdmin(c) {
			c.Context().SetConnectionClose()
			return tradestat.Fail(tradestat.Forbidden, "only admins may upload")
		}
		limit = s.uploads.limit + multipartSlack
	}
	if n == -1 || n > limit {
		// The body is not read; the connection cannot carry another request after it.
		c.Context().SetConnectionClose()
	}
	switch {
	case n == -1:
		return tradestat.Fail(tradestat.NoLength, "send a Content-Length")
	case n > limit:
		return tradestat.Fail(tradestat.TooLarge, "request body too large: the limit is %s", sizeText(limit))
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

// uploadTypes are the names exports come under. What a file is, the worker tells from its
// bytes: a web system's .xls is often an HTML table or text, which it reads, while a real
// Excel 97–2003 workbook is refused by the check with its reason.
var uploadTypes = map[string]bool{".csv": true, ".txt": true, ".tsv": true, ".xlsx": true, ".xlsm": true, ".xls": true, ".htm": true, ".html": true}

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
	name = inbox.FitName(name)
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case name == "" || name == ext:
		return "", tradestat.Fail(tradestat.Unsupported, "the file has no name")
	case inbox.ReservedName(name):
		return "", tradestat.Fail(tradestat.Unsupported, "%s: names ending in .report.txt or .rejects.csv are the worker's reports; rename the file", name)
	case !uploadTypes[ext]:
		return "", tradestat.Fail(tradestat.Unsupported, "%s: only CSV, TXT, TSV, XLSX, or XLS or HTML exports", name)
	}
	return name, nil
}

// upload serves POST /admin/upload: the file is checked (size, extension, and from its first
// rows that the worker can read it at all), then put into the inbox under its own name
// (written under a hidden name first and linked, so the worker never sees half a file), and
// the admin is sent to the ingest status page, where the worker's report appears. The upload
// of an admin limited to a region goes into that region's inbox, whose lots the worker loads
// only within it.
func (s *Server) upload(c *fiber.Ctx) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return tradestat.Fail(tradestat.Invalid, "choose a file to upload")
	}
	name, err := uploadName(fh.Filename)
	if err != nil {
		return err
	}
	if fh.Size > s.uploads.limit {
		return tradestat.Fail(tradestat.TooLarge, "%s is larger than the upload limit, %s", name, sizeText(s.uploads.limit))
	}
	if fh.Size == 0 {
		return tradestat.Fail(tradestat.Unsupported, "%s is empty", name)
	}
	if s.audit != nil {
		if err := s.audit.Ready(); err != nil {
			return err
		}
	}
	in, err := fh.Open()
	if err != nil {
		return diskFailure("the upload's temporary file", err)
	}
	defer in.Close()
	box := s.inboxOf(c)
	if err := os.MkdirAll(box.Dir, 0o755); err != nil {
		return diskFailure("the inbox", err)
	}
	tmp, err := os.CreateTemp(box.Dir, ".upload-*")
	if err != nil {
		return diskFailure("the inbox", err)
	}
	defer os.Remove(tmp.Name()) // the hidden name goes in every case; a linked upload stays
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), in)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return diskFailure("writing into the inbox", err)
	}
	if err := ingest.Check(ingest.Source{Name: name, Path: tmp.Name()}, ingest.Options{}); err != nil {
		return err // the file's reason, a failure of the input
	}
	if name, err = box.Put(tmp.Name(), name); err != nil {
		return diskFailure("writing into the inbox", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	s.record(c, audit.Entry{Action: audit.Upload, Detail: fmt.Sprintf("%s, %d bytes, SHA-256 %s", name, n, sum), Status: fiber.StatusSeeOther})
	s.log.Info("uploaded into the inbox", "file", name, "region", box.Region, "bytes", n, "sha256", sum)
	l, _ := parseLang(c.Query("lang"))
	return c.Redirect(langPath("/admin/ingest?uploaded="+url.QueryEscape(name), l), fiber.StatusSeeOther)
}
