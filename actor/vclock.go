// This file holds VirtualClock: virtual time for a System's timers, which
// jumps to the next deadline whenever the system is quiescent (for tests).

package actor

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/serialize"
)

// ErrClockInUse is returned by NewSystem for a VirtualClock that another
// System already runs on.
var ErrClockInUse = errors.New("actor: virtual clock already used by another system")

// VirtualClock is virtual time for one System (Config.VirtualClock), so
// that a test of a 30-second timeout takes milliseconds. On it run the
// timers of script actors: after(), receive_timeout, the deadlines of
// request, ask and recv (and of Go's System.Request), and the Go builtins
// that call Sleep. It stands still while anything of the system runs, and
// jumps to the earliest pending deadline when the system is quiescent: no
// mailbox has a goroutine except those of script actors blocked on the
// clock (in request, an ask's result, recv or Sleep), no such actor has
// been answered without having woken yet, and no message has come for an
// actor in recv since it began to wait. Timers due at the same instant fire in the order they were set.
// Quiescence is checked on two polls a millisecond apart with nothing
// changing in between.
//
// A Go actor's Request counts as idle too when it passes the ctx its
// Receive got, on its own goroutine.
//
// What it does not see: goroutines other than the system's actors. A Go
// program waiting on the system (System.Request from Go, pmap's helper
// goroutines) does not hold the clock back, and an actor that waits on
// such a goroutine (a script in pmap) holds it still until the wait ends.
// MessageTimeout, the stopping() bound and supervision's restart backoffs
// stay in wall-clock time; so does a Go actor's receive timeout.
type VirtualClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  timerHeap
	nextID  uint64
	seq     uint64                   // changes whenever something that quiescence depends on changes
	waiting int                      // script actors blocked on the clock
	recv    map[*actorRef]uint64     // actors in recv: their mailbox's Posted count when they began
	idle    map[*actorRef]*idleTimer // receive_timeout of actors
	sys     *System
	kick    chan struct{}
	stop    chan struct{}
	wg      sync.WaitGroup
}

// NewVirtualClock returns a virtual clock that reads start until a
// System's timers move it.
func NewVirtualClock(start time.Time) *VirtualClock {
	return &VirtualClock{now: start, kick: make(chan struct{}, 1), stop: make(chan struct{})}
}

// Now returns the clock's time.
func (c *VirtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep waits for d of the clock's time, or until ctx is done. Call it
// from a script's goroutine (a Go builtin): the wait counts as the actor
// being idle, so the clock can move.
func (c *VirtualClock) Sleep(ctx context.Context, d time.Duration) error {
	ch := make(chan struct{})
	t := c.afterFunc(d, func() { close(ch) })
	w := c.block(true)
	defer c.unblock(w)
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		c.stopTimer(t)
		return ctx.Err()
	}
}

// vtimer is one pending function of a VirtualClock.
type vtimer struct {
	at    time.Time
	id    uint64
	f     func()
	index int // in the heap; -1 once fired or stopped
}

type timerHeap []*vtimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	return h[i].at.Before(h[j].at) || h[i].at.Equal(h[j].at) && h[i].id < h[j].id
}
func (h timerHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i]; h[i].index = i; h[j].index = j }
func (h *timerHeap) Push(x any)   { t := x.(*vtimer); t.index = len(*h); *h = append(*h, t) }
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}

// afterFunc runs f on the clock's goroutine once d of its time has passed.
func (c *VirtualClock) afterFunc(d time.Duration, f func()) *vtimer {
	c.mu.Lock()
	c.nextID++
	t := &vtimer{at: c.now.Add(max(d, 0)), id: c.nextID, f: f}
	heap.Push(&c.timers, t)
	c.seq++
	c.mu.Unlock()
	c.poke()
	return t
}

// stopTimer stops t and reports whether it did so before t fired.
func (c *VirtualClock) stopTimer(t *vtimer) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&c.timers, t.index)
	t.index = -1
	return true
}

func (c *VirtualClock) poke() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// clockWait is one wait on the clock, by a script actor or not.
type clockWait struct {
	vc       *VirtualClock
	blocked  bool // counted in vc.waiting
	answered bool // the waiter has its answer, or is about to
}

// block counts a wait; counted says the waiter is an actor's goroutine.
func (c *VirtualClock) block(counted bool) *clockWait {
	w := &clockWait{vc: c}
	c.blockOn(w, counted)
	return w
}

