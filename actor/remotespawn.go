// This file holds remote spawn: shipping a script and its libraries to
// another node by content hash, and compiling and starting it there.

package actor

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/murmur-go/murmur/mailbox"
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
func (s *System) spawnRemote(ctx context.Context, parent *actorRef, node string, mod *Module,
	args serialize.Envelope, opts SpawnOptions) (Address, error) {
	what := opts.codeName(mod)
	req := map[string]any{
		"op": "spawn", "args": args.Body,
		"name": opts.Name, "max_steps": opts.MaxSteps,
		"strategy": int64(opts.Supervision.Strategy), "max_restarts": opts.Supervision.MaxRestarts,
		"within": int64(opts.Supervision.Within), "backoff": int64(opts.Supervision.Backoff),
		"escalate":        opts.Supervision.Escalate,
		"receive_timeout": int64(opts.ReceiveTimeout), "message_timeout": int64(opts.MessageTimeout),
		"mailbox_size": opts.Mailbox.MaxMessages, "mailbox_bytes": opts.Mailbox.MaxBytes,
		"mailbox_policy": int64(opts.Mailbox.Policy),
	}
	byHash := map[string][]byte{}
	if opts.gob != nil {
		req["behavior"] = what
	} else {
		sources := mod.Sources()
		files := make(map[string]any, len(sources))
		for path, src := range sources {
			h := hashOf(src)
			files[path] = h
			byHash[h] = src
		}
		req["script"], req["files"] = what, files
	}
	if parent != nil {
		req["parent"] = parent.addr
	}
	to := Address{Node: node, ID: controlID}
	// The node asks for the sources it lacks, once; asked again (its cache
	// dropped some meanwhile), this sends them all.
	for attempt := 0; attempt < 3; attempt++ {
		body, err := s.cfg.Limits.EncodeGo(req)
		if err != nil {
			return Address{}, fmt.Errorf("spawn %s on %s: %w", what, node, err)
		}
		ans, err := s.request(ctx, to, serialize.Envelope{Body: body, Buffers: args.Buffers}, s.remoteTimeout(ctx))
		if err != nil {
			return Address{}, fmt.Errorf("spawn %s on %s: %w", what, node, err)
		}
		v, err := s.cfg.Limits.DecodeGo(ans.Body)
		if err != nil {
			return Address{}, fmt.Errorf("spawn %s on %s: answer: %w", what, node, err)
		}
		m, _ := v.(map[string]any)
		if addr, ok := m["address"].(Address); ok {
			if parent != nil && !parent.adoptRemote(addr) {
				_ = s.net.stop(addr, parent.addr.String())
				return Address{}, fmt.Errorf("%w: %s is stopping", ErrStopped, parent.addr)
			}
			return addr, nil
		}
		missing, ok := m["missing"].([]any)
		if !ok {
			return Address{}, fmt.Errorf("spawn %s on %s: unexpected answer %v", what, node, v)
		}
		send := make(map[string]any, len(missing))
		for _, h := range missing {
			hs, _ := h.(string)
			src, ok := byHash[hs]
			if !ok {
				return Address{}, fmt.Errorf("spawn %s on %s: node asked for unknown source %q", what, node, hs)
			}
			send[hs] = src
		}
		if attempt > 0 {
			for h, src := range byHash {
				send[h] = src
			}
		}
		req["sources"] = send
	}
	return Address{}, fmt.Errorf("spawn %s on %s: the node kept asking for sources", what, node)
}

// spawnForPeer handles a peer's spawn request: of a script it sent, or of
// a Go behaviour registered here (Config.Behaviors), which runs no code
// from the peer and so needs no AllowRemoteSpawn.
func (n *node) spawnForPeer(req map[string]any, buffers [][]byte, peer string) (map[string]any, error) {
	s := n.sys
	opts := peerSpawnOptions(req, peer)
	var mod *Module
	if name, ok := req["behavior"].(string); ok {
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
			return map[string]any{"missing": missing}, nil
		}
		mod = m
	}
	var args serialize.Envelope
	if b, ok := req["args"].([]byte); ok && len(b) > 0 {
		args = serialize.Envelope{Body: b, Buffers: buffers}
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
	return map[string]any{"address": addr}, nil
}

// peerModule returns the script of a peer's spawn request, compiled from
// the sources the node has, or the hashes of those it lacks.
func (n *node) peerModule(req map[string]any, peer string) (*Module, []any, error) {
	s := n.sys
	script, _ := req["script"].(string)
	if !n.cfg.AllowRemoteSpawn {
		return nil, nil, fmt.Errorf("%w: node %s does not run code sent by peers (%s asked to spawn %s); "+
			"start it with --allow-remote-spawn (NodeConfig.AllowRemoteSpawn) to allow it",
			ErrRemoteSpawnRefused, s.node, peer, script)
	}
	files, _ := req["files"].(map[string]any)
	if script == "" || files == nil {
		return nil, nil, fmt.Errorf("spawn request from %s: no script or files", peer)
	}
	if _, ok := files[script]; !ok {
		return nil, nil, fmt.Errorf("spawn request from %s: the files do not include %s", peer, script)
	}
	sent, _ := req["sources"].(map[string]any)
	mod, missing, err := n.code.module(s, peer, script, files, sent)
	if errors.Is(err, ErrQuotaExceeded) {
		return nil, nil, err // it says what and for whom
	}
	if err != nil {
		return nil, nil, fmt.Errorf("spawn %s for %s: %w", script, peer, err)
	}
	return mod, missing, nil
}

// peerSpawnOptions returns the options of a peer's spawn request.
func peerSpawnOptions(req map[string]any, peer string) SpawnOptions {
	return SpawnOptions{
		peer:     peer,
		Name:     str(req["name"]),
		MaxSteps: uint64(num(req["max_steps"])),
		Supervision: Supervision{
			Strategy: Strategy(num(req["strategy"])), MaxRestarts: int(num(req["max_restarts"])),
			Within: time.Duration(num(req["within"])), Backoff: time.Duration(num(req["backoff"])),
			Escalate: req["escalate"] == true,
		},
		ReceiveTimeout: time.Duration(num(req["receive_timeout"])),
		MessageTimeout: time.Duration(num(req["message_timeout"])),
		Mailbox: mailbox.Config{MaxMessages: int(num(req["mailbox_size"])),
			MaxBytes: num(req["mailbox_bytes"]), Policy: mailbox.Policy(num(req["mailbox_policy"]))},
	}
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

func str(v any) string { s, _ := v.(string); return s }

// num reads an integer DecodeGo produced.
func num(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case uint64:
		return int64(n)
	case int:
		return int64(n)
	}
	return 0
}
