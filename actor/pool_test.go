// Tests of pools: routing, parallel map, errors, streaming, cancellation.

package actor_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/murmur-go/murmur/actor"
)

func newPool(t *testing.T, sys *actor.System, opts actor.PoolOptions) *actor.Pool {
	t.Helper()
	mod, err := sys.Load("poolworker.star")
	if err != nil {
		t.Fatal(err)
	}
	p, err := sys.NewPool(context.Background(), mod, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

type answer struct {
	Worker actor.Address `msgpack:"worker"`
	Y      int           `msgpack:"y"`
}

func TestPoolRouting(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	ctx := context.Background()
	for _, tt := range []struct {
		routing actor.Routing
		size    int
		check   func(t *testing.T, workers []actor.Address, seen []actor.Address)
	}{
		{actor.RoundRobin, 3, func(t *testing.T, ws, seen []actor.Address) {
			for i, s := range seen {
				if s != ws[i%3] {
					t.Errorf("message %d went to %v, want %v", i, s, ws[i%3])
				}
			}
		}},
		{actor.RoundRobin, 1, func(t *testing.T, ws, seen []actor.Address) {
			for _, s := range seen {
				if s != ws[0] {
					t.Errorf("pool of one routed to %v", s)
				}
			}
		}},
		{actor.Random, 3, func(t *testing.T, ws, seen []actor.Address) {
			for _, s := range seen {
				if !contains(ws, s) {
					t.Errorf("routed outside the pool: %v", s)
				}
			}
		}},
		{actor.Balanced, 3, func(t *testing.T, ws, seen []actor.Address) {
			// Requests one at a time: every worker is idle, so the first wins.
			for _, s := range seen {
				if !contains(ws, s) {
					t.Errorf("routed outside the pool: %v", s)
				}
			}
		}},
	} {
		t.Run(tt.routing.String(), func(t *testing.T) {
			p := newPool(t, sys, actor.PoolOptions{Size: tt.size, Routing: tt.routing})
			defer p.Stop(ctx)
			var seen []actor.Address
			for i := 0; i < 9; i++ {
				var a answer
				if err := sys.Request(ctx, p.Address(), map[string]any{"x": i}, &a); err != nil {
					t.Fatal(err)
				}
				if a.Y != i*i {
					t.Errorf("answer %d, want %d", a.Y, i*i)
				}
				seen = append(seen, a.Worker)
			}
			tt.check(t, p.Workers(), seen)
		})
	}
}

func contains(ws []actor.Address, a actor.Address) bool {
	for _, w := range ws {
		if w == a {
			return true
		}
	}
	return false
}

func TestPoolConsistentHashAndBroadcast(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	ctx := context.Background()
	p := newPool(t, sys, actor.PoolOptions{Size: 4, Routing: actor.ConsistentHash, Key: "user"})
	defer p.Stop(ctx)
	byUser := map[string]actor.Address{}
	for round := 0; round < 3; round++ {
		for _, user := range []string{"ada", "bob", "cy", "dee", "eve", "fay"} {
			var a answer
			if err := sys.Request(ctx, p.Address(), map[string]any{"x": 1, "user": user}, &a); err != nil {
				t.Fatal(err)
			}
			if prev, ok := byUser[user]; ok && prev != a.Worker {
				t.Errorf("user %s moved from %v to %v", user, prev, a.Worker)
			}
			byUser[user] = a.Worker
		}
	}
	if err := sys.Request(ctx, p.Address(), map[string]any{"x": 1}, nil); err == nil || !strings.Contains(err.Error(), `no key "user"`) {
		t.Errorf("message without the key: %v", err)
	}

	box, wait := inbox(t, sys)
	b := newPool(t, sys, actor.PoolOptions{Size: 3, Routing: actor.Broadcast})
	defer b.Stop(ctx)
	if err := sys.Send(ctx, b.Address(), map[string]any{"kind": "cheap", "gate": box}); err != nil {
		t.Fatal(err)
	}
	if got := wait(3); len(got) != 3 {
		t.Errorf("broadcast reached %d workers", len(got))
	}
}

func TestPoolMap(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	ctx := context.Background()
	for _, size := range []int{1, 4} {
		p := newPool(t, sys, actor.PoolOptions{Size: size})
		items := make([]any, 50)
		for i := range items {
			items[i] = map[string]any{"x": i}
		}
		items[7], items[31] = map[string]any{"x": -7}, map[string]any{"x": -31}
		results, err := p.Map(ctx, items)
		var ie *actor.ItemError
		if !errors.As(err, &ie) || ie.Index != 7 || !errors.Is(err, actor.ErrActorFailed) ||
			!strings.Contains(err.Error(), "item 31") || !strings.Contains(err.Error(), "poolworker.star:10:13: in receive") {
			t.Errorf("size %d: Map error %v, want items 7 and 31 with tracebacks", size, err)
		}
		for i, r := range results {
			if i == 7 || i == 31 {
				if r != nil {
					t.Errorf("failed item %d has a result %v", i, r)
				}
				continue
			}
			if y := r.(map[string]any)["y"].(int64); y != int64(i*i) {
				t.Errorf("size %d: result %d = %d, want %d (order lost?)", size, i, y, i*i)
			}
		}
		var order []int
		err = p.Stream(ctx, items[:10], func(i int, v any, err error) error {
			order = append(order, i)
			return nil
		})
		if len(order) != 10 || order[9] != 9 || !errors.As(err, &ie) {
			t.Errorf("Stream order %v, err %v", order, err)
		}
		p.Stop(ctx)
	}
}

func TestPoolMapKeepsWorkersBusy(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	ctx := context.Background()
	gate := spawn(t, sys, "gate.star", actor.SpawnOptions{})
	p := newPool(t, sys, actor.PoolOptions{Size: 2})
	defer p.Stop(ctx)
	// The slow item waits at the gate until all ten cheap items are done:
	// if any cheap item queued behind it, Map would never finish.
	items := []any{map[string]any{"kind": "slow", "gate": gate, "need": 10}}
	for i := 0; i < 10; i++ {
		items = append(items, map[string]any{"kind": "cheap", "gate": gate})
	}
	results, err := p.Map(ctx, items)
	if err != nil {
		t.Fatal(err)
	}
	slow := results[0].(map[string]any)["worker"]
	for i, r := range results[1:] {
		if r.(map[string]any)["worker"] == slow {
			t.Errorf("cheap item %d ran on the slow item's worker", i+1)
		}
	}
}

func TestPoolMapCancel(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	gate := spawn(t, sys, "gate.star", actor.SpawnOptions{})
	p := newPool(t, sys, actor.PoolOptions{Size: 2})
	defer p.Stop(context.Background())
	// The slow item is held at the gate forever; the deadline ends the map.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	items := []any{map[string]any{"kind": "slow", "gate": gate, "need": 1000}}
	for i := 0; i < 20; i++ {
		items = append(items, map[string]any{"x": i})
	}
	if _, err := p.Map(ctx, items); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled Map: %v", err)
	}
}

func TestScriptPmap(t *testing.T) {
	sys, printed := printingSystem(t, actor.Config{})
	mod, err := sys.Load("pmapper.star")
	if err != nil {
		t.Fatal(err)
	}
	err = sys.Run(context.Background(), mod, nil)
	if err == nil || !strings.Contains(err.Error(), "pmap item 1 failed: ") || !strings.Contains(err.Error(), "negative input -7") {
		t.Errorf("pmap with a failing item: %v", err)
	}
	want := "25\n[0, 1, 4, 9]\n4 error True"
	if got := strings.Join(printed(), "\n"); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}
