package commit

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat/internal/chtest"
)

// TestHolderOutlived: a lease's holder is known to be gone at once only when it was a process
// this one can see (same machine, boot and pid namespace) that no longer runs, or whose pid
// now names a process started later; a holder elsewhere is judged by its heartbeats alone.
func TestHolderOutlived(t *testing.T) {
	me := thisProcess()
	if me.start == "" || me.pidns == "" || me.boot == "" {
		t.Fatalf("this process could not be named (%+v): /proc, which the lease reads on Linux, is missing", me)
	}
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	ended := me
	ended.pid, ended.start = cmd.Process.Pid, "1" // a process that has ended
	reused := me
	reused.start = "1" // this pid, but a process started before this one
	other := ended
	other.host = "another-machine"
	container := ended
	container.pidns = "pid:[1]"
	for _, tt := range []struct {
		name string
		h    holder
		gone bool
	}{
		{"this process", me, false},
		{"an ended process here", ended, true},
		{"this pid used again", reused, true},
		{"a process on another machine", other, false},
		{"a process in another pid namespace", container, false},
		{"a record without fields", holder{}, false},
	} {
		back := parseHolder(tt.h.String())
		if tt.h.pid != 0 && back != tt.h {
			t.Errorf("%s: %+v read back as %+v", tt.name, tt.h, back)
		}
		if got := me.outlived(back); got != tt.gone {
			t.Errorf("%s: outlived %v, want %v", tt.name, got, tt.gone)
		}
	}
}

// TestLeaseNamesItsHolderAtOnce: a writer stopped at any point after it took the lease —
// even right after the lease's table was created, before anything else it sends — leaves a
// lease that names it, so that the next writer on this machine sees at once that it is gone
// rather than waiting for its heartbeats to go stale.
func TestLeaseNamesItsHolderAtOnce(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	gone := thisProcess()
	gone.pid, gone.start = cmd.Process.Pid, "1"
	killed := &stopAfterLease{Conn: conn}
	if _, err := (&leases{conn: killed, me: gone}).take(ctx); err != nil && !killed.stopped {
		t.Fatal(err)
	}
	if !killed.stopped {
		t.Fatal("no lease table was created")
	}
	_, free, who, err := newLeases(conn).newest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !free || parseHolder(who) != gone {
		t.Errorf("a lease whose holder is gone: free %v, holder %q; want free, naming %v", free, who, gone)
	}
}

// stopAfterLease is a connection that stops sending once a lease table has been created, as
// the process would if killed at that moment.
type stopAfterLease struct {
	driver.Conn
	stopped bool
}

func (c *stopAfterLease) Exec(ctx context.Context, query string, args ...any) error {
	if c.stopped {
		return errors.New("stopped")
	}
	err := c.Conn.Exec(ctx, query, args...)
	c.stopped = strings.HasPrefix(query, "CREATE TABLE "+leasePrefix)
	return err
}

func (c *stopAfterLease) Query(ctx context.Context, query string, args ...any) (driver.Rows, error) {
	if c.stopped {
		return nil, errors.New("stopped")
	}
	return c.Conn.Query(ctx, query, args...)
}
