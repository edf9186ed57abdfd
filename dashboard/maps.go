package dashboard

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/gofiber/fiber/v2"

	"tradestat"
	"tradestat/division"
	"tradestat/query"
)

// metric is the figure a map shades its subdivisions by and a ranking orders them by.
type metric string

const (
	metricAmount     metric = "amount"
	metricProjects   metric = "projects"
	metricSavings    metric = "savings"
	metricPremium    metric = "premium"
	metricOnlineRate metric = "online_rate"
)

func allMetrics() []metric {
	return []metric{metricAmount, metricProjects, metricSavings, metricPremium, metricOnlineRate}
}

func parseMetric(s string) (metric, error) {
	if s == "" {
		return metricAmount, nil
	}
	for _, m := range allMetrics() {
		if string(m) == s {
			return m, nil
		}
	}
	return metricAmount, tradestat.Fail(tradestat.Invalid, "metric %q: want amount, projects, savings, premium or online_rate", truncate(s, 40))
}

// label is the figure's name as the cards write it, and unit its unit.
func (m metric) Label() string {
	return map[metric]string{metricAmount: "交易金额", metricProjects: "交易项目", metricSavings: "节约资金",
		metricPremium: "增价", metricOnlineRate: "不见面开标率"}[m]
}

func (m metric) Unit() string {
	switch m {
	case metricProjects:
		return "个"
	case metricOnlineRate:
		return "%"
	}
	return "万元"
}

// value is the figure of t as the cards write it ("" when it has no base: a rate of no
// tender-type lots).
func (m metric) value(t query.Totals) string {
	switch m {
	case metricProjects:
		return strconv.FormatInt(t.Projects, 10)
	case metricSavings:
		return t.Savings.Wan()
	case metricPremium:
		return t.Premium.Wan()
	case metricOnlineRate:
		r, ok := t.OnlineRate()
		if !ok {
			return ""
		}
		return r
	}
	return t.Amount.Wan()
}

// mapPanel is the map of a view's area: its direct subdivisions shaded by one figure, the
// area's own centre beside it (a centre has no polygon of its own), and the shapes' source line.
type mapPanel struct {
	L       lang
	Chart   chart
	Metric  metric
	Metrics []metricLink // the same view shaded by each figure
	Own     *mapFigure   // the area's own centre (保山市本级), nil when it has no lots
	Missing []string     // subdivisions with lots but no shape: their figures are not on the map
	Credit  string
	Script  string  // the address of the script that registers the shapes
	Data    mapData // what a refresh puts into the chart
}

type mapFigure struct{ Name, Value, Unit, URL string }

type metricLink struct {
	URL, Label string
	Current    bool
}

// ranked is a subdivision (or the area's own centre) in the ranking of a figure.
type ranked struct {
	Name, Value, Unit, URL string
	Bar                    string // the bar behind the row: percent of the largest
}

// rankingOf is the view's breakdown by area ordered by the view's figure, the first
// rankingSize rows with lots.
func rankingOf(v view, path string, rows []query.Row) []ranked {
	m, l := v.Metric, v.L
	unit := l.Unit(m.Unit())
	var out []ranked
	var top float64
	for _, r := range sortByMetric(rows, m) {
		if len(out) == rankingSize || r.Projects == 0 {
			break
		}
		val := m.value(r.Totals)
		f, _ := strconv.ParseFloat(val, 64)
		if len(out) == 0 {
			top = f
		}
		bar := 0.0
		if top > 0 {
			bar = min(100, max(0, 100*f/top))
		}
		out = append(out, ranked{Name: l.rowName(r), Value: val, Unit: unit, URL: v.drillArea(path, r), Bar: strconv.FormatFloat(bar, 'f', 1, 64)})
	}
	return out
}

// mapData is the chart's data: one item per subdivision with a shape, named as its shape is.
type mapData struct {
	Items []mapItem `json:"items"`
	Max   float64   `json:"max"` // the shading's upper end (at least 1)
}

type mapItem struct {
	Name  string `json:"name"`
	Value any    `json:"value"` // the exact decimal text as a JSON number, or "-" for none
}

// rankingSize is how many places a ranking shows.
const rankingSize = 10

