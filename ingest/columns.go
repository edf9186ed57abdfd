package ingest

import (
	_ "embed"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v2"
	"golang.org/x/text/unicode/norm"

	"tradestat"
	"tradestat/money"
)

// Columns are recognised by what their headers mean rather than by a list of names: a header
// is normalised (headerText) and scored against every field from the terms it contains
// (vocabulary.yaml), and the whole header row is assigned at once, best scores first, so
// that two columns competing for one field are settled by a documented priority and the
// loser is reported. docs/exports.md explains the rules with examples.

//go:embed vocabulary.yaml
var vocabularyYAML []byte

// fieldTerms is one field's entry of the vocabulary.
type fieldTerms struct {
	Exact []string `yaml:"exact"`
	Need  []string `yaml:"need"`
	With  []string `yaml:"with"`
	Bare  bool     `yaml:"bare"`
	Not   []string `yaml:"not"`
}

// vocabulary is vocabulary.yaml, with every term normalised as headers are.
type vocabulary struct {
	Fields    map[string]fieldTerms  `yaml:"fields"`
	Derived   []string               `yaml:"derived"`
	MoneyLike []string               `yaml:"money_like"`
	Kinds     []string               `yaml:"kinds"`
	Ignore    []string               `yaml:"ignore"`
	UnitNote  []string               `yaml:"unit_note"`
	Values    map[string]valueColumn `yaml:"values"`
	Catalogue []catalogueEntry       `yaml:"trade_catalogue"`
	Nearest   []string               `yaml:"nearest_ignores"`
	Summary   []string               `yaml:"summary_rows"`
	Yuan      []string               `yaml:"currency_yuan"`
	Blank     []string               `yaml:"blank_cells"`
	Units     struct {
		Yuan []string `yaml:"yuan"`
		Wan  []string `yaml:"wan"`
	} `yaml:"unit_values"`
	NoteRows struct {
		Labels []string `yaml:"labels"`
		Marks  []string `yaml:"marks"`
		Pages  []string `yaml:"pages"`
	} `yaml:"note_rows"`

	status, opening, remote, trades *lexicon
	solicits                        *lexicon
	validity, winner                *lexicon
	summaryFirst                    []rune           // the first characters of Summary
	pages                           []*regexp.Regexp // NoteRows.Pages, compiled
	byField                         [numFields]fieldTerms
	exact                           map[string]field
}

// vocab is the embedded vocabulary, parsed once; a broken file is a build defect, which the
// package's tests catch.
var vocab = sync.OnceValue(func() *vocabulary {
	v := &vocabulary{exact: map[string]field{}}
	if err := yaml.UnmarshalStrict(vocabularyYAML, v); err != nil {
		panic("ingest: vocabulary.yaml: " + err.Error())
	}
	normAll := func(terms []string) []string {
		out := make([]string, 0, len(terms))
		for _, t := range terms {
			if k := headerText(t).key; k != "" {
				out = append(out, k)
			}
		}
		return out
	}
	for name, ft := range v.Fields {
		f, ok := parseField(name)
		if !ok {
			panic("ingest: vocabulary.yaml: unknown field " + name)
		}
		ft.Exact, ft.Need, ft.With, ft.Not = normAll(ft.Exact), normAll(ft.Need), normAll(ft.With), normAll(ft.Not)
		for _, e := range ft.Exact {
			v.exact[e] = f
		}
		v.byField[f] = ft
	}
	v.Derived, v.MoneyLike, v.Ignore, v.UnitNote = normAll(v.Derived), normAll(v.MoneyLike), normAll(v.Ignore), normAll(v.UnitNote)
	v.Kinds = normAll(v.Kinds)
	for _, list := range [][]string{v.Yuan, v.Units.Yuan, v.Units.Wan, v.Blank} {
		for i, t := range list {
			list[i] = plainValue(t)
		}
	}
	for _, ps := range v.NoteRows.Pages {
		v.pages = append(v.pages, regexp.MustCompile(ps))
	}
	for _, w := range v.Summary {
		r, _ := utf8.DecodeRuneInString(w)
		v.summaryFirst = append(v.summaryFirst, r)
	}
	for i, t := range v.NoteRows.Labels {
		v.NoteRows.Labels[i] = plainValue(t)
	}
	for i, t := range v.NoteRows.Marks {
		v.NoteRows.Marks[i] = plainValue(t)
	}
	v.status = columnLexicon(v.Values["status"], completed, notCompleted)
	v.opening = columnLexicon(v.Values["opening"], online, onSite)
	v.remote = columnLexicon(v.Values["remote"], remote, local)
	names := make([]string, 0, len(tradestat.Solicitations()))
	for _, m := range tradestat.Solicitations() {
		names = append(names, m.String())
	}
	v.solicits = columnLexicon(v.Values["procurement_method"], names...)
	v.validity = columnLexicon(v.Values["bid_valid"], bidValid, bidRejected)
	v.winner = columnLexicon(v.Values["winner"], bidWon, bidLost)
	if len(v.Values) != 6 {
		panic("ingest: vocabulary.yaml: values of a column the code does not read")
	}
	v.trades = catalogueLexicon(v.Catalogue)
	v.trades.ignore = v.Nearest
	return v
})

