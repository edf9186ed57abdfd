package ingest

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"tradestat"
)

// Categorical cells (a trade type, a status, an opening mode) are read by the words they hold,
// as headers are: a cell is normalised (headerText), the words of its column's lexicon are
// found in it longest first, and what those words mean together decides the reading. A cell
// whose words mean two readings, or none, is never guessed at: the caller rejects it, naming
// the candidates or the nearest word known. vocabulary.yaml holds the words (values,
// trade_catalogue); docs/exports.md explains the rules with examples.

// valueColumn is one categorical column's entry of vocabulary.yaml (values).
type valueColumn struct {
	Negation []string            `yaml:"negation"`
	Readings map[string][]string `yaml:"readings"`
	Yes      []string            `yaml:"yes"`
	No       []string            `yaml:"no"`
}

// catalogueEntry is one trade type of the catalogue (vocabulary.yaml, trade_catalogue).
type catalogueEntry struct {
	Type   string   `yaml:"type"`
	Source string   `yaml:"source"`
	Names  []string `yaml:"names"`
	Subs   []struct {
		Name  string   `yaml:"name"`
		Terms []string `yaml:"terms"`
	} `yaml:"subs"`
	Hints []string `yaml:"hints"`
	Alone []string `yaml:"alone"`
}

// reading is one thing a word can mean: a label (a trade type, a status, a mode) and, for a
// trade type, the sub-type under it.
type reading struct {
	label, sub string
}

// word is a term of a lexicon and what it can mean.
type word struct {
	key      string // normalised as cells are
	readings []reading
	strong   bool // names a label outright: settles a cell over the words that only point to one
	alone    bool // read only when the cell holds no other word of the lexicon
}

// lexicon reads the cells of one categorical column.
type lexicon struct {
	words    []word // longest first
	negation []string
	labels   []string // every label, in the vocabulary's order
	yes, no  []string // whole cells that say yes or no outright, folded by plainValue
	ignore   []string // left out of a value when looking for the nearest word
}

// verdict is what a cell's words say.
type verdict struct {
	empty bool
	// labels are the readings the cell may have: one when it is read, several when its words
	// fit more than one and nothing tells which (could), or name more than one outright
	// (conflict); none when it names nothing known.
	labels   []string
	conflict bool
	subs     map[string]string // label → the first sub-type the cell names under it
	nearest  *word             // for a cell naming nothing known: the word most like it
}

// read finds the lexicon's words in a cell and says what they mean together.
func (lx *lexicon) read(cell string) verdict {
	k := headerText(cell).key
	if k == "" {
		return verdict{empty: true}
	}
	type found struct {
		at     int
		w      *word
		labels []string
	}
	var fs []found
	rest := k
	// Longest words first, and among words of one length the leftmost first, so that
	// overlapping words are read as a reader would (农村产权交易 is 农村产权 and 交易).
	for i := 0; i < len(lx.words); {
		j := i
		for j < len(lx.words) && len(lx.words[j].key) == len(lx.words[i].key) {
			j++
		}
		for {
			at, w := -1, (*word)(nil)
			for m := i; m < j; m++ {
				if p := strings.Index(rest, lx.words[m].key); p >= 0 && (at < 0 || p < at) {
					at, w = p, &lx.words[m]
				}
			}
			if w == nil {
				break
			}
			labels := w.labelSet()
			for _, n := range lx.negation {
				if strings.HasSuffix(rest[:at], n) {
					labels = lx.complement(labels)
					break
				}
			}
			fs = append(fs, found{at, w, labels})
			// Blanked once found, so that 未成交 is not also read as 成交.
			rest = rest[:at] + strings.Repeat("\x00", len(w.key)) + rest[at+len(w.key):]
		}
		i = j
	}
	sort.SliceStable(fs, func(a, b int) bool { return fs[a].at < fs[b].at })
	var v verdict
	var strong, weak, alone [][]string
	for _, f := range fs {
		switch {
		case f.w.alone:
			alone = append(alone, f.labels)
		case f.w.strong:
			strong = append(strong, f.labels)
		default:
			weak = append(weak, f.labels)
		}
	}
	switch {
	case len(strong) > 0:
		v.labels = lx.union(strong)
		v.conflict = len(v.labels) > 1
	case len(weak) > 0:
		v.labels = lx.intersection(weak)
		if len(v.labels) == 0 {
			v.labels, v.conflict = lx.union(weak), true
		}
	case len(alone) > 0:
		v.labels = lx.union(alone)
		v.conflict = len(v.labels) > 1
	default:
		v.nearest = lx.nearest(k)
		return v
	}
	for _, f := range fs {
		for _, r := range f.w.readings {
			if r.sub == "" || !slices.Contains(v.labels, r.label) {
				continue
			}
			if v.subs == nil {
				v.subs = map[string]string{}
			}
			if _, ok := v.subs[r.label]; !ok {
				v.subs[r.label] = r.sub
			}
		}
	}
	return v
}