// blockOn counts w's waiter as idle if it holds an actor's goroutine
// (counted) and has no answer yet.
func (c *VirtualClock) blockOn(w *clockWait, counted bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if counted && !w.answered && !w.blocked {
		w.blocked = true
		c.waiting++
		c.seq++
	}
}

// unblock ends the wait w: its waiter runs again.
func (c *VirtualClock) unblock(w *clockWait) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if w.blocked {
		w.blocked = false
		c.waiting--
	}
	c.seq++
}

// answered marks w's waiter as runnable before the answer is handed to it.
func (c *VirtualClock) answered(w *clockWait) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w.answered = true
	if w.blocked {
		w.blocked = false
		c.waiting--
	}
	c.seq++
}

// attach makes c the clock of s and starts the goroutine that advances it.
func (c *VirtualClock) attach(s *System) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sys != nil {
		return ErrClockInUse
	}
	c.sys = s
	c.recv = make(map[*actorRef]uint64)
	c.idle = make(map[*actorRef]*idleTimer)
	c.wg.Add(1)
	go c.run()
	return nil
}

// detach stops the clock's goroutine and waits for it.
func (c *VirtualClock) detach() {
	c.mu.Lock()
	select {
	case <-c.stop:
	default:
		close(c.stop)
	}
	c.mu.Unlock()
	c.wg.Wait()
}

// quiescentLocked reports whether nothing of the system can run until a
// timer fires.
func (c *VirtualClock) quiescentLocked() bool {
	if c.sys.group.Running() != c.waiting {
		return false
	}
	for r, posted := range c.recv {
		// A message that came after recv began wakes the actor, even if
		// it has taken the message already and not yet left the count.
		if st := r.mb.Stats(); st.Queued > 0 || st.Posted != posted {
			return false
		}
	}
	return true
}

// run advances the clock: when the system has been quiescent on two polls
// with nothing changing in between, it fires the earliest timers.
func (c *VirtualClock) run() {
	defer c.wg.Done()
	poll := time.NewTicker(time.Millisecond)
	defer poll.Stop()
	var lastSeq uint64
	quiet := false
	for {
		c.mu.Lock()
		pending := len(c.timers) > 0
		c.mu.Unlock()
		if !pending {
			quiet = false
			select {
			case <-c.stop:
				return
			case <-c.kick:
				continue
			}
		}
		select {
		case <-c.stop:
			return
		case <-poll.C:
		}
		c.mu.Lock()
		q := c.quiescentLocked()
		if !q || !quiet || c.seq != lastSeq || len(c.timers) == 0 {
			quiet, lastSeq = q, c.seq
			c.mu.Unlock()
			continue
		}
		// Fire every timer due at the earliest deadline, in order.
		at := c.timers[0].at
		c.now = at
		var due []func()
		for len(c.timers) > 0 && !c.timers[0].at.After(at) {
			due = append(due, heap.Pop(&c.timers).(*vtimer).f)
		}
		c.seq++
		quiet = false
		c.mu.Unlock()
		for _, f := range due {
			f()
		}
	}
}

// idleTimer is the virtual receive_timeout of one actor.
type idleTimer struct {
	last time.Time // when the actor last handled a message
	t    *vtimer
}

// armReceiveTimeout (re)arms r's receive timeout: protoactor's in real
// time, or one on the virtual clock.
func (r *actorRef) armReceiveTimeout(c proto.Context) {
	d := r.opts.ReceiveTimeout
	if d <= 0 {
		return
	}
	vc := r.sys.cfg.VirtualClock
	if vc == nil {
		c.SetReceiveTimeout(d)
		return
	}
	vc.mu.Lock()
	it := vc.idle[r]
	if it == nil {
		it = &idleTimer{}
		vc.idle[r] = it
	}
	it.last = vc.now
	vc.mu.Unlock()
	vc.armIdle(r, it, d)
}

// armIdle sets it's timer to fire d after the actor's last message.
func (vc *VirtualClock) armIdle(r *actorRef, it *idleTimer, d time.Duration) {
	vc.mu.Lock()
	if it.t != nil && it.t.index >= 0 {
		vc.mu.Unlock()
		return // pending already; it checks it.last when it fires
	}
	wait := it.last.Add(d).Sub(vc.now)
	vc.mu.Unlock()
	t := vc.afterFunc(wait, func() { vc.idleFired(r, it, d) })
	vc.mu.Lock()
	it.t = t
	vc.mu.Unlock()
}

