package query

import "context"

// SetSmallList changes how many lots a list may select before it looks whether lots_by_place
// must be summed, so that tests of a few lots take both ways.
func SetSmallList(s *Store, n int) { s.smallList = n }

// SetCubes turns the cubes off (every view of some places is read by a query of its own) or
// on, reading the cubes of the years from..to first, so that tests take each way for certain.
func SetCubes(ctx context.Context, s *Store, on bool, from, to int) error {
	s.noCubes = !on
	for y := from; on && y <= to; y++ {
		if _, err := s.cube(ctx, y); err != nil {
			return err
		}
	}
	return nil
}
