package actor_test

import (
	"context"
	"errors"
	"fmt"
	"testing/fstest"

	"github.com/murmur-go/murmur/actor"
)

// A script actor from Go: spawn it, send it messages, ask it for its state.
func Example() {
	ctx := context.Background()
	sys, err := actor.NewSystem(actor.Config{FS: fstest.MapFS{
		"counter.star": {Data: []byte(`
state = {"n": 0}

def init(start):
    state["n"] = start

def receive(msg):
    if msg["op"] == "add":
        state["n"] += msg["by"]
    elif msg["op"] == "get":
        reply(state["n"])
`)},
	}})
	if err != nil {
		panic(err)
	}
	defer sys.Shutdown(ctx)

	mod, err := sys.Load("counter.star")
	if err != nil {
		panic(err)
	}
	pid, err := sys.Spawn(ctx, mod, actor.SpawnOptions{Args: []any{10}})
	if err != nil {
		panic(err)
	}
	for range 3 {
		sys.Send(ctx, pid, map[string]any{"op": "add", "by": 2})
	}
	var n int
	if err := sys.Request(ctx, pid, map[string]any{"op": "get"}, &n); err != nil {
		panic(err)
	}
	fmt.Println(n)
	// Output: 16
}

// A failed script answers the request it was handling with its traceback,
// and is restarted with a fresh interpreter.
func ExampleSystem_Request_failure() {
	ctx := context.Background()
	sys, _ := actor.NewSystem(actor.Config{})
	defer sys.Shutdown(ctx)
	mod, _ := sys.Compile("divide.star", []byte("def receive(n):\n    reply(100 // n)\n"))
	pid, _ := sys.Spawn(ctx, mod, actor.SpawnOptions{})

	var q int
	err := sys.Request(ctx, pid, 0, &q)
	fmt.Println(errors.Is(err, actor.ErrActorFailed))
	err = sys.Request(ctx, pid, 4, &q)
	fmt.Println(q, err)
	// Output:
	// true
	// 25 <nil>
}

// A pool spreads items over workers, one interpreter each, and returns the
// answers in input order.
func ExampleSystem_NewPool() {
	ctx := context.Background()
	sys, _ := actor.NewSystem(actor.Config{})
	defer sys.Shutdown(ctx)
	mod, _ := sys.Compile("square.star", []byte("def receive(n):\n    reply(n * n)\n"))
	pool, err := sys.NewPool(ctx, mod, actor.PoolOptions{Size: 4})
	if err != nil {
		panic(err)
	}
	squares, err := pool.Map(ctx, []any{1, 2, 3, 4, 5})
	fmt.Println(squares, err)
	// Output: [1 4 9 16 25] <nil>
}
