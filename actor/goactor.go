// This file holds Go actors: a Behavior (Go code in the place of a
// script), SpawnGo and NewGoPool, and the protoactor actor that runs one.

package actor

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/serialize"
)

// ErrUnknownBehavior is the error of starting a Go actor by a name that the
// node it would run on has not registered in its Config.Behaviors.
var ErrUnknownBehavior = kind("no_behavior", "actor: no such Go behaviour")

// ReceiveFunc handles one message of a Go actor: msg is the message decoded
// as DecodeGo does (nil, bool, int64, uint64, float64, string, []byte,
// []any, map[string]any, Address...; a buffer moved to it as a []byte that
// it owns), which a.Decode decodes into a typed value instead. ctx is done
// when the actor is told to stop, and at the actor's MessageTimeout. A
// returned error or a panic fails the actor as a failing script does.
type ReceiveFunc func(ctx context.Context, a *Actor, msg any) error

// Behavior is a Go actor's code: what a Module is to a script actor. A Go
// actor has the same address, supervision, mailbox, requests, watch and
// pools as a script actor, and a script cannot tell them apart. Set
// Receive or New, not both; a Behavior with neither stands for the one
// registered under its Name in Config.Behaviors.
//
// Each actor calls its functions on its own goroutine, one message at a
// time, as a script runs; but every actor of the behaviour (a pool's
// workers) calls Receive and New, so these must be safe for concurrent
// use, and an actor's own state belongs in what New returns. Go code
// cannot be cut short: Stop, Shutdown and MessageTimeout end ctx, and code
// that runs long must watch it. SpawnOptions.MaxSteps does not apply.
type Behavior struct {
	// Name names the behaviour where a script's file name would be: in
	// logs, events, errors and tracebacks. It is the name another node
	// runs it by (SpawnOptions.Node, PoolOptions.Nodes): Go code cannot be
	// sent, so that node runs what its own Config.Behaviors holds under
	// Name. Empty means "go", and that it runs on this node only.
	Name string
	// Receive handles every message of an actor that has no state of its
	// own. Nil means New makes the function of each incarnation.
	Receive ReceiveFunc
	// New starts an incarnation of the actor, as a script's top level and
	// init() do: it runs as the actor starts and again at every restart,
	// with SpawnOptions.Args decoded as Go values, and returns the function
	// that handles the incarnation's messages. What that function closes
	// over is the incarnation's state, which a restart loses. An error or a
	// panic fails the start as a failing init() does. Nil means Receive.
	New func(ctx context.Context, a *Actor, args []any) (ReceiveFunc, error)
}

// behavior checks b, for an actor on this node (local) or another one
// (remote), or a pool with workers on both, and returns what to start. On
// this node a Behavior with a Name only is the one in Config.Behaviors.
func (s *System) behavior(b Behavior, local, remote bool) (*Behavior, error) {
	switch {
	case b.Receive != nil && b.New != nil:
		return nil, fmt.Errorf("actor: Go behaviour %q sets both Receive and New; set one", b.Name)
	case remote && b.Name == "":
		return nil, errors.New("actor: a Go behaviour started on another node needs the Name it is registered under there")
	case local && b.Receive == nil && b.New == nil:
		if b.Name == "" {
			return nil, errors.New("actor: Go behaviour with no Receive, no New and no Name")
		}
		r, ok := s.cfg.Behaviors[b.Name]
		if !ok {
			return nil, fmt.Errorf("%w: %q is not in this system's Config.Behaviors, and the Behavior has no Receive nor New",
				ErrUnknownBehavior, b.Name)
		}
		r.Name = b.Name // the name it is registered under
		b = r
	}
	if b.Name == "" {
		b.Name = "go"
	}
	return &b, nil
}

// checkBehaviors reports a Config.Behaviors entry that cannot run.
func checkBehaviors(bs map[string]Behavior) error {
	for name, b := range bs {
		if name == "" {
			return errors.New("actor: Config.Behaviors has an entry with an empty name")
		}
		if (b.Receive == nil) == (b.New == nil) {
			return fmt.Errorf("actor: Config.Behaviors[%q]: set one of Receive and New", name)
		}
	}
	return nil
}

