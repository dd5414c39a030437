// The workloads as Go benchmarks, murmur beside raw protoactor, and a test
// that runs each once, small, for its checks (never its timing).

package bench_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/murmur-go/murmur/bench"
)

// report sets ns/op to the measured time per unit of work (the workloads
// time themselves, without their set-up) and adds the rate per second.
func report(b *testing.B, elapsed time.Duration, units int, rate string) {
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(units), "ns/op")
	b.ReportMetric(float64(units)/elapsed.Seconds(), rate)
}

// BenchmarkW1Spawn spawns b.N idle counter actors.
func BenchmarkW1Spawn(b *testing.B) {
	for _, side := range []struct {
		name  string
		spawn func(context.Context, int) (bench.SpawnResult, error)
	}{{"murmur", bench.SpawnMurmur}, {"protoactor", bench.SpawnProto}} {
		b.Run(side.name, func(b *testing.B) {
			r, err := side.spawn(b.Context(), b.N)
			if err != nil {
				b.Fatal(err)
			}
			report(b, r.Elapsed, b.N, "actors/s")
			b.ReportMetric(r.HeapPerActor, "heap-B/actor")
			b.ReportMetric(r.RSSPerActor, "rss-B/actor")
		})
	}
}

// BenchmarkW2PingPong plays b.N round trips between two actors.
func BenchmarkW2PingPong(b *testing.B) {
	for _, side := range []struct {
		name string
		run  func(context.Context, int) (time.Duration, error)
	}{{"murmur", bench.PingPongMurmur}, {"protoactor", bench.PingPongProto}} {
		b.Run(side.name, func(b *testing.B) {
			elapsed, err := side.run(b.Context(), b.N)
			if err != nil {
				b.Fatal(err)
			}
			report(b, elapsed, b.N, "trips/s")
		})
	}
}

// BenchmarkW3FanIn sends b.N messages from one producer to one counter.
func BenchmarkW3FanIn(b *testing.B) {
	for _, side := range []struct {
		name string
		run  func(context.Context, int, bench.Producer) (time.Duration, error)
	}{{"murmur", bench.FanInMurmur}, {"protoactor", bench.FanInProto}} {
		for _, from := range []bench.Producer{bench.FromGo, bench.FromActor} {
			b.Run(fmt.Sprintf("%s/from=%s", side.name, from), func(b *testing.B) {
				elapsed, err := side.run(b.Context(), b.N, from)
				if err != nil {
					b.Fatal(err)
				}
				report(b, elapsed, b.N, "msgs/s")
			})
		}
	}
}

// BenchmarkW4Primes runs count_primes(150000) in one actor, then in k at
// once, b.N times each; ns/op is the time of k at once.
func BenchmarkW4Primes(b *testing.B) {
	for _, side := range []struct {
		name  string
		setup func(context.Context, int) (bench.Primes, error)
	}{{"murmur", bench.NewPrimesMurmur}, {"protoactor", bench.NewPrimesProto}} {
		for k := 1; k <= runtime.GOMAXPROCS(0); k++ {
			b.Run(fmt.Sprintf("%s/k=%d", side.name, k), func(b *testing.B) {
				p, err := side.setup(b.Context(), k)
				if err != nil {
					b.Fatal(err)
				}
				defer p.Close()
				var single, atOnce time.Duration
				for range b.N {
					d1, err := p.Run(b.Context(), 1, bench.PrimesLimit)
					if err != nil {
						b.Fatal(err)
					}
					dk := d1 // one at once is the single run
					if k > 1 {
						if dk, err = p.Run(b.Context(), k, bench.PrimesLimit); err != nil {
							b.Fatal(err)
						}
					}
					single, atOnce = single+d1, atOnce+dk
				}
				b.ReportMetric(float64(atOnce.Nanoseconds())/float64(b.N), "ns/op")
				b.ReportMetric(float64(single.Microseconds())/1e3/float64(b.N), "single-ms")
				b.ReportMetric(float64(k)*single.Seconds()/atOnce.Seconds(), "speedup")
			})
		}
	}
}

// w5Sizes are the payloads of the W5 benchmarks. Copying 256 MiB takes
// seconds: the copy benchmark stops at 64 MiB, the report goes further.
var w5Sizes = []int{1 << 20, 64 << 20, 256 << 20}

func benchmarkW5(b *testing.B, transfer bool, sizes []int) {
	for _, side := range []struct {
		name string
		move func(context.Context, int, int, bool) (time.Duration, error)
	}{{"murmur", bench.MoveMurmur}, {"protoactor", bench.MoveProto}} {
		for _, size := range sizes {
			b.Run(fmt.Sprintf("%s/%dMiB", side.name, size>>20), func(b *testing.B) {
				d, err := side.move(b.Context(), size, b.N, transfer)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(d.Nanoseconds())*2, "ns/op")
				b.ReportMetric(float64(d.Nanoseconds()), "ns/move")
			})
		}
	}
}

// BenchmarkW5Transfer moves a buffer to another actor and back (one op, two
// moves) by ownership transfer: the time must not grow with the size.
func BenchmarkW5Transfer(b *testing.B) { benchmarkW5(b, true, w5Sizes) }

// BenchmarkW5Copy is BenchmarkW5Transfer with copies.
func BenchmarkW5Copy(b *testing.B) { benchmarkW5(b, false, w5Sizes[:2]) }