// The readings of the status and opening-mode columns (vocabulary.yaml, values).
const (
	completed    = "completed"
	notCompleted = "not_completed"
	online       = "online"
	onSite       = "on_site"
	remote       = "remote"
	local        = "local"
	bidValid     = "valid"
	bidRejected  = "rejected"
	bidWon       = "won"
	bidLost      = "lost"
)

// polar reads a bid list's yes-or-no cell of lexicon lx (validity, award) by its words; a
// plain yes or no means what the column's header (headerYes, the header's own reading) says,
// or yes when the header says neither (资格审查结果). said is false for an empty cell or one of
// neither reading, or of both.
func polar(lx *lexicon, cell, headerYes, yesLabel string) (yes, said bool) {
	if plain, ok := lx.plainSays(cell); ok {
		if headerYes == "" {
			return plain, true
		}
		return plain == (headerYes == yesLabel), true
	}
	l, ok := lx.read(cell).one()
	if !ok {
		return false, false
	}
	return l == yesLabel, true
}

// completed reads a status cell: whether its lot completed trading, and whether the cell
// says either, and only one, at all. An empty cell is a completed lot.
func (v *vocabulary) completed(cell string) (done, known bool) {
	r := v.status.read(cell)
	if r.empty {
		return true, true
	}
	l, ok := r.one()
	return l == completed, ok
}

// plainYes reports a cell that says yes outright (是, Y, 1, √ …).
func (v *vocabulary) plainYes(cell string) bool {
	yes, said := v.opening.plainSays(cell)
	return yes && said
}

// online reads an opening-mode cell by its words: whether the bids were opened online, and
// whether the cell says so unambiguously (words of one mode only, or a plain yes or no). An
// empty cell says nothing of an online opening: not online.
func (v *vocabulary) online(cell string) (isOnline, known bool) {
	// A plain yes or no is read whole, marks included (√, ×), which the reduction to words
	// drops.
	if yes, said := v.opening.plainSays(cell); said {
		return yes, true
	}
	r := v.opening.read(cell)
	if r.empty {
		return false, true
	}
	l, ok := r.one()
	return l == online, ok
}

// remoteEvaluation reads a remote-evaluation cell (是否远程异地评标, or an evaluation place with
// 主场/副场) by its words, or a plain yes or no. A cell that says neither, or both, says nothing
// of it: an evaluation place is often a venue's name alone, which is no bad input, and the
// section is then in no remote-evaluation figure (whose basis counts the sections that say).
func (v *vocabulary) remoteEvaluation(cell string) tradestat.Remote {
	yes, said := v.remote.plainSays(cell)
	if !said {
		l, ok := v.remote.read(cell).one()
		if !ok {
			return tradestat.RemoteUnknown
		}
		yes = l == remote
	}
	if yes {
		return tradestat.RemoteYes
	}
	return tradestat.RemoteNo
}

