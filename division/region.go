package division

import (
	"slices"
	"strings"

	"tradestat/msg"
)

// Region is what one deployment serves: a division and everything below it. It reads the
// trading places exports write and the areas requests name, and refuses any outside it.
type Region struct {
	tree *Tree
	root *Division
}

// Root is the region's own division.
func (r Region) Root() *Division { return r.root }

// Tree is the whole country's divisions.
func (r Region) Tree() *Tree { return r.tree }

// Code is the region's code (000000 for the whole country).
func (r Region) Code() string { return r.root.Code }

// Name is the region's name: 保山市, 云南省, 全国.
func (r Region) Name() string { return r.root.Name }

// Contains reports whether d lies within the region.
func (r Region) Contains(d *Division) bool { return d != nil && d.Within(r.root) }

// NameOf names a division code as the region's readers need it: by the names below the
// region's own (腾冲市 in 保山市, 保山市腾冲市 in 云南省), the region by its name, one outside
// the region by its full name, and as given when it is no code the table knows (a project
// region written as text).
func (r Region) NameOf(code string) string {
	d, ok := r.tree.Code(code)
	switch {
	case !ok:
		return code
	case d.Code == r.root.Code:
		return d.Name
	case !r.Contains(d):
		return d.FullName()
	}
	var b strings.Builder
	for _, x := range d.Chain() {
		if x != r.root && x.Within(r.root) {
			b.WriteString(x.Name)
		}
	}
	return b.String()
}

// Area reads the code of an area a request names: a division within the region, current or
// retired. It is the region itself when code is empty.
func (r Region) Area(code string) (*Division, error) {
	if code == "" {
		return r.root, nil
	}
	d, ok := r.tree.Code(code)
	if !ok {
		return nil, &AreaError{Code: code}
	}
	if !r.Contains(d) {
		return nil, &AreaError{Code: code, Area: d, Region: r.root}
	}
	return d, nil
}

// AreaError is an area code that names no division, or one outside the region.
type AreaError struct {
	Code   string
	Area   *Division // nil when the code names no division
	Region *Division
}

func (e *AreaError) Error() string { return e.Text(msg.English) }

// Text says what is wrong in the language l.
func (e *AreaError) Text(l msg.Lang) string {
	if e.Area == nil {
		return l.T("area %q is not a division code", e.Code)
	}
	return l.T("area %s (%s) is outside %s", e.Code, e.Area.FullName(), e.Region.Name)
}

// PlaceError is a trading place that cannot be read within the region: unknown, outside
// it, or shared by more than one of its divisions.
type PlaceError struct {
	Text0     string      // the place as written
	Outside   []*Division // where it lies, when that is outside the region
	Ambiguous []*Division // the region's divisions that share the name
	Kind      string      // a centre's own trades of a kind the region is not (市本级 in a province)
	Region    *Division
}

func (e *PlaceError) Error() string { return e.Text(msg.English) }

// Text says what is wrong in the language l.
func (e *PlaceError) Text(l msg.Lang) string {
	switch {
	case e.Kind != "":
		return l.T("place %q does not say which of %s's %s it is", e.Text0, e.Region.Name, e.Kind)
	case len(e.Ambiguous) > 0:
		names := make([]string, len(e.Ambiguous))
		for i, d := range e.Ambiguous {
			names[i] = d.FullName()
		}
		return l.T("place %q is ambiguous: %s are all in %s; write it with its city or province", e.Text0, strings.Join(names, l.T(", ")), e.Region.Name)
	case len(e.Outside) == 1 && e.Outside[0].FullName() != e.Text0:
		return l.T("place %q (%s) is outside %s", e.Text0, e.Outside[0].FullName(), e.Region.Name)
	case len(e.Outside) > 0:
		return l.T("place %q is outside %s", e.Text0, e.Region.Name)
	}
	return l.T("place %q is not a division of China this table knows", e.Text0)
}

// centreWords are the words of a trading centre's name around its division's: 保山市公共资源
// 交易中心腾冲分中心 is 保山市 腾冲. Longer words come first, as the replacer tries them in
// this order.
var centreWords = strings.NewReplacer(
	"公共资源交易管理委员会办公室", "", "公共资源交易监督管理局", "", "公共资源交易管理局", "", "公共资源交易服务中心", "",
	"公共资源交易分中心", "", "公共资源交易中心", "", "公共资源交易所", "", "政务服务管理局", "", "政务服务中心", "",
	"交易服务中心", "", "交易中心", "", "分中心", "",
	"(", "", ")", "", "（", "", "）", "", "【", "", "】", "", "[", "", "]", "", " ", "", "\u3000", "")

// ownWords mark a centre's own trades (市本级, 省级, 本级): the division the rest names, or,
// when nothing else is written, the region itself.
var ownWords = []string{"省本级", "市本级", "州本级", "县本级", "区本级", "本级", "省级", "市级", "州级", "县级", "中心"}

