// W7 spawn tree: fib(n) by a tree of short-lived actors.

package bench

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/actor"
)

// TreeN is W7's argument: fib(25) takes 150,049 actors.
const TreeN = 25

// TreeActors returns the number of actors of W7's tree for fib(n): one per
// call of the naive recursion, 2·fib(n) - 1.
func TreeActors(n int) int {
	a, b := 1, 1 // fib(1), fib(2)
	for range max(n-2, 0) {
		a, b = b, a+b
	}
	return 2*b - 1
}

// TreeFor returns the smallest n whose tree has at least actors actors, so
// that a benchmark of b.N actors does about b.N.
func TreeFor(actors int) int {
	n := 1
	for TreeActors(n) < actors {
		n++
	}
	return n
}

// TreeResult is one run of W7.
type TreeResult struct {
	Actors  int           // actors spawned: TreeActors(n)
	Elapsed time.Duration // from the request for fib(n) to its answer
	Peak    int           // most actors started and not yet answered at once
}

// PerActor returns the time per actor.
func (r TreeResult) PerActor() time.Duration { return r.Elapsed / time.Duration(r.Actors) }

// peak counts actors alive and the most alive at once; safe for concurrent use.
type peak struct{ now, most atomic.Int64 }

func (p *peak) add(d int64) {
	v := p.now.Add(d)
	for m := p.most.Load(); v > m && !p.most.CompareAndSwap(m, v); m = p.most.Load() {
	}
}

// TreeMurmur runs W7 on murmur: Go asks fibroot.star for fib(n); it spawns
// the root of a tree of fib.star actors with Go's request as its parent.
// Each actor spawns two children for n ≥ 3 and adds their answers, answers
// its parent with send, then stops. The clock runs from the request to the
// root's answer. A Go builtin, alive(±1), called as each actor starts and
// just before it answers, counts the peak.
func TreeMurmur(ctx context.Context, n int) (TreeResult, error) {
	if n < 1 {
		return TreeResult{}, fmt.Errorf("W7: fib(%d); want n ≥ 1", n)
	}
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	var alive peak
	count := starlark.NewBuiltin("alive", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var d int
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &d); err != nil {
			return nil, err
		}
		alive.add(int64(d))
		return starlark.None, nil
	})
	sys, err := actor.NewSystem(actor.Config{FS: Scripts, Builtins: starlark.StringDict{"alive": count}, Mailbox: Mailbox})
	if err != nil {
		return TreeResult{}, err
	}
	m := murmurSystem{sys}
	defer m.close()
	root, err := m.spawn(ctx, "fibroot.star")
	if err != nil {
		return TreeResult{}, err
	}
	start := time.Now()
	var got int
	if err := sys.Request(ctx, root, n, &got); err != nil {
		return TreeResult{}, err
	}
	return treeResult(n, got, time.Since(start), &alive)
}

// treeResult checks fib(n)'s answer and the count of actors, and makes the result.
func treeResult(n, got int, elapsed time.Duration, alive *peak) (TreeResult, error) {
	actors := TreeActors(n)
	if want := (actors + 1) / 2; got != want {
		return TreeResult{}, fmt.Errorf("W7: fib(%d) = %d, want %d", n, got, want)
	}
	if left := alive.now.Load(); left != 0 {
		return TreeResult{}, fmt.Errorf("W7: %d actors counted as alive after the answer", left)
	}
	return TreeResult{Actors: actors, Elapsed: elapsed, Peak: int(alive.most.Load())}, nil
}

// protoFib is an actor of W7's tree as a Go actor.
type protoFib struct {
	n        int
	parent   *proto.PID
	sum, got int
	alive    *peak
}

func fibProps(n int, parent *proto.PID, alive *peak) *proto.Props {
	return proto.PropsFromProducer(func() proto.Actor { return &protoFib{n: n, parent: parent, alive: alive} })
}

func (f *protoFib) Receive(c proto.Context) {
	switch m := c.Message().(type) {
	case *proto.Started:
		f.alive.add(1)
		if f.n < 3 {
			f.alive.add(-1)
			c.Send(f.parent, 1)
			c.Stop(c.Self())
			return
		}
		c.Spawn(fibProps(f.n-1, c.Self(), f.alive))
		c.Spawn(fibProps(f.n-2, c.Self(), f.alive))
	case int:
		f.sum += m
		if f.got++; f.got == 2 {
			f.alive.add(-1)
			c.Send(f.parent, f.sum)
			c.Stop(c.Self())
		}
	}
}

// TreeProto runs W7 on raw protoactor: the same tree of Go actors, each a
// protoactor child of its parent, answering with Go ints; the root answers
// a Go actor that hands the result to the caller.
func TreeProto(ctx context.Context, n int) (TreeResult, error) {
	if n < 1 {
		return TreeResult{}, fmt.Errorf("W7: fib(%d); want n ≥ 1", n)
	}
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	sys := newProto()
	defer sys.Shutdown()
	done := make(chan int, 1)
	sink := sys.Root.Spawn(proto.PropsFromFunc(func(c proto.Context) {
		if m, ok := c.Message().(int); ok {
			done <- m
		}
	}))
	var alive peak
	start := time.Now()
	sys.Root.Spawn(fibProps(n, sink, &alive))
	select {
	case got := <-done:
		return treeResult(n, got, time.Since(start), &alive)
	case <-ctx.Done():
		return TreeResult{}, fmt.Errorf("W7: no answer: %w", ctx.Err())
	}
}