// mapName is the name the shapes are registered under in the page: ECharts draws the South
// China Sea islands on a map of the country only when it is called china.
func mapName(code string) string {
	if code == division.NationCode {
		return "china"
	}
	return "area" + code
}

// areaMap builds the map of the view's area from its breakdown by area (a row per subdivision
// with lots, and one for the area's own centre). It is nil when the area has no subdivisions
// or the deployment no shapes for it: the page then shows no map and says nothing false.
func (s *Server) areaMap(lk look, v view, path string, rows []query.Row, height string) (*mapPanel, error) {
	area := v.Area()
	if v.Filter.Place != "" || len(area.Children) == 0 {
		return nil, nil
	}
	shapes, ok, err := s.maps.Shapes(area.Code)
	if err != nil || !ok {
		return nil, err
	}
	m, l := v.Metric, lk.l
	p := &mapPanel{L: l, Metric: m, Credit: s.maps.Credit(), Script: "/geo/" + area.Code + ".js"}
	for _, o := range allMetrics() {
		val := string(o)
		if o == metricAmount {
			val = ""
		}
		p.Metrics = append(p.Metrics, metricLink{URL: v.url(path, "metric", val), Label: l.T(o.Label()), Current: o == m})
	}
	byCode := map[string]query.Row{}
	for _, r := range rows {
		byCode[r.Key] = r
	}
	unit := l.Unit(m.Unit())
	var links []string
	var top float64
	for _, d := range area.Children {
		r, has := byCode[d.Code]
		name, drawn := shapes.Names[d.Code]
		if !drawn {
			if has {
				p.Missing = append(p.Missing, d.Name)
			}
			continue
		}
		r.Key = d.Code
		val := m.value(r.Totals)
		item := mapItem{Name: name, Value: "-"}
		if val != "" {
			item.Value = json.Number(val)
			f, _ := strconv.ParseFloat(val, 64)
			top = max(top, f)
		}
		p.Data.Items = append(p.Data.Items, item)
		links = append(links, v.drillArea(path, r))
	}
	p.Data.Max = max(top, 1) // a scale of all zeros still needs an upper end
	for _, r := range rows {
		if val := m.value(r.Totals); r.Key == area.Code && r.Projects > 0 {
			p.Own = &mapFigure{Name: l.own(area.Name), Value: val, Unit: unit, URL: v.drillArea(path, r)}
		}
	}

	mc := charts.NewMap()
	mc.RegisterMapType(mapName(area.Code))
	title := v.Period() + l.T(m.Label())
	// Shades of one hue by the figure; what has no figure (Taiwan, Hong Kong and Macao on the
	// country's map, the islands' inset) in a neutral tone, not in the scale's lowest.
	colours := []string{"#e8f1fb", "#9cc3ec", "#4a8fd8", "#1c5fae", "#0b3470"}
	noData := opts.ItemStyle{AreaColor: "#eceff3", BorderColor: "#8a9bb0"}
	labels, titles := "#1d2b3a", "#1d2b3a"
	if lk.theme == "dark" {
		colours = []string{"#0f2a55", "#1f5aa6", "#2f8fe0", "#7fd3ff"}
		noData = opts.ItemStyle{AreaColor: "#1b2436", BorderColor: "#4a6a9a"}
		labels, titles = "#e6f0ff", "#ffffff"
	}
	// Areas are labelled by their short names (大理, not 大理白族自治州), which fit side by side.
	short := map[string]string{}
	for _, d := range area.Children {
		if name, ok := shapes.Names[d.Code]; ok && d.Short != "" {
			short[name] = d.Short
		}
	}
	shortJSON, err := json.Marshal(short)
	if err != nil {
		return nil, err
	}
	// go-echarts writes a function option as a JSON string and unquotes it, leaving the
	// escapes of double quotes: the names go into the script in single quotes (they hold no
	// quote or backslash; JSON's \u escapes mean the same in either).
	shortJS := strings.ReplaceAll(string(shortJSON), `"`, `'`)
	mc.SetGlobalOptions(
		// The theme (assets/money.js) hides the dot ECharts puts on each area for a legend.
		charts.WithInitializationOpts(opts.Initialization{ChartID: "chart_map", Width: "100%", Height: height, Theme: "tradestat-map", BackgroundColor: "transparent"}),
		charts.WithTitleOpts(opts.Title{Title: title, Left: "center", TitleStyle: &opts.TextStyle{FontSize: lk.fontSize, Color: titles}}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item",
			Formatter: opts.FuncOpts("function (p) { return window.tradestat.mapTip(p); }")}),
		charts.WithVisualMapOpts(opts.VisualMap{Type: "continuous", Min: 0, Max: float32(p.Data.Max), Calculable: opts.Bool(false),
			Text: []string{l.T("高"), l.T("低")}, Left: "left", Bottom: "10",
			TextStyle: &opts.TextStyle{FontSize: lk.fontSize - 2, Color: labels},
			InRange:   &opts.VisualMapInRange{Color: colours}}),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Right: "10", Feature: &opts.ToolBoxFeature{
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Title: l.T("保存为图片"), Name: title}}}),
	)
	data := make([]opts.MapData, len(p.Data.Items))
	for i, it := range p.Data.Items {
		data[i] = opts.MapData{Name: it.Name, Value: it.Value}
	}
	mc.AddSeries(l.T(m.Label())+"（"+unit+"）", data,
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), FontSize: float32(lk.fontSize - 4), Color: labels,
			Formatter: opts.FuncStripCommentsOpts("function (p) { return (" + shortJS + ")[p.name] || p.name; }")}),
		charts.WithItemStyleOpts(noData),
		charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.Roam = opts.Bool(false) }))
	p.Chart = newChart("chart_map", mc.RenderSnippet(), links)
	return p, nil
}

