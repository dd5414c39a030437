// This file holds host, the actor side of interp.Host: what a running
// script asks of its actor.

package actor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/mailbox"
	"github.com/murmur-go/murmur/serialize"
)

// host serves one incarnation of a script actor. It is used only by the
// goroutine processing the actor's mailbox.
type host struct {
	ref    *actorRef
	pc     proto.Context // protoactor's context of the message being handled
	sender *proto.PID    // who sent it
	// tookSender is set when the script asks for the sender (sender(),
	// reply()): it answered the message, or may answer it later.
	tookSender bool
}

var _ interp.Host = (*host)(nil)

func (h *host) Self() Address { return h.ref.addr }

func (h *host) Sender() (Address, bool) {
	h.tookSender = true
	if h.sender == nil {
		return Address{}, false
	}
	return h.ref.sys.address(h.sender), true
}

func (h *host) Send(to Address, msg serialize.Payload) error {
	return h.own(h.ref.sys.deliver(h.ref, to, &envelope{msg: msg, sender: h.ref.pid}, h.ref.pid))
}

func (h *host) Request(to Address, msg serialize.Payload, timeout time.Duration) (serialize.Payload, error) {
	if to == h.ref.addr {
		return serialize.Payload{}, fmt.Errorf("request to self (%s) would wait forever; call the function directly", to)
	}
	answer, err := h.ref.sys.request(h.ref, to, msg, timeout)
	return answer, h.own(err)
}

// own marks err as the end of this actor (interp.ErrCancelled) when the
// actor is being stopped or its system shut down, so that catch() in the
// script lets it through: the wait ended because this actor is ending, not
// because the target failed.
func (h *host) own(err error) error {
	if err == nil || errors.Is(err, interp.ErrCancelled) || !(h.ref.cancelled() || h.ref.sys.closing.Load()) {
		return err
	}
	return &endingError{err}
}

// endingError is an error of a call cut short by its actor's stop: it
// reads as the error it wraps and matches interp.ErrCancelled.
type endingError struct{ err error }

func (e *endingError) Error() string        { return e.err.Error() }
func (e *endingError) Unwrap() error        { return e.err }
func (e *endingError) Is(target error) bool { return target == interp.ErrCancelled }

func (h *host) Ask(to Address, msg serialize.Payload, timeout time.Duration) (interp.Future, error) {
	return h.ask(to, msg, timeout)
}

func (h *host) Recv(timeout time.Duration) (serialize.Payload, error) {
	if !h.ref.main {
		return serialize.Payload{}, ErrNotMain
	}
	if timeout <= 0 {
		timeout = h.ref.sys.cfg.RequestTimeout
	}
	ctx, cancel := h.ref.sys.timeoutContext(h.ref, timeout)
	defer cancel()
	for {
		m, err := h.ref.receiveWait(ctx)
		if err != nil {
			if context.Cause(ctx) == context.DeadlineExceeded && h.ref.Err() == nil {
				return serialize.Payload{}, fmt.Errorf("recv: %w: no message within %v", ErrTimeout, timeout)
			}
			return serialize.Payload{}, h.own(err)
		}
		if env, sender := senderOf(m); env != nil {
			h.sender = sender
			return env.msg, nil
		}
	}
}

func (h *host) Spawn(path string, args serialize.Payload, opts interp.SpawnOptions) (Address, error) {
	s := h.ref.sys
	mod, err := s.loadFor(h.ref.mod, path)
	if err != nil {
		return Address{}, err
	}
	so, err := spawnOptions(opts)
	if err != nil {
		return Address{}, err
	}
	if s.remoteNode(Address{Node: opts.Node}) {
		return s.net.spawn(h.ref, h.ref, opts.Node, mod, args, so)
	}
	return s.spawn(h.ref, mod, args, so, false)
}

