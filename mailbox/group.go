// Group: counting mailbox goroutines so that an owner can wait for them.

package mailbox

import (
	"context"
	"sync"
	"sync/atomic"
)

// Group counts the goroutines of the mailboxes that name it in
// Config.Group, so that their owner (an actor system's Shutdown) can wait
// until every one has exited. Unlike sync.WaitGroup, a goroutine may start
// (a message may arrive at an idle mailbox) while Wait is in progress; Wait
// returns at a moment when none runs.
//
// The zero value is ready to use. A Group is safe for use by many goroutines
// at once and must not be copied after first use.
type Group struct {
	n    atomic.Int64
	mu   sync.Mutex
	zero chan struct{} // closed when n drops to zero; nil when nobody waits
}

// Running returns the number of the group's mailbox goroutines running now.
func (g *Group) Running() int {
	if g == nil {
		return 0
	}
	return int(g.n.Load())
}

// Wait blocks until no goroutine of the group runs, and returns nil, or until
// ctx is done, and returns ctx.Err(). New goroutines may start as soon as Wait
// returns; an owner that wants them all gone stops the traffic first.
func (g *Group) Wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		if g.n.Load() == 0 {
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
	}
}

// add counts a goroutine about to start.
func (g *Group) add() {
	if g != nil {
		g.n.Add(1)
	}
}

// done counts a goroutine that has finished, waking waiters at zero.
func (g *Group) done() {
	if g == nil || g.n.Add(-1) != 0 {
		return
	}
	g.mu.Lock()
	if g.zero != nil && g.n.Load() == 0 {
		close(g.zero)
		g.zero = nil
	}
	g.mu.Unlock()
}
