// This file holds what a node does for its actors toward other nodes:
// sending them messages and answers, knowing which nodes were lost, and
// what losing one fails and stops (the node's side of network).

package actor

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/actor/internal/wire"
	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/serialize"
)

// deliver sends env to an actor on another node, unless that node was
// lost a moment ago or the transport has stopped.
func (n *node) deliver(to Address, env *envelope, sender *proto.PID) error {
	s := n.sys
	if n.unreachable(to.Node) {
		if env.request {
			err := fmt.Errorf("%w: %s (sending to %s)", ErrNodeUnreachable, to.Node, to.ID)
			s.answerError(sender, err)
			return err
		}
		s.deadLetter(to, env, "node unreachable")
		return nil
	}
	s.meters.traffic(true, env.msg.Size())
	if !n.send(proto.NewPID(to.Node, to.ID), toWire(env), sender) {
		if env.request {
			s.answerError(sender, ErrShutdown)
		}
		return ErrShutdown
	}
	return nil
}

// answer sends a to a reply address on another node.
func (n *node) answer(pid *proto.PID, a answer) bool {
	msg := &wire.Envelope{Body: a.msg.Body, Buffers: a.msg.Buffers}
	if a.err != nil {
		msg = errorToWire(a.err)
	}
	return n.send(pid, msg, nil)
}

// unreachable reports whether node was lost a moment ago.
func (n *node) unreachable(node string) bool {
	v, ok := n.down.Load(node)
	if !ok {
		return false
	}
	if time.Now().Before(v.(time.Time)) {
		return true
	}
	n.down.CompareAndDelete(node, v)
	return false
}

// track records that slot waits on an actor of another node, so that
// losing that node answers it at once.
func (n *node) track(slot *replySlot) { n.pending.Store(slot, slot.to.Node) }

func (n *node) untrack(slot *replySlot) { n.pending.Delete(slot) }

// lost runs when protoactor reports the connection to node lost or never
// made: requests waiting on it fail, it is quarantined for a moment,
// actors spawned here on its behalf stop, and pools replace the workers
// they had there.
func (n *node) lost(node string) {
	s := n.sys
	now := time.Now()
	prev, loaded := n.down.Load(node)
	already := loaded && now.Before(prev.(time.Time)) // reported a moment ago
	if !already {
		// protoactor reports one loss more than once, the last report up
		// to a second or more after the first: those do not extend the
		// quarantine, which would keep a node that came back unreachable.
		n.down.Store(node, now.Add(quarantine))
	}
	err := fmt.Errorf("%w: %s (connection lost or refused)", ErrNodeUnreachable, node)
	failed := 0
	n.pending.Range(func(k, v any) bool {
		if v.(string) == node {
			k.(*replySlot).answer(answer{err: err})
			failed++
		}
		return true
	})
	n.mu.Lock()
	guests := n.guest[node]
	delete(n.guest, node)
	n.mu.Unlock()
	for id := range guests {
		if r := s.local(Address{Node: s.node, ID: id}); r != nil {
			r.stop("the node of its parent, " + node + ", is unreachable")
		}
	}
	pools := 0
	s.pools.Range(func(_, v any) bool {
		if p := v.(*Pool); p.onNode(node) {
			pools++
			n.goTracked(func() { p.replaceLost(node) })
		}
		return true
	})
	// protoactor often reports one loss twice; a peer that leaves with
	// nothing pending (an application that finished) is not a problem.
	level := slog.LevelInfo
	if failed+len(guests)+pools > 0 {
		level = slog.LevelWarn
	}
	if !already || level == slog.LevelWarn {
		s.logger.Log(context.Background(), level, "node unreachable", "node", node,
			"requests failed", failed, "actors stopped", len(guests), "pools affected", pools)
	}
	if !already {
		s.publish(&NodeDownEvent{Node: node})
	}
}

// spawn starts an actor on another node (see remotespawn.go).
func (n *node) spawn(ctx context.Context, parent *actorRef, node string, mod *Module, args serialize.Payload,
	opts SpawnOptions) (Address, error) {
	return n.spawnRemote(ctx, parent, node, mod, args, opts)
}

// load compiles path for an actor running code a peer sent, from the
// files of its bundle.
func (n *node) load(engine *interp.Engine, path string) (*Module, error) {
	return n.code.load(engine, path)
}

// goTracked runs fn on a goroutine that Shutdown waits for; false if the
// node is closing and fn does not run.
func (n *node) goTracked(fn func()) bool {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return false
	}
	n.ctl.Add(1)
	n.mu.Unlock()
	go func() {
		defer n.ctl.Done()
		fn()
	}()
	return true
}
