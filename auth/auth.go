// Package auth holds who may use tradestat: accounts with a role and a bcrypt password hash,
// and read-only links for wall displays, in a text file the administrator keeps (tradestat
// user add writes it). One line an entry:
//
//	user:NAME:ROLE:BCRYPT-HASH[:REGION]
//	screen:LABEL:SHA256-OF-TOKEN[:REGION]
//
// REGION is the division code of the area the account or link may see (a county, a city, a
// province within the deployment's region); without it, the deployment's whole region.
// Roles nest: a viewer sees the dashboard and the wall display; an analyst also the lot lists
// and the exports; an admin also uploads and ingest status. Screen links hold a random token
// of which the file keeps only the hash, and open the wall display alone.
package auth

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"tradestat"
)

// Role is what an account may do; a higher role may do everything a lower one may.
type Role int

// The roles, lowest first.
const (
	Viewer Role = iota + 1
	Analyst
	Admin
)

// ParseRole accepts a role name.
func ParseRole(s string) (Role, error) {
	switch s {
	case "viewer":
		return Viewer, nil
	case "analyst":
		return Analyst, nil
	case "admin":
		return Admin, nil
	}
	return 0, tradestat.Fail(tradestat.Invalid, "unknown role %q (want viewer, analyst or admin)", s)
}

func (r Role) String() string {
	switch r {
	case Viewer:
		return "viewer"
	case Analyst:
		return "analyst"
	case Admin:
		return "admin"
	}
	return "none"
}

// User is one account.
type User struct {
	Name   string
	Role   Role
	Region string // the division code it may see; "" for the deployment's whole region
	hash   []byte
}

// Link is a wall-display link.
type Link struct {
	Label  string
	Region string // as User.Region
}

// Users is the accounts and screen links of a file.
type Users struct {
	users   map[string]User
	screens map[string]Link // token hash → link
}

