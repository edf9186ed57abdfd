package inbox

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"tradestat"
)

// Inbox is the layout of the worker's inbox directory, kept here alone (the worker fills it,
// the dashboard's uploads and status page read it): files waiting at the top, done/ and
// failed/ holding each filed file with its report (NAME.report.txt) and reject report
// (NAME.rejects.csv) beside it, and regions/CODE/, an inbox of the same layout for files whose
// lots must lie within the division CODE — an admin limited to that region uploads there, and
// the worker loads them with that region, so that its lots elsewhere are rejected naming it.
type Inbox struct {
	Dir    string
	Region string // "" for the top inbox; the division code of a regions/CODE inbox
}

const (
	doneDir    = "done"
	failedDir  = "failed"
	regionsDir = "regions"
	reportExt  = ".report.txt"
	rejectsExt = ".rejects.csv"
)

// Of is the inbox of the region code within in, which must be the top inbox.
func (in Inbox) Of(code string) Inbox {
	return Inbox{Dir: filepath.Join(in.Dir, regionsDir, code), Region: code}
}

// Regions lists the region inboxes under the top inbox, by code. A name that is not all
// digits is no region inbox and is left alone (the worker reports it).
func (in Inbox) Regions() ([]Inbox, error) {
	entries, err := os.ReadDir(filepath.Join(in.Dir, regionsDir))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	var out []Inbox
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, in.Of(e.Name()))
		}
	}
	return out, nil
}

// ReservedName reports the names of the worker's own reports, which an inbox file may not
// take: a file named x.csv.report.txt would overwrite the report of x.csv.
func ReservedName(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, reportExt) || strings.HasSuffix(n, rejectsExt)
}

// MaxNameBytes bounds an inbox file's name: the worker names its reports after the file
// (NAME.report.txt, NAME.rejects.csv, .rejects-NAME.csv), and a file system takes 255 bytes
// in a name, which a Chinese name of 85 characters already passes.
const MaxNameBytes = 200

// FitName is name cut to MaxNameBytes at a character's boundary, its extension kept and a tag
// of the whole name added, so that two long names that begin alike stay two files.
func FitName(name string) string {
	if len(name) <= MaxNameBytes {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	ext := filepath.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	stem := name[:len(name)-len(ext)]
	ext = "~" + hex.EncodeToString(sum[:4]) + ext
	for len(stem)+len(ext) > MaxNameBytes {
		_, size := utf8.DecodeLastRuneInString(stem)
		stem = stem[:len(stem)-max(size, 1)]
	}
	return stem + ext
}

// inProgress reports the names copies are written under before they are renamed into
// place (docs/inbox.md): a .part, .tmp, .partial, .crdownload or .filepart file is never read.
func inProgress(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".part", ".tmp", ".partial", ".crdownload", ".filepart":
		return true
	}
	return false
}

// waitingFile is a file the worker will read: regular, not hidden, no Excel lock file and
// not a copy in progress.
func waitingFile(e os.DirEntry) bool {
	n := e.Name()
	return e.Type().IsRegular() && !strings.HasPrefix(n, ".") && !strings.HasPrefix(n, "~$") && !inProgress(n)
}

// pending lists the files waiting in in that have not changed for settle, oldest first.
func (in Inbox) pending(settle time.Duration) ([]string, error) {
	entries, err := os.ReadDir(in.Dir)
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	type file struct {
		name string
		mod  time.Time
	}
	var files []file
	for _, e := range entries {
		if !waitingFile(e) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		if time.Since(info.ModTime()) < settle {
			continue
		}
		files = append(files, file{e.Name(), info.ModTime()})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].mod.Before(files[j].mod) })
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.name
	}
	return names, nil
}

// Waiting is a file in an inbox the worker has not filed yet.
type Waiting struct {
	Name, Region string
}

// Filed is a file the worker has dealt with, and its report.
type Filed struct {
	Name, Region string
	Done         bool // loaded (done/); false: it could not be read (failed/)
	Report       string
	Rejects      bool   // a reject report lies beside it
	When         string // when the report was written, Asia/Shanghai
}

// Dir is the directory of the filed file, done or failed, as the reject report's URL names it.
func (f Filed) Dir() string {
	if f.Done {
		return doneDir
	}
	return failedDir
}

