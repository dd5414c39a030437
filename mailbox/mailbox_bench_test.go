// Benchmarks: ping-pong and fan-in between protoactor actors, with
// protoactor's default mailbox and with this one.

package mailbox_test

import (
	"context"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/murmur-go/murmur/mailbox"
)

// mailboxes are the two contenders of each benchmark.
var mailboxes = []struct {
	name string
	new  func(g *mailbox.Group) actor.MailboxProducer
}{
	{"protoactor", func(*mailbox.Group) actor.MailboxProducer { return actor.Unbounded() }},
	{"murmur", func(g *mailbox.Group) actor.MailboxProducer { return producer(mailbox.Config{Group: g}) }},
}

// ball is the message two actors bounce; n counts the round trips.
type ball struct{ n int }

func BenchmarkPingPong(b *testing.B) {
	for _, mb := range mailboxes {
		b.Run(mb.name, func(b *testing.B) {
			system := newSystem()
			defer system.Shutdown()
			g := new(mailbox.Group)
			opt := actor.WithMailbox(mb.new(g))
			done := make(chan struct{})
			var ping, pong *actor.PID
			pong = system.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
				if m, ok := c.Message().(*ball); ok {
					c.Send(ping, m)
				}
			}, opt))
			ping = system.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
				if m, ok := c.Message().(*ball); ok {
					if m.n++; m.n == b.N {
						close(done)
						return
					}
					c.Send(pong, m)
				}
			}, opt))
			b.ResetTimer()
			system.Root.Send(pong, &ball{})
			<-done
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "trips/s")
			stopAll(b, system, g, ping, pong)
		})
	}
}

func BenchmarkFanIn(b *testing.B) {
	for _, mb := range mailboxes {
		b.Run(mb.name, func(b *testing.B) {
			system := newSystem()
			defer system.Shutdown()
			g := new(mailbox.Group)
			done := make(chan struct{})
			count := 0
			pid := system.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
				if _, ok := c.Message().(*ball); ok {
					if count++; count == b.N {
						close(done)
					}
				}
			}, actor.WithMailbox(mb.new(g))))
			m := &ball{}
			b.ResetTimer()
			for range b.N {
				system.Root.Send(pid, m)
			}
			<-done
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			stopAll(b, system, g, pid)
		})
	}
}

// BenchmarkOffer measures Offer and processing on a bare Mailbox.
func BenchmarkOffer(b *testing.B) {
	mb := mailbox.New(mailbox.Config{MaxMessages: 1024})
	c := &checker{t: nil, next: make([]int, 1), wantUsers: int64(b.N), done: make(chan struct{})}
	mb.RegisterHandlers(counter{c}, nil)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := mb.Offer(ctx, seq{0, i}, 8); err != nil {
			b.Fatal(err)
		}
	}
	<-c.done
}

// counter counts user messages without checking them.
type counter struct{ *checker }

func (c counter) InvokeUserMessage(any) {
	if c.users.Add(1) == c.wantUsers {
		close(c.done)
	}
}

// sink keeps benchmarked mailboxes on the heap.
var sink *mailbox.Mailbox

// noop is an invoker that does nothing.
type noop struct{}

func (noop) InvokeSystemMessage(any)  {}
func (noop) InvokeUserMessage(any)    {}
func (noop) EscalateFailure(any, any) {}

// BenchmarkIdle reports the memory of an idle mailbox: new, and after it has
// processed a system and a user message and its goroutine has exited.
func BenchmarkIdle(b *testing.B) {
	b.Run("new", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			sink = mailbox.New(mailbox.Config{})
		}
		b.ReportMetric(float64(unsafe.Sizeof(mailbox.Mailbox{})), "struct-B")
	})
	b.Run("used", func(b *testing.B) {
		b.ReportAllocs()
		g := new(mailbox.Group)
		for range b.N {
			sink = mailbox.New(mailbox.Config{Linger: -1, Group: g})
			sink.RegisterHandlers(noop{}, nil)
			sink.PostSystemMessage(nil)
			sink.PostUserMessage(nil)
			if err := g.Wait(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// stopAll stops the actors and waits for their mailbox goroutines.
func stopAll(b *testing.B, system *actor.ActorSystem, g *mailbox.Group, pids ...*actor.PID) {
	for _, pid := range pids {
		if err := system.Root.StopFuture(pid).Wait(); err != nil {
			b.Fatal(err)
		}
	}
	if err := g.Wait(context.Background()); err != nil {
		b.Fatal(err)
	}
}

// recurse goes n frames of about 300 bytes deep, growing the stack of the
// goroutine that calls it as a Starlark call does.
//
//go:noinline
func recurse(n int) byte {
	var frame [256]byte
	frame[n%len(frame)] = byte(n)
	if n == 0 {
		return frame[0]
	}
	return recurse(n-1) + frame[n%len(frame)]
}

// BenchmarkParkedWorker reports what the stack of an idle worker of a
// Group's pool costs at rest: b.N mailboxes each grow their worker's stack
// to about 32 KB at once, then the workers park; runtime.MemStats
// StackInuse per idle worker is read then, and after one and two garbage
// collections (which halve the stacks of goroutines that use less than a
// quarter of theirs).
func BenchmarkParkedWorker(b *testing.B) {
	g := &mailbox.Group{Pool: true, MaxIdle: b.N, IdleTimeout: time.Hour}
	gate, in := make(chan struct{}), make(chan struct{}, b.N)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range b.N {
		mb := mailbox.New(mailbox.Config{Linger: -1, Group: g})
		mb.RegisterHandlers(gatedDeep{gated: gated{gate: gate, in: in}, depth: 100}, nil)
		mb.PostUserMessage(nil)
	}
	for range b.N {
		<-in
	}
	close(gate)
	for g.Idle() < b.N {
		runtime.Gosched()
	}
	b.StopTimer()
	perWorker := func() float64 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(int64(ms.StackInuse)-int64(before.StackInuse)) / float64(b.N)
	}
	b.ReportMetric(perWorker(), "stack-B/idle")
	runtime.GC()
	b.ReportMetric(perWorker(), "stack-B/idle-1gc")
	runtime.GC()
	b.ReportMetric(perWorker(), "stack-B/idle-2gc")
	if err := g.Wait(context.Background()); err != nil {
		b.Fatal(err)
	}
}

// gatedDeep grows its stack, then waits at a gate, so that every message
// holds a worker of its own until the gate opens.
type gatedDeep struct {
	gated
	depth int
}

func (d gatedDeep) InvokeUserMessage(any) {
	d.in <- struct{}{}
	<-d.gate
	recurse(d.depth)
}
