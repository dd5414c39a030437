// This file holds requests and their answers: the reply slot every request
// and ask() waits on, from its making to its dropping, the futures of
// ask(), and answering a requester with an error.

package actor

import (
	"context"
	"fmt"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/actor/internal/wire"
	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/serialize"
)

// replySlot is the reply address of one request or ask: a protoactor
// process that takes one answer. It is made by newSlot, which registers it
// (and, for a target on another node, has the node answer it should that
// node be lost), and unregistered by drop, which wait calls once it has
// the answer.
type replySlot struct {
	sys      *System
	pid      *proto.PID
	ch       chan answer
	deadline time.Time
	to       Address // the target, for errors
	remote   bool    // the target is on another node, which tracks the slot
	got      bool    // the answer was taken (by the one goroutine that waits)
	ans      answer
	cw       *clockWait // on a virtual clock: how the waiter counts (vclock.go)
}

// answer is what a reply slot receives: a message or an error.
type answer struct {
	msg     serialize.Payload
	err     error
	spawned *wire.SpawnAnswer // the answer of a node's control process to a spawn
}

var _ proto.Process = (*replySlot)(nil)

// newSlot makes the reply slot of a request to the actor at to, whose
// answer is due within timeout (Config.RequestTimeout when not positive).
func (s *System) newSlot(to Address, timeout time.Duration) *replySlot {
	if timeout <= 0 {
		timeout = s.cfg.RequestTimeout
	}
	r := &replySlot{sys: s, ch: make(chan answer, 1), deadline: s.now().Add(timeout), to: to}
	if vc := s.cfg.VirtualClock; vc != nil {
		r.cw = &clockWait{vc: vc}
	}
	r.pid, _ = s.proto.ProcessRegistry.Add(r, "reply"+s.proto.ProcessRegistry.NextId())
	if s.remoteNode(to) {
		r.remote = true
		s.net.track(r)
	}
	return r
}

// request sends msg to to as a request from a new reply slot and waits for
// the answer, until the slot's deadline, ctx, or shutdown.
func (s *System) request(ctx context.Context, to Address, msg serialize.Payload, timeout time.Duration) (serialize.Payload, error) {
	slot := s.newSlot(to, timeout)
	if err := s.deliver(ctx, to, &envelope{msg: msg, request: true, sender: slot.pid}, slot.pid); err != nil {
		slot.drop()
		return serialize.Payload{}, err
	}
	return slot.wait(ctx)
}

// wait waits for the slot's answer until its deadline, ctx, or shutdown,
// and drops the slot. Waiting again returns the same answer.
func (r *replySlot) wait(ctx context.Context) (serialize.Payload, error) {
	if r.got {
		return r.ans.msg, r.ans.err
	}
	if r.cw != nil {
		return r.waitVirtual(ctx)
	}
	timer := time.NewTimer(time.Until(r.deadline))
	defer timer.Stop()
	select {
	case r.ans = <-r.ch:
	case <-timer.C:
		r.ans.err = fmt.Errorf("%w: no answer from %s", ErrTimeout, r.to)
	case <-ctx.Done():
		r.ans.err = ctx.Err()
	case <-r.sys.done:
		r.ans.err = ErrShutdown
	}
	r.got = true
	r.drop()
	return r.ans.msg, r.ans.err
}

// drop unregisters the slot: a later answer goes to dead letters.
func (r *replySlot) drop() {
	r.sys.proto.ProcessRegistry.Remove(r.pid)
	if r.remote {
		r.sys.net.untrack(r)
	}
}

// SendUserMessage takes the slot's answer: a message, an error answer, or
// protoactor's notice that the request reached no one.
func (r *replySlot) SendUserMessage(_ *proto.PID, message any) {
	var a answer
	switch m := proto.UnwrapEnvelopeMessage(message).(type) {
	case *envelope:
		a.msg = m.msg
	case *replyError:
		a.err = m.err
	case *wire.SpawnAnswer:
		a.spawned = m
	case *wire.Envelope:
		if m.ErrorCode != 0 {
			a.err = errorFromWire(m)
		} else {
			a.msg = serialize.Payload{Body: m.Body, Buffers: m.Buffers}
		}
	case *proto.DeadLetterResponse:
		a.err = fmt.Errorf("%w: %s", ErrUnknownActor, m.Target.GetAddress()+"/"+m.Target.GetId())
		if r.remote {
			// protoactor answers so both for an actor missing on the node
			// and for a message its transport could not send.
			a.err = fmt.Errorf("%w, or %w: %s", ErrUnknownActor, ErrNodeUnreachable, r.to.Node)
		}
	default:
		return
	}
	r.answer(a)
}

