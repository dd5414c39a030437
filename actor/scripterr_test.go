// Tests of failures scripts handle as values: requests left unanswered,
// catch() and error values on a real system, and how quietly a failure
// handed back to its requester is logged.

package actor_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/murmur-go/murmur/actor"
)

// TestNoReply checks that a request whose receive returns without
// answering it fails at once with ErrNoReply, naming the script and the
// message, unless the script took sender() to answer later.
func TestNoReply(t *testing.T) {
	// A timeout far longer than the test: only ErrNoReply ends these requests.
	sys, printed := printingSystem(t, actor.Config{RequestTimeout: time.Minute})
	ctx := context.Background()
	silent := spawn(t, sys, "silent.star", actor.SpawnOptions{})
	err := sys.Request(ctx, silent, map[string]any{"op": "get"}, nil)
	if !errors.Is(err, actor.ErrNoReply) ||
		!strings.Contains(err.Error(), `silent.star: receive returned without reply() to a request ({"op": "get"})`) {
		t.Errorf("request to a script that does not answer: %v, want ErrNoReply naming the script and message", err)
	}

	// From a script: request, ask, and a deferred reply through sender().
	mod, err := sys.Compile("asker.star", []byte(`
def main(args):
    w = spawn("silent.star")
    v, e = catch(request, w, 1)
    print(v, e.kind, "silent.star: receive returned without reply() to a request (1)" in e.message)
    print(ask(w, [2]).exception().kind)
    gate = spawn("gate.star")
    f = ask(gate, {"op": "hold", "need": 1})
    send(gate, {"op": "done"})
    print(f.result())
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := sys.Run(ctx, mod, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(printed(), "\n"), "None no_reply True\nno_reply\nreleased"; got != want {
		t.Errorf("printed:\n%s\nwant:\n%s", got, want)
	}
}

// TestNoReplyBroadcast checks that a request to a broadcast pool gets the
// answer of the one worker that gives it, not the silence of the others.
func TestNoReplyBroadcast(t *testing.T) {
	sys := newSystem(t, actor.Config{RequestTimeout: time.Minute})
	ctx := context.Background()
	mod, err := sys.Compile("picky.star", []byte(`
def receive(msg):
    if self().id.endswith("/2"):
        reply("from 2")
`))
	if err != nil {
		t.Fatal(err)
	}
	p, err := sys.NewPool(ctx, mod, actor.PoolOptions{Size: 3, Routing: actor.Broadcast, Name: "picky"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop(ctx)
	var got string
	if err := sys.Request(ctx, p.Address(), "who answers?", &got); err != nil || got != "from 2" {
		t.Errorf("broadcast request = %q, %v; want the answer of worker 2", got, err)
	}
}

// TestExpectedFailuresLogQuietly checks the logging rule: a failure
// answered to a waiting requester is logged at debug by the failing actor
// (the requester has it, traceback and all, and handles it or fails in
// turn); one nobody waits for, or an ask's failure never retrieved, at error.
func TestExpectedFailuresLogQuietly(t *testing.T) {
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sys, printed := printingSystem(t, actor.Config{Logger: logger})
	ctx := context.Background()
	mod, err := sys.Compile("quiet.star", []byte(`
def main(args):
    p = pool("poolworker.star", size = 2)
    r = pmap(p, [{"x": 1}, {"x": -2}, {"x": -3}], return_exceptions = True)
    print(r[1].index, r[2].index, r[1].kind, "poolworker.star:10:13: in receive" in r[1].traceback)
    v, e = catch(request, p, {"x": -4})
    print(e.kind)
    print(ask(p, {"x": -5}).exception().kind)
`))
	if err != nil {
		t.Fatal(err)
	}
	// A worker answers the requester before it logs and publishes the
	// failure: wait for the four events (each published after its log line).
	failures := make(chan struct{}, 16)
	unsubscribe := sys.Subscribe(func(e actor.Event) {
		if _, ok := e.(*actor.FailureEvent); ok {
			failures <- struct{}{}
		}
	})
	if err := sys.Run(ctx, mod, nil); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		select {
		case <-failures:
		case <-time.After(5 * time.Second):
			t.Fatalf("%d failure events, want 4; printed %q; logs:\n%s", i, printed(), logs)
		}
	}
	unsubscribe()
	if got, want := strings.Join(printed(), "\n"), "1 2 failed True\nfailed\nfailed"; got != want {
		t.Errorf("printed:\n%s\nwant:\n%s", got, want)
	}
	if n := strings.Count(logs.String(), "level=DEBUG msg=\"actor failed\""); n != 4 {
		t.Errorf("%d failures logged at debug, want 4:\n%s", n, logs)
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("failures handed back as values were logged as errors:\n%s", logs)
	}

	// No one waits: the failure is logged as an error.
	flaky := spawn(t, sys, "flaky.star", actor.SpawnOptions{})
	if err := sys.Send(ctx, flaky, "divide"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := sys.Request(ctx, flaky, "count", &n); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "level=ERROR msg=\"actor failed\"") ||
		!strings.Contains(logs.String(), "floored division by zero") {
		t.Errorf("a failure nobody waited for was not logged as an error:\n%s", logs)
	}

	// An ask whose failure is never retrieved: an error when the asker stops.
	asker, err := sys.Compile("dropper.star", []byte(`
def receive(msg):
    f = ask(msg["to"], "crash")
    request(msg["to"], "count")   # answered after the crash: the failure waits in f
    reply("dropped")
`))
	if err != nil {
		t.Fatal(err)
	}
	a, err := sys.Spawn(ctx, asker, actor.SpawnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sys.Request(ctx, a, map[string]any{"to": flaky}, nil); err != nil {
		t.Fatal(err)
	}
	if err := sys.Stop(ctx, a); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "level=ERROR msg=\"failure of an ask never retrieved\"") ||
		!strings.Contains(logs.String(), "asked to crash") {
		t.Errorf("an ask's failure nobody retrieved was not logged as an error:\n%s", logs)
	}
}

// TestCatchDoesNotCatchStop checks that an actor stopped while it waits in
// catch(request, ...) stops, instead of going on with the failure as a value.
func TestCatchDoesNotCatchStop(t *testing.T) {
	sys := newSystem(t, actor.Config{RequestTimeout: time.Minute})
	ctx := context.Background()
	box, wait := inbox(t, sys)
	gate := spawn(t, sys, "gate.star", actor.SpawnOptions{})
	mod, err := sys.Compile("waiter.star", []byte(`
def receive(msg):
    send(msg["box"], "waiting")
    v, e = catch(request, msg["gate"], {"op": "hold", "need": 1})
    send(msg["box"], "went on after catch: %s" % e)
`))
	if err != nil {
		t.Fatal(err)
	}
	w, err := sys.Spawn(ctx, mod, actor.SpawnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sys.Send(ctx, w, map[string]any{"box": box, "gate": gate}); err != nil {
		t.Fatal(err)
	}
	wait(1)
	if err := sys.Stop(ctx, w); err != nil {
		t.Fatal(err)
	}
	if got := wait(1); len(got) != 1 {
		t.Errorf("a stopped actor went on after catch(): %v", got)
	}
}

// TestCatchTargetsEnd checks that catch() hands back a target's step limit
// as a value: only this actor's own end goes through catch.
func TestCatchTargetsEnd(t *testing.T) {
	sys, printed := printingSystem(t, actor.Config{})
	mod, err := sys.Compile("spinner.star", []byte(`
def main(args):
    w = spawn("flaky.star", max_steps = 10000)
    v, e = catch(request, w, "spin")
    print(e.kind, "step limit" in e.message)
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := sys.Run(context.Background(), mod, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(printed(), "\n"), "failed True"; got != want {
		t.Errorf("printed:\n%s\nwant:\n%s", got, want)
	}
}
