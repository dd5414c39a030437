// Tests of lifecycle: stopping(), watch, timers, receive timeouts, and the
// supervision strategies.

package actor_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/murmur-go/murmur/actor"
)

// inbox is a script actor that collects what it is sent; Go reads it.
func inbox(t *testing.T, sys *actor.System) (actor.Address, func(n int) []any) {
	pid := spawn(t, sys, "tally.star", actor.SpawnOptions{})
	return pid, func(n int) []any {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for {
			var got []any
			if err := sys.Request(ctx, pid, map[string]any{"op": "list"}, &got); err != nil {
				t.Fatalf("inbox: %v", err)
			}
			if len(got) >= n {
				return got
			}
			select {
			case <-ctx.Done():
				t.Fatalf("inbox has %v, want %d entries", got, n)
			case <-time.After(time.Millisecond):
			}
		}
	}
}

func TestStoppingHookAndWatch(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	ctx := context.Background()
	box, wait := inbox(t, sys)
	watcher := spawn(t, sys, "lifecycle.star", actor.SpawnOptions{Args: []any{box}})
	target := spawn(t, sys, "lifecycle.star", actor.SpawnOptions{Args: []any{box}})
	if err := sys.Request(ctx, watcher, map[string]any{"op": "watch", "who": target}, nil); err != nil {
		t.Fatal(err)
	}
	if err := sys.Request(ctx, target, "stop yourself", nil); err != nil {
		t.Fatal(err)
	}
	got := wait(2)
	want := []any{"stopping hook ran", map[string]any{"who": target, "reason": "stopped"}}
	if len(got) != 2 || got[0] != want[0] || got[1].(map[string]any)["reason"] != "stopped" || got[1].(map[string]any)["who"] != target {
		t.Errorf("got %v, want %v", got, want)
	}
	// Watching an actor that is gone notifies at once.
	if err := sys.Request(ctx, watcher, map[string]any{"op": "watch", "who": target}, nil); err != nil {
		t.Fatal(err)
	}
	if got := wait(3); got[2].(map[string]any)["reason"] == "" {
		t.Errorf("watch of a dead actor: %v", got[2])
	}
}

func TestTimers(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	ctx := context.Background()
	box, wait := inbox(t, sys)
	a := spawn(t, sys, "lifecycle.star", actor.SpawnOptions{Args: []any{box}})
	var cancelled bool
	if err := sys.Request(ctx, a, map[string]any{"op": "after", "seconds": 30, "cancel": true}, &cancelled); err != nil || !cancelled {
		t.Fatalf("cancel of a pending timer: %v, %v", cancelled, err)
	}
	if err := sys.Request(ctx, a, map[string]any{"op": "after", "seconds": 0.01}, nil); err != nil {
		t.Fatal(err)
	}
	if got := wait(1); !slices.Equal(got, []any{"tick"}) {
		t.Errorf("timer delivered %v", got)
	}
}

func TestReceiveTimeout(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	box, wait := inbox(t, sys)
	spawn(t, sys, "lifecycle.star", actor.SpawnOptions{Args: []any{box}, ReceiveTimeout: 10 * time.Millisecond})
	if got := wait(2); got[0] != "idle" || got[1] != "idle" {
		t.Errorf("receive timeouts delivered %v", got)
	}
}

func kids(t *testing.T, sys *actor.System, kind, strategy string) []actor.Address {
	parent := spawnKind(t, sys, kind, "family.star", actor.SpawnOptions{Args: []any{"generation.star", 3, strategy}})
	var pids []actor.Address
	if err := sys.Request(context.Background(), parent, map[string]any{"op": "kids"}, &pids); err != nil {
		t.Fatal(err)
	}
	return pids
}

