// Tests of Go actors: the Actor handle, scripts and Go actors talking to
// each other, failures, mailboxes, stopping, pools and Config.Behaviors.

package actor_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/mailbox"
)

func TestGoCounter(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	ctx := context.Background()
	pid := spawnKind(t, sys, "go", "counter.star", actor.SpawnOptions{Args: []any{10}, Name: "counter"})
	if pid.ID != "counter" {
		t.Errorf("address %v, want the name counter", pid)
	}
	for i := 0; i < 100; i++ {
		if err := sys.Send(ctx, pid, map[string]any{"op": "add", "by": 2}); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := sys.Request(ctx, pid, map[string]any{"op": "get"}, &n); err != nil || n != 210 {
		t.Errorf("counter = %d, %v; want 210", n, err)
	}
	if st, err := sys.Stats(pid); err != nil || st.Processed != 101 {
		t.Errorf("Stats = %+v, %v; want 101 processed", st, err)
	}
	if _, err := sys.SpawnGo(ctx, goTwin("counter.star"), actor.SpawnOptions{Name: "counter"}); !errors.Is(err, actor.ErrNameTaken) {
		t.Errorf("second actor named counter: %v, want ErrNameTaken", err)
	}
}

// TestScriptTalksToEitherKind has a script use a counter through every
// builtin that takes an address: it cannot tell a Go actor from a script.
func TestScriptTalksToEitherKind(t *testing.T) {
	for _, kind := range actorKinds {
		t.Run(kind, func(t *testing.T) {
			sys := newSystem(t, actor.Config{})
			ctx := context.Background()
			counter := spawnKind(t, sys, kind, "counter.star", actor.SpawnOptions{Args: []any{10}})
			prober := spawn(t, sys, "prober.star", actor.SpawnOptions{})
			var got struct {
				Got       int    `msgpack:"got"`
				Silent    string `msgpack:"silent"`
				Failed    string `msgpack:"failed"`
				Traceback string `msgpack:"traceback"`
				After     int    `msgpack:"after"`
			}
			if err := sys.Request(ctx, prober, map[string]any{"op": "probe", "to": counter}, &got); err != nil {
				t.Fatal(err)
			}
			if got.Got != 15 || got.Silent != "no_reply" || got.Failed != "failed" || got.After != 10 ||
				!strings.Contains(got.Traceback, "asked to crash") {
				t.Errorf("probe: %+v", got)
			}
			if kind == "go" && (!strings.Contains(got.Traceback, "goroutine ") || !strings.Contains(got.Traceback, "gotwins_test.go")) {
				t.Errorf("a Go actor's traceback is not its Go stack:\n%s", got.Traceback)
			}
			if err := sys.Request(ctx, prober, map[string]any{"op": "end", "to": counter}, nil); err != nil {
				t.Fatal(err)
			}
			notice := waitNotice(t, sys, prober, counter)
			if notice["reason"] != "stopped" {
				t.Errorf("notice %v", notice)
			}
			if err := sys.Request(ctx, counter, map[string]any{"op": "get"}, nil); !errors.Is(err, actor.ErrUnknownActor) {
				t.Errorf("request to the stopped counter: %v, want ErrUnknownActor", err)
			}
		})
	}
}

// waitNotice asks prober.star for the termination notice of who until it
// has one.
func waitNotice(t *testing.T, sys *actor.System, prober, who actor.Address) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		var notice map[string]any
		if err := sys.Request(ctx, prober, map[string]any{"op": "notice", "to": who}, &notice); err != nil {
			t.Fatal(err)
		}
		if notice != nil {
			if notice["who"] != who {
				t.Errorf("notice %v, want one about %v", notice, who)
			}
			return notice
		}
		select {
		case <-ctx.Done():
			t.Fatal("no termination notice")
		case <-time.After(time.Millisecond):
		}
	}
}

// TestWatchAcrossKinds watches each kind of actor from each kind.
func TestWatchAcrossKinds(t *testing.T) {
	for _, watcherKind := range actorKinds {
		for _, targetKind := range actorKinds {
			t.Run(watcherKind+" watches "+targetKind, func(t *testing.T) {
				sys := newSystem(t, actor.Config{})
				ctx := context.Background()
				box, wait := inbox(t, sys)
				watcher := spawnKind(t, sys, watcherKind, "lifecycle.star", actor.SpawnOptions{Args: []any{box}})
				target := spawnKind(t, sys, targetKind, "lifecycle.star", actor.SpawnOptions{})
				if err := sys.Request(ctx, watcher, map[string]any{"op": "watch", "who": target}, nil); err != nil {
					t.Fatal(err)
				}
				if err := sys.Request(ctx, target, "stop yourself", nil); err != nil {
					t.Fatal(err)
				}
				got := wait(1)
				if n, ok := got[0].(map[string]any); !ok || n["who"] != target || n["reason"] != "stopped" {
					t.Errorf("notice %v", got[0])
				}
				// Watching an actor that is gone notifies at once.
				if err := sys.Request(ctx, watcher, map[string]any{"op": "watch", "who": target}, nil); err != nil {
					t.Fatal(err)
				}
				if n, ok := wait(2)[1].(map[string]any); !ok || n["who"] != target || n["reason"] == "" {
					t.Errorf("notice of a dead actor: %v", n)
				}
			})
		}
	}
}

