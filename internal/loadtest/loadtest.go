// Package loadtest is `make loadtest`: mixed traffic from many concurrent clients against a
// running `tradestat serve`, as leadership, analysts and wall displays make it — overview
// pages, API calls, lot lists and exports over the views the data holds — with the latency
// of every request (to its last byte), the errors, and the server process's resident memory
// before and after.
//
// Each client is a signed-in browser (its own session cookie) that sends its next request a
// moment (Think) after the last one is answered, or at once with Think 0. A
// warm-up of the same traffic precedes the measured period, as a dashboard that has been
// running for a while is warm; its memory after the warm-up is the start of the growth
// measured, so that growth says whether memory keeps rising under steady load.
package loadtest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/prometheus/procfs"

	"tradestat"
)

// Options say what to load and how hard.
type Options struct {
	URL              string // the server, e.g. http://127.0.0.1:18090
	Clients          int
	Warmup, Duration time.Duration
	User, Password   string // an analyst's account (exports need one); none: access control is off
	// Regions are division codes with an analyst account each, named User-CODE with the same
	// password, limited to that region: clients take the accounts in turn (the whole
	// region's first), each asks about the views its own region holds, and every figure a
	// limited client is answered is checked after the run against the whole region's
	// account's answer for that region (Result.Checked, Leaks).
	Regions []string
	// OwnAccounts has each client sign in as an account of its own, as each person has one:
	// client i as User-i, or User-CODE-i for a region's (the server limits what one account
	// may have in progress, and clients sharing an account would be refused for it).
	OwnAccounts bool
	PID         int // the server's process, for its resident memory and CPU time; 0 skips them
	// DatabasePID is the ClickHouse server's process, for its CPU time (0: the cost counts
	// serve's alone).
	DatabasePID int
	// Alone is how long each kind of traffic runs alone after the mix, so that its own cost
	// (CPU per request, cache hits) is measured rather than apportioned (0: not run).
	Alone time.Duration
	// Think is the mean pause between a client's answer and its next request (uniform from
	// half to one and a half times it), as a person reads a page before the next click;
	// 0 sends the next at once, which holds the server at Clients requests in flight.
	Think time.Duration
	// Knee, with Think 0, is how long each step of the knee's search runs: 1, 2, 4 … Clients
	// clients with no pause, after the mix, to find the rate at which p99 crosses MaxP99
	// (0: not searched).
	Knee time.Duration
}

// Class is a kind of request, as the results are grouped.
type Class string

// The classes of traffic, with their shares of the requests.
const (
	Overview Class = "overview"
	API      Class = "api"
	LotList  Class = "lot list"
	Export   Class = "export"
)

// Classes lists the classes in the order the results show them.
func Classes() []Class { return []Class{Overview, API, LotList, Export} }

// Stats are the measured requests of one class (or all).
type Stats struct {
	Requests, Errors int
	P50, P99         time.Duration
}

// Result is what a run measured.
type Result struct {
	Classes                     map[Class]Stats
	All                         Stats
	PerSecond                   float64
	RSSBefore, RSSStart, RSSEnd int64 // bytes: before the warm-up, after it, at the end
	FirstErrors                 []string
	// Checked is how many distinct figures answered to clients of a region were compared with
	// the whole region's answer for that region; Leaks lists those that differed.
	Checked int
	Leaks   []string
	// Cost is what the measured mix cost; Alone what each kind cost run alone (Options.Alone).
	Cost  Cost
	Alone map[Class]Cost
	// Steps are the knee's search (Options.Knee): each number of clients with no pause, its
	// rate and p99.
	Steps []Step
}

// Step is a number of clients sending with no pause, and what they measured.
type Step struct {
	Clients   int
	PerSecond float64
	P99       time.Duration
}

// KneeRate is the highest rate among the steps whose p99 stays within MaxP99 (0: none did).
func (r Result) KneeRate() float64 {
	best := 0.0
	for _, st := range r.Steps {
		if st.P99 <= MaxP99 && st.PerSecond > best {
			best = st.PerSecond
		}
	}
	return best
}

// Cost is the CPU time serve and the ClickHouse server spent over a measured window, and the
// lookups of cached reads serve made in it, with the requests answered.
type Cost struct {
	Requests        int
	Serve, Database time.Duration
	Hits, Lookups   float64
	P50, P99        time.Duration
}

