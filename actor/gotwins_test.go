// Go twins of the test scripts: Go behaviours that do what faulty.star,
// flaky.star, generation.star, family.star, escalating.star,
// lifecycle.star and poolworker.star do, so that the fault, lifecycle and
// pool tests run over both kinds of actor.

package actor_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/murmur-go/murmur/actor"
)

// actorKinds are the kinds of actor the table tests run over.
var actorKinds = []string{"script", "go"}

// newPoolKind starts a pool of script's actors, or for kind "go" of its Go twin.
func newPoolKind(t *testing.T, sys *actor.System, kind, script string, opts actor.PoolOptions) *actor.Pool {
	t.Helper()
	var p *actor.Pool
	var err error
	if kind == "script" {
		var mod *actor.Module
		if mod, err = sys.Load(script); err == nil {
			p, err = sys.NewPool(context.Background(), mod, opts)
		}
	} else {
		p, err = sys.NewGoPool(context.Background(), goTwin(script), opts)
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// twinName is the name events give what a kind of actor runs for script.
func twinName(kind, script string) string {
	if kind == "script" {
		return script
	}
	return goTwin(script).Name
}

// spawnKind spawns script, or for kind "go" its Go twin.
func spawnKind(t *testing.T, sys *actor.System, kind, script string, opts actor.SpawnOptions) actor.Address {
	t.Helper()
	if kind == "script" {
		return spawn(t, sys, script, opts)
	}
	pid, err := sys.SpawnGo(context.Background(), goTwin(script), opts)
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// goTwin returns the Go behaviour that does what script does.
func goTwin(script string) actor.Behavior {
	switch script {
	case "counter.star":
		return actor.Behavior{Name: "counter", New: newGoCounter}
	case "faulty.star":
		return actor.Behavior{Name: "faulty", Receive: goFaulty}
	case "flaky.star":
		return actor.Behavior{Name: "flaky", New: newGoFlaky}
	case "generation.star":
		return actor.Behavior{Name: "generation", New: newGoGeneration}
	case "family.star":
		return actor.Behavior{Name: "family", New: newGoFamily}
	case "escalating.star":
		return actor.Behavior{Name: "escalating", New: newGoEscalating}
	case "lifecycle.star":
		return actor.Behavior{Name: "lifecycle", New: newGoLifecycle}
	case "poolworker.star":
		return actor.Behavior{Name: "poolworker", Receive: goPoolWorker}
	case "heir.star":
		return actor.Behavior{Name: "heir", Receive: goHeir}
	case "badinit.star":
		return actor.Behavior{Name: "badinit", New: func(context.Context, *actor.Actor, []any) (actor.ReceiveFunc, error) {
			return nil, errors.New("cannot start")
		}}
	}
	panic("no Go twin for " + script)
}

// dict returns msg as a map, or an error that says what it was.
func dict(msg any) (map[string]any, error) {
	m, ok := msg.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want a dict, got %T %v", msg, msg)
	}
	return m, nil
}

// newGoCounter is counter.star, except that it panics on "crash".
func newGoCounter(_ context.Context, _ *actor.Actor, args []any) (actor.ReceiveFunc, error) {
	var n int64
	if len(args) > 0 {
		n, _ = args[0].(int64)
	}
	return func(ctx context.Context, a *actor.Actor, msg any) error {
		var m struct {
			Op string `msgpack:"op"`
			By int64  `msgpack:"by"`
		}
		if err := a.Decode(&m); err != nil {
			return err
		}
		switch m.Op {
		case "add":
			n += m.By
		case "get":
			return a.Reply(n)
		case "crash":
			panic("asked to crash")
		}
		return nil
	}, nil
}

// goFaulty is faulty.star: it fails in the way each message asks, and
// reports every message it handles to msg["report"].
func goFaulty(ctx context.Context, a *actor.Actor, msg any) error {
	m, err := dict(msg)
	if err != nil {
		return err
	}
	id, _ := m["id"].(int64)
	report, _ := m["report"].(actor.Address)
	switch m["kind"] {
	case "ping":
		return a.Reply("pong")
	case "fail":
		return fmt.Errorf("boom %d", id)
	case "divide":
		zero := id - id
		id /= zero // a Go runtime panic
	case "spin":
		<-ctx.Done()
		return ctx.Err()
	case "big":
		if err := a.Send(ctx, report, strings.Repeat("x", 4096)); err != nil {
			return err
		}
	case "unsendable":
		if err := a.Send(ctx, report, map[string]any{"callback": goFaulty}); err != nil {
			return err
		}
	case "dead":
		dead, _ := m["dead"].(actor.Address)
		if err := a.Request(ctx, dead, "are you there?", nil); err != nil {
			return err
		}
	}
	return a.Send(ctx, report, id)
}

// newGoFlaky is flaky.star: it fails on "crash", panics on "divide", and
// counts what it handled since its last start.
func newGoFlaky(context.Context, *actor.Actor, []any) (actor.ReceiveFunc, error) {
	handled := 0
	return func(ctx context.Context, a *actor.Actor, msg any) error {
		switch msg {
		case "crash":
			return fmt.Errorf("asked to crash")
		case "divide":
			panic("asked to divide by zero")
		}
		handled++
		if msg == "count" {
			return a.Reply(handled)
		}
		return nil
	}, nil
}

// newGoGeneration is generation.star: it answers how many calls this
// incarnation had, and fails on "crash".
func newGoGeneration(context.Context, *actor.Actor, []any) (actor.ReceiveFunc, error) {
	calls := 0
	return func(ctx context.Context, a *actor.Actor, msg any) error {
		calls++
		if msg == "crash" {
			return fmt.Errorf("crash requested")
		}
		return a.Reply(calls)
	}, nil
}

// newGoFamily is family.star: a parent of n children of one script's twin,
// sharing one strategy.
func newGoFamily(ctx context.Context, a *actor.Actor, args []any) (actor.ReceiveFunc, error) {
	if len(args) != 3 {
		return nil, fmt.Errorf("want script, n, strategy; got %v", args)
	}
	script, _ := args[0].(string)
	n, _ := args[1].(int64)
	strategy, err := actor.ParseStrategy(fmt.Sprint(args[2]))
	if err != nil {
		return nil, err
	}
	var kids []actor.Address
	for i := range n {
		kid, err := a.SpawnGo(ctx, goTwin(script), actor.SpawnOptions{Name: fmt.Sprintf("kid-%d", i),
			Supervision: actor.Supervision{Strategy: strategy, MaxRestarts: 5}})
		if err != nil {
			return nil, err
		}
		kids = append(kids, kid)
	}
	return func(ctx context.Context, a *actor.Actor, msg any) error {
		return a.Reply(kids)
	}, nil
}

// newGoEscalating is escalating.star: a parent whose child may not
// restart, so that the child's failure restarts the parent. With the arg
// "script" its child is generation.star itself rather than its twin.
func newGoEscalating(ctx context.Context, a *actor.Actor, args []any) (actor.ReceiveFunc, error) {
	opts := actor.SpawnOptions{Name: "kid", Supervision: actor.Supervision{Strategy: actor.Temporary, Escalate: true}}
	var child actor.Address
	var err error
	if len(args) > 0 && args[0] == "script" {
		mod, lerr := a.System().Load("generation.star")
		if lerr != nil {
			return nil, lerr
		}
		child, err = a.Spawn(ctx, mod, opts)
	} else {
		child, err = a.SpawnGo(ctx, goTwin("generation.star"), opts)
	}
	if err != nil {
		return nil, err
	}
	generation := 0
	return func(ctx context.Context, a *actor.Actor, msg any) error {
		generation++
		switch msg {
		case "child":
			return a.Reply(child)
		case "generation":
			return a.Reply(generation)
		}
		return nil
	}, nil
}

// newGoLifecycle is lifecycle.star without timers and stopping(): it
// reports termination notices and receive timeouts to the address it was
// given, watches on request, and stops itself when asked.
func newGoLifecycle(ctx context.Context, a *actor.Actor, args []any) (actor.ReceiveFunc, error) {
	var report actor.Address
	if len(args) > 0 {
		report, _ = args[0].(actor.Address)
	}
	return func(ctx context.Context, a *actor.Actor, msg any) error {
		if msg == "stop yourself" {
			if err := a.Stop(a.Self()); err != nil {
				return err
			}
			return a.Reply("stopping")
		}
		m, err := dict(msg)
		if err != nil {
			return err
		}
		switch {
		case m["event"] == "terminated":
			return a.Send(ctx, report, map[string]any{"who": m["who"], "reason": m["reason"]})
		case m["event"] == "timeout":
			return a.Send(ctx, report, "idle")
		case m["op"] == "watch":
			who, _ := m["who"].(actor.Address)
			if err := a.Watch(who); err != nil {
				return err
			}
			return a.Reply("watching")
		}
		return fmt.Errorf("unknown message %v", msg)
	}, nil
}

// goPoolWorker is poolworker.star: it says who it is and squares, fails
// on negatives, and can be held at a gate.
func goPoolWorker(ctx context.Context, a *actor.Actor, msg any) error {
	m, err := dict(msg)
	if err != nil {
		return err
	}
	x, _ := m["x"].(int64)
	switch m["kind"] {
	case "slow":
		gate, _ := m["gate"].(actor.Address)
		if err := a.Request(ctx, gate, map[string]any{"op": "hold", "need": m["need"]}, nil); err != nil {
			return err
		}
	case "cheap":
		gate, _ := m["gate"].(actor.Address)
		if err := a.Send(ctx, gate, map[string]any{"op": "done"}); err != nil {
			return err
		}
	case nil, "square":
		if x < 0 {
			return fmt.Errorf("negative input %d", x)
		}
	}
	return a.Reply(map[string]any{"worker": a.Self(), "y": x * x})
}

// goHeir is heir.star: it fails when asked, waits at a gate when asked,
// and reports anything else to the box it names.
func goHeir(ctx context.Context, a *actor.Actor, msg any) error {
	m, err := dict(msg)
	if err != nil {
		return err
	}
	switch m["op"] {
	case "fail":
		return errors.New("asked to fail")
	case "hold":
		gate, _ := m["gate"].(actor.Address)
		return a.Request(ctx, gate, map[string]any{"op": "hold", "need": 1}, nil)
	}
	box, _ := m["box"].(actor.Address)
	return a.Send(ctx, box, m["n"])
}
