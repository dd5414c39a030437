// The soak test: a system under churn, failures, transfers and requests to
// a node process that is killed and started again, for as long as -soak
// says. `go test ./cmd/murmur -run Soak -soak 10m` runs it for ten minutes;
// CI runs it for a few seconds.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/murmur-go/murmur/actor"
)

var (
	soakFor   = flag.Duration("soak", 4*time.Second, "how long TestSoak runs")
	soakKills = flag.Duration("soak-kill-every", 2*time.Second, "how often TestSoak kills the node process")
)

// soakTally counts the outcomes of one kind of operation. Every outcome
// must be a success or one of the typed errors the operation allows.
type soakTally struct {
	mu       sync.Mutex
	outcomes map[string]map[string]int // op -> outcome -> count
	bad      []string
}

func (s *soakTally) add(op string, err error, allowed ...error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.outcomes == nil {
		s.outcomes = map[string]map[string]int{}
	}
	if s.outcomes[op] == nil {
		s.outcomes[op] = map[string]int{}
	}
	outcome := "ok"
	if err != nil {
		outcome = ""
		for _, a := range allowed {
			if errors.Is(err, a) {
				outcome = a.Error()
				break
			}
		}
		if outcome == "" {
			outcome = "unexpected"
			if len(s.bad) < 20 {
				s.bad = append(s.bad, fmt.Sprintf("%s: %v", op, err))
			}
		}
	}
	s.outcomes[op][outcome]++
}

func (s *soakTally) report(t *testing.T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ops []string
	for op := range s.outcomes {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		t.Logf("%-16s %v", op, s.outcomes[op])
	}
	for _, b := range s.bad {
		t.Errorf("an outcome that is neither an answer nor a typed error: %s", b)
	}
}