var codeRE = regexp.MustCompile(`^[0-9]{6}$`)

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_.@-]{1,64}$`)

// Load reads a users file, naming the line of the first problem.
func Load(path string) (*Users, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	u := &Users{users: map[string]User{}, screens: map[string]Link{}}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		parts := strings.Split(text, ":")
		switch {
		case parts[0] == "user" && (len(parts) == 4 || len(parts) == 5):
			role, err := ParseRole(parts[2])
			region := regionOf(parts, 4)
			if err != nil || !nameRE.MatchString(parts[1]) || !strings.HasPrefix(parts[3], "$2") || region == "-" {
				return nil, tradestat.Fail(tradestat.Invalid, "%s line %d: want user:NAME:ROLE:BCRYPT-HASH[:REGION]", path, line)
			}
			u.users[parts[1]] = User{Name: parts[1], Role: role, Region: region, hash: []byte(parts[3])}
		case parts[0] == "screen" && (len(parts) == 3 || len(parts) == 4) && len(parts[2]) == 64 && regionOf(parts, 3) != "-":
			u.screens[parts[2]] = Link{Label: parts[1], Region: regionOf(parts, 3)}
		default:
			return nil, tradestat.Fail(tradestat.Invalid, "%s line %d: not a user: or screen: entry", path, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return u, nil
}

// regionOf is the region field at i of an entry: "" when absent, "-" when not a code.
func regionOf(parts []string, i int) string {
	if len(parts) <= i {
		return ""
	}
	if !codeRE.MatchString(parts[i]) {
		return "-"
	}
	return parts[i]
}

// Regions is every region an account or link of the file is limited to.
func (u *Users) Regions() map[string][]string {
	out := map[string][]string{}
	for _, acct := range u.users {
		if acct.Region != "" {
			out[acct.Region] = append(out[acct.Region], "user "+acct.Name)
		}
	}
	for _, l := range u.screens {
		if l.Region != "" {
			out[l.Region] = append(out[l.Region], "screen "+l.Label)
		}
	}
	return out
}

// dummyHash is compared against when the name is unknown, so that a wrong name takes as long
// as a wrong password and does not tell which accounts exist.
const dummyHash = "$2a$10$CrAfN4xazSGUFgrv.Isfaet.v3dKw1Lioo4IWtFph1F8/opWfr452"

// Check returns the account of name if password is its password.
func (u *Users) Check(name, password string) (User, bool) {
	acct, ok := u.users[name]
	hash := acct.hash
	if !ok {
		hash = []byte(dummyHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || !ok {
		return User{}, false
	}
	return acct, true
}

// Lookup returns the account named name.
func (u *Users) Lookup(name string) (User, bool) {
	acct, ok := u.users[name]
	return acct, ok
}

// Screen reports whether token opens the wall display, and the link.
func (u *Users) Screen(token string) (Link, bool) {
	sum := sha256.Sum256([]byte(token))
	want := hex.EncodeToString(sum[:])
	for h, l := range u.screens {
		if subtle.ConstantTimeCompare([]byte(h), []byte(want)) == 1 {
			return l, true
		}
	}
	return Link{}, false
}

// minPassword is the shortest password tradestat accepts.
const minPassword = 10

// AddUser adds account name with role and password, limited to region ("" for the
// deployment's whole region). An account of that name is refused: adding is not the way to
// change one (ReplaceUser is).
func AddUser(path, name string, role Role, password, region string) error {
	if _, ok, err := userLine(path, name); err != nil || ok {
		if err == nil {
			err = tradestat.Fail(tradestat.Conflict, "account %s exists already; nothing was changed (give --replace to give it a new password and role)", name)
		}
		return err
	}
	return writeUser(path, name, role, password, region)
}

// ReplaceUser gives account name a new role and password. Its region stays what it was unless
// region is given: a replacement never widens what an account sees by leaving it out.
func ReplaceUser(path, name string, role Role, password, region string) error {
	old, ok, err := userLine(path, name)
	if err != nil {
		return err
	}
	if !ok {
		return tradestat.Fail(tradestat.NotFound, "there is no account %s to replace", name)
	}
	if region == "" {
		if f := strings.Split(old, ":"); len(f) > 4 {
			region = f[4]
		}
	}
	return writeUser(path, name, role, password, region)
}

// userLine is the accounts file's line of account name, if it has one.
func userLine(path, name string) (string, bool, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "user:"+name+":") {
			return l, true, nil
		}
	}
	return "", false, nil
}

func writeUser(path, name string, role Role, password, region string) error {
	if region != "" && !codeRE.MatchString(region) {
		return tradestat.Fail(tradestat.Invalid, "region %q: want a six-digit division code", region)
	}
	if !nameRE.MatchString(name) {
		return tradestat.Fail(tradestat.Invalid, "user name %q: use letters, digits and _ . @ - (at most 64)", name)
	}
	if len([]rune(password)) < minPassword {
		return tradestat.Fail(tradestat.Invalid, "password: at least %d characters", minPassword)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("user:%s:%s:%s", name, role, hash)
	if region != "" {
		line += ":" + region
	}
	return rewrite(path, "user:"+name+":", line)
}

// AddScreen creates a wall-display link labelled label, limited to region ("" for the
// deployment's whole region), and returns its token, which is shown once: the file keeps only
// its hash.
func AddScreen(path, label, region string) (string, error) {
	if region != "" && !codeRE.MatchString(region) {
		return "", tradestat.Fail(tradestat.Invalid, "region %q: want a six-digit division code", region)
	}
	if !nameRE.MatchString(label) {
		return "", tradestat.Fail(tradestat.Invalid, "label %q: use letters, digits and _ . @ - (at most 64)", label)
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := hex.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	line := "screen:" + label + ":" + hex.EncodeToString(sum[:])
	if region != "" {
		line += ":" + region
	}
	return token, rewrite(path, "screen:"+label+":", line)
}

// rewrite replaces the line starting with prefix by line, or appends it, writing the file
// through a temporary file so a crash never leaves it half written.
func rewrite(path, prefix, line string) error {
	var lines []string
	if data, err := os.ReadFile(path); err == nil {
		for _, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
			if l != "" && !strings.HasPrefix(l, prefix) {
				lines = append(lines, l)
			}
		}
	} else if !os.IsNotExist(err) {
		return err
	}
	lines = append(lines, line)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
