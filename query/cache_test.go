package query

import (
	"context"
	"fmt"
	"testing"

	"tradestat/division"
	"tradestat/internal/chtest"
)

// TestCacheBoundsEachKind: the kinds of result with a bound of their own never hold more
// entries than it, however many distinct keys are asked for; the most recently used stay;
// and the other kinds are kept.
func TestCacheBoundsEachKind(t *testing.T) {
	conn, _ := chtest.Open(t)
	s := New(conn, division.MustRegion("530500"))
	ctx := Pinned(context.Background())
	computed := 0
	ask := func(key string) {
		t.Helper()
		if _, err := cached(ctx, s, key, func(context.Context) (string, error) { computed++; return key, nil }); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5000 {
		for _, prefix := range []string{lotsKey, viewKey, "summary "} {
			ask(fmt.Sprint(prefix, i))
		}
		ask(lotsKey + "hot") // asked all the time: never the least recently used
	}
	for _, prefix := range []string{lotsKey, viewKey} {
		if _, limit := kindOf(prefix); s.cache.size(prefix) != limit {
			t.Errorf("%q: %d entries, want %d", prefix, s.cache.size(prefix), limit)
		}
	}
	if n := s.cache.size(otherKind); n != 5000 {
		t.Errorf("%d summaries kept, want all 5000", n)
	}
	before := computed
	ask(lotsKey + "hot")
	ask(fmt.Sprint(viewKey, 4999))
	if computed != before {
		t.Errorf("the most recently used results were computed again")
	}
	ask(lotsKey + "0")
	if computed != before+1 {
		t.Errorf("the least recently used lot list was still kept")
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
		if s.cache.size(cubeKey) != 0 || s.cache.size(otherKind) != 1 {
			t.Errorf("%s: %d cubes of its own, %d other entries; want none and its one result", s.Region().Code(), s.cache.size(cubeKey), s.cache.size(otherKind))
		}
		if got, _, _ := stored[string](ctx, s, "summary x"); got != s.Region().Code() {
			t.Errorf("%s: its own result reads %q", s.Region().Code(), got)
		}
	}
}
