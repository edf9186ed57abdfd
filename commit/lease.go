package commit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// The write lease serialises every step that changes what readers see — a load's commit, a
// withdrawal, a seal, the completion of a stopped load — across every process and server that
// writes to one database: the worker, a clerk's `tradestat ingest`, the dashboard's
// withdrawals. ClickHouse has no transactions and no locks a client can take, but creating a
// table of a given name succeeds for exactly one of the clients that try at once, and that is
// the lease.
//
// The leases are tables write_lease_<n>, n counting up. The newest is the one in force; its
// rows are its holder's heartbeats and, at the end, its release. A writer takes the lease by
// creating write_lease_<n+1> when write_lease_<n> is released, or when its holder is gone: its
// heartbeats stopped longer than leaseStale ago, or it was a process of this machine and
// pid namespace that no longer runs (a SIGKILL, the OOM killer), which is known at once. Of
// the writers that try, one creates the table; the others find it and wait. Numbering never
// starts again, so a writer that judged an older lease free can only ever create a table that
// the others see as newer. The holder checks before each step that no newer lease exists
// (a holder stopped for longer than leaseStale, say by SIGSTOP, has lost it) and gives up the
// step when one does.
//
// In cluster mode the lease tables live on the server a writer is connected to: writers
// connected to different servers are not serialised (deploy/cluster/README.md).

const (
	leasePrefix = "write_lease_"
	// leaseBeat is how often a holder writes its heartbeat; leaseStale how long without one
	// before others take the lease from a holder that may be on another machine.
	leaseBeat  = 2 * time.Second
	leaseStale = 45 * time.Second
	// leaseWait is how long a writer waits between looks at a lease held by someone else.
	leaseWait = 250 * time.Millisecond
)

// errLeaseLost is a step given up because a newer lease exists: this writer was stopped for
// so long that another took the lease.
var errLeaseLost = errors.New("the write lease was taken over by another writer")

// leases is a database's write lease as one process holds it: an in-process mutex (so the
// loaders of one process queue without asking the server) in front of the server's lease.
type leases struct {
	conn driver.Conn
	mu   sync.Mutex
	me   holder
	// waiting, when set, is told once when a writer starts to wait for another's lease.
	waiting func(other string)
}

func newLeases(conn driver.Conn) *leases {
	return &leases{conn: conn, me: thisProcess()}
}

// lease is one holding of the write lease.
type lease struct {
	ls    *leases
	table string
	stop  chan struct{}
	done  chan struct{}
	mu    sync.Mutex
	lost  error
}

// hold takes the write lease, waiting while another writer holds it, and keeps it until
// release. The lease's steps run under ctx; hold itself gives up when ctx ends.
func (ls *leases) hold(ctx context.Context) (*lease, error) {
	ls.mu.Lock()
	le, err := ls.take(ctx)
	if err != nil {
		ls.mu.Unlock()
		return nil, err
	}
	go le.beat()
	return le, nil
}

func (ls *leases) take(ctx context.Context) (*lease, error) {
	told := false
	for {
		n, free, other, err := ls.newest(ctx)
		if err != nil {
			return nil, fmt.Errorf("write lease: %w", err)
		}
		if free {
			table := fmt.Sprintf("%s%020d", leasePrefix, n+1)
			// The table is created with its holder's first heartbeat in one statement, which the
			// server completes whatever becomes of this process: a lease whose holder was killed
			// right after taking it names that holder, and is known to be free at once.
			err := ls.conn.Exec(ctx, "CREATE TABLE "+table+" ENGINE = Log AS SELECT toString(?) AS holder, now() AS at, toUInt8(0) AS released", ls.me.String())
			if err == nil {
				ls.dropOlder(ctx, n+1)
				return &lease{ls: ls, table: table, stop: make(chan struct{}), done: make(chan struct{})}, nil
			}
			if !tableTaken(err) {
				return nil, fmt.Errorf("write lease: %w", err)
			}
			continue // another writer took it first: look again
		}
		if !told && ls.waiting != nil {
			ls.waiting(other)
			told = true
		}
		select {
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case <-time.After(leaseWait):
		}
	}
}

// tableTaken reports the server's refusal to create a table that exists or is being created
// (codes 57 and 82 of every version).
func tableTaken(err error) bool {
	var ex *clickhouse.Exception
	return errors.As(err, &ex) && (ex.Code == 57 || ex.Code == 82)
}

// newest reads the lease in force: its number (0 when none was ever taken), whether it may be
// taken, and who holds it otherwise.
func (ls *leases) newest(ctx context.Context) (n uint64, free bool, holderName string, err error) {
	var name string
	var age int64
	err = ls.conn.QueryRow(ctx, `SELECT max(name), toInt64(now()) - toInt64(argMax(metadata_modification_time, name)) FROM system.tables
		WHERE database = currentDatabase() AND startsWith(name, ?)`, leasePrefix).Scan(&name, &age)
	if isMissingTable(err) { // 18.16 names a table renamed while system.tables is read: look again
		return 0, false, "", nil
	}
	if err != nil {
		return 0, false, "", err
	}
	if name == "" {
		return 0, true, "", nil
	}
	if n, err = strconv.ParseUint(strings.TrimPrefix(name, leasePrefix), 10, 64); err != nil {
		return 0, false, "", fmt.Errorf("lease table %s: %w", name, err)
	}
	var who string
	var released uint8
	var silent int64 // seconds since the last heartbeat
	err = ls.conn.QueryRow(ctx, `SELECT any(holder), max(released), if(count() = 0, ?, toInt64(now()) - toInt64(max(at))) FROM `+name, age).
		Scan(&who, &released, &silent)
	if isMissingTable(err) { // dropped by a writer that took a newer one
		return n, false, "", nil
	}
	if err != nil {
		return 0, false, "", err
	}
	gone := silent > int64(leaseStale/time.Second) || (who != "" && ls.me.outlived(parseHolder(who)))
	return n, released == 1 || gone, who, nil
}

