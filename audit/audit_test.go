package audit

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"tradestat/internal/chtest"
)

// TestRecordAndRefuse: recorded entries reach the table on Close, in order and exactly; a
// queue at its bound refuses more (and says it is not ready) until it is written.
func TestRecordAndRefuse(t *testing.T) {
	conn, _ := chtest.Open(t)
	l := New(conn, slog.New(slog.NewTextHandler(io.Discard, nil)))
	l.max = 2
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	for _, e := range []Entry{
		{At: at, User: "analyst", Role: "analyst", IP: "10.0.0.7", Action: Export, Path: "/export/lots", Filters: "year=2021&family=工程建设", Status: 200},
		{At: at.Add(time.Second), User: "admin", Role: "admin", IP: "10.0.0.8", Action: Upload, Path: "/admin/upload", Detail: "a.csv, 10 bytes", Status: 303},
	} {
		if err := l.Record(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Record(Entry{Action: Login}); !errors.Is(err, ErrFull) || !errors.Is(l.Ready(), ErrFull) {
		t.Errorf("past the bound: Record %v, Ready %v; want ErrFull", err, l.Ready())
	}
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := l.Ready(); err != nil {
		t.Errorf("after a flush: %v", err)
	}
	if err := l.Record(Entry{At: at.Add(2 * time.Second), User: "x", Action: LoginFailed, Status: 401}); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(context.Background(), "SELECT at, user_name, action, filters, detail, status FROM audit_log ORDER BY at")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var when time.Time
		var user, action, filters, detail string
		var status uint16
		if err := rows.Scan(&when, &user, &action, &filters, &detail, &status); err != nil {
			t.Fatal(err)
		}
		got = append(got, when.UTC().Format(time.RFC3339)+" "+user+" "+action+" "+filters+" "+detail+" "+string(rune('0'+status/100)))
	}
	want := []string{
		"2026-03-01T09:30:00Z analyst export year=2021&family=工程建设  2",
		"2026-03-01T09:30:01Z admin upload  a.csv, 10 bytes 3",
		"2026-03-01T09:30:02Z x login_failed   4",
	}
	if len(got) != len(want) {
		t.Fatalf("audit_log holds %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: %q, want %q", i, got[i], want[i])
		}
	}
}
