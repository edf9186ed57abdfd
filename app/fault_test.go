package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"tradestat/app"
	"tradestat/demo"
	"tradestat/ingest"
	"tradestat/warehouse"
)

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// ownServer runs deploy/clickhouse/local.sh for a ClickHouse server of the test's own, on
// free ports with its data in a temporary directory, so that stopping it disturbs no other
// test.
type ownServer struct {
	t   *testing.T
	env []string
}

func (s ownServer) run(action string) {
	s.t.Helper()
	cmd := exec.Command("../deploy/clickhouse/local.sh", action)
	cmd.Env = append(os.Environ(), s.env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		s.t.Fatalf("local.sh %s: %v\n%s", action, err, out)
	}
}

// TestClickHouseRestart: with the server really stopped, pages and the API answer 503 with a
// clear message within a bounded time; once it is started again they answer by themselves,
// with the same figures.
func TestClickHouseRestart(t *testing.T) {
	tcp, httpPort := freePort(t), freePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", tcp)
	srv := ownServer{t, []string{"TRADESTAT_CLICKHOUSE=" + addr, fmt.Sprintf("TRADESTAT_CLICKHOUSE_HTTP_PORT=%d", httpPort),
		"TRADESTAT_VAR=" + t.TempDir()}}
	srv.run("start")
	t.Cleanup(func() { srv.run("stop") })

	cfg := warehouse.Config{Addr: addr, User: "default", Database: "tradestat_restart"}
	ctx := context.Background()
	conn, err := warehouse.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, ingest.NewLoader(conn)); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	svc, err := app.Start(ctx, cfg, "127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	code, before := get(t, svc.URL+"/api/v1/summary?year=2021")
	if code != 200 {
		t.Fatalf("before: %d %s", code, before)
	}

	srv.run("stop")
	for _, path := range []string{"/api/v1/summary?year=2021", "/?year=2021", "/lots?year=2021"} {
		start := time.Now()
		code, body := get(t, svc.URL+path)
		if took := time.Since(start); code != 503 || !strings.Contains(string(body), "数据服务暂不可用") || took > 20*time.Second {
			t.Errorf("%s with the server stopped: %d after %v: %.200s", path, code, took, body)
		}
		if path == "/api/v1/summary?year=2021" {
			var msg struct{ Error string }
			if err := json.Unmarshal(body, &msg); err != nil || msg.Error == "" {
				t.Errorf("the API's 503 is not a JSON message: %s", body)
			}
		}
	}

	srv.run("start")
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, after := get(t, svc.URL+"/api/v1/summary?year=2021")
		if code == 200 {
			if string(after) != string(before) {
				t.Errorf("after the restart: %s, before: %s", after, before)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery 30 s after the restart: %d %s", code, after)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