// PerRequest is the CPU milliseconds of serve and ClickHouse together per request answered.
func (c Cost) PerRequest() float64 {
	return c.per(c.Serve + c.Database)
}

func (c Cost) per(d time.Duration) float64 {
	if c.Requests == 0 {
		return 0
	}
	return float64(d.Microseconds()) / 1000 / float64(c.Requests)
}

// HitPercent is the share of the lookups of cached reads that found their result kept.
func (c Cost) HitPercent() float64 {
	if c.Lookups == 0 {
		return 0
	}
	return 100 * c.Hits / c.Lookups
}

// meter reads what a window costs: the processes' CPU time and serve's lookup counters,
// before and after.
type meter struct {
	serve, database int
	metrics         func() (hits, lookups float64, err error)
}

type reading struct {
	serve, database time.Duration
	hits, lookups   float64
}

func (m meter) read() (reading, error) {
	var r reading
	var err error
	if r.serve, err = cpuTime(m.serve); err != nil {
		return r, err
	}
	if r.database, err = cpuTime(m.database); err != nil {
		return r, err
	}
	r.hits, r.lookups, err = m.metrics()
	return r, err
}

// window runs load for d and says what it cost.
func (m meter) window(ctx context.Context, clients []*client, base string, d, think time.Duration, only Class) ([]sample, Cost, error) {
	before, err := m.read()
	if err != nil {
		return nil, Cost{}, err
	}
	samples, err := load(ctx, clients, base, d, think, only)
	if err != nil {
		return nil, Cost{}, err
	}
	after, err := m.read()
	if err != nil {
		return nil, Cost{}, err
	}
	st := stats(samples)
	return samples, Cost{Requests: st.Requests, Serve: after.serve - before.serve, Database: after.database - before.database,
		Hits: after.hits - before.hits, Lookups: after.lookups - before.lookups, P50: st.P50, P99: st.P99}, nil
}

// views are the periods and filters the traffic asks about, read from the server itself.
type views struct {
	years, places, areas, types []string
}

// client is one simulated browser, signed in as an account of the whole region (region "")
// or of one division, with the views its account sees.
type client struct {
	*http.Client
	region string
	views  views
	seen   *figures // the figures answered to the clients of its region
}

// figures are the bodies of the figures (summaries and breakdowns) answered for a region, by
// path: the first answer of each, up to maxFigures.
type figures struct {
	mu     sync.Mutex
	bodies map[string]string
}

const maxFigures = 5000

func (f *figures) keep(path, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.bodies[path]; !ok && len(f.bodies) < maxFigures {
		f.bodies[path] = body
	}
}

// Run warms the server up, then measures Duration of traffic.
func Run(ctx context.Context, o Options) (Result, error) {
	var res Result
	tr := &http.Transport{MaxIdleConnsPerHost: o.Clients, MaxConnsPerHost: o.Clients}
	defer tr.CloseIdleConnections()
	accounts := append([]string{""}, o.Regions...)
	seen := map[string]*figures{}
	viewsOf := map[string]views{}
	clients := make([]*client, o.Clients)
	for i := range clients {
		jar, err := cookiejar.New(nil)
		if err != nil {
			return res, err
		}
		c := &client{Client: &http.Client{Transport: tr, Jar: jar, Timeout: 60 * time.Second}, region: accounts[i%len(accounts)]}
		if o.User != "" {
			name := user(o.User, c.region)
			if o.OwnAccounts {
				name += "-" + strconv.Itoa(i)
			}
			if err := signIn(c.Client, o.URL, name, o.Password); err != nil {
				return res, err
			}
		}
		if _, ok := viewsOf[c.region]; !ok {
			if viewsOf[c.region], err = readViews(c.Client, o.URL); err != nil {
				return res, fmt.Errorf("the views of %s: %w", user(o.User, c.region), err)
			}
			seen[c.region] = &figures{bodies: map[string]string{}}
		}
		c.views, c.seen = viewsOf[c.region], seen[c.region]
		clients[i] = c
	}
	var err error
	if res.RSSBefore, err = rss(o.PID); err != nil {
		return res, err
	}
	if _, err := load(ctx, clients, o.URL, o.Warmup, o.Think, ""); err != nil {
		return res, err
	}
	if res.RSSStart, err = rss(o.PID); err != nil {
		return res, err
	}
	m := meter{serve: o.PID, database: o.DatabasePID, metrics: func() (float64, float64, error) { return lookups(clients[0].Client, o.URL) }}
	samples, cost, err := m.window(ctx, clients, o.URL, o.Duration, o.Think, "")
	if err != nil {
		return res, err
	}
	res.Cost = cost
	if res.RSSEnd, err = rss(o.PID); err != nil {
		return res, err
	}
	res.Classes = map[Class]Stats{}
	byClass := map[Class][]sample{}
	for _, s := range samples {
		byClass[s.class] = append(byClass[s.class], s)
		if s.err != "" && len(res.FirstErrors) < 10 {
			res.FirstErrors = append(res.FirstErrors, s.err)
		}
	}
	for c, ss := range byClass {
		res.Classes[c] = stats(ss)
	}
	res.All = stats(samples)
	res.PerSecond = float64(len(samples)) / o.Duration.Seconds()
	res.Checked, res.Leaks, err = compare(clients[0].Client, o.URL, seen)
	if err != nil {
		return res, err
	}
	if o.Alone > 0 {
		res.Alone = map[Class]Cost{}
		for _, c := range Classes() {
			if _, res.Alone[c], err = m.window(ctx, clients, o.URL, o.Alone, o.Think, c); err != nil {
				return res, err
			}
		}
	}
	if o.Think == 0 && o.Knee > 0 {
		for n := 1; ; n = min(2*n, len(clients)) {
			ss, err := load(ctx, clients[:n], o.URL, o.Knee, 0, "")
			if err != nil {
				return res, err
			}
			st := stats(ss)
			res.Steps = append(res.Steps, Step{Clients: n, PerSecond: float64(st.Requests) / o.Knee.Seconds(), P99: st.P99})
			if n == len(clients) {
				break
			}
		}
	}
	return res, nil
}

