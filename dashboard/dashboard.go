// Package dashboard is tradestat's web front: the overview page for leadership, with the five
// figures rendered server-side as copyable text and go-echarts charts, and the JSON API. Every
// script and style sheet is served from the binary itself (ECharts comes from the npm registry
// at build time), because the product runs on isolated intranets with no CDN.
package dashboard

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"tradestat"
	"tradestat/audit"
	"tradestat/boundary"
	"tradestat/commit"
	"tradestat/division"
	"tradestat/evaluation"
	"tradestat/msg"
	"tradestat/query"
	"tradestat/warehouse"
)

//go:embed assets
var assetFiles embed.FS

//go:embed templates/*.html
var templateFiles embed.FS

// echartsAsset is where the ECharts build copied from node_modules is embedded; `make assets`
// puts it there.
const echartsAsset = "assets/vendor/echarts.min.js"

// queryTimeout bounds every request's database work, so a slow or stuck server gives the
// user an error instead of a page that never loads.
const queryTimeout = 15 * time.Second

// Server is the dashboard and API over one query.Store.
type Server struct {
	app     *fiber.App
	store   *query.Store
	log     *slog.Logger
	pages   *template.Template
	targets []evaluation.Indicator // the self-evaluation table's indicators
	access  *access                // nil: --auth off
	uploads *uploads               // nil: no uploads
	loader  *commit.Loader         // withdraws loads; nil: no account may write
	audit   *audit.Log             // nil: nothing is audited (--auth off without a writer)
	metrics *metrics
	maps    *boundary.Set // the map shapes: shipped, or the deployment's own
	geoJS   geoScripts

	running *running // each account's lot lists and exports in progress (perAccount)

	regionalMu sync.Mutex
	regional   map[string]*query.Store     // the stores of accounts' regions, by code (storeOf)
	ready      func(context.Context) error // nil error: ready to serve (/readyz)

	declared map[string]allow    // "METHOD /path" → who may use it (route)
	params   map[string][]string // path → the query parameters its routes read (routeParams)

	proxies     []netip.Prefix // the reverse proxies whose proxyHeader names the client (WithTrustedProxies)
	proxyHeader string
	routeErr    error // a route declared twice or without access
}

// WithReadiness sets what /readyz checks: ClickHouse reachable and the schema current.
func WithReadiness(check func(context.Context) error) Option {
	return func(s *Server) { s.ready = check }
}

// Option configures a Server.
type Option func(*Server)

// WithBoundaries sets the map shapes: the deployment's own official files (boundary.FromDir)
// instead of the shipped ones.
func WithBoundaries(set *boundary.Set) Option { return func(s *Server) { s.maps = set } }

// WithTargets sets the indicators of the self-evaluation table (the file the user edits);
// without it the table uses evaluation.DefaultTargets.
func WithTargets(ins []evaluation.Indicator) Option { return func(s *Server) { s.targets = ins } }

