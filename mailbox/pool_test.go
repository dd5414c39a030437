// Tests of a Group's pool of warm workers: lending, bounds, retirement,
// Wait, and no lost wakeups among mailboxes that share workers.

package mailbox_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/murmur-go/murmur/mailbox"
)

// TestPoolNoLostWakeups sends from several goroutines to several
// mailboxes that borrow workers from one pool: every message arrives once,
// in order per sender, one goroutine at a time per mailbox.
func TestPoolNoLostWakeups(t *testing.T) {
	for _, c := range []struct {
		linger  time.Duration
		maxIdle int
	}{{-1, 0}, {time.Microsecond, 0}, {0, 0}, {-1, 1}, {time.Microsecond, 2}} {
		t.Run(fmt.Sprintf("linger=%v,maxIdle=%d", c.linger, c.maxIdle), func(t *testing.T) {
			poolStress(t, &mailbox.Group{Pool: true, MaxIdle: c.maxIdle}, c.linger)
		})
	}
}

func poolStress(t *testing.T, g *mailbox.Group, linger time.Duration) {
	const senders, boxes = 4, 6
	each := 6000
	if testing.Short() {
		each = 1000
	}
	mbs := make([]*mailbox.Mailbox, boxes)
	checkers := make([]*checker, boxes)
	for i := range mbs {
		mbs[i] = mailbox.New(mailbox.Config{Linger: linger, Group: g, Throughput: 5})
		checkers[i] = &checker{t: t, next: make([]int, senders), wantUsers: int64(each * senders), done: make(chan struct{})}
		mbs[i].RegisterHandlers(checkers[i], nil)
	}
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(s), uint64(linger)))
			for n := range each {
				for i, mb := range mbs {
					if (n+i)%2 == 0 {
						mb.PostUserMessage(seq{s, n})
					} else if err := mb.Offer(context.Background(), seq{s, n}, 1); err != nil {
						t.Error(err)
						return
					}
				}
				switch r := rng.IntN(100); {
				case r < 2:
					time.Sleep(time.Duration(rng.IntN(50)) * time.Microsecond)
				case r < 10:
					runtime.Gosched()
				}
			}
		})
	}
	wg.Wait()
	for i, c := range checkers {
		select {
		case <-c.done:
		case <-time.After(30 * time.Second):
			t.Fatalf("mailbox %d: lost wakeup: %d of %d messages processed", i, c.users.Load(), c.wantUsers)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := g.Wait(ctx); err != nil {
		t.Fatalf("Group.Wait: %v (%d running, %d idle)", err, g.Running(), g.Idle())
	}
	if r, i := g.Running(), g.Idle(); r != 0 || i != 0 {
		t.Errorf("after Wait: %d running, %d idle; want none", r, i)
	}
}

// gated is an invoker whose user messages wait for a gate to open, so
// that a test can hold a worker busy.
type gated struct {
	noop
	gate chan struct{}
	in   chan struct{} // receives a token as each message starts
}

func (g gated) InvokeUserMessage(any) {
	g.in <- struct{}{}
	<-g.gate
}

func TestPoolLendsIdleWorker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := &mailbox.Group{Pool: true}
		gate, in := make(chan struct{}), make(chan struct{}, 2)
		a := mailbox.New(mailbox.Config{Linger: time.Millisecond, Group: g})
		b := mailbox.New(mailbox.Config{Linger: -1, Group: g})
		a.RegisterHandlers(gated{gate: gate, in: in}, nil)
		b.RegisterHandlers(gated{gate: gate, in: in}, nil)
		close(gate)
		a.PostUserMessage(1)
		synctest.Wait()
		if r, i := g.Running(), g.Idle(); r != 1 || i != 0 {
			t.Fatalf("while a lingers: %d running, %d idle; want 1, 0", r, i)
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if r, i := g.Running(), g.Idle(); r != 0 || i != 1 {
			t.Fatalf("after a's linger: %d running, %d idle; want 0, 1", r, i)
		}
		// b borrows the idle worker rather than starting one, and gives it
		// back at once (no linger).
		b.PostUserMessage(2)
		synctest.Wait()
		if r, i := g.Running(), g.Idle(); r != 0 || i != 1 {
			t.Fatalf("after b: %d running, %d idle; want 0, 1", r, i)
		}
		if got := len(in); got != 2 {
			t.Fatalf("%d messages processed, want 2", got)
		}
		if err := g.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		if i := g.Idle(); i != 0 {
			t.Fatalf("Idle = %d after Wait, want 0", i)
		}
	})
}

func TestPoolMaxIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := &mailbox.Group{Pool: true, MaxIdle: 2}
		gate, in := make(chan struct{}), make(chan struct{}, 5)
		for i := range 5 {
			mb := mailbox.New(mailbox.Config{Linger: -1, Group: g})
			mb.RegisterHandlers(gated{gate: gate, in: in}, nil)
			mb.PostUserMessage(i)
		}
		synctest.Wait()
		if r, n := g.Running(), len(in); r != 5 || n != 5 {
			t.Fatalf("%d running, %d started; want 5 busy workers", r, n)
		}
		close(gate)
		synctest.Wait()
		// Three of the five exited; the bubble would not end if they had not.
		if r, i := g.Running(), g.Idle(); r != 0 || i != 2 {
			t.Fatalf("%d running, %d idle; want 0, 2", r, i)
		}
		if err := g.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPoolIdleTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := &mailbox.Group{Pool: true, IdleTimeout: time.Second}
		mb := mailbox.New(mailbox.Config{Group: g}) // a pooled mailbox does not linger by default
		r := newRecorder(mb).start()
		for round := range 2 {
			mb.PostUserMessage(round)
			synctest.Wait()
			if i := g.Idle(); i != 1 {
				t.Fatalf("round %d: Idle = %d after the message, want 1", round, i)
			}
			time.Sleep(time.Second)
			synctest.Wait()
			if i := g.Idle(); i != 1 {
				t.Fatalf("round %d: Idle = %d after one IdleTimeout, want 1 (it retires after 1 to 2)", round, i)
			}
			time.Sleep(time.Second)
			synctest.Wait()
			if i := g.Idle(); i != 0 {
				t.Fatalf("round %d: Idle = %d after two IdleTimeouts, want 0", round, i)
			}
		}
		if got := r.got(); got != "[0 1]" {
			t.Fatalf("log = %s", got)
		}
		// No Wait: the bubble ends only if every worker has exited.
	})
}

// goexiter calls runtime.Goexit on the message "exit", as a test's
// t.FailNow would on the mailbox's goroutine.
type goexiter struct {
	*recorder
}

func (g goexiter) InvokeUserMessage(msg any) {
	if msg == "exit" {
		runtime.Goexit()
	}
	g.recorder.InvokeUserMessage(msg)
}

func TestGoexitInInvoker(t *testing.T) {
	for _, pool := range []bool{false, true} {
		t.Run(fmt.Sprintf("pool=%v", pool), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := &mailbox.Group{Pool: pool}
				mb := mailbox.New(mailbox.Config{Linger: time.Millisecond, Group: g})
				r := newRecorder(mb)
				mb.RegisterHandlers(goexiter{r}, nil)
				mb.PostUserMessage("exit")
				synctest.Wait()
				if n := g.Running(); n != 0 {
					t.Fatalf("Running = %d after Goexit, want 0", n)
				}
				mb.PostUserMessage("after") // the mailbox runs again, on another goroutine
				if err := g.Wait(t.Context()); err != nil {
					t.Fatal(err)
				}
				if got := r.got(); got != "[after]" {
					t.Fatalf("log = %s", got)
				}
			})
		})
	}
}

// TestPoolWaitWhileBusy: Wait returns only once the busy worker has
// finished and exited, and leaves no idle worker behind.
func TestPoolWaitWhileBusy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := &mailbox.Group{Pool: true}
		gate, in := make(chan struct{}), make(chan struct{}, 1)
		mb := mailbox.New(mailbox.Config{Group: g})
		mb.RegisterHandlers(gated{gate: gate, in: in}, nil)
		mb.PostUserMessage(1)
		<-in
		waited := make(chan error, 1)
		go func() { waited <- g.Wait(context.Background()) }()
		synctest.Wait()
		select {
		case err := <-waited:
			t.Fatalf("Wait returned %v while a worker was busy", err)
		default:
		}
		close(gate)
		if err := <-waited; err != nil {
			t.Fatal(err)
		}
		if r, i := g.Running(), g.Idle(); r != 0 || i != 0 {
			t.Fatalf("after Wait: %d running, %d idle; want none", r, i)
		}
	})
}
