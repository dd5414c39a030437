// This file holds actorRef, the system's record of one actor through its
// restarts: what it runs, its cancellation (it is the context.Context of
// everything the actor waits on), stopping it, and its end (terminate).

package actor

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"go.opentelemetry.io/otel/trace"

	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/mailbox"
	"github.com/murmur-go/murmur/serialize"
)

// actorRef is the system's record of one script actor. It outlives
// restarts (which replace the instance) and implements context.Context:
// its Done channel closes when the actor is told to stop, which cancels
// every wait the actor is in.
type actorRef struct {
	sys    *System
	mod    *Module
	args   serialize.Payload
	opts   *SpawnOptions // never nil, never written; noOptions for the defaults (most actors). Args unused: args holds them encoded
	pid    *proto.PID
	addr   Address
	parent *actorRef
	mb     *mailbox.Mailbox
	main   bool
	stats  *scriptStats // its script's counters; nil when metrics are off

	inst       atomic.Pointer[interp.Instance]
	isCanceled atomic.Bool
	started    atomic.Bool  // an init has succeeded (a pool replaces only such workers)
	reason     atomic.Value // string: why the actor was cancelled

	more atomic.Pointer[refExtras] // what few actors need, made on first use (see ext)

	exitReason atomic.Value // string: why the actor stopped, for watchers
	mu         sync.Mutex   // guards what follows
	timers     *timerSet    // after() timers, made on first use
	terminated bool         // set as the actor starts terminating
	ended      bool         // set once it has: stopped is (or would be) closed
	// quit closes when the actor is cancelled, stopped when it has
	// stopped. Both are made on first use: most actors never need them,
	// and a channel is a tenth of an idle actor's memory.
	quit    chan struct{}
	stopped chan struct{}
}

// refExtras holds the parts of an actor's record that most actors never
// use; keeping them out of actorRef keeps an idle actor under 3 KB.
type refExtras struct {
	asks     []*replySlot                      // outstanding ask() slots; touched only by the actor's goroutine
	children []*actorRef                       // guarded by the actor's mu
	pools    []*Pool                           // pools it started, which stop with it; guarded by mu
	failures []time.Time                       // recent failures, for restart intensity; guarded by mu
	watchers []Address                         // guarded by mu
	remote   []Address                         // children on other nodes; guarded by mu
	relay    *proto.PID                        // where remote termination notices come; guarded by mu
	guestOf  string                            // the peer node that spawned it here, if one did; guarded by mu
	span     atomic.Pointer[trace.SpanContext] // the span of the message it processes, when tracing is on
}

// ext returns the actor's extras, making them on first use.
func (r *actorRef) ext() *refExtras {
	if e := r.more.Load(); e != nil {
		return e
	}
	r.more.CompareAndSwap(nil, new(refExtras))
	return r.more.Load()
}

// closedChan is what quit and stopped are once closed before anyone asked.
var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

var _ context.Context = (*actorRef)(nil)

func (r *actorRef) Deadline() (time.Time, bool) { return time.Time{}, false }
func (r *actorRef) Value(any) any               { return nil }

func (r *actorRef) Done() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.quit == nil {
		if r.isCanceled.Load() {
			return closedChan
		}
		r.quit = make(chan struct{})
	}
	return r.quit
}

func (r *actorRef) Err() error {
	if r.isCanceled.Load() {
		return context.Canceled
	}
	return nil
}

// stoppedChan returns a channel that closes once the actor has stopped.
func (r *actorRef) stoppedChan() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped == nil {
		if r.ended {
			return closedChan
		}
		r.stopped = make(chan struct{})
	}
	return r.stopped
}

// cancel tells the actor to stop whatever it runs: the running script fails
// promptly and blocking builtins return.
func (r *actorRef) cancel(reason string) {
	r.mu.Lock()
	if r.isCanceled.Load() {
		r.mu.Unlock()
		return
	}
	r.reason.Store(reason)
	r.isCanceled.Store(true)
	if r.quit != nil {
		close(r.quit)
	}
	r.mu.Unlock()
	if in := r.inst.Load(); in != nil {
		in.Cancel(reason)
	}
}

func (r *actorRef) cancelled() bool { return r.Err() != nil }

// stop stops the actor: what it runs is cancelled at once, and protoactor
// stops it (its children first) once the message being handled returns.
// It does not wait; stoppedChan closes when the actor has stopped.
func (r *actorRef) stop(reason string) {
	r.cancel(reason)
	r.sys.proto.Root.Stop(r.pid)
}

// terminate runs when the actor has stopped: it leaves the registry, and
// every message still queued is answered (requests) or sent to dead letters.
func (r *actorRef) terminate() {
	var heir *actorRef // a pool worker's replacement takes the messages queued for it
	if r.opts.pool != nil {
		heir = r.opts.pool.workerStopped(r)
	}
	r.cancel("stopped")
	r.stats.count(stopsOf)
	r.sys.actors.CompareAndDelete(r.addr.ID, r)
	r.stopChildren("parent stopped")
	if r.parent != nil {
		r.parent.disown(r)
	}
	r.mu.Lock()
	r.terminated = true
	watchers, timers := r.ext().watchers, r.timers
	r.ext().watchers = nil
	r.mu.Unlock()
	if timers != nil {
		timers.stop()
	}
	reason, _ := r.exitReason.Load().(string)
	if reason == "" {
		reason = "stopped"
	}
	for _, w := range watchers {
		r.sys.notify(w, r.addr, reason)
	}
	for _, m := range r.mb.Close() {
		if env, sender := senderOf(m); env != nil {
			if heir != nil && heir.mb.Offer(noWait, env, env.msg.Size()) == nil {
				continue
			}
			r.sys.undeliverable(r.addr, env, sender, lostStopped)
		}
	}
	for _, slot := range r.ext().asks {
		r.dropAsk(slot)
	}
	r.mu.Lock()
	if relay := r.ext().relay; relay != nil {
		r.sys.proto.ProcessRegistry.Remove(relay)
	}
	r.mu.Unlock()
	r.mu.Lock()
	peer := r.ext().guestOf
	r.mu.Unlock()
	if peer != "" {
		r.sys.net.release(peer, r.addr.ID)
	}
	r.ext().asks = nil
	r.mu.Lock()
	r.ended = true
	if r.stopped != nil {
		close(r.stopped)
	}
	r.mu.Unlock()
}
