// Package warehouse connects tradestat to ClickHouse and keeps the database's schema current
// with embedded, ordered migrations. Reads live in package query and writes in package commit;
// this package owns only the connection and the DDL.
package warehouse

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat"
)

// Config says where the ClickHouse server is and which database tradestat uses.
type Config struct {
	Addr     string // native protocol host:port
	User     string
	Password string
	Database string
	// Cluster, when set (TRADESTAT_CLUSTER), names the ClickHouse cluster the tables are
	// spread over: see cluster.go.
	Cluster string
	// ReadTimeout bounds the wait for each answer of the server: readTimeout unless set.
	// Writers set WriteTimeout (Writing): a write step's time grows with the data.
	ReadTimeout time.Duration
	// DriverLog, when set, receives the driver's records, among them every statement it sends
	// with its arguments bound ("sending query"): the conformance test replays those on the
	// current engine.
	DriverLog *slog.Logger
}

// readTimeout is how long a reader waits for an answer: a statement that the server cannot
// answer must fail, not hang.
const readTimeout = 60 * time.Second

// WriteTimeout is how long a writer waits for an answer. A load's, a withdrawal's or a
// seal's steps are statements over every lot (the rollups' recomputation, the copy of a year),
// whose time grows with the data: at a country's scale they take minutes, and a fixed
// minute failed a national load after its lots had moved. The bound is for a server that no
// longer answers at all.
const WriteTimeout = 2 * time.Hour

// Writing is the configuration of a connection that writes (WriteTimeout).
func (c Config) Writing() Config {
	c.ReadTimeout = WriteTimeout
	return c
}

// ConfigFromEnv reads the configuration contract (TRADESTAT_CLICKHOUSE,
// TRADESTAT_CLICKHOUSE_USER, TRADESTAT_CLICKHOUSE_PASSWORD, TRADESTAT_DATABASE) with its
// defaults. getenv is os.Getenv in production; tests pass their own.
func ConfigFromEnv(getenv func(string) string) Config {
	c := Config{
		Addr:     getenv("TRADESTAT_CLICKHOUSE"),
		User:     getenv("TRADESTAT_CLICKHOUSE_USER"),
		Password: getenv("TRADESTAT_CLICKHOUSE_PASSWORD"),
		Database: getenv("TRADESTAT_DATABASE"),
		Cluster:  getenv("TRADESTAT_CLUSTER"),
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:9000"
	}
	if c.User == "" {
		c.User = "default"
	}
	if c.Database == "" {
		c.Database = "tradestat"
	}
	return c
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ValidDatabaseName reports whether name can be used as a database name. The name is part of
// DDL, where no parameter can be bound, so only plain identifiers are allowed.
func ValidDatabaseName(name string) error {
	if !identifier.MatchString(name) {
		return fmt.Errorf("database name %q: use letters, digits and underscores only", name)
	}
	return nil
}

// Connect opens a native-protocol connection to cfg.Database without touching the schema.
func Connect(ctx context.Context, cfg Config) (driver.Conn, error) {
	return connect(ctx, cfg, cfg.Database)
}

func connect(ctx context.Context, cfg Config, database string) (driver.Conn, error) {
	conn, err := clickhouse.Open(&clickhouse.Options{
		Addr:        []string{cfg.Addr},
		Protocol:    clickhouse.Native, // the HTTP protocol does not work with 18.16 (docs/domain.md)
		Auth:        clickhouse.Auth{Database: database, Username: cfg.User, Password: cfg.Password},
		DialTimeout: 5 * time.Second,
		ReadTimeout: cmp.Or(cfg.ReadTimeout, readTimeout),
		Settings:    settings(cfg),
		// As many kept open as may be open: a page reads its panels at once, and a connection
		// closed after each burst costs a new handshake on the next.
		MaxOpenConns:    16,
		MaxIdleConns:    16,
		ConnMaxLifetime: time.Hour,
		Logger:          cfg.DriverLog,
	})
	if err != nil {
		return nil, fmt.Errorf("clickhouse at %s: %w", cfg.Addr, err)
	}
	if err := conn.Ping(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("clickhouse at %s does not answer: %w", cfg.Addr, err)
	}
	return conn, nil
}

// settings are the session settings of every connection: in cluster mode an INSERT into a
// Distributed table returns once the shards have the rows, so a load reads back what it wrote.
func settings(cfg Config) clickhouse.Settings {
	if cfg.Cluster == "" {
		return nil
	}
	return clickhouse.Settings{"insert_distributed_sync": 1}
}

// Open creates cfg.Database if needed, brings its schema up to date and returns a connection
// to it. Every subcommand that needs the tables calls it.
func Open(ctx context.Context, cfg Config) (driver.Conn, error) {
	if err := ValidDatabaseName(cfg.Database); err != nil {
		return nil, err
	}
	if err := validCluster(cfg.Cluster); err != nil {
		return nil, err
	}
	admin, err := connect(ctx, cfg, "default")
	if err != nil {
		return nil, err
	}
	// Created only when missing: in cluster mode the DDL waits for every server, and a
	// dashboard must start while one of them is down.
	var exists uint64
	err = admin.QueryRow(ctx, "SELECT count() FROM system.databases WHERE name = ?", cfg.Database).Scan(&exists)
	if err == nil && exists == 0 {
		err = admin.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+cfg.Database+cfg.onCluster())
	}
	admin.Close()
	if err != nil {
		return nil, fmt.Errorf("create database %s: %w", cfg.Database, err)
	}
	conn, err := connect(ctx, cfg, cfg.Database)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, conn, cfg); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// DropDatabase removes a database and everything in it; tests use it to clean up the fresh
