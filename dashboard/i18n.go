package dashboard

import (
	"fmt"
	"strings"
	"time"

	"tradestat"
	"tradestat/division"
	"tradestat/msg"
	"tradestat/query"
)

// lang is the language a page is written in: Chinese, the default and the language of the
// reports, or English (?lang=en). Figures are the same in both; only words change.
type lang string

const (
	zh lang = ""
	en lang = "en"
)

// parseLang reads ?lang= as the catalog reads a language's name.
func parseLang(s string) (lang, error) {
	l, err := msg.Parse(s)
	switch {
	case err != nil:
		return zh, tradestat.FailWith(tradestat.Invalid, err, "lang %q: want zh or en", s)
	case l == msg.English:
		return en, nil
	}
	return zh, nil
}

// msg is the page's language in the message catalog.
func (l lang) msg() msg.Lang {
	if l == en {
		return msg.English
	}
	return msg.Chinese
}

// T is a Chinese text of the interface in the page's language.
func (l lang) T(s string) string {
	if l != en {
		return s
	}
	e, _ := msg.English.Interface(s)
	return e
}

// HTML is the page's lang attribute.
func (l lang) HTML() string {
	if l == en {
		return "en"
	}
	return "zh-CN"
}

// headData is what the head template needs.
type headData struct {
	Title  string
	L      lang
	Region string // the region's name, for the site's; "" for the deployment's
}

// Head is the head template's data for a page titled title.
func (l lang) Head(title string) headData { return headData{Title: title, L: l} }

// rowName is how a breakdown row is labelled: as reports write it in Chinese, and in English
// a year as 2021, a month as Mar 2021 and names translated.
func (l lang) rowName(r query.Row) string {
	if l != en {
		return r.Name
	}
	if len(r.Key) == 4 && strings.HasSuffix(r.Name, "年") {
		return r.Key
	}
	if t, err := time.Parse("2006-01", r.Key); err == nil {
		return t.Format("Jan 2006")
	}
	if name, ok := strings.CutSuffix(r.Name, "本级"); ok && name != "" {
		return l.own(name)
	}
	return l.T(r.Name)
}

// Unit is a unit after a figure in the page's language: 万元 or " ×10k yuan", 个 or nothing.
func (l lang) Unit(zhUnit string) string {
	if l != en {
		return zhUnit
	}
	switch zhUnit {
	case "个":
		return ""
	case "万元":
		return " ×10k yuan"
	case "家":
		return " bidders"
	}
	return zhUnit
}

// yoy phrases a year-on-year change: 同比 +3.25% / YoY +3.25%, in points for rates.
func (l lang) yoy(change string, points bool) string {
	switch {
	case l == en && points:
		return "YoY " + change + " pp"
	case l == en:
		return "YoY " + change + "%"
	case points:
		return "同比 " + change + "个百分点"
	}
	return "同比 " + change + "%"
}

// periodEN names a view's period in English.
func periodEN(v view) string {
	f := v.Filter
	switch {
	case v.Year != 0:
		return fmt.Sprint(v.Year)
	case f.From.Day == 1 && f.From.Year == f.To.Year && f.To.Day == tradestat.DaysIn(f.To.Year, f.To.Month):
		from := time.Date(f.From.Year, f.From.Month, 1, 0, 0, 0, 0, time.UTC)
		if f.From.Month == f.To.Month {
			return from.Format("January 2006")
		}
		return fmt.Sprintf("%s–%s %d", from.Format("Jan"), f.To.Month.String()[:3], f.From.Year)
	}
	return fmt.Sprintf("%s to %s", f.From, f.To)
}

// site is the dashboard's name for a region: 云南省公共资源交易统计. Division names are data
// and stay as the table writes them in English too.
func (l lang) site(region string) string {
	if l == en {
		return region + " Public Resource Trading Statistics"
	}
	return region + "公共资源交易统计"
}

// wall is the wall display's name for a region.
func (l lang) wall(region string) string {
	if l == en {
		return region + " Public Resource Trading — Wall Display"
	}
	return region + "公共资源交易数据大屏"
}

// whole names all of a division as reports do: 全市, 全省, 全国.
func (l lang) whole(d *division.Division) string {
	switch {
	case l != en:
		return d.Whole()
	case d.Level == division.Nation:
		return "All China"
	}
	return "All of " + d.Name
}

// own names a division's own centre beside its subdivisions: 保山市本级.
func (l lang) own(name string) string {
	if l == en {
		return name + " (own centre)"
	}
	return name + "本级"
}

// langPath is path in language l.
func langPath(path string, l lang) string {
	if l != en {
		return path
	}
	if strings.Contains(path, "?") {
		return path + "&lang=en"
	}
	return path + "?lang=en"
}

// other is the language the switch in the header leads to.
func other(l lang) lang {
	if l == en {
		return zh
	}
	return en
}
