// Package tradestattest holds small helpers shared by the tests of several packages.
package tradestattest

import (
	"fmt"
	"testing"

	"tradestat"
	"tradestat/query"
)

// Year is the filter for one calendar year.
func Year(t testing.TB, y int) query.Filter {
	t.Helper()
	return Period(t, fmt.Sprintf("%d-01-01", y), fmt.Sprintf("%d-12-31", y))
}

// Period is the filter for [from, to], given as YYYY-MM-DD.
func Period(t testing.TB, from, to string) query.Filter {
	t.Helper()
	f, err := tradestat.ParseDate(from)
	if err != nil {
		t.Fatal(err)
	}
	e, err := tradestat.ParseDate(to)
	if err != nil {
		t.Fatal(err)
	}
	return query.Filter{From: f, To: e}
}
