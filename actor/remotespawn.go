// This file holds remote spawn: shipping a script and its libraries to
// another node by content hash, and compiling and starting it there.

package actor

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/murmur-go/murmur/actor/internal/wire"
	"github.com/murmur-go/murmur/serialize"
)

// ErrQuotaExceeded is the error of a spawn for a peer that would pass one
// of the node's quotas (NodeConfig): the text names the quota, its value,
// the node, and the field and flag that raise it.
var ErrQuotaExceeded = kind("quota", "actor: remote spawn over quota")

// spawnRemote starts mod on another node, as parent's child (nil for Go's
// actors). The node is sent the content hashes of the script and its
// libraries, and the sources it does not have yet. For a Go actor
// (opts.gob), mod is nil and the node is sent the behaviour's name only:
// it runs the one registered under that name in its Config.Behaviors.
func (n *node) spawnRemote(ctx context.Context, parent *actorRef, node string, mod *Module,
	args serialize.Payload, opts SpawnOptions) (Address, error) {
	what := opts.codeName(mod)
	req, byHash := spawnToWire(parent, what, mod, args, opts)
	// The node asks for the sources it lacks, once; asked again (its cache
	// dropped some meanwhile), this sends them all.
	for attempt := 0; attempt < 3; attempt++ {
		ans, err := n.requestControl(ctx, node, req)
		if err != nil {
			return Address{}, fmt.Errorf("spawn %s on %s: %w", what, node, err)
		}
		if addr, ok := addressFromWire(ans.GetAddress()); ok {
			if parent != nil && !parent.adoptRemote(addr) {
				_ = n.stop(addr, parent.addr.String())
				return Address{}, fmt.Errorf("%w: %s is stopping", ErrStopped, parent.addr)
			}
			return addr, nil
		}
		if len(ans.GetMissing()) == 0 {
			return Address{}, fmt.Errorf("spawn %s on %s: the node answered neither an address nor missing sources", what, node)
		}
		// A new request: the transport may still be marshalling the last.
		req = &wire.Spawn{Script: req.Script, Files: req.Files, Behavior: req.Behavior,
			Parent: req.Parent, Args: req.Args, Options: req.Options}
		if req.Sources, err = sourcesToSend(byHash, ans.GetMissing(), attempt > 0); err != nil {
			return Address{}, fmt.Errorf("spawn %s on %s: the node %w", what, node, err)
		}
	}
	return Address{}, fmt.Errorf("spawn %s on %s: the node kept asking for sources", what, node)
}

// spawnForPeer handles a peer's spawn request: of a script it sent, or of
// a Go behaviour registered here (Config.Behaviors), which runs no code
// from the peer and so needs no AllowRemoteSpawn.
func (n *node) spawnForPeer(req *wire.Spawn, peer string) (*wire.SpawnAnswer, error) {
	s := n.sys
	opts := spawnOptionsFromWire(req.GetOptions(), peer)
	var mod *Module
	if name := req.GetBehavior(); name != "" {
		b, ok := s.cfg.Behaviors[name]
		if !ok {
			return nil, fmt.Errorf("%w: node %s has no Go behaviour named %q in its Config.Behaviors (%s asked to spawn it)",
				ErrUnknownBehavior, s.node, name, peer)
		}
		b.Name = name
		opts.gob = &b
	} else {
		m, missing, err := n.peerModule(req, peer)
		if err != nil {
			return nil, err
		}
		if len(missing) > 0 {
			return &wire.SpawnAnswer{Missing: missing}, nil
		}
		mod = m
	}
	var args serialize.Payload
	if a := req.GetArgs(); len(a.GetBody()) > 0 {
		args = serialize.Payload{Body: a.Body, Buffers: a.Buffers}
	}
	addr, err := s.spawn(nil, mod, args, opts, false)
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	if r := s.local(addr); r != nil {
		r.mu.Lock()
		stopped := r.terminated // stopped at once: nothing to remember
		r.mu.Unlock()
		if !stopped {
			if n.guest[peer] == nil {
				n.guest[peer] = make(map[string]bool)
			}
			n.guest[peer][addr.ID] = true
		}
	}
	n.mu.Unlock()
	return &wire.SpawnAnswer{Address: &wire.Address{Node: addr.Node, Id: addr.ID}}, nil
}