// spawnOptions returns the options a script gave spawn() (or pool(), for
// every worker).
func spawnOptions(opts interp.SpawnOptions) (SpawnOptions, error) {
	so := SpawnOptions{
		Name: opts.Name, MaxSteps: opts.MaxSteps, Record: opts.Record,
		ReceiveTimeout: opts.ReceiveTimeout, MessageTimeout: opts.MessageTimeout,
		Supervision: Supervision{MaxRestarts: opts.MaxRestarts, Within: opts.Within,
			Backoff: opts.Backoff, Escalate: opts.Escalate},
	}
	var err error
	if opts.Strategy != "" {
		if so.Supervision.Strategy, err = ParseStrategy(opts.Strategy); err != nil {
			return so, err
		}
	}
	if opts.MailboxSize > 0 || opts.MailboxPolicy != "" {
		if opts.MailboxSize == 0 {
			return so, fmt.Errorf("mailbox_policy %q needs a mailbox_size", opts.MailboxPolicy)
		}
		so.Mailbox.MaxMessages = opts.MailboxSize
		if so.Mailbox.Policy, err = parsePolicy(opts.MailboxPolicy); err != nil {
			return so, err
		}
	}
	return so, nil
}

func parsePolicy(name string) (mailbox.Policy, error) {
	switch name {
	case "", "block":
		return mailbox.Block, nil
	case "fail":
		return mailbox.Fail, nil
	case "drop":
		return mailbox.Drop, nil
	}
	return 0, fmt.Errorf("unknown mailbox_policy %q; want block, fail or drop", name)
}

func (h *host) Watch(pid Address) error {
	pid, err := h.ref.sys.grainTarget(h.ref, pid)
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	return h.ref.watch(pid)
}

func (h *host) After(d time.Duration, msg serialize.Payload) (func() bool, error) {
	r := h.ref
	r.mu.Lock()
	if r.terminated {
		r.mu.Unlock()
		return nil, ErrStopped
	}
	if r.timers == nil {
		r.timers = &timerSet{vc: r.sys.cfg.VirtualClock}
	}
	ts := r.timers
	r.mu.Unlock()
	cancel, ok := ts.after(d, func() {
		_ = r.sys.deliver(context.Background(), r.addr, &envelope{msg: msg}, nil)
	})
	if !ok {
		return nil, ErrStopped
	}
	return cancel, nil
}

func (h *host) Stop(pid Address) error {
	if pid == h.ref.addr {
		h.pc.Stop(h.ref.pid) // after the current message
		return nil
	}
	if err := h.ref.sys.stopAddr(pid, h.ref.addr.String()); err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	return nil
}

func (h *host) Nodes() []string { return h.ref.sys.Peers() }

func (h *host) Log(level slog.Level, msg string) {
	h.ref.sys.logger.Log(context.Background(), level, msg, "actor", h.ref.addr, "script", h.ref.mod.Name())
}

func (h *host) Print(msg string) {
	if p := h.ref.sys.cfg.Print; p != nil {
		p(h.ref.addr, msg)
		return
	}
	h.Log(slog.LevelInfo, msg)
}

func (h *host) Pool(path string, args serialize.Payload, opts interp.PoolOptions) (Address, error) {
	s := h.ref.sys
	mod, err := s.loadFor(h.ref.mod, path)
	if err != nil {
		return Address{}, err
	}
	po := PoolOptions{Size: opts.Size, Key: opts.Key, Name: opts.Name, Nodes: opts.Nodes}
	if po.Worker, err = spawnOptions(opts.Worker); err != nil {
		return Address{}, err
	}
	if opts.Routing != "" {
		if po.Routing, err = ParseRouting(opts.Routing); err != nil {
			return Address{}, err
		}
	}
	p, err := s.newPool(h.ref, h.ref, mod, args, po)
	if err != nil {
		return Address{}, err
	}
	return p.addr, nil
}

func (h *host) Map(pool Address, items []serialize.Payload, timeout time.Duration) ([]serialize.Payload, []error, error) {
	s := h.ref.sys
	v, ok := s.pools.Load(pool.ID)
	if !ok {
		return nil, nil, fmt.Errorf("pmap: %s is not a pool", pool)
	}
	p := v.(*Pool)
	answers := make([]serialize.Payload, len(items))
	errs := make([]error, len(items))
	done := 0
	err := p.mapPayloads(h.ref, items, timeout, func(i int, answer serialize.Payload, err error) error {
		answers[i], errs[i] = answer, err
		done++
		if s.cfg.Progress != nil {
			s.cfg.Progress(done, len(items))
		}
		return nil
	})
	return answers, errs, h.own(err)
}