// solicitation reads a procurement method cell (招标方式, 采购方式) by its words: unknown when
// it names none of the methods, or more than one.
func (v *vocabulary) solicitation(cell string) tradestat.Solicitation {
	l, ok := v.solicits.read(cell).one()
	if !ok {
		return tradestat.SolicitUnknown
	}
	for _, m := range tradestat.Solicitations() {
		if m.String() == l {
			return m
		}
	}
	return tradestat.SolicitUnknown
}

// blank reports a text cell that says nothing: empty, or a placeholder (blank_cells in
// vocabulary.yaml: a dash, a slash, 无).
func (v *vocabulary) blank(cell string) bool {
	p := plainValue(cell)
	return p == "" || slices.Contains(v.Blank, p)
}

// summaryStart reports whether a trimmed cell begins with the first character of a summary
// word, the cheap test that spares most cells the full one.
func (v *vocabulary) summaryStart(cell string) bool {
	r, _ := utf8.DecodeRuneInString(cell)
	return slices.Contains(v.summaryFirst, r)
}

// unitNamed is the unit a cell or mapping entry names outright (元, 万元, yuan …; unit_values
// in vocabulary.yaml), 0 for none.
func (v *vocabulary) unitNamed(s string) money.Fen {
	p := plainValue(s)
	switch {
	case p == "":
		return 0
	case slices.Contains(v.Units.Yuan, p):
		return money.Yuan
	case slices.Contains(v.Units.Wan, p):
		return money.Wan
	}
	return 0
}

// noteCell reports a cell that belongs to a note row rather than to a lot: a label followed by
// a colon (制表人：张三, 填报单位（盖章）：…), a stamp mark in brackets (（盖章）) or a page
// footer (note_rows in vocabulary.yaml).
func (v *vocabulary) noteCell(cell string) bool {
	p := plainValue(cell)
	for _, re := range v.pages {
		if re.MatchString(p) {
			return true
		}
	}
	if head, _, ok := strings.Cut(p, ":"); ok {
		for _, l := range v.NoteRows.Labels {
			if strings.HasPrefix(head, l) {
				return true
			}
		}
	}
	for _, m := range v.NoteRows.Marks {
		if strings.Contains(p, "("+m+")") {
			return true
		}
	}
	return false
}

// plainValue is a cell folded for a whole-value comparison: full- and half-width forms alike
// (NFKC), lower case, without spaces.
func plainValue(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.ToLower(norm.NFKC.String(s)))
}

// header is a header cell reduced for matching.
type header struct {
	key string // NFKC, lower case, without spaces, brackets, separators, marks and units
	// head is key without what the cell writes in brackets: what the column is, before the
	// values, units or notes a bracket lists (报价类型（总价、上浮、下浮） is a 报价类型).
	head    string
	unit    money.Fen // the unit the cell states (万元 or 元), 0 when none
	perUnit bool      // a price per something (元/平方米): not an amount of the lot
}

var (
	// unitInHeader finds a unit stated in a header: 万元, 元, 单位:万元, (人民币元), _yuan.
	unitInHeader = regexp.MustCompile(`(单位[:：]?)?(人民币)?(万元|元)|_yuan$|_wan$|\(yuan\)`)
	// perUnitPrice is a price per unit of something: 元/平方米, 元/吨, 万元/亩.
	perUnitPrice = regexp.MustCompile(`元/[^)\]】）]`)
	// headerNoise are the characters a header's meaning does not depend on: brackets of every
	// kind, separators between two names, required-marks and punctuation.
	headerNoise = strings.NewReplacer(
		"(", "", ")", "", "[", "", "]", "", "{", "", "}", "", "<", "", ">", "", "【", "", "】", "",
		"〔", "", "〕", "", "《", "", "》", "", "「", "", "」", "", "『", "", "』", "", "〈", "", "〉", "",
		"/", "", "\\", "", "|", "", "、", "", ",", "", ";", "", ":", "", "-", "", "—", "", "~", "",
		"*", "", "★", "", "☆", "", "※", "", "●", "", "▲", "", "△", "", "◆", "", "◇", "", "■", "", "√", "",
		"必填", "", "必录", "", "或", "", "及", "", "和", "", "与", "", "&", "", "+", "", "'", "", "\"", "", "?", "", "!", "")
)