// database each run gets.
func DropDatabase(ctx context.Context, cfg Config, name string) error {
	if err := ValidDatabaseName(name); err != nil {
		return err
	}
	conn, err := connect(ctx, cfg, "default")
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+cfg.onCluster()); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one embedded DDL file, applied once per database in version order.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a version number and _", e.Name())
		}
		body, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: e.Name(), SQL: domainRules().Replace(string(body))})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// domainRules fills in the domain's rules a migration names, so that SQL states them no
// more than the Go that reads the data: {{tender_types}} and {{auction_types}} are the trade
// types with savings and with a premium, as SQL tuples of string literals;
// {{submission_minimum}} is the legal minimum submission period of a row of deals, by its
// trade type and procurement method (tradestat.SubmissionMinimums, 0 where none is set);
// {{many_bidders}} is the number of bidders from which the competition rollups group
// sections together (tradestat.ManyBidders).
func domainRules() *strings.Replacer {
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "\\'") + "'" }
	tuple := func(names []string) string {
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = quote(n)
		}
		return "(" + strings.Join(quoted, ", ") + ")"
	}
	minimum := "0"
	if mins := tradestat.SubmissionMinimums(); len(mins) > 0 {
		minimum = "multiIf("
		for _, m := range mins {
			minimum += fmt.Sprintf("trade_type = %s AND solicitation = %d, %d, ", quote(string(m.Type)), m.Solicitation, m.Days)
		}
		minimum += "0)"
	}
	return strings.NewReplacer("{{tender_types}}", tuple(tradestat.TypeNames(tradestat.Tender)),
		"{{auction_types}}", tuple(tradestat.TypeNames(tradestat.Auction)),
		"{{submission_minimum}}", minimum,
		"{{many_bidders}}", strconv.Itoa(tradestat.ManyBidders))
}

// Migrate applies the migrations the database has not had yet. Each file holds one statement
// written to be idempotent (IF NOT EXISTS), so two processes migrating at once do no harm.
func Migrate(ctx context.Context, conn driver.Conn) error { return migrate(ctx, conn, Config{}) }

// migrationMemory is how much a migration's GROUP BY may hold in memory before it spills to
// disk, as a load's refresh of the rollups may.
const migrationMemory = 1 << 30

