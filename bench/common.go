// This file holds what the workloads share: the scripts, the systems under
// test (murmur's and a raw protoactor one), and memory readings.

package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing/fstest"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"go.opentelemetry.io/otel/metric"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/mailbox"
	"github.com/murmur-go/murmur/serialize"
)

// Scripts are the script actors of the workloads, by file name.
var Scripts = fstest.MapFS{
	// W1: the tiny counter, spawned by the thousand and left idle.
	"counter.star": {Data: []byte(`
state = {"n": 0}

def receive(msg):
    if msg == "get":
        reply(state["n"])
    else:
        state["n"] += msg
`)},
	// W2: ping starts the rally when Go asks and answers Go (a deferred
	// reply) after the last round trip; pong sends every ball back.
	"ping.star": {Data: []byte(`
state = {"peer": None, "rounds": 0, "done": None}

def receive(msg):
    if msg["tag"] == "start":
        state["peer"], state["rounds"], state["done"] = msg["peer"], msg["rounds"], sender()
        send(state["peer"], {"n": 0, "tag": "ping"})
        return
    n = msg["n"] + 1
    if n < state["rounds"]:
        send(state["peer"], {"n": n, "tag": "ping"})
    else:
        send(state["done"], n)
`)},
	"pong.star": {Data: []byte(`
def receive(msg):
    reply(msg)
`)},
	// C1: the grain, which answers every request with its message.
	"egrain.star": {Data: []byte(`
def init(identity):
    pass

def receive(msg):
    reply(msg)
`)},
	// W3: the counter of the fan-in answers the last message, a request,
	// with how many it got, and starts over (a node's counter serves many
	// runs); the script producer sends them all, then that.
	"tally.star": {Data: []byte(`
state = {"n": 0}

def receive(msg):
    state["n"] += 1
    if msg["tag"] == "end":
        reply(state["n"])
        state["n"] = 0
`)},
	"producer.star": {Data: []byte(`
def receive(msg):
    to = msg["to"]
    for i in range(msg["count"]):
        send(to, {"n": i, "tag": "x"})
    reply(request(to, {"n": msg["count"], "tag": "end"}, timeout = 3600))
`)},
	// W4: the function of bench/README.md, as written there.
	"primes.star": {Data: []byte(`
def count_primes(limit):
    c = 0
    for n in range(2, limit):
        d = 2
        p = True
        while d * d <= n:
            if n % d == 0:
                p = False
                break
            d += 1
        if p:
            c += 1
    return c

def receive(msg):
    reply(count_primes(msg))
`)},
	// W5: the driver owns the buffer and bounces it off the echo actor.
	"driver.star": {Data: []byte(`
state = {"buf": None}

def receive(msg):
    if msg["op"] == "alloc":
        state["buf"] = buffer(msg["size"])
        reply(len(state["buf"]))
        return
    b = state["buf"]
    for i in range(msg["rounds"]):
        if msg["transfer"]:
            b = request(msg["peer"], b, transfer = [b], timeout = 3600)
        else:
            b = request(msg["peer"], b, timeout = 3600)
    state["buf"] = b
    reply(len(b))
`)},
	"echo.star": {Data: []byte(`
def receive(msg):
    if type(msg) == "buffer":
        reply(msg, transfer = [msg])
    else:
        reply(msg)
`)},
	// W6: a member of the ring forwards the token, n - 1, to the next one;
	// the member that gets 0 tells the first, which answers Go's request.
	"ring.star": {Data: []byte(`
state = {"next": None, "first": None, "done": None, "hops": 0}

def receive(msg):
    if type(msg) == "int":
        if msg > 0:
            send(state["next"], msg - 1)
        else:
            send(state["first"], "end")
    elif msg == "end":
        send(state["done"], state["hops"])
    elif "hops" in msg:
        state["done"], state["hops"] = sender(), msg["hops"]
        send(state["next"], msg["hops"] - 1)
    else:
        state["next"], state["first"] = msg["next"], msg["first"]
        reply(True)
`)},
	// W7: fib(n) by a tree of short-lived actors. alive() is a Go builtin
	// that counts the actors between their start and their answer.
	"fib.star": {Data: []byte(`
state = {"parent": None, "sum": 0, "got": 0}

def init(n, parent):
    alive(1)
    if n < 3:
        alive(-1)
        send(parent, 1)
        stop()
        return
    state["parent"] = parent
    spawn("fib.star", n - 1, self())
    spawn("fib.star", n - 2, self())

def receive(msg):
    state["sum"] += msg
    state["got"] += 1
    if state["got"] == 2:
        alive(-1)
        send(state["parent"], state["sum"])
        stop()
`)},
	// W7's root: it starts the tree with Go's request as the root's parent,
	// so that the root's answer goes straight to Go.
	"fibroot.star": {Data: []byte(`
def receive(msg):
    spawn("fib.star", msg, sender())
`)},
}

