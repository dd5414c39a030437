// This file holds message delivery: envelopes, Send and Request, reply
// slots for answers, and dead letters.

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
	msg     serialize.Envelope
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

// replyError answers a request with an error instead of a value.
type replyError struct{ err error }

func (*replyError) IgnoreDeadLetterLogging() {}

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
			return s.undeliverable(to, env, sender, "actor stopped")
		default:
			return err
		}
	}
	if s.remoteNode(to) {
		return s.deliverRemote(to, env, sender)
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
	return s.undeliverable(to, env, sender, "no such actor")
}

// undeliverable accounts for a message that no actor will handle: a
// requester is answered with an error at once, anything else is a dead letter.
func (s *System) undeliverable(to Address, env *envelope, sender *proto.PID, why string) error {
	if env.request {
		err := fmt.Errorf("%w: %s", ErrUnknownActor, to)
		if why == "actor stopped" {
			err = fmt.Errorf("%w: %s", ErrStopped, to)
		}
		s.answerError(sender, err)
		return err
	}
	s.deadLetter(to, env, why)
	return nil
}

func (s *System) deadLetter(to Address, env *envelope, why string) {
	s.dead.add(to, why)
	s.publish(&DeadLetterEvent{To: to, Reason: why, message: env.msg, limits: s.cfg.Limits})
}

// notify tells watcher that who terminated, as a message.
func (s *System) notify(watcher, who Address, reason string) {
	body, err := s.cfg.Limits.EncodeGo(map[string]any{"event": "terminated", "who": who, "reason": reason})
	if err == nil {
		err = s.deliver(context.Background(), watcher, &envelope{msg: serialize.Envelope{Body: body}}, nil)
	}
	if err != nil && !errors.Is(err, ErrShutdown) {
		s.logger.Warn("termination notice not delivered", "watcher", watcher, "who", who, "error", err)
	}
}

// answerError answers the reply slot at pid with err, and reports whether
// a requester has it: false when the slot is gone (its requester stopped
// waiting) or was answered already (a broadcast's first answer won).
func (s *System) answerError(pid *proto.PID, err error) bool {
	if pid == nil {
		return false
	}
	if s.n != nil && pid.Address != s.node && pid.Address != "" {
		s.n.send(pid, errorToWire(err), nil)
		return true
	}
	p, ok := s.proto.ProcessRegistry.GetLocal(pid.Id)
	if !ok {
		return false
	}
	if slot, ok := p.(*replySlot); ok {
		return slot.answer(answer{err: err})
	}
	p.SendUserMessage(pid, &replyError{err: err})
	return true
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

// dropAsk unregisters the reply slot of an ask of owner's, logging a
// failure that came back to it and that the script never retrieved: the
// failing actor logged it at debug, counting on the asker to have it.
func (s *System) dropAsk(owner *actorRef, slot *replySlot) {
	if !slot.got {
		select {
		case a := <-slot.ch:
			if a.err != nil {
				s.logger.Error("failure of an ask never retrieved", "actor", owner.addr, "script", owner.mod.Name(), "error", a.err.Error())
			}
		default:
		}
	}
	s.dropSlot(slot)
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

// replySlot is a protoactor process that receives one answer: the reply
// address of a request or an ask.
type replySlot struct {
	pid      *proto.PID
	ch       chan answer
	deadline time.Time
	node     string // the node of the target, when it is another one
	got      bool
	ans      answer
}

type answer struct {
	msg serialize.Envelope
	err error
}

var _ proto.Process = (*replySlot)(nil)

func (r *replySlot) SendUserMessage(_ *proto.PID, message any) {
	var a answer
	switch m := proto.UnwrapEnvelopeMessage(message).(type) {
	case *envelope:
		a.msg = m.msg
	case *replyError:
		a.err = m.err
	case *wire.Envelope:
		if m.ErrorCode != 0 {
			a.err = errorFromWire(m)
		} else {
			a.msg = serialize.Envelope{Body: m.Body, Buffers: m.Buffers}
		}
	case *proto.DeadLetterResponse:
		a.err = fmt.Errorf("%w: %s", ErrUnknownActor, m.Target.GetAddress()+"/"+m.Target.GetId())
		if r.node != "" {
			// protoactor answers so both for an actor missing on the node
			// and for a message its transport could not send.
			a.err = fmt.Errorf("%w, or %w: %s", ErrUnknownActor, ErrNodeUnreachable, r.node)
		}
	default:
		return
	}
	r.answer(a)
}

// answer gives the slot its answer, unless it has one already, and
// reports whether it did.
func (r *replySlot) answer(a answer) bool {
	select {
	case r.ch <- a:
		return true
	default: // answered already; later answers are dropped like Erlang's late replies
		return false
	}
}

func (r *replySlot) SendSystemMessage(*proto.PID, any) {}
func (r *replySlot) Stop(*proto.PID)                   {}

func (s *System) newSlot(timeout time.Duration) *replySlot {
	if timeout <= 0 {
		timeout = s.cfg.RequestTimeout
	}
	r := &replySlot{ch: make(chan answer, 1), deadline: time.Now().Add(timeout)}
	r.pid, _ = s.proto.ProcessRegistry.Add(r, "reply"+s.proto.ProcessRegistry.NextId())
	return r
}

// wait waits for the slot's answer until its deadline, ctx, or shutdown.
func (s *System) wait(ctx context.Context, r *replySlot, to Address) (serialize.Envelope, error) {
	if r.got {
		return r.ans.msg, r.ans.err
	}
	timer := time.NewTimer(time.Until(r.deadline))
	defer timer.Stop()
	select {
	case r.ans = <-r.ch:
	case <-timer.C:
		r.ans.err = fmt.Errorf("%w: no answer from %s", ErrTimeout, to)
	case <-ctx.Done():
		r.ans.err = ctx.Err()
	case <-s.done:
		r.ans.err = ErrShutdown
	}
	r.got = true
	s.dropSlot(r)
	return r.ans.msg, r.ans.err
}

// request sends msg to to as a request from a new reply slot and waits.
func (s *System) request(ctx context.Context, to Address, msg serialize.Envelope, timeout time.Duration) (serialize.Envelope, error) {
	slot := s.newSlot(timeout)
	s.track(slot, to)
	if err := s.deliver(ctx, to, &envelope{msg: msg, request: true, sender: slot.pid}, slot.pid); err != nil {
		s.dropSlot(slot)
		return serialize.Envelope{}, err
	}
	return s.wait(ctx, slot, to)
}

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
func (s *System) encode(msg any) (serialize.Envelope, error) {
	body, buffers, err := s.cfg.Limits.EncodeGoTransfer(msg)
	return serialize.Envelope{Body: body, Buffers: buffers}, err
}

// decodeInto decodes an answer for Go: transferred buffers arrive as []byte
// without a copy, which only a *any target can hold.
func (s *System) decodeInto(msg serialize.Envelope, out any) error {
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