func TestGoReceiveTimeout(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	box, wait := inbox(t, sys)
	spawnKind(t, sys, "go", "lifecycle.star", actor.SpawnOptions{Args: []any{box}, ReceiveTimeout: 10 * time.Millisecond})
	if got := wait(2); got[0] != "idle" || got[1] != "idle" {
		t.Errorf("receive timeouts delivered %v", got)
	}
}

// TestGoNoReplyAndDeferredReply: a request a Go actor leaves unanswered
// fails at once, unless it asked for the sender, which it may answer later.
func TestGoNoReplyAndDeferredReply(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	ctx := context.Background()
	held := make(chan struct{})
	var saved actor.Address
	gate := actor.Behavior{Name: "gate", Receive: func(ctx context.Context, a *actor.Actor, msg any) error {
		switch msg {
		case "hold":
			saved, _ = a.Sender()
			close(held)
		case "release":
			return a.Send(ctx, saved, "released")
		}
		return nil
	}}
	pid, err := sys.SpawnGo(ctx, gate, actor.SpawnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = sys.Request(ctx, pid, "ignore", nil)
	if !errors.Is(err, actor.ErrNoReply) || !strings.Contains(err.Error(), `gate: Receive returned without Reply to a request ("ignore")`) {
		t.Errorf("unanswered request: %v", err)
	}
	answer := make(chan error, 1)
	var got string
	go func() { answer <- sys.Request(ctx, pid, "hold", &got) }()
	<-held
	if err := sys.Send(ctx, pid, "release"); err != nil {
		t.Fatal(err)
	}
	if err := <-answer; err != nil || got != "released" {
		t.Errorf("deferred reply: %q, %v", got, err)
	}
}

var errBoom = errors.New("boom")

// boomer fails in the ways a Go actor can.
var boomer = actor.Behavior{Name: "boomer", Receive: func(ctx context.Context, a *actor.Actor, msg any) error {
	switch msg {
	case "error":
		return errBoom
	case "panic":
		var m map[string]int
		m["x"] = 1 // assignment to a nil map
	case "reply":
		return a.Reply("to nobody")
	case "self":
		return a.Request(ctx, a.Self(), "hello", nil)
	case "decode":
		var n int
		return a.Decode(&n)
	case "echo":
		var s string
		if err := a.Decode(&s); err != nil {
			return err
		}
		return a.Reply(s)
	}
	return nil
}}

func TestGoFailures(t *testing.T) {
	rec := &recorder{}
	sys := newSystem(t, actor.Config{})
	defer sys.Subscribe(rec.record)()
	ctx := context.Background()
	pid, err := sys.SpawnGo(ctx, boomer, actor.SpawnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = sys.Request(ctx, pid, "error", nil)
	if !errors.Is(err, actor.ErrActorFailed) || !errors.Is(err, errBoom) || !strings.Contains(err.Error(), "boomer: boom") {
		t.Errorf("returned error: %v", err)
	}
	err = sys.Request(ctx, pid, "panic", nil)
	var se *interp.ScriptError
	if !errors.Is(err, actor.ErrActorFailed) || !errors.As(err, &se) {
		t.Fatalf("panic: %v", err)
	}
	if se.Script != "boomer" || se.Func != "Receive" || se.Msg != "panic: assignment to entry in nil map" ||
		!strings.Contains(se.Backtrace, "goroutine ") || !strings.Contains(se.Backtrace, "goactor_test.go") {
		t.Errorf("panic: %+v", se)
	}
	for _, tt := range []struct{ msg, want string }{
		{"self", "request from " + pid.String() + " to itself would wait forever"},
		{"decode", "decoding the message"},
	} {
		if err := sys.Request(ctx, pid, tt.msg, nil); !errors.Is(err, actor.ErrActorFailed) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.msg, err, tt.want)
		}
	}
	var echo string
	if err := sys.Request(ctx, pid, "echo", &echo); err != nil || echo != "echo" {
		t.Errorf("echo after failures: %q, %v", echo, err)
	}
	// A Reply to a message sent without a sender fails; nobody waits, so
	// only the event tells.
	if err := sys.Send(ctx, pid, "reply"); err != nil {
		t.Fatal(err)
	}
	if err := sys.Request(ctx, pid, "echo", &echo); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.failures) != 5 {
		t.Fatalf("%d failure events, want 5", len(rec.failures))
	}
	last := rec.failures[4]
	if m, ok, err := last.Message(); last.Script != "boomer" || last.Actor != pid || !ok || err != nil || m != "reply" ||
		!strings.Contains(last.Err.Error(), "the message has no sender to answer") {
		t.Errorf("failure event %+v (message %v)", last, m)
	}
	if n := len(rec.supervision); n != 5 {
		t.Errorf("%d supervision events, want a restart per failure", n)
	}
}