func user(name, region string) string {
	if region == "" {
		return name
	}
	return name + "-" + region
}

// compare asks the whole region's account, after the run (the data is the same), for every
// figure a region's clients were answered, narrowed to that region, and lists those that
// differ: a figure of another region, or of a wider view, answered to a limited account.
func compare(whole *http.Client, base string, seen map[string]*figures) (int, []string, error) {
	checked := 0
	var leaks []string
	for region, f := range seen {
		if region == "" {
			continue
		}
		for path, body := range f.bodies {
			asked := path
			if !strings.Contains(path, "area=") {
				asked += "&area=" + region
			}
			want, err := get(whole, base+asked)
			checked++
			if errors.Is(err, errStatus) { // a view outside the region: none of its figures were due
				leaks = append(leaks, fmt.Sprintf("%s, account of %s: answered; the whole region's account for the region: %v", path, region, err))
				continue
			}
			if err != nil {
				return checked, leaks, fmt.Errorf("the whole region's answer: %w", err)
			}
			if want != body {
				leaks = append(leaks, fmt.Sprintf("%s, account of %s: %.200s; the region's figure: %.200s", path, region, body, want))
			}
		}
	}
	return checked, leaks, nil
}

func get(c *http.Client, url string) (string, error) {
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("%w: GET %s: %s", errStatus, url, resp.Status)
	}
	return string(b), err
}

// errStatus is an answer other than 200.
var errStatus = errors.New("refused")

type sample struct {
	class Class
	took  time.Duration
	err   string
}

// load runs every client for d and returns every request it made: of the kind only, or of
// every kind in the users' mix ("").
func load(ctx context.Context, clients []*client, base string, d, think time.Duration, only Class) ([]sample, error) {
	deadline := time.Now().Add(d)
	var mu sync.Mutex
	var all []sample
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))
			var mine []sample
			for time.Now().Before(deadline) && ctx.Err() == nil {
				class, path := c.views.next(rng)
				for only != "" && class != only {
					class, path = c.views.next(rng)
				}
				start := time.Now()
				err := c.fetch(base, path)
				s := sample{class: class, took: time.Since(start)}
				if err != nil {
					s.err = err.Error()
				}
				mine = append(mine, s)
				if think > 0 {
					time.Sleep(think/2 + time.Duration(rng.Int64N(int64(think))))
				}
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return all, ctx.Err()
}