// SpawnGo starts a Go actor running b, supervised by the system's root as
// Spawn's actors are: a failure (a returned error or a panic) restarts it
// with a fresh incarnation (b.New runs again), as opts.Supervision says.
// With opts.Node another node runs the behaviour registered there under
// b.Name (see Behavior); it needs no NodeConfig.AllowRemoteSpawn, since no
// code is sent. It returns once the actor exists.
func (s *System) SpawnGo(ctx context.Context, b Behavior, opts SpawnOptions) (Address, error) {
	remote := s.remoteNode(Address{Node: opts.Node})
	gob, err := s.behavior(b, !remote, remote)
	if err != nil {
		return Address{}, err
	}
	opts.gob = gob
	return s.spawnUnder(ctx, nil, nil, opts)
}

// NewGoPool starts a pool of Go actors running b: NewPool with Go workers,
// which behave as script workers do (routing, Map, replacement of workers
// that stop for good). Workers on other nodes run the behaviour registered
// there under b.Name.
func (s *System) NewGoPool(ctx context.Context, b Behavior, opts PoolOptions) (*Pool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	remote := slices.ContainsFunc(opts.Nodes, func(n string) bool { return s.remoteNode(Address{Node: n}) })
	local := len(opts.Nodes) == 0 || slices.Contains(opts.Nodes, s.node)
	gob, err := s.behavior(b, local, remote)
	if err != nil {
		return nil, err
	}
	var args serialize.Payload
	if len(opts.Worker.Args) > 0 {
		if args, err = s.encode(opts.Worker.Args); err != nil {
			return nil, fmt.Errorf("actor: pool of %s: args: %w", gob.Name, err)
		}
	}
	opts.Worker.gob = gob
	return s.newPool(ctx, nil, nil, args, opts)
}

// codeName is the name of what an actor with these options runs: its Go
// behaviour's, or mod's.
func (o *SpawnOptions) codeName(mod *Module) string {
	if o.gob != nil {
		return o.gob.Name
	}
	return mod.Name()
}

// scriptName is the name of what r runs, for logs and events.
func (r *actorRef) scriptName() string { return r.opts.codeName(r.mod) }

// scriptName is the name of what p's workers run.
func (p *Pool) scriptName() string { return p.opts.Worker.codeName(p.mod) }

// newActor makes the protoactor actor of r's next incarnation.
func (r *actorRef) newActor() proto.Actor {
	if r.opts.gob != nil {
		return &goActor{ref: r}
	}
	return &scriptActor{ref: r}
}

// goActor is the protoactor actor of one incarnation of a Go actor.
type goActor struct {
	ref     *actorRef
	a       Actor
	receive ReceiveFunc // the incarnation's; nil before it started and once it failed
}

func (g *goActor) Receive(c proto.Context) {
	if m, ok := g.ref.incoming(c); ok {
		g.handle(c, m)
		return
	}
	switch c.Message().(type) {
	case *proto.Started:
		g.start(c)
	case *proto.ReceiveTimeout:
		c.SetReceiveTimeout(g.ref.opts.ReceiveTimeout)
		g.notice(c, map[string]any{"event": "timeout"})
	case *proto.Restarting:
		g.ref.awaitStopped(g.ref.stopChildren("parent restarting"))
	case *proto.Stopping:
		g.ref.stopChildren("parent stopping")
	case *proto.Stopped:
		g.ref.terminate()
	}
}

// start starts the incarnation: New, if the behaviour has one.
func (g *goActor) start(c proto.Context) {
	ref := g.ref
	g.a.h = host{ref: ref, pc: c}
	if ref.cancelled() {
		return
	}
	if ref.opts.ReceiveTimeout > 0 {
		c.SetReceiveTimeout(ref.opts.ReceiveTimeout)
	}
	receive, err := g.begin()
	if err != nil {
		g.fail(c, err, nil)
		return
	}
	g.receive = receive
	ref.started.Store(true)
}

// begin returns the incarnation's ReceiveFunc, running New for it.
func (g *goActor) begin() (receive ReceiveFunc, err error) {
	ref := g.ref
	b := ref.opts.gob
	if b.Receive == nil && b.New == nil { // a name only: what this node registered
		if b, err = ref.sys.behavior(*b, true, false); err != nil {
			return nil, err
		}
	}
	if b.New == nil {
		return b.Receive, nil
	}
	var args []any
	if len(ref.args.Body) > 0 {
		v, err := ref.sys.cfg.Limits.DecodeGoTransfer(ref.args.Body, ref.args.Buffers)
		if err != nil {
			return nil, fmt.Errorf("%s: decoding its args: %w", b.Name, err)
		}
		var ok bool
		if args, ok = v.([]any); !ok {
			return nil, fmt.Errorf("%s: its args are a %T, not a list", b.Name, v)
		}
	}
	defer g.recoverInto("New", &err)
	if receive, err = b.New(ref, &g.a, args); err != nil {
		return nil, fmt.Errorf("%s: New: %w", b.Name, err)
	}
	if receive == nil {
		return nil, fmt.Errorf("%s: New returned no ReceiveFunc", b.Name)
	}
	return receive, nil
}