// headerText normalises a header cell: full- and half-width forms folded (NFKC), lower case,
// white space and line breaks dropped, a unit anywhere in it taken out and returned, brackets
// (nested or not), separators (/ 或 及 和 、), required-marks and punctuation dropped.
func headerText(s string) header {
	s = plainValue(s)
	var h header
	if perUnitPrice.MatchString(s) {
		h.perUnit = true
	}
	for _, m := range unitInHeader.FindAllStringSubmatch(s, -1) {
		switch {
		case m[3] == "万元" || m[0] == "_wan":
			h.unit = money.Wan
		case h.unit == 0:
			h.unit = money.Yuan
		}
	}
	h.key, h.head = s, s
	if s != "#" && s != "no." {
		h.key, h.head = reduceHeader(s), reduceHeader(withoutBrackets(s))
	}
	return h
}

// reduceHeader takes out of a plain header what its meaning does not depend on: a unit,
// brackets, separators, marks.
func reduceHeader(s string) string {
	s = unitInHeader.ReplaceAllString(s, "")
	s = headerNoise.Replace(s)
	return strings.ReplaceAll(s, "单元", "")
}

// bracketed is a bracket and what it holds, innermost first.
var bracketed = regexp.MustCompile(`\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕`)

// withoutBrackets is a plain header without its bracketed parts; the header itself when it is
// nothing but brackets.
func withoutBrackets(s string) string {
	for {
		t := bracketed.ReplaceAllString(s, "")
		if t == s {
			break
		}
		s = t
	}
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return s
}

// score is how strongly a normalised header means field f: 100 for an exact name, 40–80 for
// terms (higher for a term earlier in the priority list), 0 for no match.
func (v *vocabulary) score(h header, f field) int {
	key, ft := h.key, v.byField[f]
	if g, ok := v.exact[key]; ok && g == f {
		return 100
	}
	// What rules a field out is looked for in the head: a bracket qualifies the column
	// (中标价（下浮后）is the award, after the discount) rather than making it another.
	if containsAny(h.head, ft.Not) >= 0 {
		return 0
	}
	need := containsAny(key, ft.Need)
	if need < 0 {
		return 0
	}
	if len(ft.With) > 0 {
		if w := containsAny(key, ft.With); w >= 0 {
			return 80 - w
		}
		if !ft.Bare {
			return 0
		}
		return 40 - min(need, 20)
	}
	if !ft.Bare {
		return 0
	}
	return 60 - min(need, 20)
}

// endsWithAny tells whether key ends with one of terms.
func endsWithAny(key string, terms []string) bool {
	for _, t := range terms {
		if strings.HasSuffix(key, t) {
			return true
		}
	}
	return false
}

// containsAny is the index of the first term key contains, -1 for none.
func containsAny(key string, terms []string) int {
	for i, t := range terms {
		if strings.Contains(key, t) {
			return i
		}
	}
	return -1
}

// resembles is the field an unread column most looks like, from its need terms alone, and
// whether it looks like money.
func (v *vocabulary) resembles(key string) (field, bool) {
	best, bestAt := fNone, -1
	for f := fProjectCode; f < numFields; f++ {
		if i := containsAny(key, v.byField[f].Need); i >= 0 && (best == fNone || len(v.byField[f].Need[i]) > bestAt) {
			best, bestAt = f, len(v.byField[f].Need[i])
		}
	}
	return best, containsAny(key, v.MoneyLike) >= 0
}

// cellRole is what the assignment made of one header cell.
type cellRole struct {
	index   int
	text    string // the cell as written (both rows of a two-row header)
	h       header
	field   field
	score   int
	derived bool // a figure tradestat computes itself (节约资金, 增值额): recognised, not read
}

// unreadColumn is a header cell that maps to no field.
type unreadColumn struct {
	header    string
	resembles field
	moneyLike bool
}

// competition is a field two or more columns could have been: the winner and the others.
type competition struct {
	field  field
	winner string
	losers []string
}

// assign maps a header row to fields: every cell is scored against every field, and the
// pairs are taken best first, each field and each cell at most once (a serial column may
// repeat). extra, from a mapping file, overrides the vocabulary for the cells it names.
func assign(cells []string, extra Mapping, tableUnit money.Fen) layout {
	return assignAs(lotRows, cells, extra, tableUnit)
}

