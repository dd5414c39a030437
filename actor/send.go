// This file holds message delivery on this node: envelopes, Send and
// Request, handing a message to an actor's mailbox (or to the node seam,
// for another node's actor), and what becomes of a message no actor takes:
// an error for a requester, a dead letter otherwise.

package actor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"

	"go.opentelemetry.io/otel/trace"

	"github.com/murmur-go/murmur/actor/internal/wire"
	"github.com/murmur-go/murmur/mailbox"
	"github.com/murmur-go/murmur/serialize"
)

// envelope is a user message between actors: msgpack bytes the receiver
// decodes into values of its own.
type envelope struct {
	msg     serialize.Payload
	sender  *proto.PID // the reply address: an actor, a reply slot, or nil
	request bool       // the sender is a reply slot waiting for an answer
	// fanout marks a copy of a request sent to several actors (a broadcast
	// pool): the first answer wins, so one that does not answer stays silent
	// instead of failing the request with ErrNoReply.
	fanout bool
	trace  *trace.SpanContext // the sender's span; nil unless tracing is on
}

// IgnoreDeadLetterLogging tells protoactor not to log our dead letters: the
// system logs and counts them itself.
func (*envelope) IgnoreDeadLetterLogging() {}

// Send delivers msg (a Go value: maps, slices, strings, numbers, Address...)
// to the actor at to, fire and forget. A message to an actor that no longer
// exists goes to dead letters, as in Erlang and Akka, and Send returns nil.
// With a bounded mailbox, Send may block (until ctx is done) or fail with
// ErrMailboxFull, per the mailbox's policy.
func (s *System) Send(ctx context.Context, to Address, msg any) error {
	env, err := s.encode(msg)
	if err != nil {
		return fmt.Errorf("actor: send to %s: %w", to, err)
	}
	return s.deliver(ctx, to, &envelope{msg: env}, nil)
}

// senderOf returns who sent message m, from our envelope or protoactor's.
func senderOf(m any) (*envelope, *proto.PID) {
	_, msg, sender := proto.UnwrapEnvelope(m)
	if w, ok := msg.(*wire.Envelope); ok {
		return fromWire(w, sender), sender
	}
	env, _ := msg.(*envelope)
	if env != nil && env.sender != nil {
		sender = env.sender
	}
	return env, sender
}

// deliver puts env in to's mailbox, with sender as the reply address.
func (s *System) deliver(ctx context.Context, to Address, env *envelope, sender *proto.PID) error {
	if s.closing.Load() {
		return ErrShutdown
	}
	if s.tracer != nil {
		env = s.traced(ctx, env)
	}
	if env.sender != sender {
		cp := *env // envelopes are shared by broadcasts: never written once sent
		cp.sender = sender
		env = &cp
	}
	if isGrain(to) {
		return s.deliverGrain(ctx, to, env, sender)
	}
	if r := s.local(to); r != nil {
		err := r.mb.Offer(ctx, env, env.msg.Size())
		switch {
		case err == nil:
			return nil
		case errors.Is(err, mailbox.ErrDropped):
			if env.request { // a requester is told at once, not left to time out
				err := fmt.Errorf("%w: %s (message dropped)", ErrMailboxFull, to)
				s.answerError(sender, err)
				return err
			}
			s.deadLetter(to, env, "mailbox full")
			return nil
		case errors.Is(err, mailbox.ErrFull):
			return fmt.Errorf("%w: %s", ErrMailboxFull, to)
		case errors.Is(err, mailbox.ErrClosed):
			return s.undeliverable(to, env, sender, lostStopped)
		default:
			return err
		}
	}
	if s.remoteNode(to) {
		return s.net.deliver(to, env, sender)
	}
	if to.Node == s.node || to.Node == "" {
		if p, ok := s.pools.Load(to.ID); ok {
			return p.(*Pool).route(ctx, env, sender)
		}
		if p, ok := s.proto.ProcessRegistry.GetLocal(to.ID); ok {
			p.SendUserMessage(s.pid(to), &proto.MessageEnvelope{Message: env, Sender: sender})
			return nil
		}
	}
	return s.undeliverable(to, env, sender, lostNoActor)
}

// loss is why a message reached no actor: it decides the error a
// requester is answered with, and is the reason of the dead letter any
// other message becomes.
type loss int

const (
	lostNoActor    loss = iota // no actor has the address
	lostStopped                // the actor stopped with the message queued or on its way
	lostNoInstance             // the actor's instance failed to start: it awaits supervision or its stop
)

var lossReasons = [...]string{lostNoActor: "no such actor", lostStopped: "actor stopped",
	lostNoInstance: "actor has no running instance"}

func (l loss) String() string { return lossReasons[l] }

// err is the error of a request to the actor at to that was lost so.
func (l loss) err(to Address) error {
	if l == lostStopped {
		return fmt.Errorf("%w: %s", ErrStopped, to)
	}
	return fmt.Errorf("%w: %s", ErrUnknownActor, to)
}

// undeliverable accounts for a message that no actor will handle: a
// requester is answered with an error at once, anything else is a dead letter.
func (s *System) undeliverable(to Address, env *envelope, sender *proto.PID, why loss) error {
	if env.request {
		err := why.err(to)
		s.answerError(sender, err)
		return err
	}
	s.deadLetter(to, env, why.String())
	return nil
}