// New builds the server of region's figures read through conn. It fails when the binary was
// built without the ECharts asset, rather than serving pages whose charts cannot draw.
//
// The server reads through a store that takes the data's generation as current for a second
// once read (query.Trust): a load's figures show up within a second, and under a hundred
// requests a second ClickHouse is asked for the generation once a second.
func New(conn driver.Conn, region division.Region, log *slog.Logger, opts ...Option) (*Server, error) {
	if _, err := fs.Stat(assetFiles, echartsAsset); err != nil {
		return nil, fmt.Errorf("the ECharts asset is missing from this build (%s): build with `make build`, which installs it from the npm registry", echartsAsset)
	}
	m := newMetrics()
	store := query.New(conn, region, query.Trust(time.Second), query.Observed(m.observeQuery), query.Counted(m.countLookup))
	m.watch(store)
	regionName := region.Name()
	pages, err := template.New("").Funcs(template.FuncMap{
		// A page names the region it shows: an account's, or the deployment's.
		"site": func(l lang, name ...string) string { return l.site(orRegion(name, regionName)) },
		"wall": func(l lang, name ...string) string { return l.wall(orRegion(name, regionName)) },
	}).ParseFS(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	s := &Server{store: store, log: log, pages: pages, declared: map[string]allow{}, params: routeParams(), running: &running{n: map[string]int{}}, regional: map[string]*query.Store{}}
	for _, o := range opts {
		o(s)
	}
	if err := s.checkRegions(); err != nil {
		return nil, err
	}
	if s.maps == nil {
		if s.maps, err = boundary.Shipped(store.Region().Tree(), ""); err != nil {
			return nil, err
		}
	}
	if s.targets == nil {
		if s.targets, err = evaluation.ParseTargets(bytes.NewReader(evaluation.DefaultTargets)); err != nil {
			return nil, fmt.Errorf("default targets: %w", err)
		}
	}
	for _, in := range s.targets {
		// A code no division has would leave its rows unused without a word.
		if _, ok := store.Region().Tree().Code(in.Area); in.Area != "" && !ok {
			return nil, tradestat.Fail(tradestat.Invalid, "targets: 地区代码 %s is no division's code", in.Area)
		}
	}
	s.app = fiber.New(fiber.Config{
		AppName:               "tradestat",
		DisableStartupMessage: true,
		// One spelling of every path: /Admin/audit or /lots/ is not /admin/audit or /lots
		// (404), so no check on a path's text can be passed by spelling it otherwise; access
		// itself is declared on each route (route).
		CaseSensitive: true,
		StrictRouting: true,
		ErrorHandler:  s.handleError,
		ReadTimeout:   30 * time.Second,
		// Bodies up to BodyLimit are read before the handler; larger ones (an upload) are
		// streamed, multipart files spilling to temporary files, so that an upload does not sit
		// in memory. limitBody refuses a body over its route's bound before it is read.
		BodyLimit:                    formBody,
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		ReadBufferSize:               8 << 10, // request line and headers; larger ones get 431
		WriteTimeout:                 60 * time.Second,
		IdleTimeout:                  2 * time.Minute,
	})
	assets, err := fs.Sub(assetFiles, "assets")
	if err != nil {
		return nil, err
	}
	s.metrics = m
	s.app.Use(s.countRequests)
	s.app.Use(headOnly)
	s.app.Use(s.secure)
	s.app.Use(s.limitBody)
	s.app.Use(checkParams)
	s.app.Use("/assets", filesystem.New(filesystem.Config{Root: http.FS(assets), MaxAge: 3600}))
	s.route(fiber.MethodGet, "/healthz", anyone, func(c *fiber.Ctx) error { return c.SendString("ok") })
	s.route(fiber.MethodGet, "/readyz", anyone, s.readyz)
	s.route(fiber.MethodGet, "/metrics", anyone, s.metrics.handler())
	s.routeAccess()
	s.route(fiber.MethodGet, "/", viewers, s.withView(s.overview))
	s.route(fiber.MethodGet, "/screen", screens, s.withView(s.screen))
	s.route(fiber.MethodGet, "/geo/:code.js", screens, s.geo)
	s.route(fiber.MethodGet, "/report", viewers, s.withView(s.reportText))
	s.route(fiber.MethodGet, "/api/v1/report", viewers, s.withFilter(s.reportAPI))
	s.route(fiber.MethodGet, "/api/v1/summary", viewers, s.withFilter(s.summary))
	s.route(fiber.MethodGet, "/api/v1/breakdown", viewers, s.withFilter(s.breakdown))
	s.route(fiber.MethodGet, "/api/v1/seals", viewers, s.withFilter(s.sealsAPI))
	s.route(fiber.MethodGet, "/competition", viewers, s.withView(s.competition))
	s.route(fiber.MethodGet, "/api/v1/competition", viewers, s.withFilter(s.competitionAPI))
	s.route(fiber.MethodGet, "/flags", viewers, s.withView(s.flags))
	s.route(fiber.MethodGet, "/api/v1/flags", viewers, s.withFilter(s.flagsAPI))
	s.route(fiber.MethodGet, "/api/v1/bidders/:code", viewers, s.withFilter(s.bidderAPI))
	s.route(fiber.MethodGet, "/api/v1/winners", viewers, s.withFilter(s.winnersAPI))
	s.route(fiber.MethodGet, "/bidders/:code", viewers, s.withView(s.bidder))
	s.route(fiber.MethodGet, "/buyer", viewers, s.withView(s.buyer))
	s.route(fiber.MethodGet, "/section", viewers, s.withView(s.section))
	s.route(fiber.MethodGet, "/api/v1/section", viewers, s.withFilter(s.sectionAPI))
	s.route(fiber.MethodGet, "/seals/changes", analysts, s.withView(s.sealChanges))
	s.route(fiber.MethodGet, "/lots", analysts, s.perAccount, s.withView(s.lots))
	s.route(fiber.MethodGet, "/api/v1/lots", analysts, s.perAccount, s.withFilter(s.lotsAPI))
	s.route(fiber.MethodGet, "/export/indicators", analysts, s.audited(s.withView(s.exportIndicators)))
	s.route(fiber.MethodGet, "/export/lots", analysts, s.perAccount, s.audited(s.withView(s.exportLots)))
	s.route(fiber.MethodGet, "/export/evaluation", analysts, s.audited(s.withView(s.exportEvaluation)))
	s.route(fiber.MethodGet, "/export/competition", analysts, s.audited(s.withView(s.exportCompetition)))
	s.route(fiber.MethodGet, "/admin/ingest", admins, s.withAdminPage(s.ingestStatus))
	s.route(fiber.MethodGet, "/admin/ingest/rejects", admins, s.rejectReport)
	s.route(fiber.MethodGet, "/admin/audit", admins, s.withAdminPage(s.auditLog))
	if s.uploads != nil {
		s.route(fiber.MethodPost, uploadPath, admins, s.upload)
	}
	if s.loader != nil {
		s.route(fiber.MethodGet, withdrawPath, admins, s.withAdminPage(s.withdrawPage))
		s.route(fiber.MethodPost, withdrawPath, admins, s.withdraw)
		s.route(fiber.MethodPost, "/seal", analysts, s.seal)
		s.route(fiber.MethodPost, "/seal/revoke", admins, s.revokeSeal)
	}
	if err := s.checkRoutes(); err != nil {
		return nil, err
	}
	return s, nil
}

// orRegion is the first of names if there is one and it is not empty, else region.
func orRegion(names []string, region string) string {
	if len(names) > 0 && names[0] != "" {
		return names[0]
	}
	return region
}

// readyz answers 200 when the server can serve figures — ClickHouse answers and has every
// migration this build knows — and 503 saying what is missing otherwise, for load balancers
// and orchestrators (/healthz only says the process is up).
func (s *Server) readyz(c *fiber.Ctx) error {
	if s.ready == nil {
		return c.SendString("ready")
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 5*time.Second)
	defer cancel()
	if err := s.ready(ctx); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).SendString("not ready: " + err.Error())
	}
	return c.SendString("ready")
}

