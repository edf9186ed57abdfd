package loadtest

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"
)

// TestLookups: the cache's lookups are read from serve's /metrics (testdata/metrics.txt):
// those that hit, and all of them.
func TestLookups(t *testing.T) {
	body, err := os.ReadFile("testdata/metrics.txt")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		w.Write(body)
	}))
	defer srv.Close()
	hits, all, err := lookups(srv.Client(), srv.URL)
	if err != nil || hits != 75 || all != 100 {
		t.Errorf("lookups: %v hits of %v, %v; want 75 of 100", hits, all, err)
	}
}

// TestCost: CPU per request adds serve's and ClickHouse's; a window without requests or
// lookups says 0 rather than dividing by it.
func TestCost(t *testing.T) {
	for _, tt := range []struct {
		c        Cost
		per, hit float64
	}{
		{Cost{Requests: 100, Serve: 300 * time.Millisecond, Database: 500 * time.Millisecond, Hits: 9, Lookups: 10}, 8, 90},
		{Cost{Requests: 3, Serve: time.Millisecond, Database: 2 * time.Millisecond}, 1, 0},
		{Cost{}, 0, 0},
	} {
		if got := tt.c.PerRequest(); got != tt.per {
			t.Errorf("%+v: %v ms a request, want %v", tt.c, got, tt.per)
		}
		if got := tt.c.HitPercent(); got != tt.hit {
			t.Errorf("%+v: %v%% hits, want %v", tt.c, got, tt.hit)
		}
	}
}

// TestKneeRate: the knee is the highest rate whose p99 stays within the target, whatever the
// order of the steps; none within it gives 0.
func TestKneeRate(t *testing.T) {
	ms := time.Millisecond
	for _, tt := range []struct {
		steps []Step
		want  float64
	}{
		{[]Step{{1, 50, 10 * ms}, {2, 95, 20 * ms}, {4, 180, 150 * ms}, {8, 200, 400 * ms}}, 180},
		{[]Step{{1, 50, 10 * ms}, {2, 95, 250 * ms}, {4, 120, 190 * ms}}, 120},
		{[]Step{{1, 50, 300 * ms}}, 0},
		{nil, 0},
	} {
		if got := (Result{Steps: tt.steps}).KneeRate(); got != tt.want {
			t.Errorf("%+v: knee %v, want %v", tt.steps, got, tt.want)
		}
	}
}

// TestCPUTime: this process's CPU time grows as it works (read again until it does, within a
// bound far above the clock's tick).
func TestCPUTime(t *testing.T) {
	before, err := cpuTime(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	after, sum := before, 0
	for deadline := time.Now().Add(20 * time.Second); after == before && time.Now().Before(deadline); {
		for i := range 1_000_000 {
			sum += i
		}
		if after, err = cpuTime(os.Getpid()); err != nil {
			t.Fatal(err)
		}
	}
	if after <= before {
		t.Errorf("CPU time %v, then %v after working (%d)", before, after, sum)
	}
	if none, err := cpuTime(0); none != 0 || err != nil {
		t.Errorf("process 0: %v, %v", none, err)
	}
}
