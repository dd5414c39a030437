// Examples of Go actors.

package actor_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/murmur-go/murmur/actor"
)

// A Go actor with state: New makes each incarnation's ReceiveFunc, whose
// variables are its state; a restart (here after a failed message) starts
// again from New.
func ExampleSystem_SpawnGo() {
	ctx := context.Background()
	sys, _ := actor.NewSystem(actor.Config{})
	defer sys.Shutdown(ctx)

	counter := actor.Behavior{Name: "counter", New: func(_ context.Context, _ *actor.Actor, args []any) (actor.ReceiveFunc, error) {
		n, _ := args[0].(int64) // SpawnOptions.Args, decoded
		return func(ctx context.Context, a *actor.Actor, msg any) error {
			switch msg {
			case "add":
				n++
				return nil
			case "get":
				return a.Reply(n)
			}
			return fmt.Errorf("unknown message %v", msg)
		}, nil
	}}
	pid, err := sys.SpawnGo(ctx, counter, actor.SpawnOptions{Args: []any{10}})
	if err != nil {
		panic(err)
	}
	sys.Send(ctx, pid, "add")
	var n int
	sys.Request(ctx, pid, "get", &n)
	fmt.Println(n)
	err = sys.Request(ctx, pid, "reset", nil)
	fmt.Println(errors.Is(err, actor.ErrActorFailed), err)
	sys.Request(ctx, pid, "get", &n)
	fmt.Println(n)
	// Output:
	// 11
	// true actor: actor failed handling the request: <address $1>: counter: unknown message reset
	// 10
}

// A pool of Go workers, which scripts and Go use as they use a pool of
// scripts.
func ExampleSystem_NewGoPool() {
	ctx := context.Background()
	sys, _ := actor.NewSystem(actor.Config{})
	defer sys.Shutdown(ctx)
	square := actor.Behavior{Name: "square", Receive: func(ctx context.Context, a *actor.Actor, msg any) error {
		n, ok := msg.(int64)
		if !ok {
			return fmt.Errorf("want an int, got %T", msg)
		}
		return a.Reply(n * n)
	}}
	pool, err := sys.NewGoPool(ctx, square, actor.PoolOptions{Size: 4})
	if err != nil {
		panic(err)
	}
	squares, err := pool.Map(ctx, []any{1, 2, 3, 4, 5})
	fmt.Println(squares, err)
	// Output: [1 4 9 16 25] <nil>
}
