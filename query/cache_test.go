package query

import (
	"context"
	"fmt"
	"testing"

	"tradestat/division"
	"tradestat/internal/chtest"
)

// TestCacheBoundsEachKind: the kinds of result with a bound of their own never hold more
// entries than it, however many distinct keys are asked for, and the other kinds are kept.
func TestCacheBoundsEachKind(t *testing.T) {
	conn, _ := chtest.Open(t)
	s := New(conn, division.MustRegion("530500"))
	ctx := Pinned(context.Background())
	for i := range 5000 {
		for _, prefix := range []string{lotsKey, viewKey, "summary "} {
			if _, err := cached(ctx, s, fmt.Sprint(prefix, i), func(context.Context) (int, error) { return i, nil }); err != nil {
				t.Fatal(err)
			}
		}
	}
	count := map[string]int{}
	for k := range s.cache.entries {
		kind, _ := bounded(k)
		count[kind]++
	}
	for _, prefix := range []string{lotsKey, viewKey} {
		_, limit := bounded(prefix)
		if count[prefix] > limit || count[prefix] < limit/2 || count[prefix] != s.cache.counts[prefix] {
			t.Errorf("%q: %d entries (counted %d), want between %d and %d", prefix, count[prefix], s.cache.counts[prefix], limit/2, limit)
		}
	}
	if count[""] != 5000 {
		t.Errorf("%d summaries kept, want all 5000", count[""])
	}
}
