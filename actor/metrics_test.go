// Tests of the system's metrics (Config.MeterProvider) and of Snapshot.

package actor_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/murmur-go/murmur/actor"
)

// collect reads every series of rd as name{script or peer} -> value (the
// count, for a histogram).
func collect(t *testing.T, rd sdkmetric.Reader) map[string]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := rd.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			label := func(set interface{ Value(string) (string, bool) }) string {
				for _, k := range []string{"script", "peer"} {
					if v, ok := set.Value(k); ok {
						return "{" + v + "}"
					}
				}
				return ""
			}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					out[m.Name+label(attrs{p.Attributes.Value})] = p.Value
				}
			case metricdata.Gauge[int64]:
				for _, p := range d.DataPoints {
					out[m.Name+label(attrs{p.Attributes.Value})] = p.Value
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					out[m.Name+label(attrs{p.Attributes.Value})] = int64(p.Count)
				}
			}
		}
	}
	return out
}

// attrs adapts an attribute set's lookup to collect.
type attrs struct {
	get func(attribute.Key) (attribute.Value, bool)
}

func (a attrs) Value(k string) (string, bool) {
	v, ok := a.get(attribute.Key(k))
	return v.AsString(), ok
}

func TestMetrics(t *testing.T) {
	rd := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(rd))
	defer mp.Shutdown(context.Background())
	sys := newSystem(t, actor.Config{MeterProvider: mp})
	ctx := context.Background()
	var pids []actor.Address
	for range 3 {
		pids = append(pids, spawn(t, sys, "counter.star", actor.SpawnOptions{}))
	}
	for _, pid := range pids {
		for range 10 {
			if err := sys.Send(ctx, pid, map[string]any{"op": "add", "by": 1}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := sys.Send(ctx, pids[0], map[string]any{"op": "crash"}); err != nil {
		t.Fatal(err)
	}
	for i, pid := range pids {
		var n int
		if err := sys.Request(ctx, pid, map[string]any{"op": "get"}, &n); err != nil {
			t.Fatal(err)
		}
		if want := 10; i == 0 {
			want = 0 // the restart began again from init
			if n != want {
				t.Errorf("counter %d after its restart = %d, want %d", i, n, want)
			}
		} else if n != want {
			t.Errorf("counter %d = %d, want %d", i, n, want)
		}
	}
	snap := sys.Snapshot(actor.SnapshotOptions{Top: 1, Search: pids[1].ID})
	if snap.Actors != 3 || len(snap.Scripts) != 1 || snap.Scripts[0].Actors != 3 || snap.Scripts[0].Processed != 34 || snap.DeadLetters != 0 {
		t.Errorf("snapshot = %+v, want 3 actors of counter.star that processed 34 messages, no dead letter", snap)
	}
	if len(snap.TopMessages) != 1 || snap.TopMessages[0].Address != pids[0] || snap.TopMessages[0].Processed != 12 {
		t.Errorf("top by messages = %+v, want %s with 12", snap.TopMessages, pids[0])
	}
	if len(snap.TopFailures) != 1 || snap.TopFailures[0].Address != pids[0] || snap.TopFailures[0].Failures != 1 {
		t.Errorf("top by failures = %+v, want %s with 1", snap.TopFailures, pids[0])
	}
	if len(snap.Found) != 1 || snap.Found[0].Address != pids[1] || snap.Found[0].State != "idle" {
		t.Errorf("found = %+v, want %s, idle", snap.Found, pids[1])
	}
	if len(snap.Children) != 1 { // Top: 1 of the 3 top-level actors
		t.Errorf("children = %+v, want 1", snap.Children)
	}

	// Stop waits for the actors' ends, so that their last messages'
	// processing (which answered the requests before it ended) is counted.
	for _, pid := range pids {
		if err := sys.Stop(ctx, pid); err != nil {
			t.Fatal(err)
		}
	}
	if err := sys.Send(ctx, pids[2], map[string]any{"op": "add", "by": 1}); err != nil {
		t.Fatal(err)
	}
	got := collect(t, rd)
	want := map[string]int64{
		"murmur.actor.messages{counter.star}":            34, // 30 adds, a crash, 3 gets
		"murmur.actor.processing.duration{counter.star}": 3,  // the 1st, 17th and 33rd messages are timed
		"murmur.actor.failures{counter.star}":            1,
		"murmur.actor.restarts{counter.star}":            1,
		"murmur.actor.spawns{counter.star}":              3,
		"murmur.actor.stops{counter.star}":               3,
		"murmur.actor.live{counter.star}":                0,
		"murmur.actor.mailbox.depth{counter.star}":       0,
		"murmur.dead_letters":                            1,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %d, want %d", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("series %v, want those of %v", got, want)
	}

}

func TestSnapshotTree(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	parent := spawn(t, sys, "family.star", actor.SpawnOptions{Args: []any{"counter.star", 3, "one_for_one"}, Name: "fam"})
	var kids []actor.Address
	if err := sys.Request(context.Background(), parent, map[string]any{"op": "kids"}, &kids); err != nil {
		t.Fatal(err)
	}
	snap := sys.Snapshot(actor.SnapshotOptions{Under: "fam"})
	if len(snap.Children) != 3 || snap.Children[0].Address != kids[0] || snap.Children[0].Script != "counter.star" || snap.Children[0].Parent != "fam" {
		t.Fatalf("children of fam = %+v, want %v", snap.Children, kids)
	}
	top := sys.Snapshot(actor.SnapshotOptions{})
	if len(top.Children) != 1 || top.Children[0].Address != parent || top.Children[0].Children != 3 {
		t.Errorf("top-level actors = %+v, want fam with 3 children", top.Children)
	}
	if top.Actors != 4 || len(top.Scripts) != 2 {
		t.Errorf("snapshot = %+v, want 4 actors of 2 scripts", top)
	}
}

// BenchmarkSnapshot takes a snapshot of a system of 100,000 idle actors
// (what the live view does every second while someone watches).
func BenchmarkSnapshot(b *testing.B) {
	sys, err := actor.NewSystem(actor.Config{Root: "testdata"})
	if err != nil {
		b.Fatal(err)
	}
	defer sys.Shutdown(context.Background())
	mod, err := sys.Load("counter.star")
	if err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	for range n {
		if _, err := sys.Spawn(context.Background(), mod, actor.SpawnOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if snap := sys.Snapshot(actor.SnapshotOptions{Top: 20, Search: "nothing"}); snap.Actors != n {
			b.Fatalf("%d actors, want %d", snap.Actors, n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/actor")
}
