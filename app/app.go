// Package app wires tradestat's parts into the subcommands of the one binary:
//
//	tradestat ingest FILE...             load transaction files
//	tradestat demo [--out DIR]           load (or write) the demo dataset
//	tradestat report [--style S] [--from --to …]   the figures as sentences for a document
//	tradestat serve [--addr HOST:PORT]   the dashboard and the API
//
// Every subcommand reads the configuration contract (TRADESTAT_CLICKHOUSE,
// TRADESTAT_CLICKHOUSE_USER, TRADESTAT_CLICKHOUSE_PASSWORD, TRADESTAT_DATABASE,
// TRADESTAT_REGION), which flags override, and creates the database and its tables when they
// are missing.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat"
	"tradestat/audit"
	"tradestat/auth"
	"tradestat/boundary"
	"tradestat/commit"
	"tradestat/dashboard"
	"tradestat/demo"
	"tradestat/division"
	"tradestat/msg"
	"tradestat/warehouse"
)

const usage = `usage: tradestat <command> [flags]

commands:
  ingest FILE...   load transaction files (CSV in UTF-8/GBK, XLSX) exported by trading platforms
  ingest --watch DIR   run as the ingest worker on an inbox directory
  demo             load the demo dataset (2019–2023, calibrated to the published figures)
  report           the figures of a period as sentences for a report (--style annual|bulletin)
  evaluation       the performance self-evaluation table of a year (XLSX)
  serve            serve the dashboard and the API (--users FILE, or --auth off)
  user             manage accounts: user add NAME ROLE, user screen LABEL (--users FILE)
  batch            the loads: batch list, batch withdraw ID (take a load back)
  seal             seal a year's figures (定稿): seal --year Y [--area CODE] --note TEXT; seal list; seal revoke ID
  healthcheck URL  exit 0 when URL (e.g. http://127.0.0.1:8080/readyz) answers 200: for
                   container health checks on images without a shell or curl

Every command serves one region: --region CODE (TRADESTAT_REGION), a GB/T 2260 code of a
county, a city or a province, or 000000 for the whole country; 530500 (保山市) by default.

Run "tradestat <command> -h" for the flags of a command.
`

// errUsage marks a command line that could not be understood; Main exits 2 for it.
var errUsage = errors.New("usage")

// Main runs one subcommand and returns the process exit status: 0 on success, 1 on failure,
// 2 for a command line it does not understand. SIGINT and SIGTERM cancel the command.
func Main(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	l := terminalLang(getenv)
	err := run(ctx, args, stdout, stderr, getenv, &l)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage), errors.Is(err, flag.ErrHelp):
		if err != errUsage && err != flag.ErrHelp {
			fmt.Fprintln(stderr, "tradestat:", l.Say(err))
		}
		return 2
	default:
		fmt.Fprintln(stderr, "tradestat:", l.Say(err))
		return 1
	}
}

// terminalLang is the language TRADESTAT_LANG names, Chinese by default (and when it names
// none: --lang refuses that, a failure's account does not).
func terminalLang(getenv func(string) string) msg.Lang {
	l, err := msg.Parse(getenv("TRADESTAT_LANG"))
	if err != nil {
		return msg.Chinese
	}
	return l
}

// Run runs the subcommand named by args[0].
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	l := terminalLang(getenv)
	return run(ctx, args, stdout, stderr, getenv, &l)
}

