// This file holds a node's shutdown: stopping protoactor's remote transport
// in an order that its endpoint manager survives, and the gate through
// which murmur hands messages to the transport until then.

package actor

import (
	proto "github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/remote"
)

// endpointActors are the names under which protoactor's remote (at the
// version in go.mod, remote/endpoint_manager.go) registers the supervisor
// of its endpoint writers and watchers, and its activator.
var endpointActors = []string{"EndpointSupervisor", "activator"}

// close stops the remote transport, after the actors have stopped:
// control requests end, gRPC's server stops (the listener and every peer's
// connection close, which tells the peers at once) and the goroutines that
// served peers return, then protoactor's endpoint actors stop (the
// connections to peers close).
//
// It does not call protoactor's graceful Remote.Shutdown, whose endpoint
// manager (remote/endpoint_manager.go, stop) sets its connection map to nil
// after unsubscribing from the event stream, while an
// EndpointTerminatedEvent published just before may still be on its way to
// the manager's handler, which then dereferences the nil map: on the
// goroutine protoactor's endpoint writer starts to read its stream
// (remote/endpoint_writer.go, initializeInternal), which nothing can
// recover, so the process crashes. That shutdown also sends on channels of
// connections that may have closed (a panic) and waits up to 10 seconds
// for peers to hang up. Here the map is never cleared.
func (n *node) close() {
	s := n.sys
	n.mu.Lock()
	n.closed = true
	n.mu.Unlock()
	n.ctl.Wait()
	n.remote.Shutdown(false) // gRPC's Server.Stop
	n.streams.Wait()
	n.sendMu.Lock()
	n.stopped = true // after this nothing of murmur's reaches the endpoint manager
	n.sendMu.Unlock()
	s.proto.EventStream.Unsubscribe(n.sub) // the peers' ends are not news now
	if len(n.endpoints) < len(endpointActors) {
		// Another protoactor version, whose actors have other names.
		shutdownGracefully(n.remote)
		return
	}
	for _, pid := range n.endpoints {
		if err := s.proto.Root.StopFuture(pid).Wait(); err != nil {
			s.logger.Warn("node: protoactor's endpoint actors did not stop", "actor", pid.Id, "error", err)
		}
	}
}

// shutdownGracefully runs protoactor's graceful remote shutdown, which
// panics ("send on closed channel") when a peer's connection ended just
// before: its endpoint manager signals every reader connection it knows,
// and a reader closes its channel before it is forgotten.
func shutdownGracefully(r *remote.Remote) {
	defer func() { _ = recover() }()
	r.Shutdown(true)
}

// send hands msg for the actor at to to the transport, unless the node has
// stopped: then protoactor's endpoint actors are gone, and its remote would
// panic on the caller's goroutine for a node it has not connected to yet.
func (n *node) send(to *proto.PID, msg any, sender *proto.PID) bool {
	n.sendMu.RLock()
	defer n.sendMu.RUnlock()
	if n.stopped {
		return false
	}
	n.remote.SendMessage(to, nil, msg, sender, -1)
	return true
}