// BenchmarkW6Ring passes a token b.N hops round a ring of 100 actors.
func BenchmarkW6Ring(b *testing.B) {
	for _, side := range []struct {
		name string
		run  func(context.Context, int, int) (time.Duration, error)
	}{{"murmur", bench.RingMurmur}, {"protoactor", bench.RingProto}} {
		b.Run(side.name, func(b *testing.B) {
			elapsed, err := side.run(b.Context(), bench.RingSize, b.N)
			if err != nil {
				b.Fatal(err)
			}
			report(b, elapsed, b.N, "hops/s")
		})
	}
}

// BenchmarkW7SpawnTree computes fib(n) by a tree of short-lived actors,
// for the smallest n whose tree has at least b.N actors (fib(25) for
// 150,049); ns/op is the time per actor.
func BenchmarkW7SpawnTree(b *testing.B) {
	for _, side := range []struct {
		name string
		run  func(context.Context, int) (bench.TreeResult, error)
	}{{"murmur", bench.TreeMurmur}, {"protoactor", bench.TreeProto}} {
		b.Run(side.name, func(b *testing.B) {
			r, err := side.run(b.Context(), bench.TreeFor(b.N))
			if err != nil {
				b.Fatal(err)
			}
			report(b, r.Elapsed, r.Actors, "actors/s")
			b.ReportMetric(float64(r.Peak), "peak-alive")
		})
	}
}

// TestWorkloads runs every workload once, small, on both sides: they must
// do what they claim (each checks its answers), whatever their speed.
func TestWorkloads(t *testing.T) {
	ctx := t.Context()
	for _, spawn := range []func(context.Context, int) (bench.SpawnResult, error){bench.SpawnMurmur, bench.SpawnProto} {
		if r, err := spawn(ctx, 300); err != nil || r.Actors != 300 || r.Elapsed <= 0 {
			t.Errorf("W1: %+v, %v", r, err)
		}
	}
	for _, run := range []func(context.Context, int) (time.Duration, error){bench.PingPongMurmur, bench.PingPongProto} {
		if _, err := run(ctx, 100); err != nil {
			t.Errorf("W2: %v", err)
		}
		if _, err := run(ctx, 0); err == nil {
			t.Error("W2 with no rounds did not fail")
		}
	}
	for _, run := range []func(context.Context, int, bench.Producer) (time.Duration, error){bench.FanInMurmur, bench.FanInProto} {
		for _, from := range []bench.Producer{bench.FromGo, bench.FromActor} {
			if _, err := run(ctx, 1000, from); err != nil {
				t.Errorf("W3 from %s: %v", from, err)
			}
		}
	}
	if got := bench.CountPrimes(bench.PrimesLimit); got != 13848 {
		t.Errorf("CountPrimes(%d) = %d, want 13848", bench.PrimesLimit, got)
	}
	for _, setup := range []func(context.Context, int) (bench.Primes, error){bench.NewPrimesMurmur, bench.NewPrimesProto} {
		p, err := setup(ctx, 2)
		if err != nil {
			t.Fatalf("W4: %v", err)
		}
		if _, err := p.Run(ctx, 2, 2000); err != nil {
			t.Errorf("W4: %v", err)
		}
		if _, err := p.Run(ctx, 3, 2000); err == nil {
			t.Error("W4 with more runs than actors did not fail")
		}
		p.Close()
	}
	for _, run := range []func(context.Context, int, int) (time.Duration, error){bench.RingMurmur, bench.RingProto} {
		for _, c := range []struct{ size, hops int }{{10, 95}, {1, 3}, {3, 1}} {
			if _, err := run(ctx, c.size, c.hops); err != nil {
				t.Errorf("W6 (%d actors, %d hops): %v", c.size, c.hops, err)
			}
		}
		if _, err := run(ctx, 10, 0); err == nil {
			t.Error("W6 with no hops did not fail")
		}
	}
	for _, run := range []func(context.Context, int) (bench.TreeResult, error){bench.TreeMurmur, bench.TreeProto} {
		for _, n := range []int{1, 2, 3, 10} {
			r, err := run(ctx, n)
			if err != nil || r.Actors != bench.TreeActors(n) || r.Peak < 1 || r.Peak > r.Actors {
				t.Errorf("W7 fib(%d): %+v, %v", n, r, err)
			}
		}
		if _, err := run(ctx, 0); err == nil {
			t.Error("W7 fib(0) did not fail")
		}
	}
	for _, move := range []func(context.Context, int, int, bool) (time.Duration, error){bench.MoveMurmur, bench.MoveProto} {
		for _, transfer := range []bool{true, false} {
			if _, err := move(ctx, 1<<16, 3, transfer); err != nil {
				t.Errorf("W5 (transfer %v): %v", transfer, err)
			}
		}
	}
}

func TestTreeActors(t *testing.T) {
	for _, c := range []struct{ n, actors int }{{1, 1}, {2, 1}, {3, 3}, {4, 5}, {10, 109}, {25, 150049}} {
		if got := bench.TreeActors(c.n); got != c.actors {
			t.Errorf("TreeActors(%d) = %d, want %d", c.n, got, c.actors)
		}
	}
	for _, c := range []struct{ actors, n int }{{0, 1}, {1, 1}, {2, 3}, {150049, 25}, {150050, 26}} {
		if got := bench.TreeFor(c.actors); got != c.n {
			t.Errorf("TreeFor(%d) = %d, want %d", c.actors, got, c.n)
		}
	}
}
