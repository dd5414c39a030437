// This file holds spawning: SpawnOptions, the per-actor record (actorRef),
// its family tree, termination, Stop and Stats.

package actor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"go.opentelemetry.io/otel/trace"

	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/mailbox"
	"github.com/murmur-go/murmur/serialize"
)

// SpawnOptions configures one actor. The zero value is the default.
type SpawnOptions struct {
	// Args are passed to the script's init(*args), or to a Go behaviour's
	// New. Nil means none.
	Args []any
	// Name gives the actor a name, unique among its siblings: its address
	// ID is the name (for actors Go spawns) or parent/name (for children of
	// a script). Empty means a generated one.
	Name string
	// Mailbox bounds this actor's mailbox. Zero means the system's Config.Mailbox.
	Mailbox mailbox.Config
	// MaxSteps is the per-message step limit. Zero means the system's Config.MaxSteps.
	MaxSteps uint64
	// Supervision says what happens when the script fails. Zero means
	// restart it alone, at most 10 times in 10 seconds, then stop it.
	Supervision Supervision
	// ReceiveTimeout, if set, sends the actor {"event": "timeout"} after it
	// has been idle that long. Zero means never.
	ReceiveTimeout time.Duration
	// MessageTimeout, if set, fails the actor when one message takes longer
	// than this of wall-clock time. Zero means no limit.
	MessageTimeout time.Duration
	// Node, if set, starts the actor on that node ("host:port") instead of
	// this one: the script and the libraries it loads are sent by content
	// hash, and the node must allow it (NodeConfig.AllowRemoteSpawn). The
	// node supervises it. Empty means this node.
	Node string

	pool *Pool     // the pool the actor is a worker of, which it tells as it stops
	peer string    // the peer that asked for the actor, for one a peer spawns here
	gob  *Behavior // the Go code the actor runs instead of a script (see goactor.go)
}

// actorRef is the system's record of one script actor. It outlives
// restarts (which replace the instance) and implements context.Context:
// its Done channel closes when the actor is told to stop, which cancels
// every wait the actor is in.
type actorRef struct {
	sys    *System
	mod    *Module
	args   serialize.Envelope
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

// noOptions are the options of every actor spawned with the defaults:
// shared, they save each such actor the 200 bytes of its own copy.
var noOptions SpawnOptions

// isDefault reports whether o is the zero SpawnOptions, field by field (a
// tenth of reflect's IsZero). TestSpawnOptionsFields fails when
// SpawnOptions gains a field, so that it is added here.
func (o *SpawnOptions) isDefault() bool {
	return o.Args == nil && o.Name == "" && o.Mailbox == (mailbox.Config{}) && o.MaxSteps == 0 &&
		o.Supervision == (Supervision{}) && o.ReceiveTimeout == 0 && o.MessageTimeout == 0 && o.Node == "" &&
		o.pool == nil && o.peer == "" && o.gob == nil
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

// Spawn starts an actor running mod, supervised by the system's root
// (restarted with a fresh instance when its script fails). It returns once
// the actor exists; its top level and init run on its own goroutine.
func (s *System) Spawn(ctx context.Context, mod *Module, opts SpawnOptions) (Address, error) {
	if err := ctx.Err(); err != nil {
		return Address{}, err
	}
	var args serialize.Envelope
	if len(opts.Args) > 0 {
		var err error
		if args, err = s.encode(opts.Args); err != nil {
			return Address{}, fmt.Errorf("actor: spawn %s: args: %w", mod.Name(), err)
		}
	}
	opts.Args = nil
	if opts.Node != "" && opts.Node != s.node {
		return s.spawnRemote(ctx, nil, opts.Node, mod, args, opts)
	}
	return s.spawn(nil, mod, args, opts, false)
}

// spawn creates the actor as a child of parent (nil for Go's actors).
//
// Every actor is a protoactor child of the system's guardian, whatever its
// murmur parent: supervision decisions then run at once on the failing
// actor's goroutine, instead of waiting in the parent's mailbox, where a
// parent blocked in request() or recv() could never make them. The parent
// and child relation (stopping children with their parent, all-for-one
// restarts, escalation) is murmur's own, kept in actorRef.children.
func (s *System) spawn(parent *actorRef, mod *Module, args serialize.Envelope,
	opts SpawnOptions, main bool) (_ Address, err error) {
	if s.closing.Load() {
		return Address{}, ErrShutdown
	}
	peer, err := s.admitGuest(parent, opts) // one a peer started here counts against its quotas
	if err != nil {
		return Address{}, err
	}
	if peer != "" {
		defer func() {
			if err != nil {
				s.n.releaseGuest(peer) // never started; else forgetGuest does
			}
		}()
	}
	mbc := opts.Mailbox
	if mbc == (mailbox.Config{}) {
		mbc = s.cfg.Mailbox
	}
	mbc.Group = s.group
	ref := &actorRef{
		sys: s, mod: mod, args: args, opts: &noOptions, parent: parent, main: main,
		mb: mailbox.New(mbc),
	}
	if peer != "" {
		ref.ext().guestOf = peer
	}
	if !opts.isDefault() {
		own := opts
		ref.opts = &own
	}
	ref.stats = s.meters.script(ref.scriptName())
	if s.n != nil && (mbc.MaxMessages > 0 || mbc.MaxBytes > 0) {
		// Messages from peers come through protoactor, which cannot be made
		// to wait: a full mailbox refuses them rather than grow past its bound.
		ref.mb.OnRefused(func(m any) { s.refusePeer(ref.addr, m) })
	}
	props := proto.PropsFromProducer(ref.newActor,
		proto.WithMailbox(func() proto.Mailbox { return ref.mb }),
		proto.WithSupervisor(s.sup))
	name := opts.Name
	if name == "" {
		name = s.proto.ProcessRegistry.NextId()
	}
	// A child is named parent/name, as protoactor names children. Fix the
	// address and register it before protoactor starts the actor, so that
	// the actor itself, and messages sent from its Started handler, already
	// find it.
	id := name
	if parent != nil {
		id = parent.pid.Id + "/" + name
	}
	ref.addr = Address{Node: s.node, ID: id}
	ref.pid = proto.NewPID(s.node, id)
	if _, loaded := s.actors.LoadOrStore(id, ref); loaded {
		return Address{}, fmt.Errorf("%w: %q", ErrNameTaken, id)
	}
	if parent != nil && !parent.adopt(ref) {
		s.actors.Delete(id)
		return Address{}, fmt.Errorf("%w: %s is stopping", ErrStopped, parent.addr)
	}
	if _, err := s.guarded.SpawnNamed(props, id); err != nil {
		if parent != nil {
			parent.disown(ref)
		}
		s.actors.Delete(id)
		if errors.Is(err, proto.ErrNameExists) {
			return Address{}, fmt.Errorf("%w: %q", ErrNameTaken, id)
		}
		return Address{}, fmt.Errorf("actor: spawn %s: %w", ref.scriptName(), err)
	}
	ref.stats.count(spawnsOf)
	if s.closing.Load() { // the shutdown may have tried to stop it before it existed
		ref.cancel("system shut down")
		s.proto.Root.Stop(ref.pid)
	}
	return ref.addr, nil
}

// adopt records child as r's; false if r is already stopping.
func (r *actorRef) adopt(child *actorRef) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.terminated || r.cancelled() {
		return false
	}
	r.ext().children = append(r.ext().children, child)
	return true
}

func (r *actorRef) disown(child *actorRef) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, c := range r.ext().children {
		if c == child {
			r.ext().children = append(r.ext().children[:i], r.ext().children[i+1:]...)
			return
		}
	}
}