// sortByMetric orders rows by the figure, largest first; rows without one (a rate of no
// tender-type lots) last.
func sortByMetric(rows []query.Row, m metric) []query.Row {
	type keyed struct {
		r query.Row
		f float64
		n bool
	}
	ks := make([]keyed, len(rows))
	for i, r := range rows {
		val := m.value(r.Totals)
		f, _ := strconv.ParseFloat(val, 64)
		ks[i] = keyed{r, f, val == ""}
	}
	sort.SliceStable(ks, func(i, j int) bool { a, b := ks[i], ks[j]; return !a.n && b.n || a.n == b.n && a.f > b.f })
	out := make([]query.Row, len(ks))
	for i, k := range ks {
		out[i] = k.r
	}
	return out
}

// geoScripts is the script of each area's shapes as it is sent, compressed, made once: the
// shapes do not change while the server runs and there are at most as many as the set has.
type geoScripts struct {
	mu sync.Mutex
	gz map[string][]byte
}

// geo serves GET /geo/CODE.js: the script that registers the shapes of an area's
// subdivisions with ECharts. Only areas of the deployment's region are served.
func (s *Server) geo(c *fiber.Ctx) error {
	code := c.Params("code")
	d, err := s.storeOf(c).Region().Area(code)
	if err != nil || d.Code != code { // one spelling of each: today's six digits
		return tradestat.Fail(tradestat.NotFound, "no map of this area")
	}
	gz, err := s.geoScript(d.Code)
	if err != nil {
		return err
	}
	if gz == nil {
		return tradestat.Fail(tradestat.NotFound, "no map of this area")
	}
	c.Type("js", "utf-8")
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	if strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(gz)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return err
	}
	return c.SendStream(zr)
}

func (s *Server) geoScript(code string) ([]byte, error) {
	s.geoJS.mu.Lock()
	defer s.geoJS.mu.Unlock()
	if gz, ok := s.geoJS.gz[code]; ok {
		return gz, nil
	}
	shapes, ok, err := s.maps.Shapes(code)
	if err != nil || !ok {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(shapes.Gzip))
	if err != nil {
		return nil, fmt.Errorf("shapes of %s: %w", code, err)
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	name, _ := json.Marshal(mapName(code))
	fmt.Fprintf(zw, "echarts.registerMap(%s, ", name)
	if _, err := io.Copy(zw, zr); err != nil {
		return nil, fmt.Errorf("shapes of %s: %w", code, err)
	}
	io.WriteString(zw, ");\n")
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if s.geoJS.gz == nil {
		s.geoJS.gz = map[string][]byte{}
	}
	s.geoJS.gz[code] = b.Bytes()
	return b.Bytes(), nil
}