// Place reads a trading place as exports write it: a code (current or retired), a full name
// (腾冲市), a short one (腾冲), an old one (腾冲县), one prefixed by its parents (云南省保山市
// 腾冲市, 保山腾冲) or a centre's name (腾冲市公共资源交易中心, 保山市公共资源交易中心腾冲
// 分中心, 市本级). A place outside the region, unknown, or that names two of the region's
// divisions is a *PlaceError.
func (r Region) Place(text string) (*Division, error) {
	s := strings.TrimSpace(text)
	if d, ok := r.tree.Code(s); ok {
		if !r.Contains(d) {
			return nil, &PlaceError{Text0: text, Outside: []*Division{d}, Region: r.root}
		}
		return d, nil
	}
	s = centreWords.Replace(s)
	kind := ""
	for _, w := range ownWords {
		if rest := strings.TrimSuffix(s, w); rest != s {
			s, kind = rest, strings.TrimSuffix(strings.TrimSuffix(w, "级"), "本")
			break
		}
	}
	if isKindWord(s) && (kind != "" || s == text) {
		s, kind = "", s
	}
	if s == "" {
		// 本级, 市本级, 省级, 市: the region's own centre, when the kind written is the region's.
		if kind == "" || kind == "中心" || r.root.Level == Province && kind == "省" || r.root.Level != Province && strings.HasSuffix(r.root.Name, kind) {
			return r.root, nil
		}
		// A centre above the region (省本级 in a city) lies outside it; one below it does not
		// say which (市本级 in a province).
		for a := r.root.Parent; a != nil && a.Level != Nation; a = a.Parent {
			if strings.HasSuffix(a.Name, kind) || a.Level == Province && kind == "省" {
				return nil, &PlaceError{Text0: text, Outside: []*Division{a}, Region: r.root}
			}
		}
		return nil, &PlaceError{Text0: text, Kind: kind, Region: r.root}
	}
	// A municipality's 市辖区 is the municipality (北京市市辖区 is 北京市).
	if rest := strings.TrimSuffix(s, "市辖区"); rest != "" {
		s = rest
	}
	found := r.tree.match(s, nil)
	var inside []*Division
	for _, d := range found {
		if r.Contains(d) {
			inside = append(inside, d)
		}
	}
	switch {
	case len(inside) == 1:
		return inside[0], nil
	case len(inside) > 1:
		return nil, &PlaceError{Text0: text, Ambiguous: inside, Region: r.root}
	case len(found) > 0:
		return nil, &PlaceError{Text0: text, Outside: found, Region: r.root}
	}
	return nil, &PlaceError{Text0: text, Region: r.root}
}

func isKindWord(s string) bool {
	switch s {
	case "省", "市", "州", "县", "区", "旗", "盟":
		return true
	}
	return false
}

// lookup is the divisions a name alone can mean: its full name, else a name it had before,
// else a short name (腾冲), else the short name of what is written (腾冲县 → 腾冲).
func (t *Tree) lookup(s string) []*Division {
	if ds := t.byName[s]; len(ds) > 0 {
		return ds
	}
	if ds := t.byOld[s]; len(ds) > 0 {
		return ds
	}
	if ds := t.byShort[s]; len(ds) > 0 {
		return ds
	}
	if k := TrimKind(s); k != s {
		ds := t.byShort[k]
		if len(ds) == 0 {
			return t.byName[k] // a name that is its own short one
		}
		// 红河州 is the prefecture, not 红河县: the kind written picks among the divisions of
		// that short name, when it picks any (腾冲县 is still 腾冲市 of today).
		var same []*Division
		for _, d := range ds {
			if strings.HasSuffix(d.Name, s[len(k):]) {
				same = append(same, d)
			}
		}
		if len(same) > 0 {
			return same
		}
		return ds
	}
	return nil
}

// match finds the divisions below under (anywhere, when under is nil) that s names, alone or
// as a chain of names from a parent down (云南省保山市腾冲市, 保山腾冲).
func (t *Tree) match(s string, under *Division) []*Division {
	if s == "" {
		return nil
	}
	below := func(ds []*Division) []*Division {
		var out []*Division
		for _, d := range ds {
			if under == nil || d != under && d.Within(under) {
				out = append(out, d)
			}
		}
		return out
	}
	if direct := below(t.lookup(s)); len(direct) > 0 {
		return outermost(direct)
	}
	var out []*Division
	for i := range s {
		if i == 0 {
			continue
		}
		for _, h := range below(t.lookup(s[:i])) {
			for _, d := range t.match(s[i:], h) {
				out = appendOnce(out, d)
			}
		}
	}
	return outermost(out)
}

// outermost drops a division found together with its parent of the same name: 嘉峪关市 is
// the city, not the county of that name the city holds.
func outermost(ds []*Division) []*Division {
	var out []*Division
	for _, d := range ds {
		if !slices.Contains(ds, d.Parent) || d.Parent.Name != d.Name {
			out = append(out, d)
		}
	}
	return out
}

// MustRegion is the region of a code known to be good (a test's, a default's); it panics on
// any other.
func MustRegion(code string) Region {
	tree, err := China()
	if err != nil {
		panic(err)
	}
	r, err := tree.Region(code)
	if err != nil {
		panic(err)
	}
	return r
}
