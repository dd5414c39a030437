// Group: the pool of warm worker goroutines that runs a set of mailboxes,
// and waiting for all of them.

package mailbox

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of the Group's pool, applied to its zero fields.
const (
	// DefaultIdleTimeout is how long an idle worker of a Group's pool
	// waits to be lent again before it exits (between once and twice this).
	DefaultIdleTimeout = time.Second
	// DefaultMaxIdlePerCPU times GOMAXPROCS is the default of
	// Group.MaxIdle.
	DefaultMaxIdlePerCPU = 256
)

// Group counts the goroutines of the mailboxes that name it in
// Config.Group, so that their owner (an actor system's Shutdown) can wait
// until every one has exited, and with Pool set it runs them on a pool of
// warm workers.
//
// Without Pool, a mailbox with work starts a goroutine of its own, which
// exits when the mailbox lets it go (after the linger). With Pool, it
// borrows a worker goroutine from the group and gives it back as soon as
// its queue empties (unless its Config.Linger says to wait). The pool
// starts workers on demand and keeps up to MaxIdle of them idle, the most
// recently used first in line, so that a mailbox usually gets a goroutine
// whose stack has already grown to what its actor needs: a Starlark call
// needs a stack far larger than a new goroutine's 2 KB, and growing one
// copies the whole stack at each doubling, on every burst of messages. A
// worker given back while MaxIdle are idle exits at once, and an idle
// worker exits after IdleTimeout to twice that without work, so a quiet
// group holds no goroutine for long; Wait makes every idle worker exit at
// once. A worker runs one mailbox at a time, and a mailbox has one worker
// at a time.
//
// What an idle worker costs is its stack and a few hundred bytes. The garbage
// collector halves the stack of a goroutine that uses less than a quarter
// of it at each cycle, parked workers included: BenchmarkParkedWorker
// measures 32 KB per worker whose stack grew to 32 KB, 16 KB after one
// collection and 8 KB after two, down to 2 KB. A worker so shrunk regrows
// one doubling per cycle that shrank it, when next lent, rather than its
// whole stack on every burst as a new goroutine does. At the defaults a
// group keeps at most 256×GOMAXPROCS idle workers, for one to two seconds.
//
// The zero value is ready to use (without a pool); set the fields before
// first use. A Group is safe for use by many goroutines at once and must
// not be copied after first use.
type Group struct {
	// Pool runs the group's mailboxes on warm workers borrowed from the
	// group. False means a new goroutine per burst of messages.
	Pool bool
	// MaxIdle is the most workers kept idle at once. Zero means
	// DefaultMaxIdlePerCPU×GOMAXPROCS (as of when the pool first needs it).
	MaxIdle int
	// IdleTimeout is how long an idle worker waits to be lent before it
	// exits (between once and twice this). Zero means DefaultIdleTimeout.
	IdleTimeout time.Duration

	n atomic.Int64 // mailboxes holding a goroutine

	mu       sync.Mutex // guards what follows
	idle     []*worker  // parked workers, the most recently parked last
	workers  int        // worker goroutines alive
	maxIdle  int        // MaxIdle or its default, set on first park
	draining int        // Waits in progress: workers given back exit
	epoch    uint64     // ticks of reaper
	armed    bool       // reaper is set to fire
	reaper   *time.Timer
	zero     chan struct{} // closed when nothing runs; nil when nobody waits
}

// worker is one goroutine of a group's pool, with what it keeps from one
// mailbox to the next.
type worker struct {
	next  chan *Mailbox // cap 1: the mailbox to run next; nil to exit
	wake  chan struct{} // cap 1: tokens from posters while it lingers (see schedule.go)
	timer *time.Timer   // the linger timer; nil until first needed
	epoch uint64        // the group's epoch when it last parked
}

// Running returns the number of the group's mailboxes that hold a
// goroutine now (processing or lingering). Idle workers are not counted.
func (g *Group) Running() int {
	if g == nil {
		return 0
	}
	return int(g.n.Load())
}

// Idle returns the number of workers parked in the pool now.
func (g *Group) Idle() int {
	if g == nil {
		return 0
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.idle)
}

// Wait blocks until no mailbox of the group holds a goroutine and every
// worker of the pool has exited (Wait makes the idle ones exit, and those
// given back while it waits), and returns nil; or until ctx is done, and
// returns ctx.Err(). New goroutines may start as soon as Wait returns; an
// owner that wants them all gone stops the traffic first.
func (g *Group) Wait(ctx context.Context) error {
	g.mu.Lock()
	g.draining++
	defer func() {
		g.mu.Lock()
		g.draining--
		g.mu.Unlock()
	}()
	for {
		g.retireLocked(len(g.idle))
		if g.quietLocked() {
			if g.armed && g.reaper.Stop() { // nothing left to reap
				g.armed = false
			}
			g.mu.Unlock()
			return nil
		}
		if g.zero == nil {
			g.zero = make(chan struct{})
		}
		zero := g.zero
		g.mu.Unlock()
		select {
		case <-zero:
		case <-ctx.Done():
			return ctx.Err()
		}
		g.mu.Lock()
	}
}