// next picks a request as the users' mix makes them: overview and report pages (35%) and the
// API behind charts and wall displays (35%) for leadership, lot lists of drill-downs (10%)
// and exports (20%: indicators, the self-evaluation table, a drill-down's lots) for analysts.
func (v views) next(rng *rand.Rand) (Class, string) {
	year := "year=" + pick(rng, v.years)
	narrow := ""
	switch rng.IntN(5) {
	case 0:
		narrow = "&place=" + pick(rng, v.places)
	case 3:
		narrow = "&area=" + pick(rng, v.areas)
	case 1:
		fam := tradestat.Families()
		narrow = "&family=" + url.QueryEscape(string(fam[rng.IntN(len(fam))]))
	case 2:
		narrow = "&type=" + url.QueryEscape(pick(rng, v.types))
	}
	switch n := rng.IntN(100); {
	case n < 25:
		return Overview, "/?" + year + narrow
	case n < 35:
		return Overview, "/report?" + year + narrow
	case n < 70:
		by := pick(rng, []string{"area", "place", "month", "type", "family", "level", "year"})
		if rng.IntN(3) == 0 {
			return API, "/api/v1/summary?" + year + narrow
		}
		return API, "/api/v1/breakdown?by=" + by + "&" + year + narrow
	case n < 76:
		return LotList, "/lots?" + year + narrow + lotPage(rng)
	case n < 80:
		return LotList, "/api/v1/lots?" + year + narrow + lotPage(rng)
	case n < 92:
		return Export, "/export/indicators?" + year + narrow + "&format=" + pick(rng, []string{"xlsx", "csv"})
	case n < 97:
		return Export, "/export/evaluation?" + year
	default: // a drill-down's lots: one place, one type, one month
		m := fmt.Sprintf("%02d", 1+rng.IntN(12))
		y := pick(rng, v.years)
		return Export, "/export/lots?format=csv&from=" + y + "-" + m + "-01&to=" + y + "-" + m + "-28&place=" +
			pick(rng, v.places) + "&type=" + url.QueryEscape(pick(rng, v.types))
	}
}

// lotPage is the sort and page of a lot list as people open them: mostly the first page, newest
// first, as a drill-down opens it; sometimes the largest first, sometimes a page further.
func lotPage(rng *rand.Rand) string {
	sort := "date"
	if rng.IntN(4) == 0 {
		sort = "amount"
	}
	page := 1
	if n := rng.IntN(10); n >= 9 {
		page = 3
	} else if n >= 7 {
		page = 2
	}
	return "&sort=" + sort + "&page=" + strconv.Itoa(page)
}

func pick(rng *rand.Rand, from []string) string { return from[rng.IntN(len(from))] }

// fetch reads base+path to its last byte; anything but 200 is an error. The figures (the
// API's summaries and breakdowns) answered to a limited account are kept for the check.
func (c *client) fetch(base, path string) error {
	resp, err := c.Get(base + path)
	if err != nil {
		return err
	}
	var body strings.Builder
	w := io.Discard
	figure := c.region != "" && strings.HasPrefix(path, "/api/v1/") && !strings.HasPrefix(path, "/api/v1/lots")
	if figure {
		w = &body
	}
	_, err = io.Copy(w, resp.Body)
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	if figure {
		c.seen.keep(path, body.String())
	}
	return nil
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signIn signs c in through the sign-in form, as a browser does.
func signIn(c *http.Client, base, user, password string) error {
	resp, err := c.Get(base + "/login")
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return fmt.Errorf("sign in: no form at %s/login (%s)", base, resp.Status)
	}
	resp, err = c.PostForm(base+"/login", url.Values{"name": {user}, "password": {password}, "_csrf": {string(m[1])}, "next": {"/"}})
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Request.URL.Path == "/login" || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("sign in as %s: refused (%s)", user, resp.Status)
	}
	return nil
}

// readViews asks the server which years, places, areas (the region's own and its direct
// subdivisions) and trade types the data holds.
func readViews(c *http.Client, base string) (views, error) {
	var v views
	for _, by := range []string{"year", "place", "area", "type"} {
		resp, err := c.Get(base + "/api/v1/breakdown?by=" + by)
		if err != nil {
			return v, err
		}
		var b struct {
			Rows []struct {
				Key string `json:"key"`
			} `json:"rows"`
		}
		err = json.NewDecoder(resp.Body).Decode(&b)
		resp.Body.Close()
		if err != nil || len(b.Rows) == 0 {
			return v, fmt.Errorf("breakdown by %s: %s, %v rows, %v", by, resp.Status, len(b.Rows), err)
		}
		for _, r := range b.Rows {
			switch by {
			case "year":
				v.years = append(v.years, r.Key)
			case "place":
				v.places = append(v.places, r.Key)
			case "area":
				v.areas = append(v.areas, r.Key)
			case "type":
				v.types = append(v.types, r.Key)
			}
		}
	}
	return v, nil
}