// secure sets the headers every response carries: a Content-Security-Policy that lets the
// page run only our own scripts and the chart scripts of this response (by a fresh nonce), and
// be framed by no one; no MIME sniffing; no referrer to other sites.
func (s *Server) secure(c *fiber.Ctx) error {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	nonce := base64.StdEncoding.EncodeToString(b)
	c.Locals(nonceKey{}, nonce)
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'nonce-"+nonce+"'; style-src 'self' 'unsafe-inline'; "+
		"img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	// Pages and downloads hold an account's figures: no browser or proxy keeps them (a shared
	// office computer's back button, a proxy's cache). The assets and map shapes, which
	// hold nothing of the data, set their own.
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

type nonceKey struct{}

// headOnly drops, from an answer to HEAD, a body streamed without a known length. fasthttp
// sends such a body chunked and, even when HEAD skips the body, still writes the chunked
// trailer's empty line; the client then reads that line as the start of its next answer on
// the same connection and fails. The headers, including Transfer-Encoding, stay as GET's.
func headOnly(c *fiber.Ctx) error {
	err := c.Next()
	r := c.Response()
	if c.Method() == fiber.MethodHead && r.IsBodyStream() && r.Header.ContentLength() < 0 {
		r.ResetBody()
	}
	return err
}

// withNonce lets the chart scripts go-echarts wrote run under the response's CSP.
func withNonce(c *fiber.Ctx, charts []chart) {
	nonce, _ := c.Locals(nonceKey{}).(string)
	for i := range charts {
		charts[i].Script = template.HTML(strings.ReplaceAll(string(charts[i].Script), "<script", `<script nonce="`+nonce+`"`))
	}
}

// nonced is one chart with withNonce's nonce.
func nonced(c *fiber.Ctx, ch chart) chart {
	one := []chart{ch}
	withNonce(c, one)
	return one[0]
}

// Serve answers requests on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops accepting requests and waits for those in flight.
func (s *Server) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }

