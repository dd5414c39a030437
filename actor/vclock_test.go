package actor_test

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"
	"time"

	"github.com/murmur-go/murmur/actor"
)

// vclockScripts exercise every timer a script has on a virtual clock. Each
// would take 30 seconds or more of wall-clock time on the real one, more
// than the test's own timeout below.
var vclockScripts = fstest.MapFS{
	// idle.star reports its receive timeout to whoever it was started by.
	"idle.star": {Data: []byte(`
st = {"to": None, "n": 0}
def init(to):
    st["to"] = to
def receive(msg):
    if msg.get("event") == "timeout":
        st["n"] += 1
        send(st["to"], {"timeouts": st["n"]})
`)},
	// silent.star keeps requests without ever answering them.
	"silent.star": {Data: []byte(`
kept = []
def receive(msg):
    kept.append(sender())
`)},
	"main.star": {Data: []byte(`
def main(args):
    a = spawn("idle.star", self(), receive_timeout=30)
    m = recv(timeout=45)
    if m != {"timeouts": 1}:
        fail("first: %r" % m)
    m = recv(timeout=45)
    if m != {"timeouts": 2}:
        fail("second: %r" % m)
    stop(a)
    s = spawn("silent.star")
    _, err = catch(request, s, "hi", timeout=20)
    if "timed out" not in str(err):
        fail("request: %r" % err)
    after(10, "tick")
    m = recv(timeout=11)
    if m != "tick":
        fail("after: %r" % m)
    _, err = catch(recv, timeout=5)
    if "timed out" not in str(err):
        fail("recv: %r" % err)
`)},
}

// TestVirtualClockTimers runs a script whose timers add up to 95 seconds
// (receive_timeout twice, a request timeout, after, a recv timeout) on a
// virtual clock: the clock reads 95 s later, and the run's context, which
// allows 20 s of wall-clock time, is not done.
func TestVirtualClockTimers(t *testing.T) {
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	vc := actor.NewVirtualClock(start)
	sys, err := actor.NewSystem(actor.Config{FS: vclockScripts, VirtualClock: vc})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Shutdown(context.Background())
	mod, err := sys.Load("main.star")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := sys.Run(ctx, mod, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := vc.Now().Sub(start), 95*time.Second; got != want {
		t.Errorf("virtual clock advanced %v, want %v", got, want)
	}
}

func TestVirtualClockOneSystem(t *testing.T) {
	vc := actor.NewVirtualClock(time.Time{})
	sys, err := actor.NewSystem(actor.Config{VirtualClock: vc})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Shutdown(context.Background())
	if _, err := actor.NewSystem(actor.Config{VirtualClock: vc}); !errors.Is(err, actor.ErrClockInUse) {
		t.Fatalf("second system on one clock: %v, want ErrClockInUse", err)
	}
}