// family returns r's children.
func (r *actorRef) family() []*actorRef {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*actorRef(nil), r.ext().children...)
}

// stopChildren stops r's children (and so theirs), cancelling what they run.
func (r *actorRef) stopChildren(reason string) []*actorRef {
	r.mu.Lock()
	kids, far, pools := r.ext().children, r.ext().remote, r.ext().pools
	r.ext().children, r.ext().remote, r.ext().pools = nil, nil, nil
	r.mu.Unlock()
	for _, p := range pools {
		p.stop(reason)
	}
	for _, c := range kids {
		c.cancel(reason)
		r.sys.proto.Root.Stop(c.pid)
	}
	for _, a := range far {
		_ = r.sys.stopRemote(a, r.addr.String()+" ("+reason+")")
	}
	return kids
}

// restartWait bounds how long a restarting parent waits for its children
// to stop: their scripts are cancelled and their stopping() hooks are
// bounded, so this is only reached when a child cannot even report its
// end (a watcher's full blocking mailbox).
const restartWait = 5 * time.Second

// awaitStopped waits until the actors have stopped, or restartWait.
func (r *actorRef) awaitStopped(kids []*actorRef) {
	if len(kids) == 0 {
		return
	}
	t := time.NewTimer(restartWait)
	defer t.Stop()
	for _, k := range kids {
		select {
		case <-k.stoppedChan():
		case <-t.C:
			r.sys.logger.Warn("restart goes on before a child stopped", "actor", r.addr, "child", k.addr)
			return
		}
	}
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
			r.sys.undeliverable(r.addr, env, sender, "actor stopped")
		}
	}
	for _, slot := range r.ext().asks {
		r.sys.dropAsk(r, slot)
	}
	r.mu.Lock()
	if relay := r.ext().relay; relay != nil {
		r.sys.proto.ProcessRegistry.Remove(relay)
	}
	r.mu.Unlock()
	r.sys.forgetGuest(r)
	r.ext().asks = nil
	r.mu.Lock()
	r.ended = true
	if r.stopped != nil {
		close(r.stopped)
	}
	r.mu.Unlock()
}

// Stop stops the actor at addr: a running script is cancelled, the actor
// and its children stop, and Stop waits for that or for ctx.
func (s *System) Stop(ctx context.Context, addr Address) error {
	if s.remoteNode(addr) {
		return s.stopRemote(addr, "Go")
	}
	r := s.local(addr)
	if r == nil {
		return fmt.Errorf("%w: %s", ErrUnknownActor, addr)
	}
	r.cancel("stopped")
	s.proto.Root.Stop(r.pid)
	select {
	case <-r.stoppedChan():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stats returns the mailbox counters of the actor at addr.
func (s *System) Stats(addr Address) (mailbox.Stats, error) {
	r := s.local(addr)
	if r == nil {
		return mailbox.Stats{}, fmt.Errorf("%w: %s", ErrUnknownActor, addr)
	}
	return r.mb.Stats(), nil
}