// requestContext derives the database context of a request: cancelled with the request,
// bounded by queryTimeout, and pinned to one generation of the data (query.Pinned).
func (s *Server) requestContext(c *fiber.Ctx) (context.Context, context.CancelFunc) {
	return context.WithTimeout(query.Pinned(c.UserContext()), queryTimeout)
}

// handleError is the one place errors become HTTP statuses: a failure (tradestat.Error) by
// its kind (statusOf), with its message in both languages; a fiber error (404, 405 …) keeps
// its status; an unreachable or overloaded ClickHouse is 503 with a message saying so (the
// page works again by itself once the server is back); anything else is logged and answered
// with a 500 that shows no internals.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	var failure *tradestat.Error
	var fe *fiber.Error
	if !errors.As(err, &failure) {
		switch {
		case errors.As(err, &fe): // the framework's own: no route, a body over its bound
		case warehouse.Unavailable(err):
			failure = tradestat.FailWith(tradestat.Unavailable, err, "the data service is unavailable: try again shortly").(*tradestat.Error)
		default:
			failure = tradestat.FailWith(tradestat.Internal, err, "internal error: try again later").(*tradestat.Error)
		}
	}
	code, text := 0, ""
	if failure == nil {
		code, text = fe.Code, fe.Message
	} else {
		code, text = statusOf(failure.Kind), bilingual(failure)
	}
	switch {
	case failure == nil:
	case failure.Kind == tradestat.Unavailable:
		c.Set(fiber.HeaderRetryAfter, "5")
		s.log.Warn("unavailable", "method", c.Method(), "path", c.Path(), "err", err)
	case failure.Kind == tradestat.Internal || failure.Kind == tradestat.Full:
		s.log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
	}
	if strings.HasPrefix(c.Path(), "/api/") {
		return c.Status(code).JSON(fiber.Map{"error": text})
	}
	c.Status(code)
	l, _ := parseLang(c.Query("lang")) // a bad lang reads as Chinese here
	// An English page says a failure in English alone.
	if failure != nil && l == en {
		text = failure.Text(msg.English)
	}
	return s.render(c, "error.html", map[string]any{"Code": code, "Message": text, "L": l})
}

// statusOf is the HTTP status of a kind of failure: the one place failures become statuses.
func statusOf(k tradestat.FailureKind) int {
	switch k {
	case tradestat.Invalid:
		return fiber.StatusBadRequest
	case tradestat.Unauthorized:
		return fiber.StatusUnauthorized
	case tradestat.Forbidden:
		return fiber.StatusForbidden
	case tradestat.NotFound:
		return fiber.StatusNotFound
	case tradestat.Conflict:
		return fiber.StatusConflict
	case tradestat.TooLarge:
		return fiber.StatusRequestEntityTooLarge
	case tradestat.NoLength:
		return fiber.StatusLengthRequired
	case tradestat.Unsupported:
		return fiber.StatusUnsupportedMediaType
	case tradestat.TooMany:
		return fiber.StatusTooManyRequests
	case tradestat.Unavailable:
		return fiber.StatusServiceUnavailable
	case tradestat.Full:
		return fiber.StatusInsufficientStorage
	}
	return fiber.StatusInternalServerError
}

// bilingual is a failure's message as the dashboard says it: Chinese, then English in
// brackets, whatever the page's language (an API client may be either).
func bilingual(e *tradestat.Error) string {
	zh, en := e.Text(msg.Chinese), e.Text(msg.English)
	if zh == en {
		return zh
	}
	return zh + " (" + en + ")"
}

func (s *Server) render(c *fiber.Ctx, name string, data any) error {
	var b strings.Builder
	if err := s.pages.ExecuteTemplate(&b, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Type("html", "utf-8")
	return c.SendString(b.String())
}
