// This file holds the Host contract between a script and its actor, and the
// builtins through which scripts use it.

package interp

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/serialize"
)

// Host is what a script may ask of the actor that runs it. The actor layer
// implements it, one Host per actor. Its methods are called only from the
// goroutine running the instance, while the instance runs.
//
// Messages are serialize.Envelopes: msgpack bytes made by package serialize,
// plus the memory of buffers moved by transfer; the host never sees a
// Starlark value. A timeout of zero means the host's default.
type Host interface {
	// Self returns the actor's own address.
	Self() serialize.Address
	// Sender returns who sent the message being handled (for a request, its
	// reply address), and false when there is none.
	Sender() (serialize.Address, bool)
	// Send delivers body to to, fire and forget.
	Send(to serialize.Address, msg serialize.Envelope) error
	// Request sends body to to and waits for the answer.
	Request(to serialize.Address, msg serialize.Envelope, timeout time.Duration) (serialize.Envelope, error)
	// Ask sends body to to and returns at once with a Future of the answer.
	Ask(to serialize.Address, msg serialize.Envelope, timeout time.Duration) (Future, error)
	// Recv waits for the next message sent to this actor, for a main that
	// consumes its own mailbox.
	Recv(timeout time.Duration) (serialize.Envelope, error)
	// Spawn starts a child actor running the script at path (relative to the
	// application root) with init(*args), args a msgpack array.
	Spawn(path string, args serialize.Envelope, opts SpawnOptions) (serialize.Address, error)
	// Stop stops the actor at pid; the actor's own address stops it after
	// the current message.
	Stop(pid serialize.Address) error
	// Watch asks for a notice message when the actor at pid terminates:
	// {"event": "terminated", "who": pid, "reason": "..."}, at once if it
	// no longer exists.
	Watch(pid serialize.Address) error
	// After delivers msg to this actor after d; cancel stops it and reports
	// whether it did so before delivery.
	After(d time.Duration, msg serialize.Envelope) (cancel func() bool, err error)
	// Pool starts a pool of actors running the script at path, children of
	// this actor, and returns its address.
	Pool(path string, args serialize.Envelope, opts PoolOptions) (serialize.Address, error)
	// Map sends each item to the pool at pool as a request, spreading them
	// over its workers as they become free, and returns the answers and the
	// per-item errors in input order; err reports the map itself failing
	// (its target is not a pool, the actor stopped).
	Map(pool serialize.Address, items []serialize.Envelope, timeout time.Duration) (answers []serialize.Envelope, errs []error, err error)
	// Log writes msg to the system's logger.
	Log(level slog.Level, msg string)
	// Print handles the script's print().
	Print(msg string)
	// Nodes returns the addresses of the other nodes this actor's system
	// knows (its peers), for spawn(node=) and pool(nodes=); none for an
	// embedded system.
	Nodes() []string
}

// Future is the pending answer of an Ask.
type Future interface {
	// Result waits for the answer and returns it; later calls return the
	// same result at once.
	Result() (serialize.Envelope, error)
}

// SpawnOptions are a script's spawn(...) keyword arguments. Zero values
// mean the system's defaults.
type SpawnOptions struct {
	Name           string        // name=: a unique name for the child
	MaxSteps       uint64        // max_steps=: per-message step limit
	Strategy       string        // strategy=: "one_for_one", "all_for_one", "backoff" or "temporary"
	MaxRestarts    int           // max_restarts=: restarts allowed within the window
	Within         time.Duration // within=: the window restarts are counted in
	Backoff        time.Duration // backoff=: first delay of the backoff strategy
	Escalate       bool          // escalate=: fail the parent when restarts are exhausted
	ReceiveTimeout time.Duration // receive_timeout=: a {"event": "timeout"} message after this long idle
	MessageTimeout time.Duration // message_timeout=: wall-clock limit on handling one message
	MailboxSize    int           // mailbox_size=: most messages queued; 0 unbounded
	MailboxPolicy  string        // mailbox_policy=: "block", "fail" or "drop" when full
	Node           string        // node=: the node ("host:port") to start it on; empty means this one
	Record         int           // record=: keep its last N messages for crash replay; 0 means the system's default
}

