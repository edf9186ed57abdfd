package boundary

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"strings"
	"testing"

	"tradestat/division"
)

func china(t *testing.T) *division.Tree {
	t.Helper()
	tree, err := division.China()
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func collection(t *testing.T, gz []byte) Collection {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	var c Collection
	if err := json.NewDecoder(zr).Decode(&c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestShipped checks every shipped file: each feature is exactly one direct subdivision of the
// file's area (the three the country's map draws without a division aside), no division twice,
// every division of Yunnan has a shape, and a province's file stays small on the wire.
func TestShipped(t *testing.T) {
	tree := china(t)
	s, err := Shipped(tree, "")
	if err != nil {
		t.Fatal(err)
	}
	if s.Credit() != ShippedCredit {
		t.Errorf("credit %q", s.Credit())
	}
	outside := map[string]bool{"710000": true, "810000": true, "820000": true}
	for _, code := range s.Areas() {
		area, ok := tree.Code(code)
		if !ok || area.Code != code {
			t.Errorf("%s: not a current division code", code)
			continue
		}
		sh, _, err := s.Shapes(code)
		if err != nil {
			t.Fatal(err)
		}
		gz := sh.Gzip
		if area.Level <= division.Province && len(gz) > 300<<10 {
			t.Errorf("%s %s: %d KB compressed, over 300 KB", code, area.Name, len(gz)>>10)
		}
		seen := map[string]bool{}
		for _, f := range collection(t, gz).Features {
			c := f.Properties.Code
			if seen[c] {
				t.Errorf("%s: %s drawn twice", code, c)
			}
			seen[c] = true
			if _, err := polygons(f.Geometry); err != nil {
				t.Errorf("%s: feature %s: %v", code, c, err)
			}
			d, ok := tree.Code(c)
			switch {
			case area.Level == division.Nation && outside[c]:
				if ok {
					t.Errorf("%s: %s is drawn as outside the table, but the table has it", code, c)
				}
			case !ok || d.Code != c:
				t.Errorf("%s: feature %s %s is not a current division", code, c, f.Properties.Name)
			case d.Parent != area:
				t.Errorf("%s: feature %s %s is not a subdivision of %s", code, c, d.Name, area.Name)
			}
			if names := sh.Names; names[c] != f.Properties.Name {
				t.Errorf("%s: Names()[%s] = %q, the feature says %q", code, c, names[c], f.Properties.Name)
			}
		}
	}
	yunnan, _ := tree.Code("530000")
	for _, a := range append([]*division.Division{yunnan}, yunnan.Children...) {
		sh, _, _ := s.Shapes(a.Code)
		names := sh.Names
		for _, d := range a.Children {
			if names[d.Code] == "" {
				t.Errorf("%s %s has no shape in the map of %s", d.Code, d.Name, a.Name)
			}
		}
	}
	china, _ := tree.Code(division.NationCode)
	nation, _, _ := s.Shapes(division.NationCode)
	for _, p := range china.Children {
		if nation.Names[p.Code] == "" {
			t.Errorf("province %s %s has no shape", p.Code, p.Name)
		}
		if _, ok, _ := s.Shapes(p.Code); !ok && len(p.Children) > 0 {
			t.Errorf("province %s %s has no map of its subdivisions", p.Code, p.Name)
		}
	}
}

func TestFromDir(t *testing.T) {
	tree := china(t)
	s, err := FromDir(tree, "testdata/ok", "GS(2024)0650号")
	if err != nil {
		t.Fatal(err)
	}
	if s.Credit() != "GS(2024)0650号" || len(s.Areas()) != 1 {
		t.Fatalf("credit %q, areas %v", s.Credit(), s.Areas())
	}
	sh, _, _ := s.Shapes("530500")
	names := sh.Names
	if len(names) != 2 || names["530502"] != "隆阳区" || names["530581"] != "腾冲市" {
		t.Errorf("names %v: want 隆阳区 by adcode, 腾冲市 from its retired code and its id (one division)", names)
	}
	for _, f := range collection(t, sh.Gzip).Features {
		p, err := polygons(f.Geometry)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]int{"530502": 1, "530581": 2}[f.Properties.Code]; len(p) != want {
			t.Errorf("%s: %d polygons, want %d", f.Properties.Code, len(p), want)
		}
	}
	for dir, want := range map[string]string{
		"testdata/outside": "530102 五华区 is not a direct subdivision of 530500 保山市",
		"testdata/badname": "baoshan.json: the file name is not a division code",
		"testdata/none":    "no such file",
	} {
		if _, err := FromDir(tree, dir, ""); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", dir, err, want)
		}
	}
}
