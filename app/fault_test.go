package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"tradestat/app"
	"tradestat/commit"
	"tradestat/demo"
	"tradestat/division"
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
	if _, err := demo.Load(ctx, commit.NewLoader(conn, division.MustRegion("530500")), division.MustRegion("530500")); err != nil {
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

// TestSIGTERM: the serve command, sent SIGTERM while a download is streaming, finishes the
// download and exits 0.
func TestSIGTERM(t *testing.T) {
	_, cfg := demoDB(t, "530500")
	bin := buildTradestat(t)
	port := freePort(t)
	cmd := exec.Command(bin, "serve", "--auth", "off", "--addr", fmt.Sprintf("127.0.0.1:%d", port))
	cmd.Env = append(os.Environ(), "TRADESTAT_CLICKHOUSE="+cfg.Addr, "TRADESTAT_DATABASE="+cfg.Database)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if code, _ := getQuiet(url + "/healthz"); code == 200 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("serve did not come up: %s", stderr.String())
		}
	}
	resp, err := http.Get(url + "/export/lots?format=csv&from=2019-01-01&to=2023-12-31")
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the download in flight: %d, %v", resp.StatusCode, err)
	}
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	if !strings.HasPrefix(lines[len(lines)-1], "数据来源") || len(lines) < 8000 {
		t.Errorf("the download was cut: %d lines, last %q", len(lines), lines[len(lines)-1])
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve exited with %v after SIGTERM: %s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("serve did not exit within 20 s of SIGTERM")
	}
}

// getQuiet is get without failing the test on a connection error.
func getQuiet(url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