func calls(t *testing.T, sys *actor.System, pid actor.Address) int {
	t.Helper()
	var n int
	if err := sys.Request(context.Background(), pid, "hello", &n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStrategies(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	for _, tt := range []struct {
		strategy      string
		siblingsReset bool
	}{{"one_for_one", false}, {"all_for_one", true}, {"backoff", false}} {
		for _, kind := range actorKinds {
			t.Run(kind+"/"+tt.strategy, func(t *testing.T) {
				pids := kids(t, sys, kind, tt.strategy)
				for _, p := range pids {
					calls(t, sys, p)
				}
				if err := sys.Request(context.Background(), pids[0], "crash", nil); !errors.Is(err, actor.ErrActorFailed) {
					t.Fatal(err)
				}
				if got := calls(t, sys, pids[0]); got != 1 {
					t.Errorf("crashed child: %d calls since restart, want 1", got)
				}
				sibling := calls(t, sys, pids[1])
				if tt.siblingsReset && sibling != 1 {
					t.Errorf("sibling kept its state (%d calls) under all_for_one", sibling)
				}
				if !tt.siblingsReset && sibling != 2 {
					t.Errorf("sibling was restarted (%d calls) under %s", sibling, tt.strategy)
				}
			})
		}
	}
}

func TestBadSpawnOptions(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	for _, src := range []string{
		"def main(args):\n    spawn(\"silent.star\", strategy = \"sometimes\")\n",
		"def main(args):\n    spawn(\"silent.star\", mailbox_policy = \"drop\")\n",
		"def main(args):\n    spawn(\"silent.star\", mailbox_size = 1, mailbox_policy = \"lose\")\n",
	} {
		mod, err := sys.Compile("bad.star", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if err := sys.Run(context.Background(), mod, nil); err == nil {
			t.Errorf("%q: spawn accepted bad options", src)
		}
	}
}

func TestEscalation(t *testing.T) {
	for _, tt := range []struct {
		name, kind string
		args       []any
	}{
		{"script", "script", nil},
		{"go", "go", nil},
		{"go parent, script child", "go", []any{"script"}},
	} {
		t.Run(tt.name, func(t *testing.T) { testEscalation(t, tt.kind, tt.args) })
	}
}

func testEscalation(t *testing.T, kind string, args []any) {
	rec := &recorder{}
	sys := newSystem(t, actor.Config{})
	defer sys.Subscribe(rec.record)()
	restarted := make(chan actor.Address, 4)
	defer sys.Subscribe(func(e actor.Event) {
		if e, ok := e.(*actor.SupervisionEvent); ok && e.Action == "restarted" {
			restarted <- e.Actor
		}
	})()
	parent := spawnKind(t, sys, kind, "escalating.star", actor.SpawnOptions{Args: args})
	var child actor.Address
	if err := sys.Request(context.Background(), parent, "child", &child); err != nil {
		t.Fatal(err)
	}
	// The child may not restart: its failure escalates and restarts the
	// parent, whose init spawns a new child.
	if err := sys.Request(context.Background(), child, "crash", nil); !errors.Is(err, actor.ErrActorFailed) {
		t.Fatal(err)
	}
	// The event comes once the restart order is queued for the parent: a
	// request sent after it reaches the restarted instance (system
	// messages first).
	if who := <-restarted; who != parent {
		t.Fatalf("restarted %v, want the parent %v", who, parent)
	}
	var again actor.Address
	ctx := context.Background()
	var gen int
	if err := sys.Request(ctx, parent, "generation", &gen); err != nil || gen != 1 {
		t.Fatalf("parent after the escalation: generation %d (%v), want 1: a fresh instance", gen, err)
	}
	if err := sys.Request(ctx, parent, "child", &again); err != nil {
		t.Fatal(err)
	}
	var calls int
	if err := sys.Request(ctx, again, "hello", &calls); err != nil || calls != 1 {
		t.Errorf("new child: %d, %v", calls, err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var actions []string
	for _, s := range rec.supervision {
		actions = append(actions, s.Actor.String()+" "+s.Action)
	}
	if len(actions) != 2 || !strings.HasSuffix(actions[0], "escalated") || !strings.HasSuffix(actions[1], "restarted") {
		t.Errorf("supervision: %v", actions)
	}
}