// handle runs the incarnation's ReceiveFunc on one message, and answers a
// request it left unanswered with ErrNoReply, as for a script.
func (g *goActor) handle(c proto.Context, m *envelope) {
	ref := g.ref
	if g.receive == nil {
		ref.sys.undeliverable(ref.addr, m, m.sender, lostNoInstance)
		return
	}
	g.a.h.pc, g.a.h.sender, g.a.h.tookSender, g.a.msg = c, m.sender, false, m
	t, span := ref.stats.begin(), ref.sys.startSpan(ref, m)
	err := g.run(m)
	ref.stats.done(t)
	endSpan(ref, span, err)
	g.a.h.sender, g.a.msg = nil, nil
	if err != nil {
		g.fail(c, err, m)
	} else if m.request && !m.fanout && !g.a.h.tookSender {
		ref.sys.answerError(m.sender, g.noReply(m))
	}
}

// run decodes m and calls the ReceiveFunc with it, under the actor's
// MessageTimeout, turning a panic into an error with the Go stack.
func (g *goActor) run(m *envelope) (err error) {
	ref := g.ref
	msg, err := ref.sys.cfg.Limits.DecodeGoTransfer(m.msg.Body, m.msg.Buffers)
	if err != nil {
		return fmt.Errorf("%s: decoding the message: %w", ref.scriptName(), err)
	}
	ctx := context.Context(ref)
	if d := ref.opts.MessageTimeout; d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ref, d, fmt.Errorf("message took longer than its limit of %v", d))
		defer cancel()
	}
	defer g.recoverInto("Receive", &err)
	if err = g.receive(ctx, &g.a, msg); err == nil {
		return nil
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w: %w", ref.scriptName(), context.Cause(ctx), err)
	}
	return fmt.Errorf("%s: %w", ref.scriptName(), err)
}

// recoverInto turns a panic in the behaviour's function fn into *err: an
// *interp.ScriptError whose traceback is the Go stack.
func (g *goActor) recoverInto(fn string, err *error) {
	if r := recover(); r != nil {
		name := g.ref.scriptName()
		msg := fmt.Sprintf("panic: %v", r)
		*err = &interp.ScriptError{Script: name, Func: fn, Msg: msg,
			Backtrace: fmt.Sprintf("%s: %s: %s\n\n%s", name, fn, msg, debug.Stack())}
	}
}

// notice hands the actor a message the system made (a timeout).
func (g *goActor) notice(c proto.Context, msg map[string]any) {
	body, err := g.ref.sys.cfg.Limits.EncodeGo(msg)
	if err != nil {
		g.ref.sys.logger.Error("actor notice", "actor", g.ref.addr, "error", err)
		return
	}
	g.handle(c, &envelope{msg: serialize.Payload{Body: body}})
}

// fail reports a failed message (nil for a failed start) and hands the
// failure to supervision, as scriptActor.fail does.
func (g *goActor) fail(c proto.Context, err error, m *envelope) {
	ref := g.ref
	answered := false
	if m != nil && m.request {
		answered = ref.sys.answerError(m.sender, fmt.Errorf("%w: %s: %w", ErrActorFailed, ref.addr, err))
	}
	if ref.cancelled() { // stopping: the pending Stop ends the actor
		ref.sys.logger.Debug("actor cancelled", "actor", ref.addr, "script", ref.scriptName(), "reason", err.Error())
		return
	}
	ref.sys.logFailure(ref, err, answered)
	ref.stats.count(failuresOf)
	ev := &FailureEvent{Actor: ref.addr, Script: ref.scriptName(), Err: err, limits: ref.sys.cfg.Limits}
	if m != nil {
		ev.message, ev.hasMsg = m.msg, true
	}
	ref.sys.publish(ev)
	g.receive = nil
	panic(&failure{err: err})
}

// noReply is the answer to a request that the ReceiveFunc returned from
// without answering: it names the behaviour and the message.
func (g *goActor) noReply(m *envelope) error {
	r := g.ref
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
	return fmt.Errorf("%w from %s: %s: Receive returned without Reply to a request (%s)",
		ErrNoReply, r.addr, r.scriptName(), what)
}
