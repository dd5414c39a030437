// Benchmarks of what crash recording and live upgrade cost.

package actor_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/murmur-go/murmur/actor"
)

// BenchmarkSendIntoRecorded is BenchmarkSendInto with the actor keeping
// its last N messages for crash replay (N=0: not recording).
func BenchmarkSendIntoRecorded(b *testing.B) {
	for _, n := range []int{0, 100} {
		b.Run(fmt.Sprintf("record=%d", n), func(b *testing.B) {
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
			pid, err := sys.Spawn(ctx, mod, actor.SpawnOptions{Record: n})
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
			var got int
			wait, cancel := context.WithTimeout(ctx, 5*time.Minute) // behind the whole backlog
			defer cancel()
			if err := sys.Request(wait, pid, map[string]any{"tag": "end"}, &got); err != nil || got != b.N+1 {
				b.Fatalf("actor counted %d messages, %v; want %d", got, err, b.N+1)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkReload reloads a script that 1,000 idle actors run, each
// switching to the new version with upgrade(old).
func BenchmarkReload(b *testing.B) {
	dir := b.TempDir()
	src := func(v int) []byte {
		return fmt.Appendf(nil, "state = {\"n\": 0}\nversion = %d\ndef upgrade(old):\n    state[\"n\"] = old[\"state\"][\"n\"]\ndef receive(msg):\n    state[\"n\"] += 1\n", v)
	}
	if err := os.WriteFile(filepath.Join(dir, "c.star"), src(0), 0o644); err != nil {
		b.Fatal(err)
	}
	sys, err := actor.NewSystem(actor.Config{Root: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer sys.Shutdown(context.Background())
	mod, err := sys.Load("c.star")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	const actors = 1000
	for range actors {
		if _, err := sys.Spawn(ctx, mod, actor.SpawnOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := os.WriteFile(filepath.Join(dir, "c.star"), src(i+1), 0o644); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := sys.Reload(ctx, "c.star")
		if err != nil || rep.Upgraded != actors {
			b.Fatalf("%d upgraded, %v", rep.Upgraded, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*actors), "µs/actor")
}
