package division

import (
	"bufio"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"tradestat/msg"
)

func china(t *testing.T) *Tree {
	t.Helper()
	tree, err := China()
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// TestTable checks the embedded table against what the published dataset says of the country:
// 31 provinces, the cities without pseudo-cities, 2,978 counties less the three cities that
// list themselves as their only county.
func TestTable(t *testing.T) {
	tree := china(t)
	count := map[Level]int{}
	for _, d := range tree.Root().Descendants()[1:] {
		count[d.Level]++
		if got, ok := tree.Code(d.Code); !ok || got != d {
			t.Errorf("code %s does not resolve to itself", d.Code)
		}
		if d.Parent.Level >= d.Level {
			t.Errorf("%s %s hangs from %s %s, which is not above it", d.Code, d.Name, d.Parent.Code, d.Parent.Name)
		}
	}
	if count[Province] != 31 || count[City] != 333 || count[County] != 2975 {
		t.Errorf("provinces, cities, counties = %d, %d, %d; want 31, 333, 2975", count[Province], count[City], count[County])
	}
	if tree.Len() != 31+333+2975 {
		t.Errorf("Len = %d", tree.Len())
	}
}

// TestEveryDivisionByName: within its parent's region every division is found by its full
// name, by its chain of names from the province down, and by its short name unless a sibling
// shares it, in which case the refusal names both.
func TestEveryDivisionByName(t *testing.T) {
	tree := china(t)
	nation, err := tree.Region(NationCode)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range tree.Root().Descendants()[1:] {
		got, err := nation.Place(d.FullName())
		if err != nil || got != d {
			t.Errorf("%s: full name %q → %v, %v", d.Code, d.FullName(), got, err)
		}
		if d.Name == d.Parent.Name {
			continue // a county named as its city (嘉峪关市) is found by its code; the name is the city's
		}
		parent, err := tree.Region(d.Parent.Code)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{d.Name, d.Short} {
			got, err := parent.Place(name)
			var pe *PlaceError
			switch {
			case err == nil && got == d:
			case errors.As(err, &pe) && len(pe.Ambiguous) > 1 && slices.Contains(pe.Ambiguous, d):
			default:
				t.Errorf("%s: %q within %s → %v, %v", d.Code, name, d.Parent.Name, got, err)
			}
		}
	}
}

// TestPlaces reads the places of testdata/places.tsv: codes current and retired, names full,
// short, old and prefixed, centres' names, and the refusals.
func TestPlaces(t *testing.T) {
	tree := china(t)
	f, err := os.Open("testdata/places.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		region, err := tree.Region(c[0])
		if err != nil {
			t.Fatal(err)
		}
		got, err := region.Place(c[1])
		kind, text, refused := strings.Cut(c[2], ":")
		switch {
		case !refused && (err != nil || got.Code != c[2]):
			t.Errorf("%s: %q → %v, %v; want %s", c[0], c[1], got, err, c[2])
		case refused:
			var pe *PlaceError
			if !errors.As(err, &pe) {
				t.Errorf("%s: %q → %v, %v; want %s", c[0], c[1], got, err, c[2])
				continue
			}
			gotKind := "unknown"
			if len(pe.Ambiguous) > 0 {
				gotKind = "ambiguous"
			} else if len(pe.Outside) > 0 {
				gotKind = "outside"
			}
			if gotKind != kind || pe.Text(msg.Chinese) != text {
				t.Errorf("%s: %q → %s %q; want %s %q", c[0], c[1], gotKind, pe.Text(msg.Chinese), kind, text)
			}
			if en := pe.Text(msg.English); strings.ContainsAny(en, "交易地点不在有歧义") {
				t.Errorf("%s: %q: the English text %q is not English", c[0], c[1], en)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestSpecialCases(t *testing.T) {
	tree := china(t)
	parent := func(code string) string {
		d, ok := tree.Code(code)
		if !ok {
			t.Fatalf("%s does not resolve", code)
		}
		return d.Parent.Code
	}
	for code, want := range map[string]string{
		"110101": "110000", // a municipality's district hangs from the province
		"500229": "500000", // 重庆's counties too
		"429004": "420000", // 省直辖县级行政单位
		"441900": "440000", // a city without counties
		"130171": "130100", // a development zone under its city
		"530581": "530500",
		"530500": "530000",
		"530000": NationCode,
	} {
		if got := parent(code); got != want {
			t.Errorf("parent of %s = %s, want %s", code, got, want)
		}
	}
	dg, _ := tree.Code("441900")
	if dg.Level != City || len(dg.Children) != 0 || dg.CentreLevel() != CentreCity {
		t.Errorf("东莞市: level %v, %d children, centre %s", dg.Level, len(dg.Children), dg.CentreLevel())
	}
	for _, c := range []struct{ code, whole, own string }{
		{NationCode, "全国", "全国本级"}, {"530000", "全省", "云南省本级"}, {"530500", "全市", "保山市本级"},
		{"530581", "全市", "腾冲市"}, {"530502", "全区", "隆阳区"}, {"530521", "全县", "施甸县"},
		{"450000", "全区", "广西壮族自治区本级"}, {"533100", "全州", "德宏傣族景颇族自治州本级"}, {"110000", "全市", "北京市本级"},
	} {
		d, _ := tree.Code(c.code)
		if d.Whole() != c.whole || d.OwnCentre() != c.own {
			t.Errorf("%s: %s %s; want %s %s", c.code, d.Whole(), d.OwnCentre(), c.whole, c.own)
		}
	}
	for code, want := range map[string]string{
		NationCode: "省级 市级 县区级", "530000": "省级 市级 县区级", "110000": "省级 县区级",
		"530500": "市级 县区级", "530581": "县区级", "441900": "市级",
	} {
		d, _ := tree.Code(code)
		if got := strings.Join(d.LevelsBelow(), " "); got != want {
			t.Errorf("levels of %s = %s, want %s", code, got, want)
		}
	}
}

func TestArea(t *testing.T) {
	tree := china(t)
	yunnan, _ := tree.Region("530000")
	for code, want := range map[string]string{
		"": "530000", "530500": "530500", "530522": "530581", "5305": "530500",
		"510104": "地区510104（四川省成都市锦江区）不在云南省范围内", "999999": "地区代码「999999」无法识别",
		"abc": "地区代码「abc」无法识别",
	} {
		d, err := yunnan.Area(code)
		var ae *AreaError
		switch {
		case err == nil && d.Code == want:
		case errors.As(err, &ae) && ae.Text(msg.Chinese) == want:
		default:
			t.Errorf("area %q → %v, %v; want %s", code, d, err, want)
		}
	}
	for _, code := range []string{"", "5305", "53050", "abcdef", "530599"} {
		if _, err := tree.Region(code); err == nil {
			t.Errorf("region %q accepted", code)
		}
	}
}