// rss is the resident memory of process pid, in bytes.
func rss(pid int) (int64, error) {
	if pid == 0 {
		return 0, nil
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("server memory: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("server memory: no VmRSS in /proc/%d/status", pid)
}

// cpuTime is the CPU time process pid has spent, user and system (procfs, from
// /proc/PID/stat); 0 for pid 0.
func cpuTime(pid int) (time.Duration, error) {
	if pid == 0 {
		return 0, nil
	}
	p, err := procfs.NewProc(pid)
	if err != nil {
		return 0, fmt.Errorf("CPU time of process %d: %w", pid, err)
	}
	st, err := p.Stat()
	if err != nil {
		return 0, fmt.Errorf("CPU time of process %d: %w", pid, err)
	}
	return time.Duration(st.CPUTime() * float64(time.Second)), nil
}

// lookups reads serve's counts of lookups of cached reads from its /metrics: those that hit,
// and all of them.
func lookups(c *http.Client, base string) (hits, all float64, err error) {
	resp, err := c.Get(base + "/metrics")
	if err != nil {
		return 0, 0, fmt.Errorf("metrics: %w", err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return 0, 0, fmt.Errorf("metrics: %w", err)
	}
	if f := families["tradestat_cache_lookups_total"]; f != nil {
		for _, m := range f.GetMetric() {
			n := m.GetCounter().GetValue()
			all += n
			for _, l := range m.GetLabel() {
				if l.GetName() == "result" && l.GetValue() == "hit" {
					hits += n
				}
			}
		}
	}
	return hits, all, nil
}

func stats(ss []sample) Stats {
	var st Stats
	ds := make([]time.Duration, 0, len(ss))
	for _, s := range ss {
		st.Requests++
		if s.err != "" {
			st.Errors++
		}
		ds = append(ds, s.took)
	}
	if len(ds) == 0 {
		return st
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	at := func(p int) time.Duration { return ds[max(0, min(len(ds)-1, (len(ds)*p+99)/100-1))] }
	st.P50, st.P99 = at(50), at(99)
	return st
}

// Targets: no errors, p99 at most 200 ms, memory growing at most 10%, and at most 8 ms of CPU
// (serve's and ClickHouse's together) per request of the mix, so that a hundred clients use
// under half of two cores.
const (
	MaxP99           = 200 * time.Millisecond
	MaxGrowth        = 0.10
	MaxCPUPerRequest = 8.0 // milliseconds
)

// Write prints the result as a table, then key=value lines and whether the targets are met.
func (r Result) Write(w io.Writer, o Options) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }
	fmt.Fprintf(w, "%d clients (pausing %s on average between requests), %s measured after %s of warm-up, against %s\n\n",
		o.Clients, o.Think, o.Duration, o.Warmup, o.URL)
	fmt.Fprintf(w, "%-10s %10s %10s %10s %10s %8s\n", "traffic", "requests", "req/s", "p50 ms", "p99 ms", "errors")
	for _, c := range Classes() {
		s := r.Classes[c]
		fmt.Fprintf(w, "%-10s %10d %10.0f %10s %10s %8d\n", c, s.Requests, float64(s.Requests)/o.Duration.Seconds(), ms(s.P50), ms(s.P99), s.Errors)
	}
	fmt.Fprintf(w, "%-10s %10d %10.0f %10s %10s %8d\n", "all", r.All.Requests, r.PerSecond, ms(r.All.P50), ms(r.All.P99), r.All.Errors)
	growth := 0.0
	if r.RSSStart > 0 {
		growth = float64(r.RSSEnd-r.RSSStart) / float64(r.RSSStart)
	}
	mb := func(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }
	fmt.Fprintf(w, "\nserver RSS: %s before the warm-up, %s at the start, %s at the end (%+.1f%%)\n", mb(r.RSSBefore), mb(r.RSSStart), mb(r.RSSEnd), growth*100)
	for _, e := range r.FirstErrors {
		fmt.Fprintln(w, "error:", e)
	}
	if len(o.Regions) > 0 {
		fmt.Fprintf(w, "\naccounts of %s: %d distinct figures answered to them compared with the whole region's for their regions, %d differ\n",
			strings.Join(o.Regions, ", "), r.Checked, len(r.Leaks))
		for i, l := range r.Leaks {
			if i == 10 {
				fmt.Fprintf(w, "… and %d more\n", len(r.Leaks)-10)
				break
			}
			fmt.Fprintln(w, "differs:", l)
		}
	}
	costed := o.PID != 0
	if costed {
		c := r.Cost
		fmt.Fprintf(w, "\nCPU over the measured mix: serve %s, ClickHouse %s, for %d requests: %.2f ms a request (serve %.2f, ClickHouse %.2f); cached reads found kept: %.1f%% of %.0f lookups\n",
			c.Serve.Round(time.Millisecond), c.Database.Round(time.Millisecond), c.Requests, c.PerRequest(), c.per(c.Serve), c.per(c.Database), c.HitPercent(), c.Lookups)
		if o.DatabasePID == 0 {
			fmt.Fprintln(w, "(no ClickHouse process given: its CPU time is not counted)")
		}
	}
	if len(r.Alone) > 0 {
		fmt.Fprintf(w, "\neach kind of traffic alone, %s each after the mix (same clients and pauses; CPU measured, not apportioned):\n", o.Alone)
		fmt.Fprintf(w, "%-10s %10s %10s %12s %10s %12s %10s %10s %10s\n", "traffic", "requests", "req/s", "CPU ms/req", "serve", "ClickHouse", "cache hit%", "p50 ms", "p99 ms")
		for _, k := range Classes() {
			c := r.Alone[k]
			fmt.Fprintf(w, "%-10s %10d %10.0f %12.2f %10.2f %12.2f %10.1f %10s %10s\n", k, c.Requests, float64(c.Requests)/o.Alone.Seconds(),
				c.PerRequest(), c.per(c.Serve), c.per(c.Database), c.HitPercent(), ms(c.P50), ms(c.P99))
		}
	}
	if len(r.Steps) > 0 {
		fmt.Fprintf(w, "\nthe knee: clients sending with no pause, %s each step\n%-10s %10s %10s\n", o.Knee, "clients", "req/s", "p99 ms")
		for _, st := range r.Steps {
			fmt.Fprintf(w, "%-10d %10.0f %10s\n", st.Clients, st.PerSecond, ms(st.P99))
		}
		fmt.Fprintf(w, "the highest rate with p99 <= %s ms: %.0f req/s\n", ms(MaxP99), r.KneeRate())
	}
	fmt.Fprintf(w, "\nrequests_per_second=%.0f\np50_ms=%s\np99_ms=%s\nerrors=%d\nrss_start_mb=%.1f\nrss_end_mb=%.1f\nrss_growth_percent=%.1f\n",
		r.PerSecond, ms(r.All.P50), ms(r.All.P99), r.All.Errors, float64(r.RSSStart)/1e6, float64(r.RSSEnd)/1e6, growth*100)
	if len(r.Steps) > 0 {
		fmt.Fprintf(w, "knee_requests_per_second=%.0f\n", r.KneeRate())
	}
	if costed {
		fmt.Fprintf(w, "cpu_ms_per_request=%.2f\nserve_cpu_ms_per_request=%.2f\nclickhouse_cpu_ms_per_request=%.2f\ncache_hit_percent=%.1f\n",
			r.Cost.PerRequest(), r.Cost.per(r.Cost.Serve), r.Cost.per(r.Cost.Database), r.Cost.HitPercent())
		for _, k := range Classes() {
			if c, ok := r.Alone[k]; ok {
				key := strings.ReplaceAll(string(k), " ", "_")
				fmt.Fprintf(w, "cpu_ms_per_request_%s=%.2f\ncache_hit_percent_%s=%.1f\n", key, c.PerRequest(), key, c.HitPercent())
			}
		}
	}
	met := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT MET"
	}
	fmt.Fprintf(w, "targets: zero errors %s; p99 <= %s %s; RSS growth <= %.0f%% %s",
		met(r.All.Errors == 0), ms(MaxP99)+" ms", met(r.All.P99 <= MaxP99), MaxGrowth*100, met(growth <= MaxGrowth))
	if costed {
		fmt.Fprintf(w, "; CPU <= %.0f ms a request %s", MaxCPUPerRequest, met(r.Cost.PerRequest() <= MaxCPUPerRequest))
	}
	if len(o.Regions) > 0 {
		fmt.Fprintf(w, "; every account answered its region's figures only %s", met(len(r.Leaks) == 0 && r.Checked > 0))
	}
	fmt.Fprintln(w)
}