// assignAs is assign for a table of kind k: only the fields k reads are candidates.
func assignAs(k kind, cells []string, extra Mapping, tableUnit money.Fen) layout {
	v := vocab()
	l := emptyLayout()
	l.kind = k
	var cands []cand
	roles := make([]cellRole, len(cells))
	for i, cell := range cells {
		// A header broken over lines (Alt+Enter in Excel, <br> in an HTML export) is one name.
		text := strings.NewReplacer("\r", "", "\n", "").Replace(strings.TrimSpace(cell))
		roles[i] = cellRole{index: i, text: text, h: headerText(text)}
		if text == "" || roles[i].h.key == "" {
			continue
		}
		key := roles[i].h.key
		if mf, ok := extra[text]; ok && k.reads(mf.field) {
			if mf.unit != 0 {
				roles[i].h.unit = mf.unit
			}
			cands = append(cands, cand{i, mf.field, 1000})
			continue
		}
		if f, ok := v.exact[key]; ok {
			if k.reads(f) {
				cands = append(cands, cand{i, f, 100})
			}
			continue
		}
		if containsAny(key, v.Ignore) >= 0 || sentence(text) {
			continue
		}
		// A header whose head names a kind (报价类型, 开标方式, 缴纳状态) classifies the row:
		// whatever money word it or its brackets hold, it is neither an amount nor a figure
		// computed from amounts. A derived word counts in the head alone: 成交金额（下浮后） is
		// the deal amount, 下浮率（%） a derived figure.
		kind := endsWithAny(roles[i].h.head, v.Kinds)
		if !kind && containsAny(roles[i].h.head, v.Derived) >= 0 && !strings.Contains(key, "税") {
			roles[i].derived = true
			continue
		}
		budget, reserve := v.score(roles[i].h, fBudget), v.score(roles[i].h, fReserve)
		if budget > 0 && reserve > 0 && k == lotRows { // 控制价/起拍价: one column, read by the lot's kind
			cands = append(cands, cand{i, fBasis, max(budget, reserve)})
			continue
		}
		for f := fProjectCode; f < numFields; f++ {
			if !k.reads(f) {
				continue
			}
			if s := v.score(roles[i].h, f); s > 0 {
				if f.isMoney() && (roles[i].h.perUnit || kind) {
					continue // 单价(元/平方米), 报价方式 are not amounts of the lot
				}
				cands = append(cands, cand{i, f, s})
			}
		}
	}
	sort.SliceStable(cands, func(a, b int) bool {
		if cands[a].score != cands[b].score {
			return cands[a].score > cands[b].score
		}
		return cands[a].col < cands[b].col
	})
	taken := make([]bool, len(cells))
	var contests []competition
	lost := map[field][]int{}
	for _, c := range cands {
		if taken[c.col] {
			continue
		}
		if c.f == fSerial {
			taken[c.col] = true
			roles[c.col].field = fSerial
			continue
		}
		if l.at[c.f] >= 0 {
			if best := bestField(cands, c.col); best == c.f {
				lost[c.f] = append(lost[c.f], c.col)
				l.alt[c.f] = append(l.alt[c.f], c.col)
			}
			continue
		}
		taken[c.col] = true
		roles[c.col].field, roles[c.col].score = c.f, c.score
		l.at[c.f] = c.col
	}
	for f := fProjectCode; f < numFields; f++ {
		// A column that lost one field and was then given another (开标日期 beside 成交日期
		// is the opening date) lost nothing a reader needs to hear of.
		var losers []string
		for _, col := range lost[f] {
			if !taken[col] {
				losers = append(losers, roles[col].text)
			}
		}
		if len(losers) > 0 {
			contests = append(contests, competition{field: f, winner: roles[l.at[f]].text, losers: losers})
		}
	}
	for i, r := range roles {
		switch {
		case r.text == "" || r.h.key == "":
		case r.field == fSerial:
			l.serials = append(l.serials, i)
		case r.field != fNone:
			unit := r.h.unit
			if unit == 0 {
				unit = tableUnit
			}
			if unit == 0 {
				unit = money.Yuan
			}
			l.unit[r.field], l.stated[r.field] = unit, r.h.unit != 0
			l.columns = append(l.columns, column{index: i, header: r.text, field: r.field, unit: unit, stated: r.h.unit != 0})
		case r.derived:
			l.derived = append(l.derived, r.text)
		default:
			f, moneyLike := v.resembles(r.h.key)
			if r.h.perUnit {
				moneyLike = true
			}
			if endsWithAny(r.h.head, v.Kinds) {
				moneyLike = false
			}
			l.unread = append(l.unread, unreadColumn{header: r.text, resembles: f, moneyLike: moneyLike})
		}
	}
	l.contests = contests
	l.tableUnit = tableUnit
	for _, pair := range sharedFields {
		// The second of a pair gives the first where no column does (an opening date the
		// completion date, a ceiling price the budget); the first gives the second only when
		// its header also means it (开标日期 is an opening date, 成交日期 is not).
		l.share(pair[0], pair[1], true)
		l.share(pair[1], pair[0], v.score(l.headerOf(roles, pair[0]), pair[1]) > 0)
	}
	return l
}