// PoolOptions are a script's pool(...) keyword arguments. Zero values mean
// the defaults.
type PoolOptions struct {
	Size    int      // size=: number of workers; 0 means one per core
	Routing string   // routing=: "round_robin", "random", "broadcast", "consistent_hash" or "balanced"
	Key     string   // key=: the message key consistent_hash routes by
	Name    string   // name=: the pool's name
	Nodes   []string // nodes=: spread the workers over these nodes; empty means this one

	// Worker holds the options of spawn() that every worker gets
	// (max_restarts=, mailbox_size=, ...); its Name and Node are unused.
	Worker SpawnOptions
}

// builtins are the names every script sees besides Starlark's universe.
var builtins = map[string]*starlark.Builtin{
	"self":    starlark.NewBuiltin("self", builtinSelf),
	"sender":  starlark.NewBuiltin("sender", builtinSender),
	"send":    starlark.NewBuiltin("send", builtinSend),
	"reply":   starlark.NewBuiltin("reply", builtinReply),
	"request": starlark.NewBuiltin("request", builtinRequest),
	"ask":     starlark.NewBuiltin("ask", builtinAsk),
	"gather":  starlark.NewBuiltin("gather", builtinGather),
	"recv":    starlark.NewBuiltin("recv", builtinRecv),
	"spawn":   starlark.NewBuiltin("spawn", builtinSpawn),
	"nodes":   starlark.NewBuiltin("nodes", builtinNodes),
	"stop":    starlark.NewBuiltin("stop", builtinStop),
	"log":     starlark.NewBuiltin("log", builtinLog),
	"watch":   starlark.NewBuiltin("watch", builtinWatch),
	"after":   starlark.NewBuiltin("after", builtinAfter),
	"pool":    starlark.NewBuiltin("pool", builtinPool),
	"pmap":    starlark.NewBuiltin("pmap", builtinPmap),
	"buffer":  starlark.NewBuiltin("buffer", builtinBuffer),
	"catch":   starlark.NewBuiltin("catch", builtinCatch),
}

// instanceOf returns the instance running on thread, or an error when the
// builtin is called where no actor runs (a library's top level).
func instanceOf(thread *starlark.Thread, b *starlark.Builtin) (*Instance, error) {
	if in := threadInstance(thread); in != nil {
		return in, nil
	}
	return nil, fmt.Errorf("%s: only an actor can call this, not a library's top level", b.Name())
}

// outgoing is a message being sent: its envelope, and the values it moves
// (buffers, arrays), which are detached from this actor once the send is
// under way.
type outgoing struct {
	env   serialize.Envelope
	moved []serialize.Movable
}

// encode serializes v, naming it root in errors (`msg["cb"]: cannot send a
// function`), moving the buffers listed in transfer.
func (in *Instance) encode(root string, v starlark.Value, transfer starlark.Value) (outgoing, error) {
	var out outgoing
	var err error
	list, err := transferList(transfer)
	if err != nil {
		return out, err
	}
	if len(list) == 0 {
		out.env.Body, err = in.mod.engine.opts.Limits.EncodeStarlark(v)
	} else {
		out.env.Body, out.env.Buffers, err = in.mod.engine.opts.Limits.EncodeStarlarkTransfer(v, list)
		for _, t := range list {
			if b, ok := t.(serialize.Movable); ok && err == nil {
				out.moved = append(out.moved, b)
			}
		}
	}
	if err != nil {
		var se *serialize.Error
		if errors.As(err, &se) && se.Root == "" {
			se.Root = root
		}
		return out, err
	}
	return out, nil
}