// isMissingTable reports the server's answer for a table that does not exist (code 60).
func isMissingTable(err error) bool {
	var ex *clickhouse.Exception
	return errors.As(err, &ex) && ex.Code == 60
}

// dropOlder drops the leases before number n: nobody reads them again. A failure only leaves
// a small table behind, which the next holder drops.
func (ls *leases) dropOlder(ctx context.Context, n uint64) {
	names, err := stringsOf(ctx, ls.conn, `SELECT name FROM system.tables
		WHERE database = currentDatabase() AND startsWith(name, ?) AND name < ?`, leasePrefix, fmt.Sprintf("%s%020d", leasePrefix, n))
	if err != nil {
		return
	}
	for _, name := range names {
		_ = ls.conn.Exec(ctx, "DROP TABLE IF EXISTS "+name)
	}
}

// write records a heartbeat (released 0) or the release (1), in the server's time.
func (le *lease) write(ctx context.Context, released uint8) error {
	return le.ls.conn.Exec(ctx, "INSERT INTO "+le.table+" (holder, at, released) SELECT ?, now(), ?", le.ls.me.String(), released)
}

// beat writes heartbeats until release, and notes when a newer lease appears.
func (le *lease) beat() {
	defer close(le.done)
	t := time.NewTicker(leaseBeat)
	defer t.Stop()
	for {
		select {
		case <-le.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), leaseStale/2)
		if err := le.check(ctx); errors.Is(err, errLeaseLost) {
			cancel()
			return
		}
		_ = le.write(ctx, 0) // a missed heartbeat is made up by the next
		cancel()
	}
}

// check returns errLeaseLost when a newer lease than this one exists.
func (le *lease) check(ctx context.Context) error {
	le.mu.Lock()
	defer le.mu.Unlock()
	if le.lost != nil {
		return le.lost
	}
	var newer uint64
	if err := le.ls.conn.QueryRow(ctx, `SELECT count() FROM system.tables
		WHERE database = currentDatabase() AND startsWith(name, ?) AND name > ?`, leasePrefix, le.table).Scan(&newer); err != nil {
		return fmt.Errorf("write lease: %w", err)
	}
	if newer > 0 {
		le.lost = errLeaseLost
	}
	return le.lost
}

// release gives the lease up for the next writer.
func (le *lease) release(ctx context.Context) {
	close(le.stop)
	<-le.done
	if le.check(context.WithoutCancel(ctx)) == nil {
		_ = le.write(context.WithoutCancel(ctx), 1)
	}
	le.ls.mu.Unlock()
}

// holder names a process: its machine, kernel boot and pid namespace (so that two processes
// that see the same pids are told apart from two that do not), its pid and start time (so
// that a pid used again is not taken for the holder), and a random tag.
type holder struct {
	host, boot, pidns string
	pid               int
	start             string
	tag               string
}

func thisProcess() holder {
	h := holder{pid: os.Getpid()}
	h.host, _ = os.Hostname()
	h.boot = readTrim("/proc/sys/kernel/random/boot_id")
	h.pidns, _ = os.Readlink("/proc/self/ns/pid")
	h.start = startTime(h.pid)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	h.tag = hex.EncodeToString(b)
	return h
}

// String is the holder as a lease records it: readable, with the fields a machine needs.
func (h holder) String() string {
	return strings.Join([]string{h.host, strconv.Itoa(h.pid), h.boot, h.pidns, h.start, h.tag}, " ")
}

func parseHolder(s string) holder {
	f := strings.Split(s, " ")
	if len(f) != 6 {
		return holder{}
	}
	pid, _ := strconv.Atoi(f[1])
	return holder{host: f[0], pid: pid, boot: f[2], pidns: f[3], start: f[4], tag: f[5]}
}

// outlived reports that h was a process that h itself can see and that no longer runs: same
// machine, same boot, same pid namespace, and its pid is gone or names a process started
// later. A holder on another machine is judged by its heartbeats alone.
func (me holder) outlived(h holder) bool {
	if h.pid == 0 || h.host != me.host || h.boot == "" || h.boot != me.boot || h.pidns == "" || h.pidns != me.pidns {
		return false
	}
	if h.pid == me.pid {
		return h.start != me.start
	}
	return startTime(h.pid) != h.start
}

// startTime is a process's start time in clock ticks since boot (field 22 of /proc/PID/stat),
// or "" when no such process runs.
func startTime(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command name may hold spaces and brackets
	if i < 0 {
		return ""
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return ""
	}
	return f[19]
}

func readTrim(path string) string {
	b, _ := os.ReadFile(path)
	return strings.TrimSpace(string(b))
}

// stringsOf runs a query of one String column and returns its values.
func stringsOf(ctx context.Context, conn driver.Conn, query string, args ...any) ([]string, error) {
	rows, err := conn.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
