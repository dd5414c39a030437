// A benchmark of Go actors beside script actors: a request round trip from
// Go to an actor of each kind that answers it.

package actor_test

import (
	"context"
	"testing"

	"github.com/murmur-go/murmur/actor"
)

// BenchmarkRequestKinds measures b.N requests from Go to one echo actor,
// a script or a Go actor.
func BenchmarkRequestKinds(b *testing.B) {
	echo := actor.Behavior{Name: "echo", Receive: func(ctx context.Context, a *actor.Actor, msg any) error {
		return a.Reply(msg)
	}}
	for _, kind := range actorKinds {
		b.Run(kind, func(b *testing.B) {
			sys, err := actor.NewSystem(actor.Config{})
			if err != nil {
				b.Fatal(err)
			}
			defer sys.Shutdown(context.Background())
			ctx := context.Background()
			var pid actor.Address
			if kind == "script" {
				mod, err := sys.Compile("echo.star", []byte("def receive(msg):\n    reply(msg)\n"))
				if err != nil {
					b.Fatal(err)
				}
				pid, err = sys.Spawn(ctx, mod, actor.SpawnOptions{})
			} else {
				pid, err = sys.SpawnGo(ctx, echo, actor.SpawnOptions{})
			}
			if err != nil {
				b.Fatal(err)
			}
			msg := map[string]any{"n": 0, "tag": "x"}
			var got map[string]any
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				msg["n"] = i
				if err := sys.Request(ctx, pid, msg, &got); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if got["n"] != int64(b.N-1) {
				b.Fatalf("last answer %v, want n %d", got, b.N-1)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reqs/s")
		})
	}
}