// transferList returns the values of a transfer=[...] argument.
func transferList(transfer starlark.Value) ([]starlark.Value, error) {
	if transfer == nil || transfer == starlark.None {
		return nil, nil
	}
	seq, ok := transfer.(starlark.Sequence)
	if !ok {
		return nil, fmt.Errorf("transfer must be a list of buffers, not %s", transfer.Type())
	}
	var list []starlark.Value
	iter := seq.Iterate()
	defer iter.Done()
	var x starlark.Value
	for iter.Next(&x) {
		list = append(list, x)
	}
	return list, nil
}

// send runs deliver with the buffers of out detached, reattaching them if
// the message could not be sent, so that a failed send moves nothing.
func (out outgoing) send(dest string, deliver func() error) error {
	for _, b := range out.moved {
		if _, err := b.Detach(dest); err != nil {
			return err
		}
	}
	err := deliver()
	if err != nil {
		for i, b := range out.moved {
			b.Attach(out.env.Buffers[i])
		}
	}
	return err
}

// decode decodes a message into values the actor owns: every buffer in it,
// copied or moved, becomes a Buffer.
func (in *Instance) decode(env serialize.Envelope) (starlark.Value, error) {
	return in.mod.engine.opts.Limits.DecodeStarlarkTransfer(env.Body, env.Buffers, wrapBuffer)
}

func wrapBuffer(data []byte) starlark.Value { return NewBuffer(data) }

func address(fn, param string, v starlark.Value) (serialize.Address, error) {
	a, ok := v.(serialize.Address)
	if !ok {
		return serialize.Address{}, fmt.Errorf("%s: %s must be an address, not %s", fn, param, v.Type())
	}
	return a, nil
}

// seconds converts a Starlark timeout (int, float or None) to a duration.
func seconds(fn string, v starlark.Value) (time.Duration, error) {
	if v == nil || v == starlark.None {
		return 0, nil
	}
	f, ok := starlark.AsFloat(v)
	if !ok {
		return 0, fmt.Errorf("%s: timeout must be a number of seconds, not %s", fn, v.Type())
	}
	if f <= 0 || f > 365*24*3600 {
		return 0, fmt.Errorf("%s: timeout must be between 0 and one year, got %v", fn, f)
	}
	return time.Duration(f * float64(time.Second)), nil
}

func builtinSelf(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	in, err := instanceOf(thread, b)
	if err != nil {
		return nil, err
	}
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return in.host.Self(), nil
}

func builtinSender(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	in, err := instanceOf(thread, b)
	if err != nil {
		return nil, err
	}
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	if a, ok := in.host.Sender(); ok {
		return a, nil
	}
	return starlark.None, nil
}

func builtinSend(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	in, err := instanceOf(thread, b)
	if err != nil {
		return nil, err
	}
	var to, msg, transfer starlark.Value
	if len(args) == 2 && len(kwargs) == 0 { // the common call: no UnpackArgs, whose pointers put all three on the heap
		to, msg = args[0], args[1]
	} else if to, msg, transfer, err = unpackSend(b, args, kwargs); err != nil {
		return nil, err
	}
	addr, err := address(b.Name(), "to", to)
	if err != nil {
		return nil, err
	}
	out, err := in.encode("msg", msg, transfer)
	if err != nil {
		return nil, err
	}
	if len(out.moved) == 0 { // the common case: no closure, no address string
		return starlark.None, in.host.Send(addr, out.env)
	}
	return starlark.None, out.send(addr.String(), func() error { return in.host.Send(addr, out.env) })
}

