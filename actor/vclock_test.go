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

// TestVirtualClockBusySystem: 20 clients each wait on a request whose
// answer a worker defers by after(1); the clock must not move while any of
// them runs, so every request (timeout 2 s) is answered and the clock reads
// exactly one second later.
func TestVirtualClockBusySystem(t *testing.T) {
	scripts := fstest.MapFS{
		"delay.star": {Data: []byte(`
def receive(msg):
    if type(msg) == "dict":
        send(msg["to"], "done")
    else:
        after(1, {"to": sender()})
`)},
		"client.star": {Data: []byte(`
w = {"worker": None}
def init(worker):
    w["worker"] = worker
def receive(msg):
    reply(request(w["worker"], msg, timeout = 2))
`)},
		"main.star": {Data: []byte(`
def main(args):
    worker = spawn("delay.star")
    clients = [spawn("client.star", worker) for i in range(20)]
    got = gather([ask(c, i, timeout = 10) for i, c in enumerate(clients)])
    if got != ["done"] * 20:
        fail("got %r" % got)
`)},
	}
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	vc := actor.NewVirtualClock(start)
	sys, err := actor.NewSystem(actor.Config{FS: scripts, VirtualClock: vc})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Shutdown(context.Background())
	mod, err := sys.Load("main.star")
	if err != nil {
		t.Fatal(err)
	}
	if err := sys.Run(context.Background(), mod, nil); err != nil {
		t.Fatal(err)
	}
	if got := vc.Now().Sub(start); got != time.Second {
		t.Errorf("virtual clock advanced %v, want 1s", got)
	}
}

// TestVirtualClockWaitsForBusyActor: while a worker computes for many
// milliseconds of wall-clock time, nothing of the system waits on the
// clock but the requester, so the clock must not move: the request's
// 5-second timeout (and the after(1) pending beside it) must not fire
// before the answer.
func TestVirtualClockWaitsForBusyActor(t *testing.T) {
	scripts := fstest.MapFS{
		"busy.star": {Data: []byte(`
def receive(n):
    s = 0
    for i in range(n):
        s += i % 7
    reply(s)
`)},
		"main.star": {Data: []byte(`
def main(args):
    w = spawn("busy.star")
    after(1, "tick")
    n = 300000
    assert_eq(request(w, n, timeout = 5), sum([i % 7 for i in range(n)]))
    assert_eq(recv(timeout = 10), "tick")

def assert_eq(x, y):
    if x != y:
        fail("%r != %r" % (x, y))
`)},
	}
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	vc := actor.NewVirtualClock(start)
	sys, err := actor.NewSystem(actor.Config{FS: scripts, VirtualClock: vc})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Shutdown(context.Background())
	mod, err := sys.Load("main.star")
	if err != nil {
		t.Fatal(err)
	}
	if err := sys.Run(context.Background(), mod, nil); err != nil {
		t.Fatal(err)
	}
	if got := vc.Now().Sub(start); got != time.Second {
		t.Errorf("virtual clock advanced %v, want 1s", got)
	}
}