// migrate is Migrate for cfg's cluster, if any, and database.
func migrate(ctx context.Context, conn driver.Conn, cfg Config) error {
	ms, err := Migrations()
	if err != nil {
		return err
	}
	// A migration that groups every lot (a fill, a recount) holds a country's groups: past
	// migrationMemory bytes the server groups on disk rather than refuse the migration.
	ctx = clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{"max_bytes_before_external_group_by": migrationMemory}))
	run := func(m Migration) error {
		stmts := []string{m.SQL}
		if cfg.Cluster != "" {
			if stmts, err = clusterStatements(m.SQL, cfg.Cluster, cfg.Database); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
		}
		for _, st := range stmts {
			if err := conn.Exec(ctx, st); err != nil && !columnExists(st, err) && !renamed(st, err) {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
		}
		return nil
	}
	// The first migration creates the table that records the others, when it is missing.
	var have uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = 'schema_migrations'").Scan(&have); err != nil {
		return fmt.Errorf("read system.tables: %w", err)
	}
	if have == 0 {
		if err := run(ms[0]); err != nil {
			return err
		}
	}
	applied, err := appliedVersions(ctx, conn)
	if err != nil {
		return err
	}
	if len(pendingOf(ms, applied)) == 0 {
		return nil
	}
	// Two processes starting on a new database at once (two first loads) must not run the
	// same migrations side by side: one copies a table the other is dropping. The second
	// waits for the first and then finds the work done.
	unlock, err := lockSchema(ctx, conn)
	if err != nil {
		return err
	}
	defer unlock()
	if applied, err = appliedVersions(ctx, conn); err != nil {
		return err
	}
	for _, m := range ms {
		if applied[uint32(m.Version)] {
			continue
		}
		if err := run(m); err != nil {
			return err
		}
		if err := record(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}

// tableExistsCode is ClickHouse's error code for a CREATE TABLE of a name that exists, and
// unknownTableCode for a table that does not.
const (
	tableExistsCode  = 57
	unknownTableCode = 60
)

// lockSchema takes the database's migration lock: a table that only one CREATE TABLE can
// make (ClickHouse has no other lock both 18.16 and current versions share). A lock left by
// a process that died is broken after staleLock. In cluster mode the lock is per server:
// processes that migrate through different servers are not kept apart.
func lockSchema(ctx context.Context, conn driver.Conn) (func(), error) {
	const staleLock = 10 * time.Minute
	deadline := time.Now().Add(2 * staleLock)
	for {
		err := conn.Exec(ctx, "CREATE TABLE schema_lock (at DateTime) ENGINE = Memory")
		if err == nil {
			return func() { _ = conn.Exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS schema_lock") }, nil
		}
		var ex *clickhouse.Exception
		if !errors.As(err, &ex) || ex.Code != tableExistsCode {
			return nil, fmt.Errorf("take the migration lock: %w", err)
		}
		// Reading system.tables while the lock's holder renames a table (a migration that
		// rebuilds one) can fail on 18.16 naming the table that is being renamed: the lock is
		// then read again on the next round, as when it is held.
		var stale uint8
		err = conn.QueryRow(ctx, "SELECT count() > 0 FROM system.tables WHERE database = currentDatabase() AND name = 'schema_lock' AND metadata_modification_time < now() - ?", int64(staleLock/time.Second)).Scan(&stale)
		if err != nil && (!errors.As(err, &ex) || ex.Code != unknownTableCode) {
			return nil, fmt.Errorf("read the migration lock: %w", err)
		}
		if stale == 1 {
			_ = conn.Exec(ctx, "DROP TABLE IF EXISTS schema_lock")
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("another process has been upgrading database schema for over %s (table schema_lock); if none is running, drop that table", 2*staleLock)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// columnExists reports an ADD COLUMN that failed because the column is there already: a
// migration stopped after its ALTER and before it was recorded, run again. ClickHouse 18.16
// has no ADD COLUMN IF NOT EXISTS.
func columnExists(stmt string, err error) bool {
	if !strings.Contains(stmt, "ADD COLUMN") {
		return false
	}
	var ex *clickhouse.Exception
	// ILLEGAL_COLUMN, "Cannot add column …: column with this name already exists"; through ON
	// CLUSTER the same message comes inside a distributed DDL error.
	return errors.As(err, &ex) && ex.Code == 44 || strings.Contains(err.Error(), "column with this name already exists")
}

// renamed reports a RENAME TABLE that failed because its table is gone: a migration stopped
// after the rename and before it was recorded, run again.
func renamed(stmt string, err error) bool {
	if !strings.HasPrefix(stmt, "RENAME TABLE") {
		return false
	}
	var ex *clickhouse.Exception
	// UNKNOWN_TABLE; through ON CLUSTER the message comes inside a distributed DDL error.
	return errors.As(err, &ex) && ex.Code == 60 || strings.Contains(err.Error(), "doesn't exist")
}

// appliedVersions reads which migrations the database has had.
func appliedVersions(ctx context.Context, conn driver.Conn) (map[uint32]bool, error) {
	applied := map[uint32]bool{}
	rows, err := conn.Query(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v uint32
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("read schema_migrations: %w", err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	return applied, nil
}

// Pending lists the migrations this build has that the database has not had (by name): none
// when the schema is current. It only reads, so a read-only dashboard can answer /readyz.
func Pending(ctx context.Context, conn driver.Conn) ([]string, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	applied, err := appliedVersions(ctx, conn)
	if err != nil {
		return nil, err
	}
	return pendingOf(ms, applied), nil
}

// pendingOf names the migrations of ms that have not been applied.
func pendingOf(ms []Migration, applied map[uint32]bool) []string {
	var pending []string
	for _, m := range ms {
		if !applied[uint32(m.Version)] {
			pending = append(pending, m.Name)
		}
	}
	return pending
}

// record notes a migration as applied. A batch with named columns: an inline INSERT ... VALUES
// hangs on 18.16 (docs/domain.md).
func record(ctx context.Context, conn driver.Conn, m Migration) error {
	batch, err := conn.PrepareBatch(ctx, "INSERT INTO schema_migrations (version, name, applied_at)")
	if err != nil {
		return fmt.Errorf("record migration %s: %w", m.Name, err)
	}
	defer batch.Close()
	if err := batch.Append(uint32(m.Version), m.Name, time.Now()); err != nil {
		return fmt.Errorf("record migration %s: %w", m.Name, err)
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("record migration %s: %w", m.Name, err)
	}
	return nil
}

// Unavailable reports an error that means the ClickHouse server could not be reached, did
// not answer in time or was too loaded to answer (refused, reset or closed connections,
// timeouts; exceptions whose code says as much), as opposed to an error in what was asked.
// The dashboard answers these with 503, and they pass once the server is back: the driver
// replaces broken connections by itself.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var netErr net.Error
	var opErr *net.OpError
	var ex *clickhouse.Exception
	switch {
	case errors.As(err, &ex):
		return unavailableCodes(ex.Code)
	case errors.As(err, &opErr), errors.As(err, &netErr),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, clickhouse.ErrAcquireConnTimeout):
		return true
	}
	return false
}

// unavailableCodes tells whether a ClickHouse exception code means the server could not
// answer now rather than that the statement was wrong: a timeout (159 TIMEOUT_EXCEEDED, 209
// SOCKET_TIMEOUT), a network failure between servers (210 NETWORK_ERROR, 279
// ALL_CONNECTION_TRIES_FAILED), too many queries at once (202), or memory (241
// MEMORY_LIMIT_EXCEEDED).
func unavailableCodes(code int32) bool {
	switch code {
	case 159, 202, 209, 210, 241, 279:
		return true
	}
	return false
}

// readOnlyCode is ClickHouse's error code for a statement a read-only user may not run.
const readOnlyCode = 164

// ReadOnly reports an error that says the user may only read.
func ReadOnly(err error) bool {
	var ex *clickhouse.Exception
	return errors.As(err, &ex) && ex.Code == readOnlyCode
}

// MayWrite tells whether conn's account may write (its readonly setting is 0). Open succeeds
// for a read-only account too once the database is set up, since it then creates nothing.
func MayWrite(ctx context.Context, conn driver.Conn) (bool, error) {
	var v string
	if err := conn.QueryRow(ctx, "SELECT value FROM system.settings WHERE name = 'readonly'").Scan(&v); err != nil {
		return false, fmt.Errorf("read the readonly setting: %w", err)
	}
	return v == "0", nil
}

// OpenReader connects as a user that may only read (the dashboard's): it creates nothing,
// and fails with a clear message when the database has not been set up and loaded by a
// writer, or lacks a migration this build expects.
func OpenReader(ctx context.Context, cfg Config) (driver.Conn, error) {
	conn, err := Connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	pending, err := Pending(ctx, conn)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("database %s is not set up (load data with tradestat demo or ingest as a writer first): %w", cfg.Database, err)
	}
	if len(pending) > 0 {
		conn.Close()
		return nil, fmt.Errorf("database %s lacks this build's migrations %v: run tradestat ingest (or demo) as a writer to bring it up to date", cfg.Database, pending)
	}
	return conn, nil
}
