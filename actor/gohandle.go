// This file holds Actor: what a Go actor's code uses to act, as a script
// uses its builtins.

package actor

import (
	"context"
	"errors"
	"fmt"
)

// Actor is a running Go actor as its own code sees it: its address, the
// sender of the message being handled, and what a script's builtins do
// (reply, send, request, spawn, stop, watch). Behavior.New and every
// ReceiveFunc call get it; it must be used only on that call's goroutine,
// while the call runs.
//
// Pass the ctx the call got to the methods that block: it is done when
// the actor is told to stop, which then ends their waits.
type Actor struct {
	h   host      // the actor's side of the system, as a script's builtins use it
	msg *envelope // the message being handled; nil in New
}

// Self returns the actor's address.
func (a *Actor) Self() Address { return a.h.ref.addr }

// System returns the actor's system, for Load, Subscribe and the like. Its
// Shutdown and Close must not be called from an actor.
func (a *Actor) System() *System { return a.h.ref.sys }

// Sender returns who sent the message being handled: for a request, its
// reply address. Asking for it keeps the request open, as sender() does
// in a script: a reply sent to it later with Send (a deferred reply)
// answers the request, which otherwise waits until its deadline. false
// means the message has no sender.
func (a *Actor) Sender() (Address, bool) { return a.h.Sender() }

// Reply answers the message being handled: Send to its Sender. It fails
// when the message has no sender. To a bounded mailbox it may wait, at
// most until the actor is told to stop.
func (a *Actor) Reply(v any) error {
	to, ok := a.h.Sender()
	if !ok {
		return fmt.Errorf("actor: reply from %s: the message has no sender to answer", a.Self())
	}
	env, err := a.h.ref.sys.encode(v)
	if err != nil {
		return fmt.Errorf("actor: reply from %s: %w", a.Self(), err)
	}
	return a.h.Send(to, env)
}

// Send delivers v to the actor at to, fire and forget, with this actor as
// its sender; as System.Send, it may wait on a bounded mailbox until ctx
// is done.
func (a *Actor) Send(ctx context.Context, to Address, v any) error {
	s := a.h.ref.sys
	env, err := s.encode(v)
	if err != nil {
		return fmt.Errorf("actor: send from %s to %s: %w", a.Self(), to, err)
	}
	return s.deliver(ctx, to, &envelope{msg: env, sender: a.h.ref.pid}, a.h.ref.pid)
}

// Request sends v to the actor at to as a request and decodes its answer
// into out, as System.Request does. The actor handles no other message
// while it waits, as a script in request() does.
func (a *Actor) Request(ctx context.Context, to Address, v any, out any) error {
	if to == a.Self() {
		return fmt.Errorf("actor: request from %s to itself would wait forever; call the code directly", to)
	}
	return a.h.ref.sys.Request(ctx, to, v, out)
}

// Decode decodes the message being handled into out (a pointer: a struct
// with msgpack tags, a typed slice or map...), as System.Request decodes
// an answer.
func (a *Actor) Decode(out any) error {
	if a.msg == nil {
		return errors.New("actor: Decode: no message is being handled (Decode is for a ReceiveFunc)")
	}
	if err := a.h.ref.sys.decodeInto(a.msg.msg, out); err != nil {
		return fmt.Errorf("actor: %s: decoding the message: %w", a.Self(), err)
	}
	return nil
}

// Spawn starts a script actor running mod as a child of this actor: it
// stops with it, and supervision's AllForOne and Escalate act within this
// family, as for a script's spawn().
func (a *Actor) Spawn(ctx context.Context, mod *Module, opts SpawnOptions) (Address, error) {
	if mod == nil {
		return Address{}, fmt.Errorf("actor: spawn from %s: no module (for Go code, use SpawnGo)", a.Self())
	}
	return a.h.ref.sys.spawnUnder(ctx, a.h.ref, mod, opts)
}

// SpawnGo starts a Go actor running b as a child of this actor, as Spawn
// does for a script.
func (a *Actor) SpawnGo(ctx context.Context, b Behavior, opts SpawnOptions) (Address, error) {
	s := a.h.ref.sys
	remote := s.remoteNode(Address{Node: opts.Node})
	gob, err := s.behavior(b, !remote, remote)
	if err != nil {
		return Address{}, err
	}
	opts.gob = gob
	return s.spawnUnder(ctx, a.h.ref, nil, opts)
}

// Stop stops the actor or pool at to without waiting; this actor's own
// address stops it once the message being handled is done.
func (a *Actor) Stop(to Address) error { return a.h.Stop(to) }

// Watch asks for a message when the actor at to ends:
// map[string]any{"event": "terminated", "who": to, "reason": "..."}, at
// once if it does not exist.
func (a *Actor) Watch(to Address) error { return a.h.Watch(to) }
