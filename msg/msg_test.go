package msg

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestCatalogCoversCallers walks every Go file of the module and checks that each catalog
// call with a literal key — printer.T(key, …), lang.T(key, …), textf(key, …),
// rejectf(rec, line, field, key, …), reason(err, key) — names a key the catalog has, so that
// no text silently stays in English.
func TestCatalogCoversCallers(t *testing.T) {
	root := filepath.Join("..")
	keyArg := map[string]int{"T": 0, "textf": 0, "rejectf": 3, "reason": 1, "Errorf": -1, "Fail": 1, "FailWith": 2, "refused": 1, "diskFailure": 0, "unreadable": 0, "Of": 0, "exportTitle": 0}
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// var/ holds the running servers' data, which other packages' tests create and drop
		// while this one walks: no source is there.
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") || path == filepath.Join(root, "var")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return err
		}
		// The packages that read, commit and file loads say everything through the catalog.
		usesCatalog := slices.Contains([]string{"ingest", "commit", "inbox"}, filepath.Base(filepath.Dir(path)))
		// The root package's failures (tradestat.Fail) are catalog messages wherever they are
		// made; the dashboard's own texts (its lang.T) are not yet.
		failures := filepath.Dir(path) == root
		for _, imp := range f.Imports {
			usesCatalog = usesCatalog || imp.Path.Value == `"tradestat/msg"`
			failures = failures || imp.Path.Value == `"tradestat"`
		}
		if !usesCatalog && !failures {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name := ""
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			case *ast.Ident:
				name = fn.Name
			}
			i, ok := keyArg[name]
			if !usesCatalog && name != "Fail" && name != "FailWith" && name != "diskFailure" && name != "Of" {
				return true
			}
			if !ok || i < 0 || len(call.Args) <= i {
				return true
			}
			lit, ok := call.Args[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			checked++
			if !Known(key) {
				t.Errorf("%s: %q is not in the catalog", fset.Position(lit.Pos()), key)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Errorf("only %d catalog calls found: the walk is broken", checked)
	}
}

// TestCatalog: every entry is unique, both forms take the same verbs, and numbers print as
// they are written (no digit grouping: 第1651行, 2021年).
func TestCatalog(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range entries() {
		if seen[e.en] {
			t.Errorf("%q twice", e.en)
		}
		seen[e.en] = true
		if verbs(e.en) != verbs(e.zh) {
			t.Errorf("%q: verbs %s, Chinese %q has %s", e.en, verbs(e.en), e.zh, verbs(e.zh))
		}
	}
	if got := Chinese.T("%s: row %d: %s", "a.csv", 12345, "x"); got != "a.csv：第12345行：x" {
		t.Errorf("Chinese: %q", got)
	}
	if got := English.T("%s: row %d: %s", "a.csv", 12345, "x"); got != "a.csv: row 12345: x" {
		t.Errorf("English: %q", got)
	}
	for _, tc := range []struct {
		in   string
		want Lang
		ok   bool
	}{{"", Chinese, true}, {"zh", Chinese, true}, {"en", English, true}, {"fr", Chinese, false}} {
		got, err := Parse(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("Parse(%q) = %v, %v", tc.in, got, err)
		}
	}
}

// verbs is the sequence of a format's verbs, with %q and %s counted as one kind (the Chinese
// form quotes with 「」 where the English uses %q).
func verbs(format string) string {
	var out []byte
	for i := 0; i < len(format)-1; i++ {
		if format[i] != '%' {
			continue
		}
		v := format[i+1]
		i++
		if v == '%' {
			continue
		}
		if v == 'q' {
			v = 's'
		}
		out = append(out, v)
	}
	return string(out)
}

// TestInterfaceCoversPages: every Chinese text a template or a handler of the dashboard
// passes to its T (a literal) has its English here, and each Chinese text is here once — a
// text without English would show in Chinese on an English page, silently.
func TestInterfaceCoversPages(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range interfaceEntries() {
		if seen[e.zh] {
			t.Errorf("%q twice", e.zh)
		}
		seen[e.zh] = true
	}
	dir := filepath.Join("..", "dashboard")
	literal := regexp.MustCompile(`\bT "((?:[^"\\]|\\.)*)"`)
	call := regexp.MustCompile(`\.T\("((?:[^"\\]|\\.)*)"\)`)
	checked := 0
	for _, pattern := range []string{"templates/*.html", "*.go"} {
		files, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			re := literal
			if strings.HasSuffix(f, ".go") {
				re = call
			}
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				text, err := strconv.Unquote(`"` + m[1] + `"`)
				if err != nil {
					t.Fatal(err)
				}
				checked++
				if _, ok := English.Interface(text); !ok {
					t.Errorf("%s: %q has no English", f, text)
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d texts found: the walk is broken", checked)
	}
}

// TestSayers: a message made before its reader is known is said in the reader's language,
// with its arguments — nested messages, phrases, lists and errors holding a message — said in
// that language too; an error holding none reads as it is.
func TestSayers(t *testing.T) {
	missing := []Message{Of("deal amount"), Of("trade type")}
	inner := Of("sheet %s: %v", "2021年", Phrase(func(l Lang) string { return l.T("none") }))
	outer := Of("%s: no sheet holds lots: %s", "a.xlsx", Join([]Sayer{inner, Join(missing)}))
	if got, want := outer.Text(Chinese), "a.xlsx：没有任何工作表含有交易数据：工作表「2021年」：无、成交金额、交易类型"; got != want {
		t.Errorf("Chinese: %q, want %q", got, want)
	}
	if got, want := outer.Text(English), "a.xlsx: no sheet holds lots: sheet 2021年: none, deal amount, trade type"; got != want {
		t.Errorf("English: %q, want %q", got, want)
	}
	wrapped := fmt.Errorf("load a.xlsx: %w", sayingError{outer})
	if got := Chinese.T("%s could not be read: %v", "a.xlsx", wrapped); !strings.HasPrefix(got, "a.xlsx 无法读取：a.xlsx：没有任何工作表") {
		t.Errorf("an error argument holding a message: %q", got)
	}
	if got := English.Say(wrapped); got != outer.Text(English) {
		t.Errorf("Say: %q", got)
	}
	if got := Chinese.Say(errors.New("disk")); got != "disk" {
		t.Errorf("Say of a plain error: %q", got)
	}
}

// sayingError is an error that says itself, as a failure of package tradestat does.
type sayingError struct{ m Message }

func (e sayingError) Error() string      { return e.m.Text(English) }
func (e sayingError) Text(l Lang) string { return e.m.Text(l) }
