// This file holds the protoactor actor that runs a script's interp.Instance
// (scriptActor): its lifecycle, message handling and failures, and what
// every kind of actor receives alike (incoming).

package actor

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/actor/internal/wire"
	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/serialize"
)

// failure is the panic value with which a script actor reports a failed
// message to protoactor's supervision.
type failure struct{ err error }

func (f *failure) Error() string { return f.err.Error() }
func (f *failure) Unwrap() error { return f.err }

// scriptActor is the protoactor actor of one incarnation of a script actor.
type scriptActor struct {
	ref      *actorRef
	inst     *interp.Instance
	host     host
	startErr error     // a main whose top level failed: Run reports it
	rec      *recorder // what it records for crash replay (record.go); nil if it does not record
}

func (a *scriptActor) Receive(c proto.Context) {
	if m, ok := a.ref.incoming(c); ok {
		a.handle(c, m)
		return
	}
	switch m := c.Message().(type) {
	case *runMain:
		a.runMain(c, m)
	case *upgradeMsg:
		a.upgrade(c, m)
	case *proto.Started:
		a.start(c)
	case *proto.ReceiveTimeout:
		if a.passivate(c) {
			return
		}
		// protoactor's receive timeout fires once; murmur's repeats while idle.
		a.ref.armReceiveTimeout(c)
		a.notice(c, map[string]any{"event": "timeout"})
	case *proto.Restarting:
		// As an Erlang supervisor does, wait for the children to be gone
		// before the new instance's init runs: it may start children of
		// the same names.
		a.ref.awaitStopped(a.ref.stopChildren("parent restarting"))
	case *proto.Stopping:
		a.ref.stopChildren("parent stopping")
		a.stopping()
	case *proto.Stopped:
		a.ref.terminate()
	}
}

// incoming returns the user message in c, converting one from another
// node, for any kind of actor. It deals itself with what protoactor hands
// every actor alike (an error answer sent to an actor, the dead-letter
// response to a message the actor sent that reached no one) and reports
// false for those and for lifecycle messages, which each kind handles.
func (r *actorRef) incoming(c proto.Context) (*envelope, bool) {
	switch m := c.Message().(type) {
	case *envelope:
		return m, true
	case *wire.Envelope: // from another node
		if m.ErrorCode != 0 { // an error answer is for reply slots only
			r.sys.logger.Warn("error answer sent to an actor", "actor", r.addr, "error", m.Error)
			return nil, false
		}
		r.sys.meters.traffic(false, len(m.Body))
		return fromWire(m, c.Sender()), true
	case *proto.DeadLetterResponse:
		// A missing actor on another node, or a node it could not reach.
		if s := r.sys; m.Target != nil {
			s.dead.add(s.address(m.Target), "no such actor, or its node unreachable")
		}
	}
	return nil, false
}

// notice hands the script a message the system made (a timeout, a
// termination notice) as if it had been sent.
func (a *scriptActor) notice(c proto.Context, msg map[string]any) {
	body, err := a.ref.sys.cfg.Limits.EncodeGo(msg)
	if err != nil {
		a.ref.sys.logger.Error("actor notice", "actor", a.ref.addr, "error", err)
		return
	}
	a.handle(c, &envelope{msg: serialize.Payload{Body: body}})
}

// stopping runs the script's optional stopping() hook, with its own step
// limit and at most stopHookTime of wall-clock time, so that a stop stays prompt.
func (a *scriptActor) stopping() {
	in := a.inst
	if in == nil || !in.Has("stopping") {
		return
	}
	in.Uncancel()
	if a.ref.sys.shut.hurry.Load() { // Close: no time for hooks (it cancels those that run)
		return
	}
	t := time.AfterFunc(stopHookTime, func() { in.Cancel("stopping() ran past " + stopHookTime.String()) })
	defer t.Stop()
	err := a.callSafely(in.Stopping)
	if err != nil {
		a.ref.sys.logger.Error("stopping() failed", "actor", a.ref.addr, "script", a.ref.mod.Name(), "error", err.Error())
		a.ref.sys.publish(&FailureEvent{Actor: a.ref.addr, Script: a.ref.mod.Name(), Err: err, limits: a.ref.sys.cfg.Limits})
	}
}

// stopHookTime bounds a stopping() hook.
const stopHookTime = time.Second

