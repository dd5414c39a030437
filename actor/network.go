// This file holds the seam between this node and others: network, all
// that differs between an embedded system and a node, and embedded, its
// form for a system that is not a node (node.go holds the other).

package actor

import (
	"context"
	"errors"
	"fmt"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/serialize"
)

// network is what a System does with other processes. Every System has
// one (System.net): a *node when Config.Node is set, embedded otherwise,
// so the rest of the package never asks whether the system is a node; it
// asks whether an address is on another node (System.remoteNode) and, if
// so, hands the matter to the network.
type network interface {
	// address returns the node's address ("host:port"), or "" for an
	// embedded system.
	address() string
	// peers returns the other nodes the system was configured with.
	peers() []string
	// deliver sends env to the actor at to, on another node, with sender
	// as its reply address; what cannot be sent is undeliverable (a
	// requester is answered with the error, which is returned).
	deliver(to Address, env *envelope, sender *proto.PID) error
	// answer sends a to the reply address pid, on another node.
	answer(pid *proto.PID, a answer) bool
	// track has slot, which waits on an actor of another node, answered
	// with ErrNodeUnreachable when that node is lost; untrack forgets it.
	track(slot *replySlot)
	untrack(slot *replySlot)
	// unreachable reports whether node was lost a moment ago.
	unreachable(node string) bool
	// watch has watcher told when target, on another node, stops or its
	// node is lost.
	watch(watcher *actorRef, target Address)
	// stop asks the node of addr to stop the actor or pool there.
	stop(addr Address, by string) error
	// spawn starts an actor on another node, as parent's child (nil for
	// Go's actors): mod's script, or the Go behaviour opts name.
	spawn(ctx context.Context, parent *actorRef, node string, mod *Module, args serialize.Payload,
		opts SpawnOptions) (Address, error)
	// admit counts an actor about to start here against the quotas of the
	// peer it runs for (see admitGuest), returning that peer, "" for none.
	admit(parent *actorRef, opts SpawnOptions) (peer string, err error)
	// release gives back what admit counted for peer, as the actor id
	// stops or fails to start.
	release(peer, id string)
	// load compiles path for an actor running code a peer sent (engine is
	// its bundle's).
	load(engine *interp.Engine, path string) (*Module, error)
	// goTracked runs fn on a goroutine that Shutdown waits for; false if
	// the system is closing and fn does not run.
	goTracked(fn func()) bool
	// close stops the transport, once the actors have stopped.
	close()
}

// embedded is the network of a system that is not a node: there are no
// other processes, and an address on one is unreachable (ErrNotNode).
type embedded struct{ sys *System }

var _ network = embedded{}

func (embedded) address() string { return "" }
func (embedded) peers() []string { return nil }

func (e embedded) deliver(to Address, env *envelope, sender *proto.PID) error {
	if env.request {
		err := fmt.Errorf("%w: cannot reach %s", ErrNotNode, to)
		e.sys.answerError(sender, err)
		return err
	}
	e.sys.deadLetter(to, env, "node unreachable")
	return nil
}

func (embedded) answer(*proto.PID, answer) bool { return false }
func (embedded) track(*replySlot)               {}
func (embedded) untrack(*replySlot)             {}
func (embedded) unreachable(string) bool        { return false }

func (e embedded) watch(watcher *actorRef, target Address) {
	e.sys.notify(watcher.addr, target, "node unreachable: "+target.Node)
}

func (embedded) stop(addr Address, _ string) error {
	return fmt.Errorf("%w: cannot stop %s", ErrNotNode, addr)
}

func (embedded) spawn(_ context.Context, _ *actorRef, node string, mod *Module, _ serialize.Payload,
	opts SpawnOptions) (Address, error) {
	return Address{}, fmt.Errorf("spawn %s on %s: %w", opts.codeName(mod), node, ErrNotNode)
}

func (embedded) admit(*actorRef, SpawnOptions) (string, error) { return "", nil }
func (embedded) release(string, string)                        {}

func (embedded) load(_ *interp.Engine, path string) (*Module, error) {
	return nil, errors.New("actor: load " + path + ": code from peers on a system that is not a node")
}

func (embedded) goTracked(func()) bool { return false }
func (embedded) close()                {}