// refusePeer accounts for a message from a peer that a full bounded
// mailbox refused: a requester is answered ErrMailboxFull, anything else
// is a dead letter.
func (s *System) refusePeer(to Address, m any) {
	env, sender := senderOf(m)
	if env == nil {
		return
	}
	if env.request {
		s.answerError(sender, fmt.Errorf("%w: %s (refused a message from another node)", ErrMailboxFull, to))
		return
	}
	s.deadLetter(to, env, "mailbox full")
}

func (s *System) deadLetter(to Address, env *envelope, why string) {
	s.dead.add(to, why)
	s.publish(&DeadLetterEvent{To: to, Reason: why, message: env.msg, limits: s.cfg.Limits})
}

// logFailure logs an actor's failure. A failure answered to a waiting
// requester is logged at debug: the requester has it, with the traceback,
// and either handles it as a value (catch, f.exception(), return_exceptions)
// or fails in turn and reports it itself (a Go caller gets it returned).
// One that nobody waits for is logged at error.
func (s *System) logFailure(ref *actorRef, err error, answered bool) {
	if answered {
		s.logger.Debug("actor failed", "actor", ref.addr, "script", ref.scriptName(), "error", err.Error(), "answered", true)
		return
	}
	s.logger.Error("actor failed", "actor", ref.addr, "script", ref.scriptName(), "error", err.Error())
}

// noReply is the answer to a request that the receive of r returned from
// without answering: it names the script and the message.
func (r *actorRef) noReply(m *envelope) error {
	what := fmt.Sprintf("a message moving %d buffers", len(m.msg.Buffers))
	if len(m.msg.Buffers) == 0 {
		v, err := r.sys.cfg.Limits.DecodeStarlark(m.msg.Body)
		if what = "undecodable"; err == nil {
			what = v.String()
		}
		if rs := []rune(what); len(rs) > 80 {
			what = string(rs[:77]) + "..."
		}
	}
	return fmt.Errorf("%w from %s: %s: receive returned without reply() to a request (%s)",
		ErrNoReply, r.addr, r.mod.Name(), what)
}

// deadLetters counts and logs messages that reached no actor. Logging is
// rate-limited without a goroutine.
type deadLetters struct {
	logger *slog.Logger
	count  atomic.Uint64
	window atomic.Int64 // unix second of the current log window
	logged atomic.Int32 // lines logged in the window
}

func (d *deadLetters) add(to Address, why string) {
	d.count.Add(1)
	now := time.Now().Unix()
	if w := d.window.Load(); w != now && d.window.CompareAndSwap(w, now) {
		d.logged.Store(0)
	}
	if d.logged.Add(1) <= 5 {
		d.logger.Info("dead letter", "to", to, "reason", why)
	}
}

// DeadLetters returns how many messages reached no actor since the system started.
func (s *System) DeadLetters() uint64 { return s.dead.count.Load() }

// Request sends msg to the actor at to and decodes its answer into out (a
// pointer; *any receives maps, slices and scalars as Go values, and
// transferred buffers as []byte without a copy). The
// deadline is ctx's, or Config.RequestTimeout when ctx has none. It fails at
// once with ErrUnknownActor or ErrStopped for a dead target, ErrActorFailed
// when the target's script fails on the message, ErrTimeout past the deadline.
func (s *System) Request(ctx context.Context, to Address, msg any, out any) error {
	env, err := s.encode(msg)
	if err != nil {
		return fmt.Errorf("actor: request to %s: %w", to, err)
	}
	timeout := s.cfg.RequestTimeout
	if d, ok := ctx.Deadline(); ok {
		timeout = time.Until(d)
		if timeout <= 0 {
			return fmt.Errorf("%w: deadline already passed", ErrTimeout)
		}
	}
	answer, err := s.request(ctx, to, env, timeout)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := s.decodeInto(answer, out); err != nil {
		return fmt.Errorf("actor: answer from %s: %w", to, err)
	}
	return nil
}

// Transfer marks b, in a message from Go, to move to the receiver instead
// of being copied: a script receives it as a buffer that owns this memory.
// Go cannot enforce what scripts can: after the send, the caller must not
// use b again.
func Transfer(b []byte) serialize.Transfer { return serialize.Transfer(b) }

// encode serializes a Go message, moving the Transfer values in it.
func (s *System) encode(msg any) (serialize.Payload, error) {
	body, buffers, err := s.cfg.Limits.EncodeGoTransfer(msg)
	return serialize.Payload{Body: body, Buffers: buffers}, err
}

// decodeInto decodes an answer for Go: transferred buffers arrive as []byte
// without a copy, which only a *any target can hold.
func (s *System) decodeInto(msg serialize.Payload, out any) error {
	if len(msg.Buffers) == 0 {
		return s.cfg.Limits.DecodeGoInto(msg.Body, out)
	}
	p, ok := out.(*any)
	if !ok {
		return fmt.Errorf("an answer that transfers buffers decodes only into *any, not %T", out)
	}
	v, err := s.cfg.Limits.DecodeGoTransfer(msg.Body, msg.Buffers)
	if err == nil {
		*p = v
	}
	return err
}
