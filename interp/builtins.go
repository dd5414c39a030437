// This file holds the table of builtins every script sees, what they share
// (finding the instance, encoding a message and moving its buffers,
// addresses and timeouts), and log().

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
	env   serialize.Payload
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
func (in *Instance) decode(env serialize.Payload) (starlark.Value, error) {
	return in.mod.engine.opts.Limits.DecodeStarlarkTransfer(env.Body, env.Buffers, wrapBuffer)
}

// wrapBuffer makes a Buffer of the memory of a received buffer.
func wrapBuffer(data []byte) starlark.Value { return NewBuffer(data) }

// address returns v, the argument param of the builtin fn, as an address.
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

var logLevels = map[string]slog.Level{
	"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError,
}

// log(*args, level="info") writes args, separated by spaces, to the
// system's logger.
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
