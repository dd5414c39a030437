// Tests of scheduling: lost wakeups under stress, lingering, Group.

package mailbox_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/murmur-go/murmur/mailbox"
)

// seq is a stress-test message: the seq-th message of sender from.
type seq struct{ from, n int }

// checker is an invoker that checks each sender's messages arrive once, in
// order, and never on two goroutines at once.
type checker struct {
	t              *testing.T
	next           []int // per sender; touched only by the invoker
	busy           atomic.Bool
	users, systems atomic.Int64
	wantUsers      int64
	done           chan struct{} // closed when wantUsers user messages are in
}

func (c *checker) enter() {
	if !c.busy.CompareAndSwap(false, true) {
		c.t.Error("two goroutines invoked at once")
	}
}

func (c *checker) InvokeSystemMessage(any) {
	c.enter()
	c.systems.Add(1)
	c.busy.Store(false)
}

func (c *checker) InvokeUserMessage(msg any) {
	c.enter()
	m := msg.(seq)
	if m.n != c.next[m.from] {
		c.t.Errorf("sender %d: got message %d, want %d", m.from, m.n, c.next[m.from])
	}
	c.next[m.from] = m.n + 1
	c.busy.Store(false)
	if c.users.Add(1) == c.wantUsers {
		close(c.done)
	}
}

func (c *checker) EscalateFailure(reason, _ any) {
	c.t.Errorf("unexpected failure: %v", reason)
}

func TestNoLostWakeups(t *testing.T) {
	for _, linger := range []time.Duration{-1, time.Microsecond, 0} {
		t.Run(fmt.Sprintf("linger=%v", linger), func(t *testing.T) {
			stress(t, linger)
		})
	}
}

func stress(t *testing.T, linger time.Duration) {
	const senders = 6
	total := 100_000
	if testing.Short() {
		total = 12_000
	}
	each := total / senders
	g := new(mailbox.Group)
	mb := mailbox.New(mailbox.Config{Linger: linger, Group: g, Throughput: 7})
	c := &checker{t: t, next: make([]int, senders), wantUsers: int64(each * senders), done: make(chan struct{})}
	mb.RegisterHandlers(c, nil)
	var systems atomic.Int64
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(s), uint64(linger)))
			for i := range each {
				if i%2 == 0 {
					if err := mb.Offer(context.Background(), seq{s, i}, 1); err != nil {
						t.Error(err)
						return
					}
				} else {
					mb.PostUserMessage(seq{s, i})
				}
				switch r := rng.IntN(1000); {
				case r < 2:
					time.Sleep(time.Duration(rng.IntN(300)) * time.Microsecond)
				case r < 20:
					runtime.Gosched()
				case r < 30:
					mb.PostSystemMessage(sys("tick"))
					systems.Add(1)
				}
			}
		})
	}
	wg.Wait()
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("lost wakeup: %d of %d messages processed, stats %+v", c.users.Load(), c.wantUsers, mb.Stats())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := g.Wait(ctx); err != nil {
		t.Fatalf("Group.Wait: %v (%d running)", err, g.Running())
	}
	if c.systems.Load() != systems.Load() {
		t.Errorf("system messages: processed %d of %d", c.systems.Load(), systems.Load())
	}
	if st := mb.Stats(); st.Queued != 0 || st.Processed != uint64(c.wantUsers) || st.Posted != uint64(c.wantUsers) {
		t.Errorf("stats = %+v", st)
	}
	if n := g.Running(); n != 0 {
		t.Errorf("Running = %d after Wait", n)
	}
}

func TestLingerThenExit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := new(mailbox.Group)
		mb := mailbox.New(mailbox.Config{Linger: time.Millisecond, Group: g})
		r := newRecorder(mb).start()
		if n := g.Running(); n != 0 {
			t.Fatalf("Running = %d for a new mailbox, want 0", n)
		}
		mb.PostUserMessage(1)
		synctest.Wait()
		if n := g.Running(); n != 1 {
			t.Fatalf("Running = %d while lingering, want 1", n)
		}
		time.Sleep(time.Millisecond - time.Microsecond)
		synctest.Wait()
		mb.PostUserMessage(2) // the lingering goroutine takes it, and lingers anew
		synctest.Wait()
		if got := r.got(); got != "[1 2]" {
			t.Fatalf("log = %s", got)
		}
		time.Sleep(time.Millisecond - time.Microsecond)
		synctest.Wait()
		if n := g.Running(); n != 1 {
			t.Fatalf("Running = %d before the linger passed, want 1", n)
		}
		time.Sleep(time.Microsecond)
		synctest.Wait()
		if n := g.Running(); n != 0 {
			t.Fatalf("Running = %d after the linger, want 0", n)
		}
		if err := g.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		// The next message starts a goroutine again.
		mb.PostUserMessage(3)
		if err := g.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := r.got(); got != "[1 2 3]" {
			t.Fatalf("log = %s", got)
		}
	})
}

func TestNoLinger(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := new(mailbox.Group)
		mb := mailbox.New(mailbox.Config{Linger: -1, Group: g})
		r := newRecorder(mb).start()
		mb.PostUserMessage(1)
		synctest.Wait()
		if n := g.Running(); n != 0 || r.got() != "[1]" {
			t.Fatalf("Running = %d, log %s; want 0, [1]", n, r.got())
		}
	})
}

func TestGroupWaitContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := new(mailbox.Group)
		mb := mailbox.New(mailbox.Config{Group: g})
		gate := make(chan struct{})
		r := newRecorder(mb)
		r.onUser = func(any) { <-gate }
		r.start()
		mb.PostUserMessage(1)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if err := g.Wait(ctx); err != context.DeadlineExceeded {
			t.Errorf("Wait = %v, want DeadlineExceeded", err)
		}
		close(gate)
		if err := g.Wait(t.Context()); err != nil {
			t.Error(err)
		}
		var none *mailbox.Group
		if none.Running() != 0 {
			t.Error("nil Group runs goroutines")
		}
	})
}
