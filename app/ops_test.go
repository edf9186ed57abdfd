package app_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"tradestat/warehouse"
)

// TestReadyAndMetrics: /readyz says ready over a current schema and 503 with what is missing
// over one without its migrations; /metrics counts requests by route and status, times the
// reads computed, and reports the ingest totals as loaded.
func TestReadyAndMetrics(t *testing.T) {
	svc, conn := startDemoConn(t)
	if code, body := get(t, svc.URL+"/readyz"); code != 200 || string(body) != "ready" {
		t.Errorf("/readyz: %d %s", code, body)
	}
	for range 3 {
		get(t, svc.URL+"/api/v1/summary?year=2021")
	}
	get(t, svc.URL+"/api/v1/summary?year=20x1")
	get(t, svc.URL+"/no/such/page")
	var loaded, rejected uint64
	if err := conn.QueryRow(context.Background(), "SELECT sum(loaded), sum(rejected) FROM ingest_batches").Scan(&loaded, &rejected); err != nil {
		t.Fatal(err)
	}
	code, body := get(t, svc.URL+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`tradestat_http_requests_total{code="200",route="/api/v1/summary"} 3`,
		`tradestat_http_requests_total{code="400",route="/api/v1/summary"} 1`,
		`tradestat_http_requests_total{code="404",route="other"} 1`,
		`tradestat_http_request_duration_seconds_count{route="/api/v1/summary"} 4`,
		`tradestat_query_duration_seconds_count{kind="summary"} 1`,
		fmt.Sprintf(`tradestat_ingest_rows{outcome="loaded"} %d`, loaded),
		fmt.Sprintf(`tradestat_ingest_rows{outcome="rejected"} %d`, rejected),
		`tradestat_clickhouse_up 1`,
		`go_goroutines `,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// The second and third summaries were kept: at least two lookups hit, at least one computed.
	for result, least := range map[string]int{"hit": 2, "computed": 1} {
		n := -1
		if m := regexp.MustCompile(`(?m)^tradestat_cache_lookups_total\{result="` + result + `"\} (\d+)$`).FindSubmatch(body); m != nil {
			n, _ = strconv.Atoi(string(m[1]))
		}
		if n < least {
			t.Errorf("/metrics: %d cache lookups %s, want at least %d", n, result, least)
		}
	}
	if m := regexp.MustCompile(`(?m)^tradestat_ingest_files (\d+)$`).FindSubmatch(body); m == nil || string(m[1]) == "0" {
		t.Errorf("/metrics: files loaded %q", m)
	}

	// A database that has not had this build's migrations is not ready.
	ms, err := warehouse.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := conn.Exec(ctx, "DROP TABLE schema_migrations"); err != nil {
		t.Fatal(err)
	}
	if err := conn.Exec(ctx, ms[0].SQL); err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, svc.URL+"/readyz"); code != 503 || !strings.Contains(string(body), "009_audit_log.sql") {
		t.Errorf("/readyz without migrations: %d %s", code, body)
	}
}
