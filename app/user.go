package app

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"tradestat/auth"
)

// runUser is `tradestat user add NAME ROLE` (the password read from the terminal without
// echo, or from standard input's first line) and `tradestat user screen LABEL` (prints a
// wall-display link token, shown once), on the accounts file --users.
func runUser(fs *flag.FlagSet, args []string, getenv func(string) string, stdin *os.File, stdout, stderr io.Writer) error {
	file := fs.String("users", getenv("TRADESTAT_USERS"), "accounts file (TRADESTAT_USERS)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := fs.Args()
	if *file == "" || len(rest) == 0 {
		fmt.Fprintln(stderr, "usage: tradestat user --users FILE add NAME viewer|analyst|admin\n       tradestat user --users FILE screen LABEL")
		return errUsage
	}
	switch {
	case rest[0] == "add" && len(rest) == 3:
		role, err := auth.ParseRole(rest[2])
		if err != nil {
			return err
		}
		password, err := readPassword(stdin, stderr)
		if err != nil {
			return err
		}
		if err := auth.AddUser(*file, rest[1], role, password); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %s is a %s\n", *file, rest[1], role)
		return nil
	case rest[0] == "screen" && len(rest) == 2:
		token, err := auth.AddScreen(*file, rest[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wall display %s: /screen?token=%s (shown once; the file keeps only its hash)\n", rest[1], token)
		return nil
	}
	fmt.Fprintln(stderr, "usage: tradestat user --users FILE add NAME viewer|analyst|admin\n       tradestat user --users FILE screen LABEL")
	return errUsage
}

func readPassword(stdin *os.File, stderr io.Writer) (string, error) {
	if term.IsTerminal(int(stdin.Fd())) {
		fmt.Fprint(stderr, "password: ")
		b, err := term.ReadPassword(int(stdin.Fd()))
		fmt.Fprintln(stderr)
		return string(b), err
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("password: none on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