// quietLocked reports whether nothing of the group runs.
func (g *Group) quietLocked() bool { return g.n.Load() == 0 && g.workers == 0 }

// wakeLocked wakes the Waits if nothing runs.
func (g *Group) wakeLocked() {
	if g.zero != nil && g.quietLocked() {
		close(g.zero)
		g.zero = nil
	}
}

// add counts a mailbox that takes a goroutine.
func (g *Group) add() {
	if g != nil {
		g.n.Add(1)
	}
}

// done counts a mailbox that has let its goroutine go.
func (g *Group) done() {
	if g == nil || g.n.Add(-1) != 0 {
		return
	}
	g.mu.Lock()
	g.wakeLocked()
	g.mu.Unlock()
}

// start runs m on a worker: the most recently parked idle one, or a new
// one. Without a group or a pool, m runs on a goroutine of its own.
func (g *Group) start(m *Mailbox) {
	if g == nil || !g.Pool {
		go runAlone(m)
		return
	}
	g.mu.Lock()
	if k := len(g.idle); k > 0 {
		w := g.idle[k-1]
		g.idle[k-1] = nil
		g.idle = g.idle[:k-1]
		g.mu.Unlock()
		w.next <- m
		return
	}
	g.workers++
	g.mu.Unlock()
	go g.work(m)
}

// work is a worker goroutine: it runs m, then whatever mailbox it is lent
// next, until it is told to exit.
func (g *Group) work(m *Mailbox) {
	w := new(worker)
	defer g.exit(w)
	for m != nil {
		m.run(w)
		m = g.park(w)
	}
}

// runAlone runs m on a goroutine of its own, for a mailbox without a group.
func runAlone(m *Mailbox) {
	w := new(worker)
	defer w.stop()
	m.run(w)
}

// stop releases what the worker holds.
func (w *worker) stop() {
	if w.timer != nil {
		w.timer.Stop()
	}
}

// exit counts a worker that has ended (also by runtime.Goexit in an
// invoker).
func (g *Group) exit(w *worker) {
	w.stop()
	g.mu.Lock()
	g.workers--
	g.wakeLocked()
	g.mu.Unlock()
}

// park puts w among the idle workers and waits to be lent; it returns the
// mailbox to run, or nil when w must exit.
func (g *Group) park(w *worker) *Mailbox {
	g.mu.Lock()
	if g.maxIdle == 0 {
		g.maxIdle = g.MaxIdle
		if g.maxIdle <= 0 {
			g.maxIdle = DefaultMaxIdlePerCPU * runtime.GOMAXPROCS(0)
		}
	}
	if g.draining > 0 || len(g.idle) >= g.maxIdle {
		g.mu.Unlock()
		return nil
	}
	if w.next == nil {
		w.next = make(chan *Mailbox, 1)
	}
	w.epoch = g.epoch
	g.idle = append(g.idle, w)
	if !g.armed {
		g.armed = true
		if g.reaper == nil {
			g.reaper = time.AfterFunc(g.idleTimeout(), g.reap)
		} else {
			g.reaper.Reset(g.idleTimeout())
		}
	}
	g.mu.Unlock()
	return <-w.next
}

// reap runs every IdleTimeout while workers are idle: it retires those
// that were idle at its previous run already and have not been lent since.
func (g *Group) reap() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.armed = false
	g.epoch++
	old := 0 // g.idle is in the order of parking, so by epoch
	for old < len(g.idle) && g.idle[old].epoch+2 <= g.epoch {
		old++
	}
	g.retireLocked(old)
	if len(g.idle) > 0 && g.draining == 0 {
		g.armed = true
		g.reaper.Reset(g.idleTimeout())
	}
}

// idleTimeout returns IdleTimeout or its default.
func (g *Group) idleTimeout() time.Duration {
	if g.IdleTimeout <= 0 {
		return DefaultIdleTimeout
	}
	return g.IdleTimeout
}

// retireLocked tells the k longest idle workers to exit.
func (g *Group) retireLocked(k int) {
	if k == 0 {
		return
	}
	for _, w := range g.idle[:k] {
		w.next <- nil
	}
	rest := copy(g.idle, g.idle[k:])
	clear(g.idle[rest:])
	g.idle = g.idle[:rest]
}
