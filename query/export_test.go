package query

// SetSmallList changes how many lots a list may select before it looks whether lots_by_place
// must be summed, so that tests of a few lots take both ways.
func SetSmallList(s *Store, n int) { s.smallList = n }