// unpackSend is send's UnpackArgs, apart so that builtinSend's variables
// stay on the stack in the common call.
func unpackSend(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (to, msg, transfer starlark.Value, err error) {
	err = starlark.UnpackArgs(b.Name(), args, kwargs, "to", &to, "msg", &msg, "transfer?", &transfer)
	return to, msg, transfer, err
}

func builtinReply(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	in, err := instanceOf(thread, b)
	if err != nil {
		return nil, err
	}
	var value, transfer starlark.Value
	if len(args) == 1 && len(kwargs) == 0 { // the common call, as in send
		value = args[0]
	} else if value, transfer, err = unpackReply(b, args, kwargs); err != nil {
		return nil, err
	}
	to, ok := in.host.Sender()
	if !ok {
		return nil, errors.New("reply: the current message has no sender to answer")
	}
	out, err := in.encode("value", value, transfer)
	if err != nil {
		return nil, err
	}
	if len(out.moved) == 0 {
		return starlark.None, in.host.Send(to, out.env)
	}
	return starlark.None, out.send(to.String(), func() error { return in.host.Send(to, out.env) })
}

// unpackReply is reply's UnpackArgs (see unpackSend).
func unpackReply(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (value, transfer starlark.Value, err error) {
	err = starlark.UnpackArgs(b.Name(), args, kwargs, "value", &value, "transfer?", &transfer)
	return value, transfer, err
}

// requestCall is a parsed request(...) or ask(...): to, msg, timeout= and transfer=.
type requestCall struct {
	in      *Instance
	to      serialize.Address
	timeout time.Duration
	out     outgoing
}

func parseRequest(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (requestCall, error) {
	var rc requestCall
	in, err := instanceOf(thread, b)
	if err != nil {
		return rc, err
	}
	var to, msg, timeout, transfer starlark.Value
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "to", &to, "msg", &msg, "timeout?", &timeout, "transfer?", &transfer); err != nil {
		return rc, err
	}
	rc.in = in
	if rc.to, err = address(b.Name(), "to", to); err != nil {
		return rc, err
	}
	if rc.timeout, err = seconds(b.Name(), timeout); err != nil {
		return rc, err
	}
	rc.out, err = in.encode("msg", msg, transfer)
	return rc, err
}

func builtinRequest(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	rc, err := parseRequest(thread, b, args, kwargs)
	if err != nil {
		return nil, err
	}
	var answer serialize.Envelope
	err = rc.out.send(rc.to.String(), func() (err error) {
		answer, err = rc.in.host.Request(rc.to, rc.out.env, rc.timeout)
		return err
	})
	if err != nil {
		return nil, err
	}
	return rc.in.decode(answer)
}

func builtinAsk(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	rc, err := parseRequest(thread, b, args, kwargs)
	if err != nil {
		return nil, err
	}
	var f Future
	err = rc.out.send(rc.to.String(), func() (err error) {
		f, err = rc.in.host.Ask(rc.to, rc.out.env, rc.timeout)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &future{in: rc.in, to: rc.to, f: f}, nil
}

func builtinRecv(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	in, err := instanceOf(thread, b)
	if err != nil {
		return nil, err
	}
	var timeout starlark.Value
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "timeout?", &timeout); err != nil {
		return nil, err
	}
	d, err := seconds(b.Name(), timeout)
	if err != nil {
		return nil, err
	}
	env, err := in.host.Recv(d)
	if err != nil {
		return nil, err
	}
	return in.decode(env)
}

func builtinSpawn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	in, err := instanceOf(thread, b)
	if err != nil {
		return nil, err
	}
	if len(args) == 0 {
		return nil, errors.New("spawn: missing the script to run")
	}
	script, ok := starlark.AsString(args[0])
	if !ok {
		return nil, fmt.Errorf("spawn: script must be a path string, not %s", args[0].Type())
	}
	var opts SpawnOptions
	var transfer starlark.Value
	if len(kwargs) > 0 { // apart: UnpackArgs's pointers would put every option on the heap on every spawn
		if opts, transfer, err = spawnKeywords(b, kwargs); err != nil {
			return nil, err
		}
	}
	out, err := in.encode("args", args[1:], transfer)
	if err != nil {
		return nil, err
	}
	if len(out.moved) == 0 { // the common case: no closure, no description
		pid, err := in.host.Spawn(script, out.env, opts)
		if err != nil {
			return nil, err
		}
		return pid, nil
	}
	var pid serialize.Address
	err = out.send("a new "+script+" actor", func() (err error) {
		pid, err = in.host.Spawn(script, out.env, opts)
		return err
	})
	if err != nil {
		return nil, err
	}
	return pid, nil
}

// spawnKeywords reads spawn's keyword arguments: the options, and transfer=.
func spawnKeywords(b *starlark.Builtin, kwargs []starlark.Tuple) (SpawnOptions, starlark.Value, error) {
	var w workerArgs
	var transfer starlark.Value
	if err := starlark.UnpackArgs(b.Name(), nil, kwargs, append([]any{"name?", &w.opts.Name, "transfer?", &transfer,
		"node?", &w.opts.Node}, w.pairs()...)...); err != nil {
		return SpawnOptions{}, nil, err
	}
	opts, err := w.options(b.Name())
	return opts, transfer, err
}

func builtinStop(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	in, err := instanceOf(thread, b)
	if err != nil {
		return nil, err
	}
	var pid starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "pid?", &pid); err != nil {
		return nil, err
	}
	target := in.host.Self()
	if pid != starlark.None {
		if target, err = address(b.Name(), "pid", pid); err != nil {
			return nil, err
		}
	}
	return starlark.None, in.host.Stop(target)
}

var logLevels = map[string]slog.Level{
	"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError,
}

func builtinLog(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	in, err := instanceOf(thread, b)
	if err != nil {
		return nil, err
	}
	level := "info"
	if err := starlark.UnpackArgs(b.Name(), nil, kwargs, "level?", &level); err != nil {
		return nil, err
	}
	lv, ok := logLevels[level]
	if !ok {
		return nil, fmt.Errorf("log: level must be one of debug, info, warn, error; got %q", level)
	}
	var sb strings.Builder
	for i, a := range args {
		if i > 0 {
			sb.WriteByte(' ')
		}
		if s, ok := starlark.AsString(a); ok {
			sb.WriteString(s)
		} else {
			sb.WriteString(a.String())
		}
	}
	in.host.Log(lv, sb.String())
	return starlark.None, nil
}

func builtinWatch(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	in, err := instanceOf(thread, b)
	if err != nil {
		return nil, err
	}
	var pid starlark.Value
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "pid", &pid); err != nil {
		return nil, err
	}
	addr, err := address(b.Name(), "pid", pid)
	if err != nil {
		return nil, err
	}
	return starlark.None, in.host.Watch(addr)
}

