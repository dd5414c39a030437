// Tests of what live code upgrade needs of the interpreter: Refresh,
// Changed, and Upgrade's carrying of state.

package interp_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/murmur-go/murmur/interp"
)

// TestUpgradeCarries runs an old version, then upgrades it to each new
// version: what upgrade(old) sees, or why the upgrade fails.
func TestUpgradeCarries(t *testing.T) {
	const old = `state = {"n": 0, "b": b"xy"}
label = "old"
helper = lambda x: x
timers = []
def init(n = 0):
    state["n"] = n
def receive(msg):
    if msg == "arm":
        timers.append(after(1, "x"))
    else:
        state["n"] += msg
`
	tests := []struct {
		name, src string
		want      string // the new instance's state
		err       string // or the upgrade's error
	}{
		{name: "upgrade", src: `state = {}
def upgrade(old):
    state["seen"] = sorted(old.keys())
    state["count"] = old["state"]["n"]
    old["state"]["n"] = -1 # a copy: the old instance is not touched
`, want: `{"seen": ["label", "state", "timers"], "count": 12}`},
		{name: "no upgrade runs init", src: `state = {"n": 100}
def init(n = 0):
    state["n"] += n
`, want: `{"n": 107}`},
		{name: "upgrade fails", src: `def upgrade(old):
    fail("no")
`, err: "no"},
		{name: "top level fails", src: `x = 1 // 0
`, err: "division by zero"},
		{name: "a timer cannot be carried", src: `def upgrade(old):
    pass
`, err: `old["timers"][0]: cannot send a timer`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"a.star": {Data: []byte(old)}}
			e, err := interp.NewEngine(interp.Options{FS: fsys})
			if err != nil {
				t.Fatal(err)
			}
			h := &fakeHost{}
			v1 := instantiate(t, e, "a.star", h)
			if err := v1.Init(encode(t, []any{7})); err != nil {
				t.Fatal(err)
			}
			if err := v1.Receive(encode(t, 5)); err != nil {
				t.Fatal(err)
			}
			if tc.name == "a timer cannot be carried" {
				if err := v1.Receive(encode(t, "arm")); err != nil {
					t.Fatal(err)
				}
			}
			fsys["a.star"] = &fstest.MapFile{Data: []byte(tc.src)}
			if changed, file := v1.Module().Changed(); !changed || file != "a.star" {
				t.Fatalf("Changed: %v %q", changed, file)
			}
			mod, err := e.Load("a.star")
			if err != nil {
				t.Fatal(err)
			}
			v2, err := mod.Upgrade(h, v1, encode(t, []any{7}), interp.InstanceOptions{})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Upgrade: %v, want %q", err, tc.err)
				}
				if strings.Contains(tc.name, "carried") && !errors.Is(err, interp.ErrNotCarried) {
					t.Errorf("Upgrade: %v, want ErrNotCarried", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := v2.Globals()["state"].String(); got != tc.want {
				t.Errorf("state = %s, want %s", got, tc.want)
			}
			if got := v1.Globals()["state"].String(); got != `{"n": 12, "b": b"xy"}` {
				t.Errorf("the old instance changed: %s", got)
			}
		})
	}
}
