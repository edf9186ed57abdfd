//go:build cluster

package clustertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tradestat/app"
	"tradestat/commit"
	"tradestat/demo"
	"tradestat/division"
	"tradestat/warehouse"
)

// The loopback cluster of deploy/cluster/local.sh (default ports).
const (
	cluster = "tradestat_test"
	node1   = "127.0.0.1:9101" // shard 1, replica 1
	node3   = "127.0.0.1:9103" // shard 2
)

// views are the API answers compared: the published T1 and T2 figures, every breakdown of
// every year and of T2's period, and the sealed figures of 2021.
func views() []string {
	v := []string{"/api/v1/summary?from=2021-01-01&to=2021-12-31", "/api/v1/breakdown?by=family&from=2020-01-01&to=2020-08-31",
		"/api/v1/breakdown?by=level&from=2020-01-01&to=2020-08-31", "/api/v1/summary", "/api/v1/lots?year=2021&sort=amount&page=3",
		"/api/v1/lots?year=2022&place=530581&page=2", "/api/v1/lots?year=2020&q=bsgc&page=1",
		"/api/v1/summary?year=2021&as=sealed", "/api/v1/breakdown?by=area&year=2021&as=sealed", "/api/v1/report?year=2021&as=sealed",
		"/api/v1/summary?year=2021&area=530581&as=sealed"}
	for _, by := range []string{"year", "month", "place", "level", "type", "family"} {
		for _, y := range []string{"2019", "2020", "2021", "2022", "2023"} {
			v = append(v, "/api/v1/breakdown?by="+by+"&year="+y)
		}
	}
	return v
}

// bidReads are the answers that read the bid lists: the single server holds the demo's lists and
// the cluster takes none, so they differ, but each must answer, its reads running through the
// cluster's Distributed tables.
func bidReads() []string {
	return []string{"/api/v1/winners?year=2021", "/api/v1/winners?year=2021&buyer=x", "/api/v1/flags?year=2021"}
}

// answers fetches every view from a dashboard started on cfg, and checks that it answers the
// bidReads.
func answers(t *testing.T, cfg warehouse.Config) map[string]string {
	t.Helper()
	svc, err := app.Start(context.Background(), cfg, "127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	out := map[string]string{}
	for _, v := range append(views(), bidReads()...) {
		resp, err := http.Get(svc.URL + v)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s on %s: %d %s", v, cfg.Addr, resp.StatusCode, body)
		}
		out[v] = withoutSealIdentity(t, body)
	}
	return out
}

// withoutSealIdentity is an answer with its seal's id and time blanked: the two databases
// each made a seal of their own, the same figures at a different moment.
func withoutSealIdentity(t *testing.T, body []byte) string {
	t.Helper()
	var answer map[string]any
	if err := json.Unmarshal(body, &answer); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if seal, ok := answer["seal"].(map[string]any); ok {
		seal["id"], seal["sealed_at"] = "", ""
	}
	out, err := json.Marshal(answer)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func load(t *testing.T, cfg warehouse.Config) {
	t.Helper()
	conn, err := warehouse.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Twice: the second load replaces every lot and must change nothing.
	loader := commit.NewLoader(conn, division.MustRegion("530500"))
	for range 2 {
		if _, err := demo.Load(context.Background(), loader, division.MustRegion("530500")); err != nil {
			t.Fatal(err)
		}
	}
	// 2021 sealed: the sealed figures, read through Distributed tables, must be the single
	// server's.
	if _, err := loader.Seal(context.Background(), 2021, "", "2021年度项目支出绩效自评报告", "test", ""); err != nil {
		t.Fatal(err)
	}
}

func localSh(t *testing.T, args ...string) {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(root, "deploy/cluster/local.sh"), args...)
	cmd.Dir = root // the cluster's state is under the repository's var/, as make test-cluster made it
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("deploy/cluster/local.sh %v: %v", args, err)
	}
}

// TestCluster: the demo loaded (twice) through tradestat into the two-shard cluster gives the
// dashboard exactly the answers of a single server — the published T1 and T2 figures, every
// breakdown, lot pages — and so it does after one replica of the first shard stops.
func TestCluster(t *testing.T) {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	db := "tradestat_cluster_" + hex.EncodeToString(b)
	single := warehouse.ConfigFromEnv(os.Getenv)
	single.Database = db
	clustered := single
	clustered.Addr, clustered.Cluster = node1, cluster
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		for _, c := range []warehouse.Config{single, clustered} {
			if err := warehouse.DropDatabase(ctx, c, db); err != nil {
				t.Errorf("drop %s at %s: %v", db, c.Addr, err)
			}
		}
	})
	load(t, single)
	load(t, clustered)

	want := answers(t, single)
	if t1 := want["/api/v1/summary?from=2021-01-01&to=2021-12-31"]; !strings.HasPrefix(t1, `{"amount_fen":1107371000000,`) ||
		!strings.Contains(t1, `"online_openings":289,"premium_fen":17338800000,"premium_wan":"17338.8","projects":1651,"savings_fen":35303820000,`) {
		t.Fatalf("the single server's T1: %s", want["/api/v1/summary?from=2021-01-01&to=2021-12-31"])
	}
	compare := func(when string, got map[string]string) {
		for _, v := range views() {
			if got[v] != want[v] {
				t.Errorf("%s: %s\n cluster %s\n single  %s", when, v, got[v], want[v])
			}
		}
	}
	viaShard2 := clustered
	viaShard2.Addr = node3
	compare("all servers up, through shard 1", answers(t, clustered))
	compare("all servers up, through shard 2", answers(t, viaShard2))

	// The first shard's first replica stops: a dashboard on the second shard still answers
	// the same, its reads of shard 1 served by the other replica.
	localSh(t, "stop-node", "1")
	defer localSh(t, "start-node", "1") // before the clean-up drops the database everywhere
	if c, err := net.DialTimeout("tcp", node1, time.Second); err == nil {
		c.Close()
		t.Fatalf("%s still answers after stop-node 1", node1)
	}
	compare("replica 1 of shard 1 stopped", answers(t, viaShard2))
}
