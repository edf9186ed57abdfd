package app

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"tradestat"
	"tradestat/audit"
	"tradestat/commit"
	"tradestat/division"
	"tradestat/msg"
	"tradestat/query"
	"tradestat/warehouse"
)

const batchUsage = "usage: tradestat batch list\n       tradestat batch withdraw ID [--yes]"

// runBatch is `tradestat batch list` (the latest loads, with their batch IDs and whether they
// can be withdrawn) and `tradestat batch withdraw ID`: what withdrawing the load would change
// is printed first, and it is done only once confirmed (typed yes at the terminal, or --yes),
// then recorded in the audit log.
func runBatch(ctx context.Context, cfg *warehouse.Config, fs *flag.FlagSet, args []string, lang func() (msg.Lang, error), region func() (division.Region, error), stdin *os.File, stdout, stderr io.Writer) error {
	yes := fs.Bool("yes", false, "withdraw without asking (what it changes is printed all the same)")
	n := fs.Int("n", 50, "how many loads batch list shows, newest first")
	c, err := command(ctx, cfg, fs, args, lang, region, batchUsage, func(w []string) bool {
		return len(w) == 1 && w[0] == "list" || len(w) == 2 && w[0] == "withdraw"
	}, stderr)
	if err != nil {
		return err
	}
	defer c.Close()
	rest, l, r, conn := c.words, c.lang, c.region, c.conn
	if rest[0] == "list" {
		batches, err := query.New(conn, r).RecentBatches(ctx, *n)
		if err != nil {
			return err
		}
		return writeBatches(stdout, l, r, batches)
	}
	loader := commit.NewLoader(conn, r)
	plan, err := loader.Plan(ctx, rest[1])
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, l.T("withdrawing it would change:")+"\n"+plan.Text(l))
	if !*yes {
		if !term.IsTerminal(int(stdin.Fd())) {
			return tradestat.Fail(tradestat.Invalid, "nothing was withdrawn: add --yes to withdraw without a terminal")
		}
		fmt.Fprint(stderr, l.T("type yes to withdraw it: "))
		line, _ := bufio.NewReader(stdin).ReadString('\n')
		if strings.TrimSpace(line) != "yes" {
			return tradestat.Fail(tradestat.Conflict, "nothing was withdrawn")
		}
	}
	return c.audited(func(who string) (audit.Entry, error) {
		done, err := loader.Withdraw(ctx, rest[1], who)
		if err != nil {
			return audit.Entry{}, err
		}
		fmt.Fprint(stdout, l.T("withdrawn:")+"\n"+done.Text(l))
		return audit.Entry{Action: audit.Withdraw, Path: "tradestat batch withdraw", Detail: done.Text(msg.Chinese)}, nil
	})
}

// writeBatches prints loads as a table.
func writeBatches(w io.Writer, l msg.Lang, r division.Region, batches []query.Batch) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, l.T("batch\tfinished\tfile\tregion\tread\tloaded\tstate"))
	for _, b := range batches {
		state := l.T("cannot be withdrawn")
		switch {
		case b.Withdrawn:
			state = l.T("withdrawn")
		case b.Withdrawable:
			state = l.T("can be withdrawn")
		}
		region := ""
		if b.Region != "" {
			region = r.NameOf(b.Region)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", b.ID, b.Finished.Format("2006-01-02 15:04:05"), b.File, region, b.Read, b.Loaded, state)
	}
	return tw.Flush()
}
