// Tests of pools: routing, parallel map, errors, streaming, cancellation.

package actor_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
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
	// A message that moves a buffer is routed by its key as well.
	var moved answer
	if err := sys.Request(ctx, p.Address(), map[string]any{"x": 1, "user": "ada", "buf": actor.Transfer(make([]byte, 64))}, &moved); err != nil {
		t.Errorf("a message moving a buffer: %v", err)
	} else if moved.Worker != byUser["ada"] {
		t.Errorf("a message moving a buffer went to %v, ada's worker is %v", moved.Worker, byUser["ada"])
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

// manyItems returns n items for poolworker.star of which every 7th fails.
func manyItems(n int) []any {
	items := make([]any, n)
	for i := range items {
		x := i
		if i%7 == 0 {
			x = -i - 1
		}
		items[i] = map[string]any{"x": x}
	}
	return items
}

// TestPoolMapSurvivesWorkersThatStopForGood maps 1,000 items of which 143
// fail over 4 workers: each worker exhausts its restarts (10 in 10 s) and
// stops for good several times over, and the pool replaces it, so exactly
// the failing items fail.
func TestPoolMapSurvivesWorkersThatStopForGood(t *testing.T) {
	for _, kind := range actorKinds {
		t.Run(kind, func(t *testing.T) { testPoolMapSurvives(t, kind) })
	}
}

func testPoolMapSurvives(t *testing.T, kind string) {
	logs := &syncBuffer{}
	sys := newSystem(t, actor.Config{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	var mu sync.Mutex
	var replaced []*actor.PoolWorkerReplacedEvent
	defer sys.Subscribe(func(e actor.Event) {
		if e, ok := e.(*actor.PoolWorkerReplacedEvent); ok {
			mu.Lock()
			defer mu.Unlock()
			replaced = append(replaced, e)
		}
	})()
	ctx := context.Background()
	p := newPoolKind(t, sys, kind, "poolworker.star", actor.PoolOptions{Size: 4})
	defer p.Stop(ctx)
	script := twinName(kind, "poolworker.star")
	items := manyItems(1000)
	results, err := p.Map(ctx, items)
	failed := map[int]bool{}
	for _, e := range unjoin(err) {
		var ie *actor.ItemError
		if !errors.As(e, &ie) {
			t.Fatalf("Map error %v is not an ItemError", e)
		}
		if !errors.Is(e, actor.ErrActorFailed) || !strings.Contains(e.Error(), "negative input") {
			t.Errorf("item %d failed with %v, want its own script error", ie.Index, ie.Err)
		}
		failed[ie.Index] = true
	}
	for i, r := range results {
		if i%7 == 0 {
			if !failed[i] {
				t.Errorf("bad item %d did not fail: %v", i, r)
			}
			continue
		}
		if failed[i] {
			continue // reported above
		}
		if y, _ := r.(map[string]any)["y"].(int64); y != int64(i*i) {
			t.Errorf("item %d = %v, want y %d", i, r, i*i)
		}
	}
	if len(failed) != 143 {
		t.Errorf("%d items failed, want the 143 bad ones", len(failed))
	}
	// 143 failures over 4 workers that stop after 11 each: at least 9
	// replacements, each logged and published.
	mu.Lock()
	defer mu.Unlock()
	if len(replaced) < 143/11-3 {
		t.Errorf("%d replacement events, want at least %d", len(replaced), 143/11-3)
	}
	for _, e := range replaced {
		if e.Pool != p.Address() || e.Script != script || e.Replacement == (actor.Address{}) ||
			e.Worker == e.Replacement || !strings.Contains(e.Reason, "max_restarts (10) times within 10s") ||
			!strings.Contains(e.Reason, "negative input") {
			t.Errorf("replacement event %+v", e)
		}
	}
	if len(replaced) > 0 {
		e := replaced[0]
		want := fmt.Sprintf("level=WARN msg=\"pool: replaced a worker\" pool=%q worker=%q script=%s reason=", e.Pool.String(), e.Worker.String(), script)
		if !strings.Contains(logs.String(), want) {
			t.Errorf("no warning %q in the log:\n%.2000s", want, logs.String())
		}
	}
	if ws := p.Workers(); len(ws) != 4 {
		t.Errorf("workers after the map: %v", ws)
	}
}

// TestPoolReplacementTakesQueuedMessages fails a worker for good while
// messages wait behind the failing one: its replacement handles them.
func TestPoolReplacementTakesQueuedMessages(t *testing.T) {
	for _, kind := range actorKinds {
		t.Run(kind, func(t *testing.T) { testPoolReplacementTakesQueued(t, kind) })
	}
}

func testPoolReplacementTakesQueued(t *testing.T, kind string) {
	sys := newSystem(t, actor.Config{})
	ctx := context.Background()
	p := newPoolKind(t, sys, kind, "heir.star", actor.PoolOptions{Size: 1,
		Worker: actor.SpawnOptions{Supervision: actor.Supervision{Strategy: actor.Temporary}}})
	defer p.Stop(ctx)
	first := p.Workers()[0]
	gate := spawn(t, sys, "gate.star", actor.SpawnOptions{})
	box, wait := inbox(t, sys)
	// The worker waits at the gate while the rest queues behind.
	msgs := []any{map[string]any{"op": "hold", "gate": gate}, map[string]any{"op": "fail"}}
	for n := 1; n <= 3; n++ {
		msgs = append(msgs, map[string]any{"op": "report", "n": n, "box": box})
	}
	for _, m := range msgs {
		if err := sys.Send(ctx, p.Address(), m); err != nil {
			t.Fatal(err)
		}
	}
	if err := sys.Send(ctx, gate, map[string]any{"op": "done"}); err != nil {
		t.Fatal(err)
	}
	if got := wait(3); fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("reported %v, want [1 2 3]", got)
	}
	if ws := p.Workers(); len(ws) != 1 || ws[0] == first {
		t.Errorf("workers %v, want one replacing %v", ws, first)
	}
	if n := sys.DeadLetters(); n != 0 {
		t.Errorf("%d dead letters", n)
	}
}

// TestPoolDoesNotReplaceWorkersThatNeverStart is the bound on replacement:
// workers whose init fails leave the pool, and what is sent to it then
// fails with ErrNoWorker saying why.
func TestPoolDoesNotReplaceWorkersThatNeverStart(t *testing.T) {
	for _, kind := range actorKinds {
		t.Run(kind, func(t *testing.T) { testPoolNeverStarts(t, kind) })
	}
}

func testPoolNeverStarts(t *testing.T, kind string) {
	sys := newSystem(t, actor.Config{})
	var mu sync.Mutex
	var left []*actor.PoolWorkerReplacedEvent
	defer sys.Subscribe(func(e actor.Event) {
		if e, ok := e.(*actor.PoolWorkerReplacedEvent); ok {
			mu.Lock()
			defer mu.Unlock()
			left = append(left, e)
		}
	})()
	ctx := context.Background()
	p := newPoolKind(t, sys, kind, "badinit.star", actor.PoolOptions{Size: 2})
	defer p.Stop(ctx)
	_, err := p.Map(ctx, []any{1, 2, 3, 4, 5})
	errs := unjoin(err)
	if len(errs) != 5 {
		t.Fatalf("Map: %v, want 5 failed items", err)
	}
	for _, e := range errs {
		if !errors.Is(e, actor.ErrNoWorker) || !strings.Contains(e.Error(), "init never succeeded") ||
			!strings.Contains(e.Error(), "cannot start") {
			t.Errorf("item error %v, want ErrNoWorker saying init failed", e)
		}
	}
	if ws := p.Workers(); len(ws) != 0 {
		t.Errorf("workers %v, want none", ws)
	}
	if err := sys.Request(ctx, p.Address(), 1, nil); !errors.Is(err, actor.ErrNoWorker) || !strings.Contains(err.Error(), "cannot start") {
		t.Errorf("request to the empty pool: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(left) != 2 {
		t.Fatalf("%d events, want one per worker", len(left))
	}
	for _, e := range left {
		if e.Replacement != (actor.Address{}) || !strings.Contains(e.Reason, "init never succeeded") {
			t.Errorf("event %+v", e)
		}
	}
}

// TestScriptPoolOptionsErrors checks that pool() refuses bad worker options
// as spawn() does.
func TestScriptPoolOptionsErrors(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	for _, tt := range []struct{ args, want string }{
		{`strategy = "sometimes"`, `unknown supervision strategy "sometimes"`},
		{`max_restarts = -1`, "pool: max_steps, max_restarts and mailbox_size must not be negative"},
		{`mailbox_policy = "drop"`, `mailbox_policy "drop" needs a mailbox_size`},
		{`mailbox_size = 2, mailbox_policy = "later"`, `unknown mailbox_policy "later"`},
		{`within = "soon"`, "pool: "},
		{`transfer = []`, `pool: unexpected keyword argument "transfer"`},
		{`node = "x"`, `pool: unexpected keyword argument "node"`},
	} {
		t.Run(tt.args, func(t *testing.T) {
			src := "def main(args):\n    pool(\"poolworker.star\", " + tt.args + ")\n"
			mod, err := sys.Compile("opts.star", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if err := sys.Run(context.Background(), mod, nil); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("pool(%s): %v, want %q", tt.args, err, tt.want)
			}
		})
	}
}

// unjoin returns the errors err joins (err itself if it joins none).
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unjoin(e)...)
		}
		return out
	}
	return []error{err}
}

