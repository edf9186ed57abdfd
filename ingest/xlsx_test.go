package ingest

import (
	"fmt"
	"testing"
)

// TestSharedStringsSpill: strings past the memory budget are read back from the temporary
// file exactly as those kept in memory, rich text runs joined.
func TestSharedStringsSpill(t *testing.T) {
	s := sharedStrings{keep: 64}
	var want []string
	for i := range 50 {
		text := fmt.Sprintf("第%d号标段", i)
		for _, part := range []string{text[:3], text[3:]} { // a string of two runs
			if err := s.add([]byte(part)); err != nil {
				t.Fatal(err)
			}
		}
		s.end()
		want = append(want, text)
	}
	if err := s.w.Flush(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.spill == nil {
		t.Fatal("nothing spilled: the test proves nothing")
	}
	for i, w := range want {
		if got, ok := s.at(i); !ok || got != w {
			t.Errorf("string %d: %q %v, want %q", i, got, ok, w)
		}
	}
	if _, ok := s.at(len(want)); ok {
		t.Error("a string past the last one was found")
	}
}