// idleFired delivers the receive timeout if the actor has been idle for d,
// and otherwise waits for the rest.
func (vc *VirtualClock) idleFired(r *actorRef, it *idleTimer, d time.Duration) {
	if r.cancelled() || r.sys.closing.Load() {
		vc.mu.Lock()
		delete(vc.idle, r)
		vc.mu.Unlock()
		return
	}
	vc.mu.Lock()
	due := !vc.now.Before(it.last.Add(d))
	vc.mu.Unlock()
	if !due {
		vc.armIdle(r, it, d)
		return
	}
	r.mb.PostUserMessage(&proto.ReceiveTimeout{})
}

// touched notes that r handled a message, for its virtual receive timeout.
func (r *actorRef) touched() {
	vc := r.sys.cfg.VirtualClock
	if vc == nil || r.opts.ReceiveTimeout <= 0 {
		return
	}
	vc.mu.Lock()
	if it := vc.idle[r]; it != nil {
		it.last = vc.now
	}
	vc.mu.Unlock()
}

// now is the system's time: its virtual clock's, or the wall clock's.
func (s *System) now() time.Time {
	if vc := s.cfg.VirtualClock; vc != nil {
		return vc.Now()
	}
	return time.Now()
}

// waitVirtual is wait on the virtual clock: the deadline is a clock timer,
// and the wait counts as the waiting actor being idle.
func (r *replySlot) waitVirtual(ctx context.Context) (serialize.Payload, error) {
	vc := r.cw.vc
	expired := make(chan struct{})
	vc.mu.Lock()
	wait := r.deadline.Sub(vc.now)
	vc.mu.Unlock()
	t := vc.afterFunc(wait, func() { close(expired) })
	defer vc.stopTimer(t)
	w := r.cw
	_, counted := ctx.(*actorRef) // a script actor's own wait, not Go's
	vc.blockOn(w, counted)
	select {
	case r.ans = <-r.ch:
	case <-expired:
		select { // an answer that came before the deadline fired wins
		case r.ans = <-r.ch:
		default:
			r.ans.err = fmt.Errorf("%w: no answer from %s", ErrTimeout, r.to)
		}
	case <-ctx.Done():
		r.ans.err = ctx.Err()
	case <-r.sys.done:
		r.ans.err = ErrShutdown
	}
	vc.unblock(w)
	r.got = true
	r.drop()
	return r.ans.msg, r.ans.err
}

// timeoutContext is context.WithTimeout on the system's clock; when the
// time is up, context.Cause(ctx) is context.DeadlineExceeded.
func (s *System) timeoutContext(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	vc := s.cfg.VirtualClock
	if vc == nil {
		return context.WithTimeout(parent, d)
	}
	ctx, cancel := context.WithCancelCause(parent)
	t := vc.afterFunc(d, func() { cancel(context.DeadlineExceeded) })
	return ctx, func() { vc.stopTimer(t); cancel(nil) }
}

// receiveWait is r.mb.Receive(ctx) for recv(), counted on the virtual
// clock as the actor being idle.
func (r *actorRef) receiveWait(ctx context.Context) (any, error) {
	vc := r.sys.cfg.VirtualClock
	if vc == nil {
		return r.mb.Receive(ctx)
	}
	vc.mu.Lock()
	vc.recv[r] = r.mb.Stats().Posted
	vc.waiting++
	vc.seq++
	vc.mu.Unlock()
	defer func() {
		vc.mu.Lock()
		delete(vc.recv, r)
		vc.waiting--
		vc.seq++
		vc.mu.Unlock()
	}()
	return r.mb.Receive(ctx)
}

// attachClock starts the system's virtual clock, if it has one.
func (s *System) attachClock() error {
	vc := s.cfg.VirtualClock
	if vc == nil {
		return nil
	}
	if err := vc.attach(s); err != nil {
		s.net.close()
		s.proto.Shutdown()
		_ = s.engine.Close()
		return err
	}
	return nil
}

// detachClock stops the virtual clock's goroutine.
func (s *System) detachClock() {
	if vc := s.cfg.VirtualClock; vc != nil {
		vc.detach()
	}
}
