package tradestat_test

import (
	"testing"
	"time"

	"tradestat"
)

func TestDaysIn(t *testing.T) {
	for _, tt := range []struct {
		year int
		m    time.Month
		want int
	}{
		{2021, time.January, 31}, {2021, time.February, 28}, {2020, time.February, 29}, {2000, time.February, 29},
		{1900, time.February, 28}, {2100, time.February, 28}, {2024, time.April, 30}, {2024, time.June, 30},
		{2024, time.September, 30}, {2024, time.November, 30}, {2024, time.December, 31}, {2023, time.July, 31},
	} {
		if got := tradestat.DaysIn(tt.year, tt.m); got != tt.want {
			t.Errorf("DaysIn(%d, %s) = %d, want %d", tt.year, tt.m, got, tt.want)
		}
	}
}

func TestDateOrder(t *testing.T) {
	d := func(s string) tradestat.Date {
		t.Helper()
		x, err := tradestat.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	for _, tt := range []struct {
		a, b tradestat.Date
		want bool
	}{
		{d("2021-12-31"), d("2022-01-01"), true},
		{d("2022-01-01"), d("2021-12-31"), false},
		{d("2021-02-28"), d("2021-03-01"), true},
		{d("2021-03-09"), d("2021-03-10"), true},
		{d("2021-03-10"), d("2021-03-10"), false},
		{tradestat.Date{Year: 999, Month: 12, Day: 31}, d("2021-01-01"), true}, // not a string comparison
		{tradestat.Date{Year: 10000, Month: 1, Day: 1}, tradestat.Date{Year: 9999, Month: 12, Day: 31}, false},
	} {
		if got := tt.a.Before(tt.b); got != tt.want {
			t.Errorf("%v.Before(%v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	for _, bad := range []string{"2021-02-29", "2021-13-01", "2021-04-31", "21-01-01"} {
		if _, err := tradestat.ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted an impossible date", bad)
		}
	}
	if got := d("2021-01-31").AddDays(1); got != d("2021-02-01") {
		t.Errorf("2021-01-31 + 1 day = %v", got)
	}
	if got := d("2020-02-01").AddMonths(1).AddDays(-1); got != d("2020-02-29") {
		t.Errorf("the last day of February 2020: %v", got)
	}
}
