// This file holds shipped grain kinds: a node sending a kind's script and
// its libraries by content hash (wire.ShipKind) to the members that host
// the kind as Shipped, and a member taking it into its code cache.

package actor

import (
	"context"
	"fmt"
	"sync"

	"github.com/asynkron/protoactor-go/cluster"

	"github.com/murmur-go/murmur/actor/internal/wire"
)

// shippedScript is a kind's script as a peer shipped it.
type shippedScript struct {
	mod  *Module
	peer string // the node that shipped it
}

// shipping is what a node ships (ClusterConfig.Ship): the kinds' scripts,
// and the members each has been sent to.
type shipping struct {
	kinds map[string]*Module // kind -> its script, loaded at start
	mu    sync.Mutex
	sent  map[shipKey]*shipCall // guarded by mu
}

// shipKey is a kind sent to a member.
type shipKey struct{ member, kind string }

// shipCall is one sending of a kind to a member; err is set when done is
// closed.
type shipCall struct {
	done chan struct{}
	err  error
}

// checkShipped refuses a member hosting a shipped kind without running
// code from peers: the cluster would place grains where they cannot run.
func (cfg *Config) checkShipped() error {
	for _, name := range sortedKeys(cfg.Cluster.Kinds) {
		if cfg.Cluster.Kinds[name].Shipped && !cfg.Node.AllowRemoteSpawn {
			return fmt.Errorf("%w: cluster kind %q is Shipped: its script comes from peers, which this node refuses; "+
				"set NodeConfig.AllowRemoteSpawn (--allow-remote-spawn) to host it", ErrRemoteSpawnRefused, name)
		}
	}
	return nil
}

// loadShip compiles the scripts of the kinds this node ships. A kind this
// member hosts as Shipped runs its own shipment until a peer sends another.
func (st *clusterState) loadShip(s *System) error {
	st.ship.kinds = make(map[string]*Module, len(st.cfg.Ship))
	st.ship.sent = make(map[shipKey]*shipCall)
	for _, kind := range sortedKeys(st.cfg.Ship) {
		mod, err := s.Load(st.cfg.Ship[kind])
		if err != nil {
			return fmt.Errorf("actor: cluster: Ship: kind %q: %w", kind, err)
		}
		st.ship.kinds[kind] = mod
		if gk := st.kinds[kind]; gk != nil && gk.mod == nil {
			gk.shipped.Store(&shippedScript{mod: mod, peer: "this node"})
		}
	}
	return nil
}