// Mailbox is the mailbox configuration of murmur's actors in every
// workload (actor.Config.Mailbox). The zero value is murmur's default; the
// report's -linger and the benchmarks' -linger flag set its Linger, to
// compare scheduling choices in one run.
var Mailbox mailbox.Config

// MeterProvider is the metrics provider of murmur's systems in W1-W7
// (actor.Config.MeterProvider). Nil means metrics off; the benchmarks'
// -metrics flag sets it, to measure what metrics cost.
var MeterProvider metric.MeterProvider

// murmurSystem is a murmur system running Scripts, with messages up to
// maxBytes (zero means serialize's default).
type murmurSystem struct {
	*actor.System
}

func newMurmur(maxBytes int) (murmurSystem, error) {
	sys, err := actor.NewSystem(actor.Config{FS: Scripts, Limits: serialize.Limits{MaxBytes: maxBytes}, Mailbox: Mailbox, MeterProvider: MeterProvider})
	return murmurSystem{sys}, err
}

// spawn starts one actor of the named script.
func (s murmurSystem) spawn(ctx context.Context, script string) (actor.Address, error) {
	mod, err := s.Load(script)
	if err != nil {
		return actor.Address{}, err
	}
	return s.Spawn(ctx, mod, actor.SpawnOptions{})
}

// close shuts the system down, with a deadline of its own.
func (s murmurSystem) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	_ = s.Shutdown(ctx)
}

// newProto returns a raw protoactor system with the default mailbox and
// dispatcher, and its logs discarded. Its dead-letter throttle runs for a
// short interval, so that it leaves no goroutine behind for long.
func newProto() *proto.ActorSystem {
	return proto.NewActorSystem(
		proto.WithLoggerFactory(func(*proto.ActorSystem) *slog.Logger {
			return slog.New(slog.NewTextHandler(io.Discard, nil))
		}),
		proto.WithDeadLetterThrottleInterval(10*time.Millisecond),
	)
}

// Mem is a reading of the process's memory, taken after a full garbage
// collection that also returns free pages to the OS.
type Mem struct {
	Heap uint64 // bytes of live heap objects (runtime.MemStats.HeapAlloc)
	RSS  uint64 // resident set size (/proc/self/statm), zero where unknown
}

// ReadMem collects garbage, returns free memory to the OS, and reads Mem.
func ReadMem() Mem {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return Mem{Heap: ms.HeapAlloc, RSS: rss()}
}

// rss returns the resident set size from /proc/self/statm, or zero.
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := bytes.Fields(b)
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseUint(string(f[1]), 10, 64)
	if err != nil {
		return 0
	}
	return pages * uint64(os.Getpagesize())
}

// perUnit returns (after - before) / n, which may be negative.
func perUnit(before, after uint64, n int) float64 {
	return (float64(after) - float64(before)) / float64(n)
}

// settle waits until at most n goroutines run (the mailboxes of idle
// actors have let theirs go), or until a few seconds have passed.
func settle(n int) {
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > n && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
}

// withDeadline gives ctx a deadline of an hour unless it has one: long runs
// must not fall to murmur's default request timeout.
func withDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, time.Hour)
}

// awaitCount waits for a raw protoactor run started at start to report its
// count on done, checks that it is want, and returns the time it took.
func awaitCount(ctx context.Context, done <-chan int, start time.Time, want int, what string) (time.Duration, error) {
	select {
	case n := <-done:
		elapsed := time.Since(start)
		if n != want {
			return 0, fmt.Errorf("%s: %d, want %d", what, n, want)
		}
		return elapsed, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}
