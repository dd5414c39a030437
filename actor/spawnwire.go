// This file holds the typed wire form of the requests to a node's control
// process (wire.Spawn, wire.SpawnAnswer, wire.Stop): one conversion of
// spawn options each way, and the sending of control requests.

package actor

import (
	"context"
	"fmt"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/actor/internal/wire"
	"github.com/murmur-go/murmur/mailbox"
	"github.com/murmur-go/murmur/serialize"
)

// spawnOptionsToWire is opts as they travel with a remote spawn: all but
// Args (sent apart, encoded), Node (where the spawn goes) and the
// mailbox's Group (a counter of this process).
func spawnOptionsToWire(opts SpawnOptions) *wire.SpawnOptions {
	sup, mb := opts.Supervision, opts.Mailbox
	return &wire.SpawnOptions{
		Name: opts.Name,
		Mailbox: &wire.Mailbox{
			MaxMessages: int64(mb.MaxMessages), MaxBytes: mb.MaxBytes, Policy: int32(mb.Policy),
			Throughput: int64(mb.Throughput), Linger: int64(mb.Linger),
		},
		MaxSteps: opts.MaxSteps,
		Supervision: &wire.Supervision{
			Strategy: int32(sup.Strategy), MaxRestarts: int64(sup.MaxRestarts),
			Within: int64(sup.Within), Backoff: int64(sup.Backoff), Escalate: sup.Escalate,
		},
		ReceiveTimeout: int64(opts.ReceiveTimeout),
		MessageTimeout: int64(opts.MessageTimeout),
	}
}

// spawnOptionsFromWire is the options of a spawn peer asked for; missing
// parts are zero (the defaults).
func spawnOptionsFromWire(w *wire.SpawnOptions, peer string) SpawnOptions {
	mb, sup := w.GetMailbox(), w.GetSupervision()
	return SpawnOptions{
		peer: peer,
		Name: w.GetName(),
		Mailbox: mailbox.Config{
			MaxMessages: int(mb.GetMaxMessages()), MaxBytes: mb.GetMaxBytes(), Policy: mailbox.Policy(mb.GetPolicy()),
			Throughput: int(mb.GetThroughput()), Linger: time.Duration(mb.GetLinger()),
		},
		MaxSteps: w.GetMaxSteps(),
		Supervision: Supervision{
			Strategy: Strategy(sup.GetStrategy()), MaxRestarts: int(sup.GetMaxRestarts()),
			Within: time.Duration(sup.GetWithin()), Backoff: time.Duration(sup.GetBackoff()), Escalate: sup.GetEscalate(),
		},
		ReceiveTimeout: time.Duration(w.GetReceiveTimeout()),
		MessageTimeout: time.Duration(w.GetMessageTimeout()),
	}
}

// spawnToWire is the request to spawn mod (or, for a Go actor, the
// behaviour named what) as parent's child, with the sources of its files
// by content hash, which the request carries only when the node asks.
func spawnToWire(parent *actorRef, what string, mod *Module, args serialize.Payload, opts SpawnOptions) (*wire.Spawn, map[string][]byte) {
	req := &wire.Spawn{Options: spawnOptionsToWire(opts)}
	if len(args.Body) > 0 {
		req.Args = &wire.Envelope{Body: args.Body, Buffers: args.Buffers}
	}
	if parent != nil {
		req.Parent = &wire.Address{Node: parent.addr.Node, Id: parent.addr.ID}
	}
	if opts.gob != nil {
		req.Behavior = what
		return req, nil
	}
	req.Script = what
	var byHash map[string][]byte
	req.Files, byHash = bundleToWire(mod)
	return req, byHash
}

// bundleToWire is mod's script and the libraries it loads by content hash:
// the files (path and hash) a control request names, and the sources by
// hash, from which to send those the node lacks (sourcesToSend).
func bundleToWire(mod *Module) ([]*wire.File, map[string][]byte) {
	var files []*wire.File
	byHash := map[string][]byte{}
	for path, src := range mod.Sources() {
		h := hashOf(src)
		files = append(files, &wire.File{Path: path, Hash: h})
		byHash[h] = src
	}
	return files, byHash
}

// sourcesToSend returns the sources a node asked for (missing) and, with
// all, every other source of the bundle too, each once. A node asking for
// a hash the bundle does not hold is an error.
func sourcesToSend(byHash map[string][]byte, missing []string, all bool) ([]*wire.Source, error) {
	var out []*wire.Source
	sent := make(map[string]bool, len(byHash))
	for _, h := range missing {
		src, ok := byHash[h]
		if !ok {
			return nil, fmt.Errorf("asked for unknown source %q", h)
		}
		if !sent[h] {
			sent[h] = true
			out = append(out, &wire.Source{Hash: h, Source: src})
		}
	}
	if all {
		for h, src := range byHash {
			if !sent[h] {
				sent[h] = true
				out = append(out, &wire.Source{Hash: h, Source: src})
			}
		}
	}
	return out, nil
}

// addressFromWire is an address from another node; ok is false if it has none.
func addressFromWire(w *wire.Address) (Address, bool) {
	if w.GetNode() == "" || w.GetId() == "" {
		return Address{}, false
	}
	return Address{Node: w.GetNode(), ID: w.GetId()}, true
}

// requestControl sends req (a wire.Spawn or wire.ShipKind) to node's
// control process and waits for its answer, as request does for an envelope.
func (n *node) requestControl(ctx context.Context, node string, req any) (*wire.SpawnAnswer, error) {
	s := n.sys
	to := Address{Node: node, ID: controlID}
	if s.closing.Load() {
		return nil, ErrShutdown
	}
	if n.unreachable(node) {
		return nil, fmt.Errorf("%w: %s (sending to %s)", ErrNodeUnreachable, node, controlID)
	}
	slot := s.newSlot(to, s.remoteTimeout(ctx))
	if !n.send(proto.NewPID(to.Node, to.ID), req, slot.pid) {
		slot.drop()
		return nil, ErrShutdown
	}
	if _, err := slot.wait(ctx); err != nil {
		return nil, err
	}
	if slot.ans.spawned == nil {
		return nil, fmt.Errorf("the node answered with a message, not a spawn answer")
	}
	return slot.ans.spawned, nil
}

// stop asks addr's node to stop the actor or pool there. A node lost a
// moment ago makes the request a dead letter, as any message to it.
func (n *node) stop(addr Address, by string) error {
	to := Address{Node: addr.Node, ID: controlID}
	if n.unreachable(addr.Node) {
		n.sys.deadLetter(to, stopLetter(addr, by, n.sys.cfg.Limits), "node unreachable")
		return nil
	}
	if !n.send(proto.NewPID(to.Node, to.ID), &wire.Stop{Id: addr.ID, By: by}, nil) {
		return ErrShutdown
	}
	return nil
}

// stopLetter is a stop request as a dead letter shows it.
func stopLetter(addr Address, by string, limits serialize.Limits) *envelope {
	body, _ := limits.EncodeGo(map[string]any{"op": "stop", "id": addr.ID, "by": by})
	return &envelope{msg: serialize.Payload{Body: body}}
}