// shipTo makes sure that the member owning grain kind/id, as this node
// computes it, has the kind's script, if this node ships the kind: sent
// once per member, and again after the member left or joined again.
func (st *clusterState) shipTo(ctx context.Context, kind, id string) error {
	mod := st.ship.kinds[kind]
	rdv := st.rdv.Load()
	if mod == nil || rdv == nil {
		return nil
	}
	member := rdv.GetByClusterIdentity(&cluster.ClusterIdentity{Kind: kind, Identity: id})
	if member == "" || member == st.sys.node {
		return nil
	}
	key := shipKey{member, kind}
	st.ship.mu.Lock()
	c := st.ship.sent[key]
	if c == nil {
		c = &shipCall{done: make(chan struct{})}
		st.ship.sent[key] = c
		st.ship.mu.Unlock()
		c.err = st.sendKind(ctx, member, kind, mod)
		if c.err != nil { // the next grain of the kind tries again
			st.ship.mu.Lock()
			if st.ship.sent[key] == c {
				delete(st.ship.sent, key)
			}
			st.ship.mu.Unlock()
		}
		close(c.done)
	} else {
		st.ship.mu.Unlock()
	}
	select {
	case <-c.done:
		return c.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sendKind sends the kind's script to member by content hash, and the
// sources the member asks for, as a remote spawn does.
func (st *clusterState) sendKind(ctx context.Context, member, kind string, mod *Module) error {
	n, ok := st.sys.net.(*node)
	if !ok {
		return nil
	}
	req := &wire.ShipKind{Kind: kind, Script: mod.Name()}
	var byHash map[string][]byte
	req.Files, byHash = bundleToWire(mod)
	what := fmt.Sprintf("ship grain kind %q (%s) to member %s", kind, req.Script, member)
	// The member asks for the sources it lacks, once; asked again (its
	// cache dropped some meanwhile), this sends them all.
	for attempt := 0; attempt < 3; attempt++ {
		ans, err := n.requestControl(ctx, member, req)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if len(ans.GetMissing()) == 0 {
			return nil
		}
		// A new request: the transport may still be marshalling the last.
		next := &wire.ShipKind{Kind: kind, Script: req.Script, Files: req.Files}
		if next.Sources, err = sourcesToSend(byHash, ans.GetMissing(), attempt > 0); err != nil {
			return fmt.Errorf("%s: the member %w", what, err)
		}
		req = next
	}
	return fmt.Errorf("%s: the member kept asking for sources", what)
}

// forgetShipped forgets what was sent to the members that left or joined.
func (st *clusterState) forgetShipped(lists ...[]*cluster.Member) {
	st.ship.mu.Lock()
	defer st.ship.mu.Unlock()
	for _, ms := range lists {
		for _, m := range ms {
			for k := range st.ship.sent {
				if k.member == m.Address() {
					delete(st.ship.sent, k)
				}
			}
		}
	}
}

// shipForPeer takes the script of a grain kind a peer ships: compiled from
// the code cache, charged to the peer, it runs the kind's next
// activations (those running keep theirs). A member hosting the kind from
// its own script keeps it and answers as if it took the shipment.
func (n *node) shipForPeer(req *wire.ShipKind, peer string) (*wire.SpawnAnswer, error) {
	s := n.sys
	kind := req.GetKind()
	if !n.cfg.AllowRemoteSpawn {
		return nil, fmt.Errorf("%w: node %s does not run code sent by peers (%s shipped %s for grain kind %q); "+
			"start it with --allow-remote-spawn (NodeConfig.AllowRemoteSpawn) to allow it",
			ErrRemoteSpawnRefused, s.node, peer, req.GetScript(), kind)
	}
	st := s.cl
	if st == nil {
		return nil, fmt.Errorf("%w: node %s (%s shipped grain kind %q)", ErrNotMember, s.node, peer, kind)
	}
	gk := st.kinds[kind]
	if gk == nil {
		return nil, fmt.Errorf("%w: member %s does not host grain kind %q (%s shipped %s for it)",
			ErrNoMember, s.node, kind, peer, req.GetScript())
	}
	if gk.mod != nil {
		return &wire.SpawnAnswer{}, nil
	}
	mod, missing, err := n.peerModule(&wire.Spawn{Script: req.GetScript(), Files: req.GetFiles(), Sources: req.GetSources()}, peer)
	if err != nil {
		return nil, fmt.Errorf("grain kind %q: %w", kind, err)
	}
	if len(missing) > 0 {
		return &wire.SpawnAnswer{Missing: missing}, nil
	}
	if old := gk.shipped.Swap(&shippedScript{mod: mod, peer: peer}); old == nil || old.mod != mod {
		s.logger.Info("cluster: grain kind shipped", "kind", kind, "script", req.GetScript(), "by", peer)
	}
	return &wire.SpawnAnswer{}, nil
}

// module returns the script a grain of the kind runs: its own, or the
// one shipped last.
func (gk *grainKind) module(s *System) (*Module, error) {
	if gk.mod != nil {
		return gk.mod, nil
	}
	if sh := gk.shipped.Load(); sh != nil {
		return sh.mod, nil
	}
	return nil, fmt.Errorf("%w: member %s hosts grain kind %q with a shipped script, and no node has shipped it yet "+
		"(a node with ClusterConfig.Ship, -ship %s=script.star, sends it before reaching a grain of the kind)",
		ErrNoMember, s.node, gk.name, gk.name)
}
