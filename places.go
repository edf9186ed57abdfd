package tradestat

import "fmt"

// Place is a trading place: the jurisdiction of one trading centre, by GB/T 2260 code.
type Place struct {
	Code string
	Name string
}

// CityCode is the code of the city-level centre (市本级); every other place is county level.
const CityCode = "530500"

// The two centre levels bulletins split by.
const (
	LevelCity   = "市级"
	LevelCounty = "县区级"
)

// Levels lists the centre levels, city first.
func Levels() []string { return []string{LevelCity, LevelCounty} }

// Places lists Baoshan's trading places, city level first.
func Places() []Place {
	return []Place{
		{CityCode, "保山市"},
		{"530502", "隆阳区"},
		{"530521", "施甸县"},
		{"530523", "龙陵县"},
		{"530524", "昌宁县"},
		{"530581", "腾冲市"},
	}
}

// ParsePlace accepts a place code, mapping retired codes to the current one.
func ParsePlace(code string) (Place, error) {
	if code == "530522" { // 腾冲县 became 腾冲市 in 2015; older exports still carry the old code
		code = "530581"
	}
	for _, p := range Places() {
		if p.Code == code {
			return p, nil
		}
	}
	return Place{}, fmt.Errorf("unknown trading place code %q", code)
}

// PlaceName is the name of a place code, or the code itself when it is not a known place.
func PlaceName(code string) string {
	if p, err := ParsePlace(code); err == nil {
		return p.Name
	}
	return code
}

// Level is the centre level of a place code.
func Level(code string) string {
	if code == CityCode {
		return LevelCity
	}
	return LevelCounty
}

// ParseLevel accepts a level name.
func ParseLevel(s string) (string, error) {
	for _, l := range Levels() {
		if l == s {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown centre level %q (want 市级 or 县区级)", s)
}
