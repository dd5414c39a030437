//go:build !race

// Not under the race detector, for the reason node_test.go gives.

package actor_test

import (
	"context"
	"fmt"

	"github.com/murmur-go/murmur/actor"
)

// Two nodes in one process, talking over loopback as they would between
// machines: the first starts an actor on the second, sending it the
// script, and asks it a question.
func ExampleNodeConfig() {
	ctx := context.Background()
	worker, err := actor.NewSystem(actor.Config{Node: &actor.NodeConfig{AllowRemoteSpawn: true}})
	if err != nil {
		panic(err)
	}
	defer worker.Shutdown(ctx)
	app, err := actor.NewSystem(actor.Config{Node: &actor.NodeConfig{Peers: []string{worker.Node()}}})
	if err != nil {
		panic(err)
	}
	defer app.Shutdown(ctx)

	mod, _ := app.Compile("where.star", []byte("def receive(msg):\n    reply([msg, self().node])\n"))
	pid, err := app.Spawn(ctx, mod, actor.SpawnOptions{Node: app.Peers()[0]})
	if err != nil {
		panic(err)
	}
	var answer []any
	if err := app.Request(ctx, pid, "where are you?", &answer); err != nil {
		panic(err)
	}
	fmt.Println(answer[0], answer[1] == worker.Node(), pid.Node == worker.Node())
	// Output: where are you? true true
}