func TestScriptPmapSurvivesWorkersThatStopForGood(t *testing.T) {
	for _, tt := range []struct{ script, want string }{
		{"pmapfail.star", "143 True\nTrue\nTrue"},
		{"poolopts.star", "50 True"},
	} {
		t.Run(tt.script, func(t *testing.T) {
			sys, printed := printingSystem(t, actor.Config{})
			mod, err := sys.Load(tt.script)
			if err != nil {
				t.Fatal(err)
			}
			if err := sys.Run(context.Background(), mod, nil); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(printed(), "\n"); got != tt.want {
				t.Errorf("output:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// TestPoolStopsWithItsOwner restarts an actor that owns a named pool: the
// old pool stops with the old instance, so the new one can start its own.
func TestPoolStopsWithItsOwner(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	ctx := context.Background()
	owner := spawn(t, sys, "poolowner.star", actor.SpawnOptions{})
	for _, tt := range []struct {
		msg  any
		want int
	}{{3, 9}, {"crash", 0}, {4, 16}} {
		var got int
		err := sys.Request(ctx, owner, tt.msg, &got)
		if tt.msg == "crash" {
			if !errors.Is(err, actor.ErrActorFailed) {
				t.Fatalf("crash: %v", err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Fatalf("request %v: %d, %v; want %d", tt.msg, got, err, tt.want)
		}
	}
	if err := sys.Stop(ctx, owner); err != nil {
		t.Fatal(err)
	}
	if err := sys.Request(ctx, actor.Address{Node: owner.Node, ID: owner.ID + "/squares"}, map[string]any{"x": 1}, nil); !errors.Is(err, actor.ErrUnknownActor) {
		t.Errorf("request to the pool of a stopped owner: %v, want ErrUnknownActor", err)
	}
}
