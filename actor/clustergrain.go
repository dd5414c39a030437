// This file holds grains (virtual actors): their addresses, resolving one
// to its current activation through protoactor's identity lookup,
// activation as an ordinary script actor, and passivation when idle.

package actor

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/cluster"
	"go.starlark.net/starlark"
)

// GrainAddress returns the address of the grain of kind with identity id:
// a reference that is resolved to the grain's current activation each
// time a message is sent to it, so it stays valid when the grain is
// passivated or moves to another member. Scripts get the same value from
// grain(kind, id), print it as <address grain/kind/id>, and may send it
// in messages.
func GrainAddress(kind, id string) Address { return Address{Node: grainNode, ID: kind + "/" + id} }

// Grain is a reference to a grain: Send and Request on it as on an
// Address. A Grain is a value; it is safe for concurrent use.
type Grain struct {
	sys  *System
	addr Address
}

// Grain returns a reference to the grain of kind with identity id. The
// grain is activated on the member the cluster picks when its first
// message arrives.
func (s *System) Grain(kind, id string) Grain { return Grain{sys: s, addr: GrainAddress(kind, id)} }

// Address returns the grain's address, which may be sent in messages.
func (g Grain) Address() Address { return g.addr }

// Send sends msg to the grain, fire and forget, as System.Send does.
func (g Grain) Send(ctx context.Context, msg any) error { return g.sys.Send(ctx, g.addr, msg) }

// Request sends msg to the grain and decodes its answer into out, as
// System.Request does. A request that reached an activation that had just
// ended (passivated, or moved after a member joined) is sent again, to the
// grain's new activation, up to twice; one whose member was lost fails
// with ErrNodeUnreachable, and the caller may retry it (it may or may not
// have been handled).
func (g Grain) Request(ctx context.Context, msg any, out any) error {
	var err error
	for range 3 {
		err = g.sys.Request(ctx, g.addr, msg, out)
		// Only an activation that had ended, not a grain that failed on
		// the message (whose error may wrap these too): it ran.
		if errors.Is(err, ErrActorFailed) || !errors.Is(err, ErrUnknownActor) && !errors.Is(err, ErrStopped) {
			return err
		}
		g.sys.cl.forget(g.addr)
	}
	return err
}

// grainTarget returns the address a watch of a means: a itself, or, for a
// grain, its current activation.
func (s *System) grainTarget(ctx context.Context, a Address) (Address, error) {
	if !isGrain(a) {
		return a, nil
	}
	if s.cl == nil {
		return Address{}, ErrNotMember
	}
	pid, err := s.cl.resolve(ctx, a)
	if err != nil {
		return Address{}, err
	}
	return s.address(pid), nil
}

// isGrain reports whether a is a grain's address.
func isGrain(a Address) bool { return a.Node == grainNode }

// grainBuiltin is scripts' grain(kind, id).
var grainBuiltin = starlark.NewBuiltin("grain", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var kind, id string
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &kind, &id); err != nil {
		return nil, err
	}
	if kind == "" || strings.Contains(kind, "/") {
		return nil, fmt.Errorf("grain: kind %q must be a non-empty name without '/'", kind)
	}
	return GrainAddress(kind, id), nil
})

// clusterDefaults checks the cluster configuration, makes a member a node,
// and gives scripts grain().
func (cfg *Config) clusterDefaults() error {
	if cfg.Cluster == nil {
		return nil
	}
	if err := cfg.Cluster.check(); err != nil {
		return err
	}
	if cfg.Node == nil {
		cfg.Node = &NodeConfig{}
	}
	if err := cfg.checkShipped(); err != nil {
		return err
	}
	b := make(starlark.StringDict, len(cfg.Builtins)+1)
	for k, v := range cfg.Builtins {
		b[k] = v
	}
	if _, ok := b["grain"]; !ok {
		b["grain"] = grainBuiltin
	}
	cfg.Builtins = b
	return nil
}

// deliverGrain delivers env to the grain's current activation, resolving
// it through the identity lookup unless it is cached.
func (s *System) deliverGrain(ctx context.Context, to Address, env *envelope, sender *proto.PID) error {
	fail := func(err error) error {
		if env.request {
			s.answerError(sender, err)
		}
		return err
	}
	if s.cl == nil {
		return fail(fmt.Errorf("%w: cannot reach grain %s", ErrNotMember, to.ID))
	}
	for attempt := 0; ; attempt++ {
		pid, err := s.cl.resolve(ctx, to)
		if err != nil {
			return fail(err)
		}
		at := s.address(pid)
		if !s.remoteNode(at) {
			if r := s.local(at); (r == nil || r.cancelled()) && attempt < 3 && !s.refused(at) {
				s.cl.forget(to) // an activation that just ended here
				continue
			}
		}
		if n, ok := s.net.(*node); ok && env.request && sender != nil && s.remoteNode(at) {
			if p, ok := s.proto.ProcessRegistry.GetLocal(sender.Id); ok {
				if slot, ok := p.(*replySlot); ok && slot.remote {
					n.pending.Store(slot, at.Node) // the loss of the grain's member fails it at once
				}
			}
		}
		return s.deliver(ctx, at, env, sender)
	}
}