func (a *scriptActor) start(c proto.Context) {
	ref := a.ref
	a.host = host{ref: ref, pc: c}
	if ref.cancelled() {
		return
	}
	ref.armReceiveTimeout(c)
	mod := ref.sys.current(ref.mod)
	h, opts := a.instanceHost(mod)
	inst, err := mod.Instantiate(h, opts)
	if err == nil {
		a.inst = inst
		ref.inst.Store(inst)
		if ref.cancelled() { // cancel raced with instantiation
			inst.Cancel(ref.reason.Load().(string))
		}
		if !ref.main {
			err = inst.Init(ref.args)
		}
		if err == nil {
			ref.started.Store(true)
		}
	}
	if err != nil && ref.main {
		a.startErr = err
		return
	}
	if err != nil {
		a.fail(c, err, nil)
	}
}

func (a *scriptActor) handle(c proto.Context, m *envelope) {
	if a.inst == nil {
		// The instance failed to start and the actor is stopping or
		// waiting for supervision: account for the message.
		a.ref.sys.undeliverable(a.ref.addr, m, m.sender, lostNoInstance)
		return
	}
	a.host.pc, a.host.sender, a.host.tookSender = c, m.sender, false
	a.recordMessage(m)
	t, span := a.ref.stats.begin(), a.ref.sys.startSpan(a.ref, m)
	a.ref.touched()
	var err error
	if d := a.ref.opts.MessageTimeout; d > 0 {
		err = a.withDeadline(d, func() error { return a.inst.Receive(m.msg) })
	} else {
		err = a.receive(m.msg)
	}
	a.host.sender = nil
	a.ref.stats.done(t)
	endSpan(a.ref, span, err)
	if err != nil {
		a.fail(c, err, m)
	} else if m.request && !m.fanout && !a.host.tookSender {
		a.ref.sys.answerError(m.sender, a.ref.noReply(m))
	}
}

// withDeadline runs f, cancelling the script if it runs longer than d.
func (a *scriptActor) withDeadline(d time.Duration, f func() error) error {
	in := a.inst
	var mu sync.Mutex
	running := true
	t := time.AfterFunc(d, func() {
		mu.Lock()
		defer mu.Unlock()
		if running {
			in.Cancel(fmt.Sprintf("message took longer than its limit of %v", d))
		}
	})
	err := a.callSafely(f)
	mu.Lock()
	running = false
	mu.Unlock()
	if !t.Stop() && !a.ref.cancelled() {
		in.Uncancel() // fired as f ended: the next message must not inherit it
	}
	return err
}

// receive is callSafely(a.inst.Receive(msg)) without a closure to allocate
// on every message.
func (a *scriptActor) receive(msg serialize.Payload) (err error) {
	defer a.recoverInto(&err)
	return a.inst.Receive(msg)
}

// recoverInto turns a panic in a Go builtin into *err, with its stack.
func (a *scriptActor) recoverInto(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: panic in a Go builtin: %v\n%s", a.ref.mod.Name(), r, debug.Stack())
	}
}

// callSafely runs f, turning a panic in a Go builtin into an error with its stack.
func (a *scriptActor) callSafely(f func() error) (err error) {
	defer a.recoverInto(&err)
	return f()
}

// fail reports a failed message and hands the failure to supervision. A
// requester waiting on the message is answered with the error at once.
func (a *scriptActor) fail(c proto.Context, err error, m *envelope) {
	ref := a.ref
	answered := false
	if m != nil && m.request {
		answered = ref.sys.answerError(m.sender, fmt.Errorf("%w: %s: %w", ErrActorFailed, ref.addr, err))
	}
	if ref.cancelled() && errors.Is(err, interp.ErrCancelled) {
		// Stopping: the failure is the cancellation itself; the pending Stop
		// will end the actor.
		ref.sys.logger.Debug("actor cancelled", "actor", ref.addr, "script", ref.mod.Name(), "reason", err.Error())
		return
	}
	// A failure of the script's own is reported even when a stop came
	// while it was failing (the requester it answered may have ended and
	// stopped it at once).
	ref.sys.logFailure(ref, err, answered)
	ref.stats.count(failuresOf)
	ev := &FailureEvent{Actor: ref.addr, Script: ref.mod.Name(), Err: err, limits: ref.sys.cfg.Limits}
	if m != nil {
		ev.message, ev.hasMsg = m.msg, true
	}
	ev.Recording = a.saveRecording(err, nil)
	ref.sys.publish(ev)
	if ref.cancelled() {
		return // the pending Stop ends the actor; no restart
	}
	a.inst = nil
	ref.inst.Store(nil)
	panic(&failure{err: err})
}
