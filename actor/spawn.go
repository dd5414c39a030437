// This file holds spawning and stopping on this node: SpawnOptions, Spawn,
// the making of an actor (spawn), Stop, and Stats.

package actor

import (
	"context"
	"errors"
	"fmt"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"

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
	// Record, if set, keeps the actor's last Record messages and what its
	// nondeterministic builtins returned, written to a file when it fails,
	// for `murmur replay` (see record.go). Zero means the system's Config.Record.
	Record int

	pool *Pool     // the pool the actor is a worker of, which it tells as it stops
	peer string    // the peer that asked for the actor, for one a peer spawns here
	gob  *Behavior // the Go code the actor runs instead of a script (see goactor.go)
}

// noOptions are the options of every actor spawned with the defaults:
// shared, they save each such actor the 200 bytes of its own copy.
var noOptions SpawnOptions

// isDefault reports whether o is the zero SpawnOptions, field by field (a
// tenth of reflect's IsZero). TestSpawnOptionsFields fails when
// SpawnOptions gains a field, so that it is added here.
func (o *SpawnOptions) isDefault() bool {
	return o.Args == nil && o.Name == "" && o.Mailbox == (mailbox.Config{}) && o.MaxSteps == 0 &&
		o.Supervision == (Supervision{}) && o.ReceiveTimeout == 0 && o.MessageTimeout == 0 && o.Node == "" && o.Record == 0 &&
		o.pool == nil && o.peer == "" && o.gob == nil
}

// Spawn starts an actor running mod, supervised by the system's root
// (restarted with a fresh instance when its script fails). It returns once
// the actor exists; its top level and init run on its own goroutine.
func (s *System) Spawn(ctx context.Context, mod *Module, opts SpawnOptions) (Address, error) {
	return s.spawnUnder(ctx, nil, mod, opts)
}

// spawnUnder starts the actor opts describe (running mod, or opts.gob) as
// a child of parent (nil for Go's actors), here or on opts.Node.
func (s *System) spawnUnder(ctx context.Context, parent *actorRef, mod *Module, opts SpawnOptions) (Address, error) {
	if err := ctx.Err(); err != nil {
		return Address{}, err
	}
	var args serialize.Payload
	if len(opts.Args) > 0 {
		var err error
		if args, err = s.encode(opts.Args); err != nil {
			return Address{}, fmt.Errorf("actor: spawn %s: args: %w", opts.codeName(mod), err)
		}
	}
	opts.Args = nil
	if s.remoteNode(Address{Node: opts.Node}) {
		return s.net.spawn(ctx, parent, opts.Node, mod, args, opts)
	}
	return s.spawn(parent, mod, args, opts, false)
}

// spawn creates the actor as a child of parent (nil for Go's actors).
//
// Every actor is a protoactor child of the system's guardian, whatever its
// murmur parent: supervision decisions then run at once on the failing
// actor's goroutine, instead of waiting in the parent's mailbox, where a
// parent blocked in request() or recv() could never make them. The parent
// and child relation (stopping children with their parent, all-for-one
// restarts, escalation) is murmur's own, kept in actorRef.children.
func (s *System) spawn(parent *actorRef, mod *Module, args serialize.Payload,
	opts SpawnOptions, main bool) (_ Address, err error) {
	if s.closing.Load() {
		return Address{}, ErrShutdown
	}
	peer, err := s.net.admit(parent, opts) // one a peer started here counts against its quotas
	if err != nil {
		return Address{}, err
	}
	if peer != "" {
		defer func() {
			if err != nil {
				s.net.release(peer, "") // never started; else terminate releases it
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
	if mbc.MaxMessages > 0 || mbc.MaxBytes > 0 {
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
		ref.stop("system shut down")
	}
	return ref.addr, nil
}

// Stop stops the actor at addr: a running script is cancelled, the actor
// and its children stop, and Stop waits for that or for ctx. A pool's
// address stops the pool without waiting; an actor on another node is told
// to stop, without waiting.
func (s *System) Stop(ctx context.Context, addr Address) error {
	r := s.local(addr)
	if r == nil {
		return s.stopAddr(addr, "Go")
	}
	r.stop("stopped")
	select {
	case <-r.stoppedChan():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stopAddr stops the actor or pool at addr without waiting: one of this
// node, or, through the network, of another. by names who stops it.
func (s *System) stopAddr(addr Address, by string) error {
	if s.remoteNode(addr) {
		return s.net.stop(addr, by)
	}
	if r := s.local(addr); r != nil {
		r.stop("stopped by " + by)
		return nil
	}
	if p, ok := s.pools.Load(addr.ID); ok {
		p.(*Pool).stop("pool stopped by " + by)
		return nil
	}
	return fmt.Errorf("%w: %s", ErrUnknownActor, addr)
}

// Stats returns the mailbox counters of the actor at addr.
func (s *System) Stats(addr Address) (mailbox.Stats, error) {
	r := s.local(addr)
	if r == nil {
		return mailbox.Stats{}, fmt.Errorf("%w: %s", ErrUnknownActor, addr)
	}
	return r.mb.Stats(), nil
}
