// This file holds the messaging builtins: sender(), send(), reply(),
// request(), ask() and recv().

package interp

import (
	"errors"
	"time"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/serialize"
)

// sender() returns who sent the current message (for a request, its
// reply address), or None.
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

// send(to, msg, transfer=[]) delivers msg to the actor at to, fire and forget.
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

// reply(value, transfer=[]) answers the current message: it sends value
// to sender(), and fails when there is none.
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

// parseRequest reads the arguments of request(...) or ask(...) and
// encodes the message.
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

// request(to, msg, timeout=None, transfer=[]) sends msg to the actor at
// to and returns its answer, waiting for it.
func builtinRequest(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	rc, err := parseRequest(thread, b, args, kwargs)
	if err != nil {
		return nil, err
	}
	var answer serialize.Payload
	err = rc.out.send(rc.to.String(), func() (err error) {
		answer, err = rc.in.host.Request(rc.to, rc.out.env, rc.timeout)
		return err
	})
	if err != nil {
		return nil, err
	}
	return rc.in.decode(answer)
}

// ask(to, msg, timeout=None, transfer=[]) sends msg to the actor at to
// and returns at once a future of the answer.
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

// recv(timeout=None) returns the next message sent to this actor, for a
// main that consumes its own mailbox.
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
