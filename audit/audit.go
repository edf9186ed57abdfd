// Package audit keeps the audit log in ClickHouse (migration 009): who signed in (or failed
// to), who uploaded which file and who exported what with which filters, and when.
//
// Entries are gathered in memory and written in one INSERT at most every Interval: a part per
// request would soon be too many parts for the server under a flood of exports. Entries stay
// queued until ClickHouse has them, through outages; a queue that has reached its bound (the
// database gone for a long time) refuses new entries, and the dashboard then refuses the
// action that needed one, so nothing accountable happens unrecorded. Close writes what is
// queued, so a graceful shutdown loses nothing; a crash can lose the last Interval's entries.
//
// This is the one write outside package commit: the audit log is not trading data and is
// never read by the figures.
package audit

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat"
)

// The actions recorded.
const (
	Login       = "login"
	LoginFailed = "login_failed"
	Logout      = "logout"
	Upload      = "upload"
	Export      = "export"
	Withdraw    = "withdraw" // a load taken back
	Seal        = "seal"     // a year's figures sealed (定稿)
	Revoke      = "revoke"   // a seal revoked
)

// Entry is one audited action.
type Entry struct {
	At      time.Time
	User    string // the account, or the name tried at a refused sign-in
	Role    string
	IP      string
	Action  string
	Path    string
	Filters string // the request's query string: the view that was exported
	Detail  string // what else identifies the action: a file's name, size and SHA-256
	Status  int    // the HTTP status the request was answered with
	Region  string // the division code the account is limited to; "" for the whole region
}

// ErrFull is returned by Record (and Ready) when the queue has reached its bound: a service
// the product needs is unavailable, and the audited actions (exports, uploads, sign-ins,
// withdrawals, seals) are refused until it can be written again.
var ErrFull = tradestat.Fail(tradestat.Unavailable, "the audit log cannot be written (ClickHouse unreachable): audited actions are paused until it can")

// Log writes entries to the audit_log table.
type Log struct {
	conn     driver.Conn
	log      *slog.Logger
	interval time.Duration
	max      int

	mu    sync.Mutex
	queue []Entry

	writing sync.Mutex // one INSERT at a time, so entries are written once and in order
	stop    chan struct{}
	stopped chan struct{}
}

// Interval is how often queued entries are written; MaxQueued bounds the queue.
const (
	Interval  = time.Second
	MaxQueued = 100_000
)

// New starts a Log writing through conn, which must belong to a user that may insert.
func New(conn driver.Conn, log *slog.Logger) *Log {
	l := &Log{conn: conn, log: log, interval: Interval, max: MaxQueued,
		stop: make(chan struct{}), stopped: make(chan struct{})}
	go l.run()
	return l
}

// Ready reports whether an entry can be taken now; an action that must be audited checks it
// before it starts, so that it is not done and then left unrecorded.
func (l *Log) Ready() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.queue) >= l.max {
		return ErrFull
	}
	return nil
}

// Record queues e (stamped now when e.At is zero).
func (l *Log) Record(e Entry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.queue) >= l.max {
		return ErrFull
	}
	l.queue = append(l.queue, e)
	return nil
}

func (l *Log) run() {
	defer close(l.stopped)
	t := time.NewTicker(l.interval)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			if err := l.Flush(); err != nil {
				l.log.Warn("audit entries not written yet; kept for the next try", "err", err)
			}
		}
	}
}

// Flush writes every queued entry now. Entries stay queued until the INSERT succeeds.
func (l *Log) Flush() error {
	l.writing.Lock()
	defer l.writing.Unlock()
	l.mu.Lock()
	pending := l.queue[:len(l.queue):len(l.queue)]
	l.mu.Unlock()
	if len(pending) == 0 {
		return nil
	}
	// Not bound to a caller's context: clickhouse-go closes a connection whose batch context
	// is cancelled; the connection's own timeouts bound the call.
	ctx := context.Background()
	batch, err := l.conn.PrepareBatch(ctx, `INSERT INTO audit_log (at, user_name, role, ip, action, path, filters, detail, status, region)`)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	defer batch.Close()
	for _, e := range pending {
		if err := batch.Append(e.At, e.User, e.Role, e.IP, e.Action, e.Path, e.Filters, e.Detail, uint16(e.Status), e.Region); err != nil {
			return fmt.Errorf("audit log: %w", err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	l.mu.Lock()
	l.queue = append(l.queue[:0:0], l.queue[len(pending):]...)
	l.mu.Unlock()
	return nil
}

// Close stops the background writer and writes what is queued.
func (l *Log) Close() error {
	close(l.stop)
	<-l.stopped
	return l.Flush()
}
