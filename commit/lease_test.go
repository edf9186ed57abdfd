package commit

import (
	"os/exec"
	"testing"
)

// TestHolderOutlived: a lease's holder is known to be gone at once only when it was a process
// this one can see (same machine, boot and pid namespace) that no longer runs, or whose pid
// now names a process started later; a holder elsewhere is judged by its heartbeats alone.
func TestHolderOutlived(t *testing.T) {
	me := thisProcess()
	if me.start == "" || me.pidns == "" || me.boot == "" {
		t.Fatalf("this process could not be named (%+v): /proc, which the lease reads on Linux, is missing", me)
	}
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	ended := me
	ended.pid, ended.start = cmd.Process.Pid, "1" // a process that has ended
	reused := me
	reused.start = "1" // this pid, but a process started before this one
	other := ended
	other.host = "another-machine"
	container := ended
	container.pidns = "pid:[1]"
	for _, tt := range []struct {
		name string
		h    holder
		gone bool
	}{
		{"this process", me, false},
		{"an ended process here", ended, true},
		{"this pid used again", reused, true},
		{"a process on another machine", other, false},
		{"a process in another pid namespace", container, false},
		{"a record without fields", holder{}, false},
	} {
		back := parseHolder(tt.h.String())
		if tt.h.pid != 0 && back != tt.h {
			t.Errorf("%s: %+v read back as %+v", tt.name, tt.h, back)
		}
		if got := me.outlived(back); got != tt.gone {
			t.Errorf("%s: outlived %v, want %v", tt.name, got, tt.gone)
		}
	}
}
