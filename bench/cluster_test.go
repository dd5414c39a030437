// C1 as a Go benchmark and a test: this test binary, started again with
// bench.NodeEnv set, is each member process.

package bench_test

import (
	"context"
	"testing"
	"time"

	"github.com/murmur-go/murmur/bench"
)

// startCluster starts C1's member processes for one benchmark or test and
// closes them at the end.
func startCluster(tb testing.TB) *bench.Cluster {
	tb.Helper()
	if testing.Short() {
		tb.Skip("starts six cluster member processes")
	}
	if raceEnabled {
		// A member built with -race exits 66: protoactor's cluster races with
		// itself (its disthash lookup reads the rendezvous its topology
		// handler replaces; its block list; grpclog).
		tb.Skip("protoactor's cluster races with itself; run without -race")
	}
	cl, err := bench.StartCluster(tb.Context())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := cl.Close(); err != nil {
			tb.Error(err)
		}
	})
	return cl
}

var grainSides = []struct {
	name string
	run  func(context.Context, *bench.Cluster, int) (time.Duration, error)
}{{"murmur", bench.GrainsRemoteMurmur}, {"protoactor", bench.GrainsRemoteProto}}

// BenchmarkClusterC1 makes b.N grain requests from a client process to
// grains on three member processes.
func BenchmarkClusterC1(b *testing.B) {
	cl := startCluster(b)
	for _, side := range grainSides {
		b.Run(side.name, func(b *testing.B) {
			elapsed, err := side.run(b.Context(), cl, b.N)
			if err != nil {
				b.Fatal(err)
			}
			report(b, elapsed, b.N, "trips/s")
		})
	}
}

// TestClusterC1 runs C1 once, small, on both sides: every answer is
// checked, whatever the speed.
func TestClusterC1(t *testing.T) {
	cl := startCluster(t)
	if len(cl.Proto) != 3 || len(cl.Murmur) != 3 {
		t.Fatalf("members %v and %v", cl.Proto, cl.Murmur)
	}
	for _, side := range grainSides {
		if _, err := side.run(t.Context(), cl, 1000); err != nil {
			t.Errorf("C1, %s: %v", side.name, err)
		}
	}
}
