package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat/audit"
	"tradestat/division"
	"tradestat/msg"
	"tradestat/warehouse"
)

// commandWords parses args with fs and returns the words among them, the flags read wherever they
// stand: before the words, between them or after them.
func commandWords(fs *flag.FlagSet, args []string) ([]string, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	var out []string
	for fs.NArg() > 0 {
		out = append(out, fs.Arg(0))
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// wordsCommand is what a subcommand with words (batch, seal) works with: its words, the
// language it answers in, the region it works on and a connection to the warehouse.
type wordsCommand struct {
	words  []string
	lang   msg.Lang
	region division.Region
	conn   driver.Conn
	stderr io.Writer
}

// command starts a subcommand with words: flags read wherever they stand, the words checked
// by fits (its usage printed when they do not fit), the language and region read, and the
// warehouse opened. The caller closes it.
func command(ctx context.Context, cfg *warehouse.Config, fs *flag.FlagSet, args []string, lang func() (msg.Lang, error), region func() (division.Region, error),
	usage string, fits func(words []string) bool, stderr io.Writer) (*wordsCommand, error) {
	words, err := commandWords(fs, args)
	if err != nil {
		return nil, err
	}
	c := &wordsCommand{words: words, stderr: stderr}
	if c.lang, err = lang(); err != nil {
		return nil, err
	}
	if c.region, err = region(); err != nil {
		return nil, err
	}
	if !fits(words) {
		fmt.Fprintln(stderr, usage)
		return nil, errUsage
	}
	if c.conn, err = warehouse.Open(ctx, cfg.Writing()); err != nil {
		return nil, err
	}
	return c, nil
}

// Close closes the connection.
func (c *wordsCommand) Close() error { return c.conn.Close() }

// audited does act as the person at the terminal (cli:$USER) and records the entry it returns
// in the audit log; an act that fails is not recorded.
func (c *wordsCommand) audited(act func(who string) (audit.Entry, error)) error {
	who := "cli:" + os.Getenv("USER")
	log := audit.New(c.conn, slog.New(slog.NewTextHandler(c.stderr, nil)))
	e, err := act(who)
	if err == nil {
		e.User = who
		err = log.Record(e)
	}
	if cerr := log.Close(); err == nil && cerr != nil {
		return fmt.Errorf("audit log: %w", cerr)
	}
	return err
}