// headerOf is the normalised header of the column mapped to f, empty for none.
func (l layout) headerOf(roles []cellRole, f field) header {
	if i := l.at[f]; i >= 0 {
		return roles[i].h
	}
	return header{}
}

// share gives field to the column of from, when no column gives it and ok.
func (l *layout) share(to, from field, ok bool) {
	if l.at[to] >= 0 || l.at[from] < 0 || !ok {
		return
	}
	l.at[to], l.unit[to], l.stated[to] = l.at[from], l.unit[from], l.stated[from]
	l.shared = append(l.shared, [2]field{to, from})
}

// cand is a column that could be a field, and how strongly.
type cand struct {
	col   int
	f     field
	score int
}

// bestField is the field with the highest score for column col among cands (sorted).
func bestField(cands []cand, col int) field {
	for _, c := range cands {
		if c.col == col {
			return c.f
		}
	}
	return fNone
}

// unitNote finds a unit stated for a whole table in a title or note row above the header
// (单位：万元, 金额单位：元).
func unitNote(rec []string) money.Fen {
	v := vocab()
	for _, cell := range rec {
		h := headerText(cell)
		if h.unit == 0 {
			continue
		}
		raw := strings.ToLower(norm.NFKC.String(strings.Join(strings.Fields(cell), "")))
		for _, w := range v.UnitNote {
			if strings.Contains(raw, w) {
				return h.unit
			}
		}
	}
	return 0
}

// combineHeader joins the two rows of a two-row header cell by cell: a group label above
// (基本信息, 金额(万元)) and the name below (预算, 成交). A cell merged over both rows has the
// same text in each and is taken once.
func combineHeader(upper, lower []string) []string {
	n := max(len(upper), len(lower))
	out := make([]string, n)
	for i := range n {
		u, w := "", ""
		if i < len(upper) {
			u = strings.TrimSpace(upper[i])
		}
		if i < len(lower) {
			w = strings.TrimSpace(lower[i])
		}
		switch {
		case u == "" || u == w:
			out[i] = w
		case w == "":
			out[i] = u
		default:
			out[i] = u + " " + w
		}
	}
	return out
}

// groupRow reports whether a row can be the upper row of a two-row header: two or more
// distinct labels and nothing that looks like data or a note (a title merged across the table
// is one label; a data row holds numbers and dates; a note row says 填报单位：… 单位：万元).
func groupRow(rec []string) bool {
	seen := map[string]bool{}
	for _, c := range rec {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if startsLikeNumber(c) && len([]rune(c)) > 2 || strings.ContainsAny(c, ":：") {
			return false // data, or a note (填报单位：, 单位：万元)
		}
		seen[c] = true
	}
	return len(seen) >= 2
}

// maxHeaderRunes is the longest text taken for a column name: a longer cell, or one written
// as a sentence, is a title or a note (本表金额单位为万元，数据来源于交易系统。).
const maxHeaderRunes = 40

func sentence(text string) bool {
	return strings.ContainsAny(text, "。；") || len([]rune(text)) > maxHeaderRunes
}
