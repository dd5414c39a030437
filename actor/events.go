// This file holds the events a System reports to Go subscribers: failures,
// supervision decisions and dead letters.

package actor

import (
	"sync/atomic"

	"github.com/murmur-go/murmur/serialize"
)

// Event is one of *FailureEvent, *SupervisionEvent, *DeadLetterEvent,
// *NodeDownEvent, *PoolWorkerReplacedEvent, *UpgradeEvent.
type Event interface{ event() }

// FailureEvent reports a script that failed: the actor, the error (a
// *interp.ScriptError with the traceback, when the script raised it), and
// the message it was handling, if any.
type FailureEvent struct {
	Actor  Address
	Script string
	Err    error
	// Recording is the file the actor's crash recording was written to
	// (see Replay), or "" when it does not record.
	Recording string
	message   serialize.Payload
	limits    serialize.Limits
	hasMsg    bool
}

// Message decodes the message the actor was handling when it failed; ok is
// false when it failed outside a message (its top level, init, a hook).
func (e *FailureEvent) Message() (msg any, ok bool, err error) {
	if !e.hasMsg {
		return nil, false, nil
	}
	msg, err = e.limits.DecodeGoTransfer(e.message.Body, e.message.Buffers)
	return msg, true, err
}

// SupervisionEvent reports what supervision did about a failure: "restarted",
// "restarted with siblings", "restarting after 200ms", "stopped", "escalated".
type SupervisionEvent struct {
	Actor  Address
	Script string
	Action string
	Reason string
}

// DeadLetterEvent reports a message that reached no actor.
type DeadLetterEvent struct {
	To      Address
	Reason  string // "no such actor", "actor stopped", "mailbox full"
	message serialize.Payload
	limits  serialize.Limits
}

// Message decodes the undelivered message.
func (e *DeadLetterEvent) Message() (any, error) {
	return e.limits.DecodeGoTransfer(e.message.Body, e.message.Buffers)
}

// NodeDownEvent reports that the connection to another node was lost or
// could not be made: requests waiting on it have failed with
// ErrNodeUnreachable.
type NodeDownEvent struct {
	Node string
}

// PoolWorkerReplacedEvent reports a pool worker that stopped for good (its
// script kept failing), was lost with its node, or is gone from it, and the
// worker that took its place. Replacement is the zero Address when none
// did and the worker left the pool (see PoolOptions); Reason says why.
type PoolWorkerReplacedEvent struct {
	Pool        Address
	Worker      Address
	Replacement Address
	Script      string
	Reason      string
}

func (*FailureEvent) event()            {}
func (*SupervisionEvent) event()        {}
func (*DeadLetterEvent) event()         {}
func (*NodeDownEvent) event()           {}
func (*PoolWorkerReplacedEvent) event() {}

// Subscribe calls fn with every Event from now on, until the returned
// function is called. fn runs on the goroutine that raised the event (often
// an actor's): it must be quick and must not block.
func (s *System) Subscribe(fn func(Event)) (unsubscribe func()) {
	sub := s.proto.EventStream.SubscribeWithPredicate(func(evt any) {
		fn(evt.(Event))
	}, func(evt any) bool {
		_, ok := evt.(Event)
		return ok
	})
	var once atomic.Bool
	return func() {
		if once.CompareAndSwap(false, true) {
			s.proto.EventStream.Unsubscribe(sub)
		}
	}
}

func (s *System) publish(e Event) {
	if s.subscribers() {
		s.proto.EventStream.Publish(e)
	}
}

// subscribers reports whether anyone listens on the event stream beyond
// protoactor's own subscribers, so that events cost nothing otherwise.
func (s *System) subscribers() bool {
	return s.proto.EventStream.Length() > s.baseSubscribers
}
