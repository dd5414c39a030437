// This file holds watching: an actor asking to be told when another ends,
// on this node or another, and the termination notices watchers get.

package actor

import (
	"cmp"
	"context"
	"errors"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/serialize"
)

// watch has r told when the actor at target ends: at once, if it does not
// exist or has ended.
func (r *actorRef) watch(target Address) error {
	s := r.sys
	if s.remoteNode(target) {
		s.net.watch(r, target)
		return nil
	}
	t := s.local(target)
	if t == nil {
		s.notify(r.addr, target, "no such actor")
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.terminated {
		reason, _ := t.exitReason.Load().(string)
		s.notify(r.addr, target, cmp.Or(reason, "stopped"))
		return nil
	}
	t.ext().watchers = append(t.ext().watchers, r.addr)
	return nil
}

// watch uses protoactor's watch across nodes: a Terminated comes back when
// the actor stops, or when its node is lost, to the watcher's relay.
func (n *node) watch(watcher *actorRef, target Address) {
	if n.unreachable(target.Node) {
		n.sys.notify(watcher.addr, target, "node unreachable: "+target.Node)
		return
	}
	pid := proto.NewPID(target.Node, target.ID)
	p, _ := n.sys.proto.ProcessRegistry.Get(pid)
	p.SendSystemMessage(pid, &proto.Watch{Watcher: watcher.watchRelay()})
}

// notify tells watcher that who terminated, as a message.
func (s *System) notify(watcher, who Address, reason string) {
	body, err := s.cfg.Limits.EncodeGo(map[string]any{"event": "terminated", "who": who, "reason": reason})
	if err == nil {
		err = s.deliver(context.Background(), watcher, &envelope{msg: serialize.Payload{Body: body}}, nil)
	}
	if err != nil && !errors.Is(err, ErrShutdown) {
		s.logger.Warn("termination notice not delivered", "watcher", watcher, "who", who, "error", err)
	}
}

// watchRelay returns the process that receives protoactor's Terminated
// notices for the remote actors r watches and hands them to r as messages,
// which a main blocked in recv() can read (a system message to r itself
// would wait until main returns).
func (r *actorRef) watchRelay() *proto.PID {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.ext()
	if e.relay == nil {
		e.relay, _ = r.sys.proto.ProcessRegistry.Add(&watchRelay{sys: r.sys, watcher: r.addr}, r.addr.ID+"$watch")
	}
	return e.relay
}

type watchRelay struct {
	sys     *System
	watcher Address
}

func (w *watchRelay) SendSystemMessage(_ *proto.PID, message any) {
	if m, ok := message.(*proto.Terminated); ok {
		w.sys.notify(w.watcher, w.sys.address(m.Who), terminationReason(m))
	}
}
func (w *watchRelay) SendUserMessage(*proto.PID, any) {}
func (w *watchRelay) Stop(*proto.PID)                 {}

// terminationReason is what a watcher is told of a protoactor Terminated.
func terminationReason(m *proto.Terminated) string {
	switch m.Why {
	case proto.TerminatedReason_AddressTerminated:
		return "node unreachable: " + m.Who.GetAddress()
	case proto.TerminatedReason_NotFound:
		return "no such actor"
	}
	return "stopped"
}