// one is the cell's single reading, if it has one.
func (v verdict) one() (string, bool) {
	if v.conflict || len(v.labels) != 1 {
		return "", false
	}
	return v.labels[0], true
}

// settle narrows a cell that could be several readings by what its context allows (a sheet
// named after a type): a cell that names one reading, or two outright, is left as it says.
func (v verdict) settle(allowed []string) verdict {
	if v.conflict || len(v.labels) < 2 || len(allowed) == 0 {
		return v
	}
	var in []string
	for _, l := range v.labels {
		if slices.Contains(allowed, l) {
			in = append(in, l)
		}
	}
	if len(in) > 0 {
		v.labels = in
	}
	return v
}

func (w *word) labelSet() []string {
	var out []string
	for _, r := range w.readings {
		if !slices.Contains(out, r.label) {
			out = append(out, r.label)
		}
	}
	return out
}

// complement is every label but those given: what a negated word means (非现场 is online).
func (lx *lexicon) complement(labels []string) []string {
	var out []string
	for _, l := range lx.labels {
		if !slices.Contains(labels, l) {
			out = append(out, l)
		}
	}
	return out
}

// union is the labels any of the sets holds, in the lexicon's order.
func (lx *lexicon) union(sets [][]string) []string {
	var out []string
	for _, l := range lx.labels {
		for _, s := range sets {
			if slices.Contains(s, l) {
				out = append(out, l)
				break
			}
		}
	}
	return out
}

// intersection is the labels every set holds, in the lexicon's order.
func (lx *lexicon) intersection(sets [][]string) []string {
	var out []string
	for _, l := range lx.labels {
		all := true
		for _, s := range sets {
			all = all && slices.Contains(s, l)
		}
		if all {
			out = append(out, l)
		}
	}
	return out
}

// nearest is the word of the lexicon that shares the longest run of characters with key
// (the shorter word on a tie), nil when none shares two: one character in common says
// nothing of a meaning.
func (lx *lexicon) nearest(key string) *word {
	for _, s := range lx.ignore {
		key = strings.ReplaceAll(key, s, "")
	}
	var best *word
	bestLen := 1
	for i := range lx.words {
		w := &lx.words[i]
		n := commonRun(key, w.key)
		if n > bestLen || n == bestLen && best != nil && utf8.RuneCountInString(w.key) < utf8.RuneCountInString(best.key) {
			best, bestLen = w, n
		}
	}
	return best
}

// commonRun is the length in characters of the longest run two strings share.
func commonRun(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	best := 0
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			if ra[i-1] == rb[j-1] {
				cur[j] = prev[j-1] + 1
				best = max(best, cur[j])
			} else {
				cur[j] = 0
			}
		}
		prev, cur = cur, prev
	}
	return best
}

// lexiconBuilder gathers words and their readings, a word listed under several labels
// keeping all of them.
type lexiconBuilder struct {
	lx    lexicon
	index map[string]int
}