// answer gives the slot its answer, unless it has one already, and
// reports whether it did.
func (r *replySlot) answer(a answer) bool {
	if r.cw != nil {
		r.cw.vc.answered(r.cw)
	}
	select {
	case r.ch <- a:
		return true
	default: // answered already; later answers are dropped like Erlang's late replies
		return false
	}
}

func (r *replySlot) SendSystemMessage(*proto.PID, any) {}
func (r *replySlot) Stop(*proto.PID)                   {}

// replyError answers a request with an error instead of a value.
type replyError struct{ err error }

func (*replyError) IgnoreDeadLetterLogging() {}

// answerError answers the requester whose reply address is pid with err,
// and reports whether a requester has it: false when the slot is gone (its
// requester stopped waiting) or was answered already (a broadcast's first
// answer won).
func (s *System) answerError(pid *proto.PID, err error) bool {
	return s.answer(pid, answer{err: err})
}

// answer sends a to the reply address pid: a reply slot of this node or of
// another, or an actor (which gets an error answer as a message).
func (s *System) answer(pid *proto.PID, a answer) bool {
	if pid == nil {
		return false
	}
	if pid.Address != s.node && pid.Address != "" {
		return s.net.answer(pid, a)
	}
	p, ok := s.proto.ProcessRegistry.GetLocal(pid.Id)
	if !ok {
		return false
	}
	if slot, ok := p.(*replySlot); ok {
		return slot.answer(a)
	}
	if a.err != nil {
		p.SendUserMessage(pid, &replyError{err: a.err})
	} else {
		p.SendUserMessage(pid, &envelope{msg: a.msg})
	}
	return true
}

// future is an ask() in flight: its reply slot, which the asking actor
// keeps (refExtras.asks) until the answer is taken or its deadline passed.
type future struct {
	h    *host
	slot *replySlot
	err  error
}

var _ interp.Future = (*future)(nil)

func (f *future) Result() (serialize.Payload, error) {
	if f.err != nil {
		return serialize.Payload{}, f.err
	}
	answer, err := f.slot.wait(f.h.ref)
	return answer, f.h.own(err)
}

// ask sends msg to to as a request from a new reply slot, which the actor
// keeps, and returns at once.
func (h *host) ask(to Address, msg serialize.Payload, timeout time.Duration) (interp.Future, error) {
	s := h.ref.sys
	h.sweepAsks()
	slot := s.newSlot(to, timeout)
	if err := s.deliver(h.ref, to, &envelope{msg: msg, request: true, sender: slot.pid}, slot.pid); err != nil {
		slot.drop()
		return nil, h.own(err)
	}
	h.ref.ext().asks = append(h.ref.ext().asks, slot)
	return &future{h: h, slot: slot}, nil
}

// sweepAsks drops the reply slots of asks whose answer was taken or whose
// deadline passed, so futures a script dropped cost nothing for long.
func (h *host) sweepAsks() {
	now := h.ref.sys.now()
	e := h.ref.ext()
	kept := e.asks[:0]
	for _, slot := range e.asks {
		if slot.got || now.After(slot.deadline) {
			h.ref.dropAsk(slot)
			continue
		}
		kept = append(kept, slot)
	}
	clear(e.asks[len(kept):])
	e.asks = kept
}

// dropAsk drops the reply slot of an ask of r's, logging a failure that
// came back to it and that the script never retrieved: the failing actor
// logged it at debug, counting on the asker to have it.
func (r *actorRef) dropAsk(slot *replySlot) {
	if !slot.got {
		select {
		case a := <-slot.ch:
			if a.err != nil {
				r.sys.logger.Error("failure of an ask never retrieved", "actor", r.addr, "script", r.mod.Name(), "error", a.err.Error())
			}
		default:
		}
	}
	slot.drop()
}
