package app

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"tradestat"
	"tradestat/auth"
	"tradestat/msg"
)

const userUsage = "usage: tradestat user --users FILE add NAME viewer|analyst|admin [--region CODE] [--replace]\n" +
	"       tradestat user --users FILE screen LABEL [--region CODE]\n" +
	"--region limits the account or link to a division (a county, a city, a province) within the deployment's region; without it, the whole region."

// usageOf is the usage of tradestat user in the account's language.
func usageOf(l msg.Lang) string { return l.T(userUsage) }

// runUser is `tradestat user add NAME ROLE` (the password read from the terminal without
// echo, or from standard input's first line) and `tradestat user screen LABEL` (prints a
// wall-display link token, shown once), on the accounts file --users. --region (before or
// after the names) limits the account or link to a division.
func runUser(fs *flag.FlagSet, args []string, getenv func(string) string, lang func() (msg.Lang, error), stdin *os.File, stdout, stderr io.Writer) error {
	file := fs.String("users", getenv("TRADESTAT_USERS"), "accounts file (TRADESTAT_USERS)")
	replace := fs.Bool("replace", false, "user add: give an existing account a new password and role (its region stays unless --region is given)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	l, err := lang()
	if err != nil {
		return err
	}
	region := ""
	fs.Visit(func(f *flag.Flag) { // given before the names; the environment's default is the deployment's
		if f.Name == "region" {
			region = f.Value.String()
		}
	})
	rest := fs.Args()
	if n := min(len(rest), map[string]int{"add": 3, "screen": 2}[first(rest)]); n > 0 && len(rest) > n {
		after := flag.NewFlagSet("tradestat user", flag.ContinueOnError)
		after.SetOutput(stderr)
		after.StringVar(&region, "region", region, "the division the account or link may see")
		after.BoolVar(replace, "replace", *replace, "give an existing account a new password and role")
		if err := after.Parse(rest[n:]); err != nil || after.NArg() > 0 {
			fmt.Fprintln(stderr, usageOf(l))
			return errUsage
		}
		rest = rest[:n]
	}
	if region != "" {
		if _, err := parseRegion(region); err != nil {
			return err
		}
	}
	if *file == "" || len(rest) == 0 {
		fmt.Fprintln(stderr, usageOf(l))
		return errUsage
	}
	switch {
	case rest[0] == "add" && len(rest) == 3:
		role, err := auth.ParseRole(rest[2])
		if err != nil {
			return err
		}
		password, err := readPassword(stdin, stderr, l)
		if err != nil {
			return err
		}
		add := auth.AddUser
		if *replace {
			add = auth.ReplaceUser
		}
		if err := add(*file, rest[1], role, password, region); err != nil {
			return err
		}
		fmt.Fprintln(stdout, l.T("%s: account %s, role %s, %s", *file, rest[1], l.T(role.String()), scopeOf(l, region)))
		return nil
	case rest[0] == "screen" && len(rest) == 2:
		token, err := auth.AddScreen(*file, rest[1], region)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, l.T("wall display %s, %s: /screen?token=%s (shown once; the file keeps only its hash)", rest[1], scopeOf(l, region), token))
		return nil
	}
	fmt.Fprintln(stderr, usageOf(l))
	return errUsage
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// scopeOf says which region an account or link sees.
func scopeOf(l msg.Lang, region string) string {
	if region == "" {
		return l.T("sees the deployment's whole region")
	}
	name := region
	if r, err := parseRegion(region); err == nil {
		name = r.Root().FullName()
	}
	return l.T("sees %s (%s) only", name, region)
}

func readPassword(stdin *os.File, stderr io.Writer, l msg.Lang) (string, error) {
	if term.IsTerminal(int(stdin.Fd())) {
		fmt.Fprint(stderr, l.T("password: "))
		b, err := term.ReadPassword(int(stdin.Fd()))
		fmt.Fprintln(stderr)
		return string(b), err
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", tradestat.Fail(tradestat.Invalid, "password: none on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