func newLexiconBuilder() *lexiconBuilder { return &lexiconBuilder{index: map[string]int{}} }

// add records that term means r; strong and alone say how it weighs.
func (b *lexiconBuilder) add(term string, r reading, strong, alone bool) {
	if !slices.Contains(b.lx.labels, r.label) {
		b.lx.labels = append(b.lx.labels, r.label)
	}
	key := headerText(term).key
	if key == "" {
		return
	}
	i, ok := b.index[key]
	if !ok {
		i = len(b.lx.words)
		b.index[key] = i
		b.lx.words = append(b.lx.words, word{key: key})
	}
	w := &b.lx.words[i]
	if strong && !w.strong {
		// A word that names a type outright means the type itself, whatever sub-type the
		// same word also names.
		w.strong, w.readings = true, nil
	} else if w.strong && !strong {
		return
	}
	w.alone = w.alone || alone
	if !slices.Contains(w.readings, r) {
		w.readings = append(w.readings, r)
	}
}

func (b *lexiconBuilder) build() *lexicon {
	lx := b.lx
	sort.SliceStable(lx.words, func(i, j int) bool { return len(lx.words[i].key) > len(lx.words[j].key) })
	return &lx
}

// columnLexicon builds the lexicon of one column of vocabulary.yaml's values, its readings
// in the order given.
func columnLexicon(c valueColumn, order ...string) *lexicon {
	b := newLexiconBuilder()
	for _, label := range order {
		terms, ok := c.Readings[label]
		if !ok {
			panic("ingest: vocabulary.yaml: values lack the reading " + label)
		}
		for _, t := range terms {
			b.add(t, reading{label: label}, true, false)
		}
	}
	if len(c.Readings) != len(order) {
		panic("ingest: vocabulary.yaml: values have a reading the code does not know")
	}
	lx := b.build()
	for _, n := range c.Negation {
		lx.negation = append(lx.negation, headerText(n).key)
	}
	for _, t := range c.Yes {
		lx.yes = append(lx.yes, plainValue(t))
	}
	for _, t := range c.No {
		lx.no = append(lx.no, plainValue(t))
	}
	return lx
}

// catalogueLexicon builds the trade catalogue's lexicon: labels are the canonical trade types.
func catalogueLexicon(entries []catalogueEntry) *lexicon {
	b := newLexiconBuilder()
	for _, e := range entries {
		if _, err := tradestat.ParseTradeType(e.Type); err != nil {
			panic("ingest: vocabulary.yaml: trade_catalogue: " + err.Error())
		}
		if e.Source == "" {
			panic("ingest: vocabulary.yaml: trade_catalogue: " + e.Type + " has no source")
		}
		// The canonical name reads as itself (其他 only alone, as its entry says).
		if !slices.Contains(e.Alone, e.Type) {
			b.add(e.Type, reading{label: e.Type}, true, false)
		}
		for _, n := range e.Names {
			b.add(n, reading{label: e.Type}, true, false)
		}
		for _, s := range e.Subs {
			for _, t := range append([]string{s.Name}, s.Terms...) {
				b.add(t, reading{label: e.Type, sub: s.Name}, false, false)
			}
		}
		for _, h := range e.Hints {
			b.add(h, reading{label: e.Type}, false, false)
		}
		for _, a := range e.Alone {
			b.add(a, reading{label: e.Type}, false, true)
		}
	}
	return b.build()
}

// plainSays reads a whole cell that says yes or no outright: whether it does, and which.
func (lx *lexicon) plainSays(cell string) (yes, said bool) {
	switch { // the common spellings as written, without folding them
	case cell == "":
		return false, false
	case slices.Contains(lx.yes, cell):
		return true, true
	case slices.Contains(lx.no, cell):
		return false, true
	}
	p := plainValue(cell)
	switch {
	case p == "":
		return false, false
	case slices.Contains(lx.yes, p):
		return true, true
	case slices.Contains(lx.no, p):
		return false, true
	}
	return false, false
}