// Status lists the files waiting in in and the newest max of those the worker filed there,
// newest first; with regions, those of every region inbox under it too.
func (in Inbox) Status(max int, regions bool) (waiting []Waiting, filed []Filed, err error) {
	inboxes := []Inbox{in}
	if regions {
		sub, err := in.Regions()
		if err != nil {
			return nil, nil, err
		}
		inboxes = append(inboxes, sub...)
	}
	for _, b := range inboxes {
		entries, err := os.ReadDir(b.Dir)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("inbox: %w", err)
		}
		for _, e := range entries {
			if waitingFile(e) {
				waiting = append(waiting, Waiting{Name: e.Name(), Region: b.Region})
			}
		}
		for _, dir := range []string{doneDir, failedDir} {
			f, err := b.filed(dir)
			if err != nil {
				return nil, nil, err
			}
			filed = append(filed, f...)
		}
	}
	sort.SliceStable(filed, func(i, j int) bool { return filed[i].When > filed[j].When })
	if len(filed) > max {
		filed = filed[:max]
	}
	return waiting, filed, nil
}

// filed lists the reports in dir (done or failed).
func (in Inbox) filed(dir string) ([]Filed, error) {
	entries, err := os.ReadDir(filepath.Join(in.Dir, dir))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	names := map[string]bool{}
	for _, e := range entries {
		names[e.Name()] = true
	}
	var out []Filed
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), reportExt)
		if !ok {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		body, err := os.ReadFile(filepath.Join(in.Dir, dir, e.Name()))
		if err != nil {
			continue // moved away meanwhile
		}
		out = append(out, Filed{Name: name, Region: in.Region, Done: dir == doneDir, Report: string(body),
			Rejects: names[name+rejectsExt], When: info.ModTime().In(tradestat.Shanghai).Format("2006-01-02 15:04:05")})
	}
	return out, nil
}

// RejectReport is the path of the reject report of file, filed in dir (done or failed), if
// there is one. Only names the directory lists are found, so no path can be made up.
func (in Inbox) RejectReport(dir, file string) (string, bool) {
	if dir != doneDir && dir != failedDir {
		return "", false
	}
	entries, err := os.ReadDir(filepath.Join(in.Dir, dir))
	if err != nil {
		return "", false
	}
	for _, e := range entries {
		if e.Name() == file+rejectsExt && e.Type().IsRegular() {
			return filepath.Join(in.Dir, dir, e.Name()), true
		}
	}
	return "", false
}

// Put links the complete file at tmp (a hidden name in in.Dir) into the inbox as name, and
// returns the name it got. A link never replaces a file: one of that name still waiting for
// the worker (even one put there this very moment) keeps its name, and this one gets a time
// in front.
func (in Inbox) Put(tmp, name string) (string, error) {
	err := os.Link(tmp, filepath.Join(in.Dir, name))
	if errors.Is(err, os.ErrExist) {
		name = time.Now().In(tradestat.Shanghai).Format("20060102-150405.000000") + "-" + name
		err = os.Link(tmp, filepath.Join(in.Dir, name))
	}
	return name, err
}

// file moves the inbox file name to dir (done or failed) with its report, and its reject
// report if any, beside it. A name taken there (by the file or by either report) gets a time
// prefix rather than overwriting anything.
func (in Inbox) file(name, dir, report, rejects string) error {
	if err := os.MkdirAll(filepath.Join(in.Dir, dir), 0o755); err != nil {
		return err
	}
	dest := filepath.Join(in.Dir, dir, name)
	for _, p := range []string{dest, dest + reportExt, dest + rejectsExt} {
		if _, err := os.Lstat(p); err == nil {
			dest = filepath.Join(in.Dir, dir, time.Now().Format("20060102-150405.000000")+"-"+name)
			break
		}
	}
	err := os.WriteFile(dest+reportExt, []byte(report), 0o644)
	if err == nil && rejects != "" {
		err = os.Rename(rejects, dest+rejectsExt)
	}
	if err == nil {
		if err = os.Rename(filepath.Join(in.Dir, name), dest); errors.Is(err, os.ErrNotExist) {
			err = nil
		}
	}
	return err
}
