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

// TestAccountStoresShareCubes: the cube of a year, every place's figures, is read once and
// kept in the deployment's cache however many accounts' stores ask for it; each store's
// other results stay in its own cache.
func TestAccountStoresShareCubes(t *testing.T) {
	conn, _ := chtest.Open(t)
	whole := New(conn, division.MustRegion("530500"))
	ctx := Pinned(context.Background())
	counties := []*Store{whole.For(division.MustRegion("530581")), whole.For(division.MustRegion("530502"))}
	for _, s := range counties {
		if _, err := s.cube(ctx, 2021); err != nil {
			t.Fatal(err)
		}
		if _, err := cached(ctx, s, "summary x", func(context.Context) (string, error) { return s.Region().Code(), nil }); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok, err := stored[yearCube](ctx, whole, cubeKey+"2021"); err != nil || !ok {
		t.Errorf("the cube read for the counties is not in the deployment's cache: %v %v", ok, err)
	}
	for _, s := range counties {
		if s.cache.counts[cubeKey] != 0 || len(s.cache.entries) != 1 {
			t.Errorf("%s: %d cubes of its own, %d entries; want none and its one result", s.Region().Code(), s.cache.counts[cubeKey], len(s.cache.entries))
		}
		if got, _, _ := stored[string](ctx, s, "summary x"); got != s.Region().Code() {
			t.Errorf("%s: its own result reads %q", s.Region().Code(), got)
		}
	}
}