// heapInUse is the live heap after two collections.
func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// writeHeapProfile writes a heap profile to $SOAK_HEAP_PROFILE.name, if
// that variable is set.
func writeHeapProfile(name string) {
	if p := os.Getenv("SOAK_HEAP_PROFILE"); p != "" {
		if f, err := os.Create(p + "." + name); err == nil {
			pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
}

// settle waits until the goroutine count is at most want, or gives up
// after a while, and returns the last count.
func settle(want int, within time.Duration) int {
	deadline := time.Now().Add(within)
	for {
		n := runtime.NumGoroutine()
		if n <= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSoak(t *testing.T) {
	bin := murmurBinary(t)
	ctx := context.Background()
	sys, err := actor.NewSystem(actor.Config{Root: "testdata/soak", Node: &actor.NodeConfig{}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := sys.Shutdown(sctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	}()
	worker, err := sys.Load("worker.star")
	if err != nil {
		t.Fatal(err)
	}
	parent, err := sys.Load("parent.star")
	if err != nil {
		t.Fatal(err)
	}

	// The node process, killed and started again at the same address.
	var nodeMu sync.Mutex
	node, addr := startNode(t, "-allow-remote-spawn")
	restart := func() {
		nodeMu.Lock()
		defer nodeMu.Unlock()
		node.cmd.Process.Signal(syscall.SIGKILL)
		<-node.done
		node = startCmd(t, exec.Command(bin, "node", "-listen", addr, "-allow-remote-spawn"))
		node.expect(`^murmur node listening on `, 30*time.Second)
	}

	var tally soakTally
	request := func(op string, to actor.Address, msg any, out any, allowed ...error) error {
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		err := sys.Request(rctx, to, msg, out)
		tally.add(op, err, allowed...)
		return err
	}
	flaky, err := sys.Spawn(ctx, worker, actor.SpawnOptions{Name: "flaky", Supervision: actor.Supervision{MaxRestarts: 1 << 30}})
	if err != nil {
		t.Fatal(err)
	}
	remote := []error{actor.ErrNodeUnreachable, actor.ErrTimeout, actor.ErrUnknownActor, actor.ErrStopped}
	ops := map[string]func(rng *rand.Rand){
		// An actor that spawns children, asks them, stops them; then it is stopped.
		"churn": func(rng *rand.Rand) {
			p, err := sys.Spawn(ctx, parent, actor.SpawnOptions{})
			tally.add("churn spawn", err)
			if err != nil {
				return
			}
			n := 1 + rng.IntN(4)
			var total int
			if request("churn request", p, n, &total) == nil && total != (n-1)*n*(2*n-1)/6 {
				t.Errorf("churn: %d children answered %d", n, total)
			}
			tally.add("churn stop", sys.Stop(ctx, p))
		},
		// A long-lived actor that is made to fail, restarts, and answers.
		"faults": func(rng *rand.Rand) {
			if rng.IntN(4) == 0 {
				err := request("faults crash", flaky, "crash", nil, actor.ErrActorFailed)
				if err == nil {
					t.Error("a crash request was answered")
				}
				return
			}
			x := rng.IntN(1000)
			var got int
			if request("faults square", flaky, x, &got) == nil && got != x*x {
				t.Errorf("faults: %d squared is %d", x, got)
			}
		},
		// A buffer moved to an actor and back.
		"transfer": func(rng *rand.Rand) {
			w, err := sys.Spawn(ctx, worker, actor.SpawnOptions{})
			tally.add("transfer spawn", err)
			if err != nil {
				return
			}
			mem := make([]byte, 1+rng.IntN(1<<16))
			mem[0] = 41
			var answer any
			if request("transfer", w, map[string]any{"buf": actor.Transfer(mem)}, &answer) == nil {
				m, _ := answer.(map[string]any)
				if b, _ := m["buf"].([]byte); len(b) != len(mem) || b[0] != 42 {
					t.Errorf("transfer: got %v back", answer)
				}
			}
			tally.add("transfer stop", sys.Stop(ctx, w))
		},
		// An actor spawned on the node process, asked, and stopped.
		"remote": func(rng *rand.Rand) {
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			w, err := sys.Spawn(sctx, worker, actor.SpawnOptions{Node: addr})
			tally.add("remote spawn", err, actor.ErrNodeUnreachable, actor.ErrTimeout)
			if err != nil {
				time.Sleep(10 * time.Millisecond) // the node is down: try again soon
				return
			}
			x := rng.IntN(1000)
			var got int
			if request("remote request", w, x, &got, remote...) == nil && got != x*x {
				t.Errorf("remote: %d squared is %d", x, got)
			}
			tally.add("remote stop", sys.Stop(ctx, w), remote...)
		},
	}
	// load runs every op on two goroutines each, and kills the node every
	// -soak-kill-every when kill is set, for d.
	seed := uint64(3)
	kills := 0
	load := func(d time.Duration, kill bool) {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		if kill {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					case <-time.After(*soakKills):
						restart()
						kills++
					}
				}
			}()
		}
		for name, op := range ops {
			for i := 0; i < 2; i++ {
				wg.Add(1)
				seed++
				go func(rng *rand.Rand) {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
							op(rng)
						}
					}
				}(rand.New(rand.NewPCG(seed, uint64(len(name)))))
			}
		}
		time.Sleep(d)
		close(stop)
		wg.Wait()
	}
	// The baseline is taken after a warm-up under the same load, so that
	// what grows once to the load's size and stays (connections, protoactor's
	// process registry, pools of goroutines) is in it: what grows with time
	// after that is a leak.
	load(min(*soakFor/4, 2*time.Second), false)
	baseGoroutines := settle(0, 200*time.Millisecond)
	baseHeap := heapInUse()
	writeHeapProfile("base")
	load(*soakFor, true)

	// Once the load is gone, the system is back where it started: the
	// last node restart's connection is in place of the first's.
	tally.report(t)
	goroutines := settle(baseGoroutines, 15*time.Second)
	heap := heapInUse()
	t.Logf("%v of load, the node killed %d times; goroutines %d, then %d; heap %.1f MiB, then %.1f MiB",
		*soakFor, kills, baseGoroutines, goroutines, float64(baseHeap)/(1<<20), float64(heap)/(1<<20))
	if goroutines > baseGoroutines {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		t.Errorf("%d goroutines after the load, %d before:\n%s", goroutines, baseGoroutines, strings.TrimSpace(stacks))
	}
	writeHeapProfile("end")
	if heap > baseHeap+baseHeap/2+8<<20 {
		t.Errorf("heap %d bytes after the load, %d before", heap, baseHeap)
	}
}
