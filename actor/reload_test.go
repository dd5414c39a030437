// Tests of live code upgrade: Reload under traffic, failed upgrades, and
// what an upgrade can carry.

package actor_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/interp"
)

// writeFiles writes name -> content under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const counterV1 = `load("field.star", "FIELD")
state = {FIELD: 0}

def receive(msg):
    if msg == "inc":
        state[FIELD] += 1
    else:
        reply(state)
`

// counterV2 renames the field (its library changes too) and carries the count.
const counterV2 = `load("field.star", "FIELD")
state = {FIELD: 0}

def upgrade(old):
    state[FIELD] = old["state"]["count"]

def receive(msg):
    if msg == "inc":
        state[FIELD] += 1
    else:
        reply(state)
`

// counterV3's upgrade fails.
const counterV3 = `state = {"wrong": 0}

def upgrade(old):
    fail("refusing to upgrade from %s" % sorted(old.keys()))

def receive(msg):
    reply(state)
`

// TestReloadUnderTraffic upgrades 1,000 counters and a pool of them while
// Go goroutines keep incrementing them: afterwards each count equals the
// increments sent to it (nothing lost, nothing handled twice), under the
// new field name. Then an upgrade whose upgrade() fails leaves every
// actor on that version, answering, and reports each failure.
func TestReloadUnderTraffic(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"counter.star": counterV1, "field.star": `FIELD = "count"` + "\n"})
	sys := newSystem(t, actor.Config{Root: dir})
	var events sync.Map // actor -> its last *UpgradeEvent
	defer sys.Subscribe(func(e actor.Event) {
		if u, ok := e.(*actor.UpgradeEvent); ok {
			events.Store(u.Actor, u)
		}
	})()
	ctx := context.Background()
	mod, err := sys.Load("counter.star")
	if err != nil {
		t.Fatal(err)
	}
	const n, senders = 1000, 4
	pids := make([]actor.Address, n)
	for i := range pids {
		if pids[i], err = sys.Spawn(ctx, mod, actor.SpawnOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	pool, err := sys.NewPool(ctx, mod, actor.PoolOptions{Size: 3})
	if err != nil {
		t.Fatal(err)
	}
	// Every actor runs version 1 before the reload (one that had not
	// started by then would start on version 2, with no upgrade to report).
	for _, pid := range append(pids, pool.Workers()...) {
		if err := sys.Request(ctx, pid, "get", nil); err != nil {
			t.Fatal(err)
		}
	}
	sent := make([]atomic.Int64, n)
	stop := make(chan struct{})
	rounds := make(chan struct{}, senders) // a sender finished a round over its counters
	var wg sync.WaitGroup
	for g := range senders {
		wg.Go(func() {
			for {
				for i := g; i < n; i += senders {
					select {
					case <-stop:
						return
					default:
					}
					if err := sys.Send(ctx, pids[i], "inc"); err != nil {
						panic(err) // the test cannot go on (and waitRounds would wait forever)
					}
					sent[i].Add(1)
				}
				select {
				case rounds <- struct{}{}:
				default:
				}
			}
		})
	}
	waitRounds := func(k int) { // until the senders finished k more rounds
		for range k + senders { // the buffer may hold rounds from before
			<-rounds
		}
	}
	waitRounds(2 * senders)
	writeFiles(t, dir, map[string]string{"counter.star": counterV2, "field.star": `FIELD = "total"` + "\n"})
	rctx, cancel := context.WithTimeout(ctx, 2*time.Minute) // an actor that never switched fails the test, not hangs it
	defer cancel()
	rep, err := sys.Reload(rctx, "counter.star")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Upgraded != n+3 || len(rep.Failed) != 0 || rep.Gone != 0 {
		t.Errorf("report: %d upgraded, %d failed, %d gone; want %d upgraded", rep.Upgraded, len(rep.Failed), rep.Gone, n+3)
	}
	if len(rep.Libraries) != 1 || rep.Libraries[0] != "field.star" {
		t.Errorf("libraries reloaded: %v, want [field.star]", rep.Libraries)
	}
	waitRounds(2 * senders)
	close(stop)
	wg.Wait()
	for i, pid := range pids {
		var got map[string]int64
		if err := sys.Request(ctx, pid, "get", &got); err != nil {
			t.Fatal(err)
		}
		if want := sent[i].Load(); got["total"] != want || len(got) != 1 {
			t.Fatalf("counter %d answers %v after %d increments; want {total: %d}", i, got, want, want)
		}
		if e, ok := events.Load(pid); !ok || e.(*actor.UpgradeEvent).Err != nil {
			t.Fatalf("counter %d: upgrade event %v", i, e)
		}
	}
	for _, w := range pool.Workers() {
		var got map[string]int64
		if err := sys.Request(ctx, w, "get", &got); err != nil || len(got) != 1 || got["total"] != 0 {
			t.Errorf("pool worker %s answers %v, %v; want {total: 0}", w, got, err)
		}
	}
	// New spawns, from an old *Module too, run the new version.
	fresh := spawn(t, sys, "counter.star", actor.SpawnOptions{})
	old, err := sys.Spawn(ctx, mod, actor.SpawnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, pid := range []actor.Address{fresh, old} {
		var got map[string]int64
		if err := sys.Request(ctx, pid, "get", &got); err != nil || len(got) != 1 || got["total"] != 0 {
			t.Errorf("new spawn answers %v, %v; want {total: 0}", got, err)
		}
	}

	// A version whose upgrade() fails: every actor keeps version 2.
	writeFiles(t, dir, map[string]string{"counter.star": counterV3})
	rep, err = sys.Reload(rctx, "counter.star")
	if !errors.Is(err, actor.ErrUpgradeFailed) {
		t.Fatalf("Reload of a failing upgrade: %v, want ErrUpgradeFailed", err)
	}
	if rep.Upgraded != 0 || len(rep.Failed) != n+3+2 {
		t.Errorf("report: %d upgraded, %d failed; want 0 and %d", rep.Upgraded, len(rep.Failed), n+5)
	}
	var ue *actor.UpgradeError
	var se *interp.ScriptError
	if !errors.As(err, &ue) || !errors.As(err, &se) ||
		se.Position() != "counter.star:4:9" || !strings.Contains(err.Error(), `refusing to upgrade from ["state"]`) {
		t.Errorf("upgrade error %v does not carry the traceback: %+v", err, se)
	}
	for i, pid := range pids {
		var got map[string]int64
		if err := sys.Request(ctx, pid, "get", &got); err != nil {
			t.Fatal(err)
		}
		if want := sent[i].Load(); got["total"] != want || len(got) != 1 {
			t.Fatalf("counter %d answers %v after a failed upgrade; want {total: %d}", i, got, want)
		}
		if e, ok := events.Load(pid); !ok || !errors.Is(e.(*actor.UpgradeEvent).Err, actor.ErrUpgradeFailed) {
			t.Fatalf("counter %d: no failed upgrade event: %v", i, e)
		}
	}
}
