// Quick benchmarks of the hot paths: spawning, and small messages into one
// script actor. The full workloads (W1–W5) live in bench/.

package actor_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/murmur-go/murmur/actor"
)

const tinyCounter = "state = {\"n\": 0}\ndef receive(msg):\n    state[\"n\"] += 1\n    if msg[\"tag\"] == \"end\":\n        reply(state[\"n\"])\n"

// BenchmarkSpawn spawns b.N idle counter actors and reports heap bytes per
// actor once they have all started.
func BenchmarkSpawn(b *testing.B) {
	sys, err := actor.NewSystem(actor.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer sys.Shutdown(context.Background())
	mod, err := sys.Compile("counter.star", []byte(tinyCounter))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	pids := make([]actor.Address, b.N)
	for i := range pids {
		if pids[i], err = sys.Spawn(ctx, mod, actor.SpawnOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	// Wait until every actor has run its top level: a request to each.
	for _, pid := range pids {
		if err := sys.Request(ctx, pid, map[string]any{"tag": "end"}, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(b.N), "heap-B/actor")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "actors/s")
}

// BenchmarkSendInto sends b.N small messages from Go into one script actor,
// which counts them and answers the last.
func BenchmarkSendInto(b *testing.B) {
	sys, err := actor.NewSystem(actor.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer sys.Shutdown(context.Background())
	mod, err := sys.Compile("counter.star", []byte(tinyCounter))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	pid, err := sys.Spawn(ctx, mod, actor.SpawnOptions{})
	if err != nil {
		b.Fatal(err)
	}
	msg := map[string]any{"n": 0, "tag": "x"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		msg["n"] = i
		if err := sys.Send(ctx, pid, msg); err != nil {
			b.Fatal(err)
		}
	}
	var n int
	if err := sys.Request(ctx, pid, map[string]any{"tag": "end"}, &n); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if n != b.N+1 {
		b.Fatalf("actor counted %d messages, want %d", n, b.N+1)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkRestart measures a failure and restart: a request that crashes
// the actor, then a request the fresh instance answers.
func BenchmarkRestart(b *testing.B) {
	sys, err := actor.NewSystem(actor.Config{Root: "testdata"})
	if err != nil {
		b.Fatal(err)
	}
	defer sys.Shutdown(context.Background())
	mod, err := sys.Load("generation.star")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	pid, err := sys.Spawn(ctx, mod, actor.SpawnOptions{Supervision: actor.Supervision{MaxRestarts: 1 << 30}})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := sys.Request(ctx, pid, "crash", nil); err == nil {
			b.Fatal("crash did not fail")
		}
		var calls int
		if err := sys.Request(ctx, pid, "hello", &calls); err != nil || calls != 1 {
			b.Fatalf("after restart: %d calls, %v", calls, err)
		}
	}
}
