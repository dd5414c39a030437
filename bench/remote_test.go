// Remote W2 and W3 as Go benchmarks and a test: this test binary, started
// again with bench.NodeEnv set, is the node on the other side.

package bench_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/murmur-go/murmur/bench"
)

// init serves as the node when this binary was started as one; it must
// run before the tests (and TestMain) would.
func init() { bench.ServeNodeIfAsked() }

// startNode starts a node process for one benchmark or test and closes it
// (waiting for it to exit) at the end.
func startNode(tb testing.TB) *bench.Node {
	tb.Helper()
	node, err := bench.StartNode(tb.Context())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := node.Close(); err != nil {
			tb.Error(err)
		}
	})
	return node
}

// BenchmarkRemoteW2 plays b.N round trips between an actor here and one
// in a node process, over loopback.
func BenchmarkRemoteW2(b *testing.B) {
	node := startNode(b)
	for _, side := range []struct {
		name string
		run  func(context.Context, *bench.Node, int) (time.Duration, error)
	}{{"murmur", bench.PingPongRemoteMurmur}, {"protoactor", bench.PingPongRemoteProto}} {
		b.Run(side.name, func(b *testing.B) {
			elapsed, err := side.run(b.Context(), node, b.N)
			if err != nil {
				b.Fatal(err)
			}
			report(b, elapsed, b.N, "trips/s")
		})
	}
}

// BenchmarkRemoteW3 sends b.N messages from a producer here to a counter
// in a node process, over loopback.
func BenchmarkRemoteW3(b *testing.B) {
	node := startNode(b)
	for _, side := range []struct {
		name string
		run  func(context.Context, *bench.Node, int, bench.Producer) (time.Duration, error)
	}{{"murmur", bench.FanInRemoteMurmur}, {"protoactor", bench.FanInRemoteProto}} {
		for _, from := range []bench.Producer{bench.FromGo, bench.FromActor} {
			b.Run(fmt.Sprintf("%s/from=%s", side.name, from), func(b *testing.B) {
				elapsed, err := side.run(b.Context(), node, b.N, from)
				if err != nil {
					b.Fatal(err)
				}
				report(b, elapsed, b.N, "msgs/s")
			})
		}
	}
}

// TestRemote runs the remote workloads once, small, on both sides, twice
// against the same node (its counters must start over): every message
// must arrive (each workload checks its count), whatever the speed.
func TestRemote(t *testing.T) {
	ctx := t.Context()
	node := startNode(t)
	for range 2 {
		for _, side := range []struct {
			name string
			w2   func(context.Context, *bench.Node, int) (time.Duration, error)
			w3   func(context.Context, *bench.Node, int, bench.Producer) (time.Duration, error)
		}{
			{"murmur", bench.PingPongRemoteMurmur, bench.FanInRemoteMurmur},
			{"protoactor", bench.PingPongRemoteProto, bench.FanInRemoteProto},
		} {
			if _, err := side.w2(ctx, node, 200); err != nil {
				t.Errorf("W2 remote, %s: %v", side.name, err)
			}
			if _, err := side.w2(ctx, node, 0); err == nil {
				t.Errorf("W2 remote, %s, with no rounds did not fail", side.name)
			}
			for _, from := range []bench.Producer{bench.FromGo, bench.FromActor} {
				if _, err := side.w3(ctx, node, 2000, from); err != nil {
					t.Errorf("W3 remote, %s, from %s: %v", side.name, from, err)
				}
			}
		}
	}
}

// TestNodeExits checks that a node exits when its input closes, and that
// StartNode refuses to run inside a node.
func TestNodeExits(t *testing.T) {
	node, err := bench.StartNode(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if node.Proto == "" || node.Murmur == "" || node.Proto == node.Murmur {
		t.Errorf("addresses %q and %q", node.Proto, node.Murmur)
	}
	start := time.Now()
	if err := node.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("the node exited %v after its input closed", time.Since(start))
	t.Setenv(bench.NodeEnv, "1")
	if _, err := bench.StartNode(t.Context()); err == nil {
		t.Error("StartNode inside a node did not fail")
	}
}