// run is Run that sets *spoken to the language the command was asked to speak (--lang), the
// one its failure is said in.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string, spoken *msg.Lang) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cfg := warehouse.ConfigFromEnv(getenv)
	fs := flag.NewFlagSet("tradestat "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "clickhouse", cfg.Addr, "ClickHouse native-protocol address host:port (TRADESTAT_CLICKHOUSE)")
	fs.StringVar(&cfg.User, "user", cfg.User, "ClickHouse user (TRADESTAT_CLICKHOUSE_USER)")
	fs.StringVar(&cfg.Password, "password", cfg.Password, "ClickHouse password (TRADESTAT_CLICKHOUSE_PASSWORD)")
	fs.StringVar(&cfg.Database, "database", cfg.Database, "database name (TRADESTAT_DATABASE)")
	fs.StringVar(&cfg.Cluster, "cluster", cfg.Cluster, "spread the tables over this ClickHouse cluster (TRADESTAT_CLUSTER; see deploy/cluster)")
	langName := fs.String("lang", getenv("TRADESTAT_LANG"), "language of accounts, reports and reject reasons: zh (default) or en (TRADESTAT_LANG)")
	lang := func() (msg.Lang, error) {
		l, err := msg.Parse(*langName)
		if err != nil {
			return l, tradestat.FailWith(tradestat.Invalid, errUsage, "--lang %q: want zh or en", *langName)
		}
		*spoken = l
		return l, nil
	}
	regionCode := fs.String("region", orDefault(getenv("TRADESTAT_REGION"), DefaultRegion),
		"the region served: a GB/T 2260 code of a county, a city or a province, or 000000 for the whole country (TRADESTAT_REGION)")
	region := func() (division.Region, error) { return parseRegion(*regionCode) }
	switch args[0] {
	case "ingest":
		return runIngest(ctx, &cfg, fs, args[1:], lang, region, stdout, stderr)
	case "demo":
		out := fs.String("out", "", "write the demo files (canonical CSV) into this directory instead of loading them")
		scale := fs.Int("scale", 0, "instead of the calibrated dataset, N synthetic lots for measuring speed")
		bids := fs.Bool("bids", false, "with --scale: the lots' bid lists too (about six bids a lot)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		r, err := region()
		if err != nil {
			return err
		}
		if *scale > 0 {
			return runScaled(ctx, cfg, r, *scale, *bids, *out, stdout, stderr)
		}
		l, err := lang()
		if err != nil {
			return err
		}
		return runDemo(ctx, cfg, r, l, *out, stdout)
	case "report":
		return runReport(ctx, &cfg, fs, args[1:], region, stdout, stderr)
	case "serve":
		sc := serveConfig{}
		fs.StringVar(&sc.addr, "addr", "127.0.0.1:8080", "address to serve the dashboard on")
		fs.StringVar(&sc.targets, "targets", "", "the self-evaluation table's targets (CSV; default: tradestat's own, see evaluation/targets.csv)")
		fs.StringVar(&sc.users, "users", getenv("TRADESTAT_USERS"), "accounts file (tradestat user add writes it; TRADESTAT_USERS)")
		fs.StringVar(&sc.auth, "auth", orDefault(getenv("TRADESTAT_AUTH"), "on"), "on, or off for a single-user laptop or the local demo (TRADESTAT_AUTH)")
		fs.BoolVar(&sc.secureCookies, "secure-cookies", false, "mark session cookies Secure (the server is behind HTTPS)")
		fs.StringVar(&sc.trustedProxies, "trusted-proxy", getenv("TRADESTAT_TRUSTED_PROXY"), "the reverse proxies in front of the server, addresses or CIDRs separated by commas: the client's address is read from --proxy-header on their requests (TRADESTAT_TRUSTED_PROXY)")
		fs.StringVar(&sc.proxyHeader, "proxy-header", orDefault(getenv("TRADESTAT_PROXY_HEADER"), "X-Forwarded-For"), "the header the trusted proxies name the client in; its last address is taken (TRADESTAT_PROXY_HEADER)")
		fs.StringVar(&sc.writerUser, "writer-user", getenv("TRADESTAT_WRITER_USER"), "ClickHouse account that may write, for the audit log (default: --user; TRADESTAT_WRITER_USER)")
		fs.StringVar(&sc.writerPassword, "writer-password", getenv("TRADESTAT_WRITER_PASSWORD"), "its password (TRADESTAT_WRITER_PASSWORD)")
		fs.StringVar(&sc.inbox, "inbox", getenv("TRADESTAT_INBOX"), "the ingest worker's inbox (tradestat ingest --watch DIR): admins' uploads go there (TRADESTAT_INBOX)")
		fs.Int64Var(&sc.uploadMiB, "upload-limit", 256, "largest upload, in MiB")
		fs.StringVar(&sc.boundaries, "boundaries", getenv("TRADESTAT_BOUNDARIES"), "the deployment's own map boundaries (标准地图): a directory of CODE.json GeoJSON files keyed by division code, used instead of the shipped ones (TRADESTAT_BOUNDARIES; see docs/maps.md)")
		fs.StringVar(&sc.mapCredit, "map-credit", getenv("TRADESTAT_MAP_CREDIT"), "the source line under every map, e.g. its 审图号 (TRADESTAT_MAP_CREDIT)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		r, err := region()
		if err != nil {
			return err
		}
		sc.region = r
		return runServe(ctx, cfg, sc, stdout, stderr)
	case "seal":
		return runSeal(ctx, &cfg, fs, args[1:], lang, region, stdout, stderr)
	case "batch":
		return runBatch(ctx, &cfg, fs, args[1:], lang, region, os.Stdin, stdout, stderr)
	case "user":
		return runUser(fs, args[1:], getenv, lang, os.Stdin, stdout, stderr)
	case "evaluation":
		return runEvaluation(ctx, &cfg, fs, args[1:], lang, region, stdout)
	case "healthcheck":
		return runHealthcheck(ctx, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "tradestat: %s\n\n%s", spoken.T("unknown command %q", args[0]), usage)
	return errUsage
}

// DefaultRegion is the region served when none is given: Baoshan, the first customer, so that
// its published figures come out of `make run` as they are.
const DefaultRegion = "530500"

// parseRegion reads a --region code against the embedded division table.
func parseRegion(code string) (division.Region, error) {
	tree, err := division.China()
	if err != nil {
		return division.Region{}, err
	}
	r, err := tree.Region(code)
	if err != nil {
		return r, tradestat.FailWith(tradestat.Invalid, errUsage, "--region: %v", err)
	}
	return r, nil
}

func runDemo(ctx context.Context, cfg warehouse.Config, region division.Region, l msg.Lang, out string, stdout io.Writer) error {
	if out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
		years, err := demo.Dataset(region)
		if err != nil {
			return err
		}
		for _, y := range years {
			body, err := y.CSV()
			if err != nil {
				return err
			}
			path := filepath.Join(out, y.FileName())
			if err := os.WriteFile(path, body, 0o644); err != nil {
				return err
			}
			fmt.Fprintln(stdout, l.T("wrote %s (%d lots)", path, len(y.Lots)))
		}
		return nil
	}
	conn, err := warehouse.Open(ctx, cfg.Writing())
	if err != nil {
		return err
	}
	defer conn.Close()
	reports, err := demo.Load(ctx, commit.NewLoader(conn, region), region)
	for _, r := range reports {
		fmt.Fprintln(stdout, r.String())
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, l.T("demo dataset loaded into database %s at %s", cfg.Database, cfg.Addr))
	return nil
}

// serveConfig is what `tradestat serve` is told.
type serveConfig struct {
	addr, targets, users, auth  string
	secureCookies               bool
	trustedProxies, proxyHeader string
	writerUser, writerPassword  string
	inbox                       string
	uploadMiB                   int64
	region                      division.Region
	boundaries, mapCredit       string
}

// mapShapes is the shapes the maps draw: the deployment's own files, or the shipped ones,
// with the source line the deployment words.
func mapShapes(sc serveConfig) (*boundary.Set, error) {
	tree := sc.region.Tree()
	if sc.boundaries == "" {
		return boundary.Shipped(tree, sc.mapCredit)
	}
	credit := sc.mapCredit
	if credit == "" {
		credit = "边界：本部署提供（未注明审图号）"
	}
	return boundary.FromDir(tree, sc.boundaries, credit)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func runServe(ctx context.Context, cfg warehouse.Config, sc serveConfig, stdout, stderr io.Writer) error {
	log := slog.New(slog.NewTextHandler(stderr, nil))
	var opts []dashboard.Option
	if sc.targets != "" {
		ins, err := readTargets(sc.targets)
		if err != nil {
			return err
		}
		opts = append(opts, dashboard.WithTargets(ins))
	}
	maps, err := mapShapes(sc)
	if err != nil {
		return err
	}
	opts = append(opts, dashboard.WithBoundaries(maps))
	switch sc.auth {
	case "on":
		if sc.users == "" {
			return fmt.Errorf("serve: give --users FILE (tradestat user add writes it), or --auth off for a single-user laptop or the demo: %w", errUsage)
		}
		users, err := auth.Load(sc.users)
		if err != nil {
			return err
		}
		opts = append(opts, dashboard.WithAuth(users, sc.secureCookies))
		proxies, err := parseProxies(sc.trustedProxies)
		if err != nil {
			return err
		}
		opts = append(opts, dashboard.WithTrustedProxies(proxies, sc.proxyHeader))
	case "off":
		fmt.Fprintln(stderr, "tradestat: WARNING: authentication is OFF (--auth off): anyone who can reach "+sc.addr+
			" sees every page, lot list and export. Use this only on a single-user laptop or for the local demo.")
	default:
		return fmt.Errorf("--auth %q: want on or off: %w", sc.auth, errUsage)
	}
	if sc.uploadMiB <= 0 {
		return fmt.Errorf("--upload-limit %d: want a positive number of MiB: %w", sc.uploadMiB, errUsage)
	}
	writer := cfg
	if sc.writerUser != "" {
		writer.User, writer.Password = sc.writerUser, sc.writerPassword
	}
	set := Setup{Writer: &writer, RequireAudit: sc.auth == "on", Inbox: sc.inbox, UploadLimit: sc.uploadMiB << 20, Region: sc.region}
	svc, err := StartWith(ctx, cfg, set, sc.addr, log, opts...)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "tradestat dashboard: %s (ClickHouse %s, database %s)\n", svc.URL, cfg.Addr, cfg.Database)
	select {
	case <-ctx.Done():
	case err := <-svc.done:
		svc.closeConns()
		return err
	}
	fmt.Fprintln(stdout, "shutting down")
	return svc.Close()
}

// Service is the running dashboard with its database connections: the real wiring, which
// `tradestat serve` runs and tests start on port 0.
type Service struct {
	URL    string
	conn   driver.Conn // reads
	writer driver.Conn // the audit log; nil without one
	audit  *audit.Log
	srv    *dashboard.Server
	done   chan error
}

// Setup is what a Service is given beyond the reader's configuration.
type Setup struct {
	// Writer is an account that may write, for the audit log, the withdrawal of loads (and
	// the migrations). When it cannot write, nothing is audited nor withdrawn, which is refused when RequireAudit is set (access
	// control is on: every sign-in, upload and export must be accountable).
	Writer       *warehouse.Config
	RequireAudit bool
	// Inbox, when set, is the ingest worker's inbox, where admins' uploads of up to
	// UploadLimit bytes go.
	Inbox       string
	UploadLimit int64
	// Region is the region served; DefaultRegion when zero.
	Region division.Region
}

// Start opens the database (migrating it), listens on addr and serves in the background,
// without an audit log or uploads.
func Start(ctx context.Context, cfg warehouse.Config, addr string, log *slog.Logger, opts ...dashboard.Option) (*Service, error) {
	return StartWith(ctx, cfg, Setup{}, addr, log, opts...)
}

// StartWith is Start with an audit log and uploads as set up.
func StartWith(ctx context.Context, cfg warehouse.Config, set Setup, addr string, log *slog.Logger, opts ...dashboard.Option) (*Service, error) {
	s := &Service{done: make(chan error, 1)}
	region := set.Region
	if region.Root() == nil {
		var err error
		if region, err = parseRegion(DefaultRegion); err != nil {
			return nil, err
		}
	}
	if set.Writer != nil {
		// Open succeeds for a read-only account once the database is set up, so whether the
		// account may write is asked of the server.
		w, err := warehouse.Open(ctx, set.Writer.Writing())
		may := err == nil
		if may {
			if may, err = warehouse.MayWrite(ctx, w); !may {
				w.Close()
			}
		}
		switch {
		case warehouse.ReadOnly(err), err == nil && !may:
			log.Warn("the writer account may only read: nothing is audited", "user", set.Writer.User)
		case err != nil:
			return nil, err
		default:
			s.writer, s.audit = w, audit.New(w, log)
			opts = append(opts, dashboard.WithAudit(s.audit), dashboard.WithWithdrawals(commit.NewLoader(w, region)))
		}
	}
	if set.RequireAudit && s.audit == nil {
		return nil, fmt.Errorf("with access control on, sign-ins, uploads and exports go into the audit log: give an account that may write it (--writer-user, TRADESTAT_WRITER_USER)")
	}
	if set.Inbox != "" {
		opts = append(opts, dashboard.WithUploads(set.Inbox, set.UploadLimit))
	}
	// The dashboard may connect as a read-only user, which may not create or migrate
	// anything: then the database must have been set up by a writer already.
	conn, err := warehouse.Open(ctx, cfg)
	if warehouse.ReadOnly(err) {
		conn, err = warehouse.OpenReader(ctx, cfg)
	}
	if err != nil {
		s.closeConns()
		return nil, err
	}
	s.conn = conn
	opts = append(opts, dashboard.WithReadiness(func(ctx context.Context) error {
		pending, err := warehouse.Pending(ctx, conn)
		switch {
		case err != nil:
			return err
		case len(pending) > 0:
			return fmt.Errorf("database %s lacks migrations %v: run any tradestat command as a writer (ingest, demo) to apply them", cfg.Database, pending)
		}
		return nil
	}))
	srv, err := dashboard.New(conn, region, log, opts...)
	if err != nil {
		s.closeConns()
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.closeConns()
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	s.URL, s.srv = "http://"+ln.Addr().String(), srv
	go func() { s.done <- srv.Serve(ln) }()
	return s, nil
}

// closeConns writes what the audit log holds and closes the connections.
func (s *Service) closeConns() error {
	var err error
	if s.audit != nil {
		err = s.audit.Close()
	}
	for _, c := range []driver.Conn{s.conn, s.writer} {
		if c == nil {
			continue
		}
		if cerr := c.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// Close lets requests in flight finish (up to 10 s), then closes the database connection.
func (s *Service) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if cerr := s.closeConns(); err == nil {
		err = cerr
	}
	return err
}

// runHealthcheck is `tradestat healthcheck URL`: a GET with a short timeout, success only on
// 200, the answer printed either way.
func runHealthcheck(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("healthcheck takes one URL: %w", errUsage)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, args[0], nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	fmt.Fprintf(stdout, "%s: %s %s\n", args[0], resp.Status, strings.TrimSpace(string(body)))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", args[0], resp.Status)
	}
	return nil
}

// Routes lists the dashboard's routes with who may use each, for the tests that enumerate them.
func (s *Service) Routes() []dashboard.Route { return s.srv.Routes() }

// parseProxies reads --trusted-proxy: addresses or CIDRs separated by commas.
func parseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, tradestat.FailWith(tradestat.Invalid, errUsage, "--trusted-proxy %q: want addresses or CIDRs separated by commas", f)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