func builtinAfter(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	in, err := instanceOf(thread, b)
	if err != nil {
		return nil, err
	}
	var delay, msg starlark.Value
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "seconds", &delay, "msg", &msg); err != nil {
		return nil, err
	}
	d, err := seconds(b.Name(), delay)
	if err != nil {
		return nil, err
	}
	out, err := in.encode("msg", msg, nil)
	if err != nil {
		return nil, err
	}
	cancel, err := in.host.After(d, out.env)
	if err != nil {
		return nil, err
	}
	return &timer{cancel: cancel, d: d}, nil
}

// timer is the value after() returns: t.cancel() stops it and reports
// whether it did so before the message was delivered.
type timer struct {
	cancel func() bool
	d      time.Duration
}

func (t *timer) String() string        { return fmt.Sprintf("<timer %v>", t.d) }
func (t *timer) Type() string          { return "timer" }
func (t *timer) Freeze()               {}
func (t *timer) Truth() starlark.Bool  { return starlark.True }
func (t *timer) Hash() (uint32, error) { return 0, errors.New("unhashable type: timer") }
func (t *timer) AttrNames() []string   { return []string{"cancel"} }

func (t *timer) Attr(name string) (starlark.Value, error) {
	if name != "cancel" {
		return nil, nil
	}
	return starlark.NewBuiltin("cancel", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
			return nil, err
		}
		return starlark.Bool(t.cancel()), nil
	}), nil
}

// nodes() returns the list of the other nodes this actor's system knows,
// as "host:port" strings: where spawn(node=) and pool(nodes=) can start actors.
func builtinNodes(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	in, err := instanceOf(thread, b)
	if err != nil {
		return nil, err
	}
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	nodes := in.host.Nodes()
	out := make([]starlark.Value, len(nodes))
	for i, n := range nodes {
		out[i] = starlark.String(n)
	}
	return starlark.NewList(out), nil
}
