// This file holds what crosses to another node: envelopes in their wire
// form, and errors that keep their identity (errors.Is) on the way.

package actor

import (
	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/actor/internal/wire"
	"github.com/murmur-go/murmur/serialize"
)

// toWire is env as it crosses to another node: transferred buffers become
// copies there (their handles here are detached already).
func toWire(env *envelope) *wire.Envelope {
	return &wire.Envelope{Body: env.msg.Body, Buffers: env.msg.Buffers, Request: env.request, Trace: traceBytes(env.trace)}
}

// fromWire is the envelope of a message from another node.
func fromWire(w *wire.Envelope, sender *proto.PID) *envelope {
	return &envelope{msg: serialize.Payload{Body: w.Body, Buffers: w.Buffers}, request: w.Request, sender: sender, trace: traceFrom(w.Trace)}
}

// Errors that keep their identity (errors.Is) when they answer a request
// from another node; the code is the index.
var wireErrors = []error{nil, ErrUnknownActor, ErrStopped, ErrActorFailed, ErrTimeout,
	ErrMailboxFull, ErrShutdown, ErrNodeUnreachable, ErrRemoteSpawnRefused, ErrNameTaken, ErrNoReply,
	ErrQuotaExceeded, ErrNoWorker, ErrUnknownBehavior, ErrNoMember}

// errorToWire is an error answer to a requester on another node.
// Its identity is the sentinel nearest the top of err's chain: an actor
// that failed because it requested a missing one is ErrActorFailed to its
// requester, though ErrUnknownActor is deeper in the chain.
func errorToWire(err error) *wire.Envelope {
	code := len(wireErrors) // no known identity
	for level := []error{err}; len(level) > 0 && code == len(wireErrors); {
		var next []error
		for _, e := range level {
			for i, w := range wireErrors[1:] {
				if e == w {
					code = i + 1
					break
				}
			}
			if code < len(wireErrors) {
				break
			}
			switch u := e.(type) {
			case interface{ Unwrap() error }:
				if in := u.Unwrap(); in != nil {
					next = append(next, in)
				}
			case interface{ Unwrap() []error }:
				next = append(next, u.Unwrap()...)
			}
		}
		level = next
	}
	return &wire.Envelope{ErrorCode: int32(code), Error: err.Error()}
}

// remoteError is an error answer from another node.
type remoteError struct {
	kind error // one of wireErrors, or nil
	msg  string
}

func (e *remoteError) Error() string { return e.msg }
func (e *remoteError) Unwrap() error { return e.kind }

func errorFromWire(w *wire.Envelope) error {
	e := &remoteError{msg: w.Error}
	if c := int(w.ErrorCode); c > 0 && c < len(wireErrors) {
		e.kind = wireErrors[c]
	}
	return e
}
