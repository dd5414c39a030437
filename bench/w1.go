// W1 spawn: create N idle counter actors; the rate, and the memory each holds.

package bench

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/actor"
)

// SpawnResult is one run of W1.
type SpawnResult struct {
	Actors  int
	Elapsed time.Duration // from the first spawn until every actor has started
	// HeapPerActor and RSSPerActor are the growth of the live heap and of
	// the resident set, divided by Actors, once every actor is idle.
	HeapPerActor float64
	RSSPerActor  float64
}

// Rate returns actors spawned per second.
func (r SpawnResult) Rate() float64 { return float64(r.Actors) / r.Elapsed.Seconds() }

// SpawnMurmur runs W1 on murmur: n actors of counter.star. Each gets one
// message, 1, right after it is spawned, and the clock stops when every
// mailbox has handed its message to the actor. A mailbox processes system
// messages first, and protoactor posts Started (on which the actor
// instantiates its interpreter and runs the script's top level) before
// Spawn returns, so a processed message proves the top level ran. Memory
// is read once every mailbox goroutine has exited, and a sample of the
// actors is then asked for its count, which must be 1.
func SpawnMurmur(ctx context.Context, n int) (SpawnResult, error) {
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	sys, err := newMurmur(0)
	if err != nil {
		return SpawnResult{}, err
	}
	defer sys.close()
	mod, err := sys.Load("counter.star")
	if err != nil {
		return SpawnResult{}, err
	}
	goroutines := runtime.NumGoroutine()
	before := ReadMem()
	start := time.Now()
	pids := make([]actor.Address, n)
	for i := range pids {
		if pids[i], err = sys.Spawn(ctx, mod, actor.SpawnOptions{}); err != nil {
			return SpawnResult{}, err
		}
		if err := sys.Send(ctx, pids[i], 1); err != nil {
			return SpawnResult{}, err
		}
	}
	for _, pid := range pids {
		for {
			st, err := sys.Stats(pid)
			if err != nil {
				return SpawnResult{}, err
			}
			if st.Processed > 0 {
				break
			}
			runtime.Gosched()
		}
	}
	res := SpawnResult{Actors: n, Elapsed: time.Since(start)}
	settle(goroutines)
	sample := make([]actor.Address, 0, 100)
	for i := 0; i < n; i += max(n/100, 1) {
		sample = append(sample, pids[i])
	}
	pids = nil // not counted in the actors' memory
	after := ReadMem()
	res.HeapPerActor = perUnit(before.Heap, after.Heap, n)
	res.RSSPerActor = perUnit(before.RSS, after.RSS, n)
	for _, pid := range sample {
		var got int
		if err := sys.Request(ctx, pid, "get", &got); err != nil {
			return res, err
		}
		if got != 1 {
			return res, fmt.Errorf("W1: actor %s counted %d, want 1", pid, got)
		}
	}
	return res, nil
}

// protoCounter is W1's baseline actor: the same counter as a Go function.
type protoCounter struct {
	n       int
	started *atomic.Int64
	all     chan struct{}
	total   int64
}

func (c *protoCounter) Receive(ctx proto.Context) {
	if m, ok := ctx.Message().(int); ok {
		c.n += m
		if c.started.Add(1) == c.total {
			close(c.all)
		}
	}
}

// SpawnProto runs W1 on raw protoactor: n actors of a Go counter, each sent
// one message after its spawn; the clock stops when all n have processed
// theirs (a shared atomic count), which also follows their Started.
func SpawnProto(ctx context.Context, n int) (SpawnResult, error) {
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	sys := newProto()
	defer sys.Shutdown()
	var started atomic.Int64
	all := make(chan struct{})
	props := proto.PropsFromProducer(func() proto.Actor {
		return &protoCounter{started: &started, all: all, total: int64(n)}
	})
	goroutines := runtime.NumGoroutine()
	before := ReadMem()
	start := time.Now()
	for range n {
		sys.Root.Send(sys.Root.Spawn(props), 1)
	}
	select {
	case <-all:
	case <-ctx.Done():
		return SpawnResult{}, ctx.Err()
	}
	res := SpawnResult{Actors: n, Elapsed: time.Since(start)}
	settle(goroutines)
	after := ReadMem()
	res.HeapPerActor = perUnit(before.Heap, after.Heap, n)
	res.RSSPerActor = perUnit(before.RSS, after.RSS, n)
	runtime.KeepAlive(sys)
	return res, nil
}