func TestGoBehaviorErrors(t *testing.T) {
	square := actor.Behavior{Receive: func(ctx context.Context, a *actor.Actor, msg any) error {
		n, ok := msg.(int64)
		if !ok {
			return errors.New("not an int")
		}
		return a.Reply(n * n)
	}}
	sys := newSystem(t, actor.Config{Behaviors: map[string]actor.Behavior{"square": square}})
	ctx := context.Background()
	noop := func(context.Context, *actor.Actor, any) error { return nil }
	newNoop := func(context.Context, *actor.Actor, []any) (actor.ReceiveFunc, error) { return noop, nil }
	for _, tt := range []struct {
		name string
		b    actor.Behavior
		opts actor.SpawnOptions
		want string
		is   error
	}{
		{"both", actor.Behavior{Name: "x", Receive: noop, New: newNoop}, actor.SpawnOptions{}, `Go behaviour "x" sets both Receive and New`, nil},
		{"nothing", actor.Behavior{}, actor.SpawnOptions{}, "no Receive, no New and no Name", nil},
		{"unregistered", actor.Behavior{Name: "cube"}, actor.SpawnOptions{}, `"cube" is not in this system's Config.Behaviors`, actor.ErrUnknownBehavior},
		{"remote without a name", actor.Behavior{Receive: noop}, actor.SpawnOptions{Node: "127.0.0.1:1"}, "needs the Name it is registered under there", nil},
		{"unsendable args", actor.Behavior{New: newNoop}, actor.SpawnOptions{Args: []any{noop}}, "spawn go: args: ", nil},
	} {
		_, err := sys.SpawnGo(ctx, tt.b, tt.opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) || (tt.is != nil && !errors.Is(err, tt.is)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := sys.NewGoPool(ctx, actor.Behavior{Name: "cube"}, actor.PoolOptions{Size: 2}); !errors.Is(err, actor.ErrUnknownBehavior) {
		t.Errorf("pool of an unregistered behaviour: %v", err)
	}
	// A name alone runs what Config.Behaviors registered under it.
	pid, err := sys.SpawnGo(ctx, actor.Behavior{Name: "square"}, actor.SpawnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := sys.Request(ctx, pid, 7, &n); err != nil || n != 49 {
		t.Errorf("square(7) = %d, %v", n, err)
	}
	if err := sys.Request(ctx, pid, "seven", nil); err == nil || !strings.HasSuffix(err.Error(), ": square: not an int") {
		t.Errorf("square(\"seven\"): %v, want the failure named after the registered name", err)
	}
	for _, bs := range []map[string]actor.Behavior{{"": square}, {"x": {}}, {"x": {Receive: noop, New: newNoop}}} {
		if _, err := actor.NewSystem(actor.Config{Behaviors: bs}); err == nil {
			t.Errorf("NewSystem took Behaviors %v", bs)
		}
	}
}

// TestGoNewFails: a New that fails, panics or returns nothing fails the
// start as a failing init does, and a temporary actor then stops.
func TestGoNewFails(t *testing.T) {
	for _, tt := range []struct {
		name string
		new  func(context.Context, *actor.Actor, []any) (actor.ReceiveFunc, error)
		want string
	}{
		{"error", func(context.Context, *actor.Actor, []any) (actor.ReceiveFunc, error) {
			return nil, errBoom
		}, "starter: New: boom"},
		{"panic", func(context.Context, *actor.Actor, []any) (actor.ReceiveFunc, error) {
			panic("no start")
		}, "starter: New: panic: no start"},
		{"nothing", func(context.Context, *actor.Actor, []any) (actor.ReceiveFunc, error) {
			return nil, nil
		}, "starter: New returned no ReceiveFunc"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			sys := newSystem(t, actor.Config{})
			stopped := make(chan struct{})
			defer sys.Subscribe(func(e actor.Event) {
				rec.record(e)
				if e, ok := e.(*actor.SupervisionEvent); ok && e.Action == "stopped" {
					close(stopped)
				}
			})()
			pid, err := sys.SpawnGo(context.Background(), actor.Behavior{Name: "starter", New: tt.new},
				actor.SpawnOptions{Supervision: actor.Supervision{Strategy: actor.Temporary}})
			if err != nil {
				t.Fatal(err)
			}
			<-stopped
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if len(rec.failures) != 1 || rec.failures[0].Actor != pid || !strings.Contains(rec.failures[0].Err.Error(), tt.want) {
				t.Fatalf("failures %v, want one saying %q", rec.failures, tt.want)
			}
			if _, ok, _ := rec.failures[0].Message(); ok {
				t.Error("a failed start has a message")
			}
			if s := rec.supervision[0]; s.Actor != pid || s.Script != "starter" || !strings.Contains(s.Reason, tt.want) {
				t.Errorf("supervision %+v", s)
			}
		})
	}
}

// TestGoBoundedMailbox fills a Go actor's bounded mailbox while it is busy.
func TestGoBoundedMailbox(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	ctx := context.Background()
	busy, release := make(chan struct{}), make(chan struct{})
	b := actor.Behavior{Name: "busy", Receive: func(ctx context.Context, a *actor.Actor, msg any) error {
		if msg == "block" {
			close(busy)
			<-release
		}
		return nil
	}}
	pid, err := sys.SpawnGo(ctx, b, actor.SpawnOptions{Mailbox: mailbox.Config{MaxMessages: 1, Policy: mailbox.Fail}})
	if err != nil {
		t.Fatal(err)
	}
	if err := sys.Send(ctx, pid, "block"); err != nil {
		t.Fatal(err)
	}
	<-busy
	if err := sys.Send(ctx, pid, 1); err != nil {
		t.Fatalf("first queued message: %v", err)
	}
	if err := sys.Send(ctx, pid, 2); !errors.Is(err, actor.ErrMailboxFull) {
		t.Errorf("second queued message: %v, want ErrMailboxFull", err)
	}
	close(release)
}

// TestGoStop stops a Go actor that waits on its ctx, and with it the
// script it started.
func TestGoStop(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	ctx := context.Background()
	waiting := make(chan struct{})
	b := actor.Behavior{Name: "parent", New: func(ctx context.Context, a *actor.Actor, _ []any) (actor.ReceiveFunc, error) {
		mod, err := a.System().Load("counter.star")
		if err != nil {
			return nil, err
		}
		child, err := a.Spawn(ctx, mod, actor.SpawnOptions{Name: "kid"})
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, a *actor.Actor, msg any) error {
			if msg == "child" {
				var n int
				if err := a.Request(ctx, child, map[string]any{"op": "get"}, &n); err != nil {
					return err
				}
				return a.Reply(child)
			}
			close(waiting)
			<-ctx.Done()
			return ctx.Err()
		}, nil
	}}
	pid, err := sys.SpawnGo(ctx, b, actor.SpawnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var child actor.Address
	if err := sys.Request(ctx, pid, "child", &child); err != nil || child.ID != pid.ID+"/kid" {
		t.Fatalf("child %v, %v", child, err)
	}
	if err := sys.Send(ctx, pid, "wait"); err != nil {
		t.Fatal(err)
	}
	<-waiting
	if err := sys.Stop(ctx, pid); err != nil {
		t.Fatal(err)
	}
	err = sys.Request(ctx, child, map[string]any{"op": "get"}, nil)
	if !errors.Is(err, actor.ErrUnknownActor) && !errors.Is(err, actor.ErrStopped) {
		t.Errorf("request to the stopped parent's child: %v, want ErrUnknownActor or ErrStopped", err)
	}
}

// TestScriptPmapOverEitherPool hands a script a pool of each kind.
func TestScriptPmapOverEitherPool(t *testing.T) {
	for _, kind := range actorKinds {
		t.Run(kind, func(t *testing.T) {
			sys := newSystem(t, actor.Config{})
			ctx := context.Background()
			p := newPoolKind(t, sys, kind, "poolworker.star", actor.PoolOptions{Size: 4})
			mapper := spawn(t, sys, "gopmap.star", actor.SpawnOptions{})
			var got struct {
				Bad      bool     `msgpack:"bad"`
				OK       bool     `msgpack:"ok"`
				Kinds    []string `msgpack:"kinds"`
				Messages bool     `msgpack:"messages"`
			}
			if err := sys.Request(ctx, mapper, map[string]any{"pool": p.Address(), "n": 500}, &got); err != nil {
				t.Fatal(err)
			}
			if !got.Bad || !got.OK || len(got.Kinds) != 1 || got.Kinds[0] != "failed" || !got.Messages {
				t.Errorf("pmap over a %s pool: %+v", kind, got)
			}
		})
	}
}