// resolve returns the grain's current activation: the cached one, or the
// one the identity lookup's owner member activates for it.
func (st *clusterState) resolve(ctx context.Context, to Address) (*proto.PID, error) {
	if v, ok := st.cache.Load(to.ID); ok {
		return v.(*proto.PID), nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	kind, id, _ := strings.Cut(to.ID, "/")
	if rdv := st.rdv.Load(); rdv != nil {
		// The owner of a lost member's identities is that member until the
		// membership notices: fail at once rather than wait for its answer.
		if owner := rdv.GetByClusterIdentity(&cluster.ClusterIdentity{Kind: kind, Identity: id}); owner != "" && st.sys.net.unreachable(owner) {
			return nil, fmt.Errorf("%w: %s, the member owning grain %s", ErrNodeUnreachable, owner, to.ID)
		}
	}
	if err := st.shipTo(ctx, kind, id); err != nil {
		return nil, fmt.Errorf("grain %s: %w", to.ID, err)
	}
	pid := st.c.Get(id, kind)
	if pid == nil {
		if !st.hosts(kind) {
			return nil, fmt.Errorf("%w: %q (grain %s)", ErrNoMember, kind, to.ID)
		}
		return nil, fmt.Errorf("%w: the owner of grain %s did not activate it", ErrNodeUnreachable, to.ID)
	}
	st.cache.Store(to.ID, pid)
	return pid, nil
}

// forget drops the cached activation of the grain at a.
func (st *clusterState) forget(a Address) {
	if st != nil {
		st.cache.Delete(a.ID)
	}
}

// placementPrefix is the start of the ids protoactor's disthash identity
// lookup gives activations: its placement actor's name, then the identity
// and a "$n" suffix.
const placementPrefix = "partition-activator/"

// activate starts a grain of kind gk as a script actor under id, which
// protoactor's placement actor chose, with init(identity). It returns a
// PID of its own, which the placement actor keeps, and tells the
// placement actor of the activation's end with that PID (protoactor's
// placement matches the end's PID by pointer).
func (s *System) activate(gk *grainKind, id string, parent proto.SpawnerContext) (*proto.PID, error) {
	identity := strings.TrimPrefix(id, placementPrefix)
	if i := strings.LastIndexByte(identity, '$'); i >= 0 {
		identity = identity[:i]
	}
	pctx, ok := parent.(proto.Context)
	if !ok {
		return nil, fmt.Errorf("actor: cluster: activation of %s/%s outside an actor", gk.name, identity)
	}
	// A grain activated for a peer counts against its quotas, as an actor
	// it spawned here would (admit, in remotespawn.go).
	var peer string
	if req := pctx.Sender(); req != nil && req.Address != s.node && req.Address != "" {
		peer = req.Address
	}
	mod, err := gk.module(s)
	var addr Address
	if err == nil {
		addr, err = s.Spawn(context.Background(), mod, SpawnOptions{Name: id, Args: []any{identity}, ReceiveTimeout: gk.idle, peer: peer})
	}
	if err != nil {
		s.logger.Warn("cluster: grain activation refused", "kind", gk.name, "identity", identity, "for", cmp.Or(peer, "this node"), "error", err)
		return s.refuseActivation(id, pctx.Self(), fmt.Errorf("grain %s/%s: %w", gk.name, identity, err)), nil
	}
	s.cl.grains.Store(addr.ID, gk)
	own := proto.NewPID(s.node, addr.ID)
	w := &activationEnd{sys: s, placement: pctx.Self(), pid: own}
	w.self, _ = s.proto.ProcessRegistry.Add(w, addr.ID+"$grain")
	target := proto.NewPID(s.node, addr.ID)
	p, _ := s.proto.ProcessRegistry.Get(target)
	p.SendSystemMessage(target, &proto.Watch{Watcher: w.self})
	return own, nil
}

// activationEnd watches an activation and tells the placement actor of
// its end, with the PID the placement actor has.
type activationEnd struct {
	sys       *System
	placement *proto.PID
	pid       *proto.PID
	self      *proto.PID
}

func (w *activationEnd) SendSystemMessage(_ *proto.PID, m any) {
	t, ok := m.(*proto.Terminated)
	if !ok {
		return
	}
	w.sys.proto.ProcessRegistry.Remove(w.self)
	w.sys.cl.grains.Delete(w.pid.Id)
	p, _ := w.sys.proto.ProcessRegistry.Get(w.placement)
	p.SendSystemMessage(w.placement, &proto.Terminated{Who: w.pid, Why: t.Why})
}
func (w *activationEnd) SendUserMessage(*proto.PID, any) {}
func (w *activationEnd) Stop(*proto.PID)                 {}

// passivate runs when an actor has been idle for its receive timeout: a
// grain calls its passivating() hook, if it defines one, and stops; other
// actors are not grains (false).
func (a *scriptActor) passivate(c proto.Context) bool {
	s := a.ref.sys
	if s.cl == nil {
		return false
	}
	if _, ok := s.cl.grains.Load(a.ref.addr.ID); !ok {
		return false
	}
	if in := a.inst; in != nil {
		if f, ok := in.Globals()["passivating"].(starlark.Callable); ok {
			t := time.AfterFunc(stopHookTime, func() { in.Cancel("passivating() ran past " + stopHookTime.String()) })
			err := a.callSafely(func() error { return in.Call("passivating", f, nil) })
			t.Stop()
			if err != nil {
				s.logger.Error("passivating() failed", "actor", a.ref.addr, "script", a.ref.mod.Name(), "error", err.Error())
			}
		}
	}
	a.ref.exitReason.Store("passivated")
	a.ref.cancel("passivated")
	c.Stop(c.Self())
	return true
}
