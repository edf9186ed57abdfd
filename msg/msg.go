// Package msg is tradestat's one message catalog: every text a clerk or a leader reads — the
// account of a load, the dry run, the worker's report, reject reasons, errors — is written
// once here in Chinese and English, and looked up by its English form. Chinese is the
// default; English is chosen with --lang en or TRADESTAT_LANG=en.
//
// Lookups go through golang.org/x/text/message. Its printer groups the digits of every
// number it formats (1,651; 2,021 for a year), which no report wants, so integers are handed
// to it as plain text: a row number, a year or a count reads as it does in the file.
package msg

import (
	"errors"
	"fmt"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Lang is the language of a text: Chinese (the default) or English.
type Lang int

// The languages tradestat writes.
const (
	Chinese Lang = iota
	English
)

// Parse reads a language name: zh, zh-CN or empty for Chinese, en for English.
func Parse(s string) (Lang, error) {
	switch s {
	case "", "zh", "zh-CN", "zh-cn", "cn":
		return Chinese, nil
	case "en", "en-US", "en-GB":
		return English, nil
	}
	return Chinese, fmt.Errorf("language %q: want zh or en", s)
}

func (l Lang) tag() language.Tag {
	if l == English {
		return language.English
	}
	return language.SimplifiedChinese
}

// built is the catalog, made once from the entries of catalog.go.
var built = sync.OnceValue(func() catalog.Catalog {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for _, e := range entries() {
		if err := b.SetString(language.SimplifiedChinese, e.en, e.zh); err != nil {
			panic(fmt.Sprintf("msg: %q: %v", e.en, err))
		}
		if err := b.SetString(language.English, e.en, e.en); err != nil {
			panic(fmt.Sprintf("msg: %q: %v", e.en, err))
		}
	}
	return b
})

// Printer writes the catalog's messages in one language.
type Printer struct {
	p    *message.Printer
	lang Lang
}

// Printer returns a printer for the language.
func (l Lang) Printer() Printer {
	return Printer{message.NewPrinter(l.tag(), message.Catalog(built())), l}
}

// T looks key (a message's English form, a fmt format) up in the catalog and formats it
// with args. An argument that says itself (a Sayer, or an error holding one) is said in the
// printer's language.
func (p Printer) T(key string, args ...any) string {
	return p.p.Sprintf(key, plain(p.lang, args)...)
}

// Sayer is a value that says itself in a language: a catalog message whose reader is not yet
// known, a failure, a division's error.
type Sayer interface{ Text(Lang) string }

// Message is a catalog message with its arguments, said only once its reader's language is
// known: an error made deep in a load is read by a clerk in Chinese and logged in English.
type Message struct {
	key  string
	args []any
}

// Of is the catalog message key with args.
func Of(key string, args ...any) Message { return Message{key, args} }

// Text is the message in l.
func (m Message) Text(l Lang) string { return l.T(m.key, m.args...) }

// Key is the message's key, its English format.
func (m Message) Key() string { return m.key }

// Phrase is a text its function makes in a language: a list of the reader's words, a
// description said by a printer.
type Phrase func(Lang) string

// Text is the phrase in l.
func (f Phrase) Text(l Lang) string { return f(l) }

// Join is items said in l and separated by the catalog's ", " in l.
func Join[S Sayer](items []S) Phrase {
	return func(l Lang) string {
		sep := l.T(", ")
		out := ""
		for i, it := range items {
			if i > 0 {
				out += sep
			}
			out += it.Text(l)
		}
		return out
	}
}

// Say is err as a person reads it in l: the first Sayer in its chain said in l, or its own
// text when it holds none.
func (l Lang) Say(err error) string {
	var s Sayer
	if errors.As(err, &s) {
		return s.Text(l)
	}
	return err.Error()
}

// T is the language's Printer's T.
func (l Lang) T(key string, args ...any) string { return l.Printer().T(key, args...) }

// plainInt prints an integer as digits alone.
type plainInt int64

func (n plainInt) Format(f fmt.State, verb rune) {
	if f.Flag('+') {
		fmt.Fprintf(f, "%+d", int64(n))
		return
	}
	fmt.Fprintf(f, "%d", int64(n))
}

// plain hands integers of the built-in types to the printer as plain digits, and says Sayers
// (and errors holding one) in l; named types (money, dates) keep their own formatting.
func plain(l Lang, args []any) []any {
	var out []any
	for i, a := range args {
		var n int64
		switch v := a.(type) {
		case Sayer:
			if out == nil {
				out = append([]any(nil), args...)
			}
			out[i] = v.Text(l)
			continue
		case error:
			var s Sayer
			if !errors.As(v, &s) {
				continue
			}
			if out == nil {
				out = append([]any(nil), args...)
			}
			out[i] = s.Text(l)
			continue
		case int:
			n = int64(v)
		case int32:
			n = int64(v)
		case int64:
			n = v
		case uint32:
			n = int64(v)
		case uint64:
			n = int64(v)
		default:
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = plainInt(n)
	}
	if out == nil {
		return args
	}
	return out
}

// Known reports whether key has an entry in the catalog.
func Known(key string) bool {
	for _, e := range entries() {
		if e.en == key {
			return true
		}
	}
	return false
}

// interfaceIndex is interfaceEntries by their Chinese form.
var interfaceIndex = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, e := range interfaceEntries() {
		m[e.zh] = e.en
	}
	return m
})

// Interface is a text of the dashboard's interface, written in Chinese, in l; ok is false
// when the catalog has no English for it (the text is then returned as it is).
func (l Lang) Interface(zh string) (string, bool) {
	if l != English {
		return zh, true
	}
	en, ok := interfaceIndex()[zh]
	if !ok {
		return zh, false
	}
	return en, true
}
