// This file holds a node's control process: where peers' requests to
// spawn and stop actors here arrive, each handled on a goroutine of its own.

package actor

import (
	"cmp"
	"fmt"

	proto "github.com/asynkron/protoactor-go/actor"
	"github.com/murmur-go/murmur/actor/internal/wire"
)

// control is a node's control process: peers ask it to spawn and stop
// actors. Each request is handled on a goroutine of its own, so that a
// compile does not hold up the connection's other messages.
type control struct {
	sys *System
	n   *node
}

var _ proto.Process = (*control)(nil)

func (c *control) SendUserMessage(_ *proto.PID, message any) {
	_, msg, sender := proto.UnwrapEnvelope(message)
	s := c.sys
	if s.closing.Load() {
		s.answerError(sender, ErrShutdown)
		return
	}
	started := c.n.goTracked(func() {
		reply, err := c.n.handleControl(msg, sender)
		if err != nil {
			s.logger.Debug("node: refused a control request", "from", senderAddress(sender), "err", err)
			s.answerError(sender, err)
			return
		}
		if reply != nil && sender != nil {
			c.n.send(sender, reply, nil)
		}
	})
	if !started {
		s.answerError(sender, ErrShutdown)
	}
}

// senderAddress is the node a message came from, as far as it says.
func senderAddress(pid *proto.PID) string {
	if pid == nil || pid.Address == "" {
		return "unknown"
	}
	return pid.Address
}

func (c *control) SendSystemMessage(*proto.PID, any) {}
func (c *control) Stop(*proto.PID)                   {}

// handleControl runs one control request from a peer (see spawnwire.go).
func (n *node) handleControl(msg any, sender *proto.PID) (*wire.SpawnAnswer, error) {
	s := n.sys
	switch m := msg.(type) {
	case *wire.Stop:
		_ = s.stopAddr(Address{Node: s.node, ID: m.GetId()}, cmp.Or(m.GetBy(), "a peer")) // gone already: nothing to do
		return nil, nil
	case *wire.Spawn:
		peer := "a peer"
		if sender != nil {
			peer = sender.Address
		}
		return n.spawnForPeer(m, peer)
	case *wire.ShipKind:
		return n.shipForPeer(m, senderAddress(sender)) // clustership.go
	default:
		return nil, fmt.Errorf("control request: unknown message %T", msg)
	}
}