// peerModule returns the script of a peer's spawn request, compiled from
// the sources the node has, or the hashes of those it lacks.
func (n *node) peerModule(req *wire.Spawn, peer string) (*Module, []string, error) {
	s := n.sys
	script := req.GetScript()
	if !n.cfg.AllowRemoteSpawn {
		return nil, nil, fmt.Errorf("%w: node %s does not run code sent by peers (%s asked to spawn %s); "+
			"start it with --allow-remote-spawn (NodeConfig.AllowRemoteSpawn) to allow it",
			ErrRemoteSpawnRefused, s.node, peer, script)
	}
	if script == "" || len(req.GetFiles()) == 0 {
		return nil, nil, fmt.Errorf("spawn request from %s: no script or files", peer)
	}
	files := make(map[string]string, len(req.Files))
	for _, f := range req.Files {
		if _, dup := files[f.GetPath()]; dup {
			return nil, nil, fmt.Errorf("spawn request from %s: file %s listed twice", peer, f.GetPath())
		}
		files[f.GetPath()] = f.GetHash()
	}
	if _, ok := files[script]; !ok {
		return nil, nil, fmt.Errorf("spawn request from %s: the files do not include %s", peer, script)
	}
	sent := make(map[string][]byte, len(req.GetSources()))
	for _, src := range req.GetSources() {
		sent[src.GetHash()] = src.GetSource()
	}
	mod, missing, err := n.code.module(s, peer, script, files, sent)
	if errors.Is(err, ErrQuotaExceeded) {
		return nil, nil, err // it says what and for whom
	}
	if err != nil {
		return nil, nil, fmt.Errorf("spawn %s for %s: %w", script, peer, err)
	}
	return mod, missing, nil
}

// Defaults of NodeConfig's actor quotas.
const (
	defaultMaxPeerActors  = 10_000
	defaultMaxGuestActors = 100_000
)

// guestCount counts the live actors peers started on a node, with the
// actors those started, by peer; guarded by node.mu.
type guestCount struct {
	byPeer map[string]int
	all    int
}

// admit counts the actor spawn is about to start against the quotas of
// the peer it runs for, if it does: the peer that asked for it (opts), or
// the one its parent runs for. It returns that peer ("" for none), whose
// count release gives back when the actor stops or fails to start.
func (n *node) admit(parent *actorRef, opts SpawnOptions) (string, error) {
	s := n.sys
	peer := opts.peer
	if parent != nil {
		parent.mu.Lock()
		if e := parent.more.Load(); e != nil {
			peer = e.guestOf
		}
		parent.mu.Unlock()
	}
	if peer == "" {
		return "", nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if quota := cmp.Or(n.cfg.MaxPeerActors, defaultMaxPeerActors); n.guests.byPeer[peer] >= quota {
		return "", fmt.Errorf("%w: peer %s has %d actors on node %s, its quota (NodeConfig.MaxPeerActors, -max-peer-actors); "+
			"stop some, or start the node with a higher -max-peer-actors", ErrQuotaExceeded, peer, quota, s.node)
	}
	if quota := cmp.Or(n.cfg.MaxGuestActors, defaultMaxGuestActors); n.guests.all >= quota {
		return "", fmt.Errorf("%w: peers have %d actors on node %s, the quota of all peers together "+
			"(NodeConfig.MaxGuestActors, -max-guest-actors); stop some, or start the node with a higher -max-guest-actors",
			ErrQuotaExceeded, quota, s.node)
	}
	if n.guests.byPeer == nil {
		n.guests.byPeer = make(map[string]int)
	}
	n.guests.byPeer[peer]++
	n.guests.all++
	return peer, nil
}

// release gives back what admit counted for peer, and forgets the actor
// id (if it started) among the guests of peer, whose loss would stop it.
func (n *node) release(peer, id string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.guests.all--
	if n.guests.byPeer[peer]--; n.guests.byPeer[peer] <= 0 {
		delete(n.guests.byPeer, peer)
	}
	if g := n.guest[peer]; g != nil {
		delete(g, id)
		if len(g) == 0 {
			delete(n.guest, peer)
		}
	}
}

// checkQuotas reports a negative quota.
func (nc *NodeConfig) checkQuotas() error {
	for _, q := range []struct {
		field string
		v     int64
	}{
		{"MaxPeerActors", int64(nc.MaxPeerActors)}, {"MaxGuestActors", int64(nc.MaxGuestActors)},
		{"MaxPeerSourceBytes", nc.MaxPeerSourceBytes}, {"MaxSourceBytes", nc.MaxSourceBytes},
		{"MaxPeerBundles", int64(nc.MaxPeerBundles)}, {"MaxBundles", int64(nc.MaxBundles)},
	} {
		if q.v < 0 {
			return fmt.Errorf("actor: node: NodeConfig.%s is negative (%d); zero means its default", q.field, q.v)
		}
	}
	return nil
}

// remoteTimeout is how long a remote spawn waits for the node's answer.
func (s *System) remoteTimeout(ctx context.Context) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return time.Until(d)
	}
	return s.cfg.RequestTimeout
}
