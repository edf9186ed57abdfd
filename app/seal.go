package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"tradestat/audit"
	"tradestat/commit"
	"tradestat/division"
	"tradestat/msg"
	"tradestat/query"
	"tradestat/warehouse"
)

const sealUsage = "usage: tradestat seal --year YEAR [--area CODE] --note TEXT [--supersede ID]\n       tradestat seal list\n       tradestat seal revoke ID"

// runSeal is `tradestat seal`: seal a year's figures of an area (定稿) as they went into a
// report, list the seals, or revoke one. Sealing and revoking are audited.
func runSeal(ctx context.Context, cfg *warehouse.Config, fs *flag.FlagSet, args []string, lang func() (msg.Lang, error), region func() (division.Region, error), stdout, stderr io.Writer) error {
	year := fs.Int("year", 0, "the year to seal")
	area := fs.String("area", "", "the area to seal (a division code within the region; default the region)")
	note := fs.String("note", "", "the report the figures went into, e.g. 2021年度项目支出绩效自评报告")
	supersede := fs.String("supersede", "", "the seal in force over the year and area, which the new seal replaces (needed when there is one)")
	c, err := command(ctx, cfg, fs, args, lang, region, sealUsage, func(w []string) bool {
		return len(w) == 0 && *year != 0 || len(w) == 1 && w[0] == "list" || len(w) == 2 && w[0] == "revoke"
	}, stderr)
	if err != nil {
		return err
	}
	defer c.Close()
	words, l, r, conn := c.words, c.lang, c.region, c.conn
	if len(words) == 1 {
		seals, err := query.New(conn, r).Seals(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, l.T("seal\tyear\tarea\tsealed\tby\tlots\t10k yuan\tnote\tstate"))
		for _, x := range seals {
			state := l.T("in force")
			if x.Revoked {
				state = l.T("revoked %s by %s", x.RevokedAt.Format("2006-01-02 15:04"), x.RevokedBy)
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", x.ID, x.Year, r.NameOf(x.Area), x.At.Format("2006-01-02 15:04"), x.User, x.Lots, x.Amount.Wan(), x.Note, state)
		}
		return tw.Flush()
	}
	loader := commit.NewLoader(conn, r)
	return c.audited(func(who string) (audit.Entry, error) {
		if len(words) == 2 {
			if err := loader.Revoke(ctx, words[1], who); err != nil {
				return audit.Entry{}, err
			}
			fmt.Fprintln(stdout, l.T("seal %s revoked", words[1]))
			return audit.Entry{Action: audit.Revoke, Path: "tradestat seal", Detail: words[1]}, nil
		}
		s, err := loader.Seal(ctx, *year, *area, *note, who, *supersede)
		if err != nil {
			return audit.Entry{}, err
		}
		fmt.Fprintln(stdout, l.T("sealed %d of %s as seal %s: %d lots, deal amount %s in 10k yuan (%s)", s.Year, r.NameOf(s.Area), s.ID, s.Lots, s.Amount.Wan(), s.Note))
		if s.Supersedes != "" {
			fmt.Fprintln(stdout, l.T("it supersedes seal %s", s.Supersedes))
		}
		return audit.Entry{Action: audit.Seal, Path: "tradestat seal", Detail: s.Detail()}, nil
	})
}
