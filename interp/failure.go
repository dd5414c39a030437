// This file holds failures as values: the error type scripts see, catch(),
// and the error of a failed pmap item.

package interp

import (
	"errors"
	"fmt"
	"strings"

	"go.starlark.net/starlark"
)

// errorValue is a failure handed to a script as a value: catch(),
// f.exception(), and gather(...) or pmap(...) with return_exceptions=True
// return it. It is truthy (None means success), cannot be sent, and has
//
//	e.message    the error text, as the call would have failed with it
//	e.kind       what failed: "timeout", "failed" (the target's script failed
//	             on the request), "stopped", "no_actor", "unreachable",
//	             "no_reply", "mailbox_full", "shutdown"..., the Kind of the
//	             first KindError in the chain; "error" for anything else
//	             (a fail() or a type error in the code catch ran)
//	e.traceback  the Starlark traceback of the script that failed: the
//	             target's for a failed request on this node, the caught
//	             code's for catch(); "" when there is none (a timeout)
//	e.index      the item's index for a failed pmap item, else None
type errorValue struct{ err error }

func newErrorValue(err error) *errorValue { return &errorValue{err: err} }

var _ starlark.HasAttrs = (*errorValue)(nil)

func (e *errorValue) String() string        { return "error(" + starlark.String(e.message()).String() + ")" }
func (e *errorValue) Type() string          { return "error" }
func (e *errorValue) Freeze()               {}
func (e *errorValue) Truth() starlark.Bool  { return starlark.True }
func (e *errorValue) Hash() (uint32, error) { return starlark.String(e.message()).Hash() }
func (e *errorValue) AttrNames() []string   { return []string{"index", "kind", "message", "traceback"} }

func (e *errorValue) Attr(name string) (starlark.Value, error) {
	switch name {
	case "message":
		return starlark.String(e.message()), nil
	case "kind":
		if ke := (*KindError)(nil); errors.As(e.err, &ke) {
			return starlark.String(ke.Kind), nil
		}
		return starlark.String("error"), nil
	case "traceback":
		if se := (*ScriptError)(nil); errors.As(e.err, &se) && se.Backtrace != "" {
			return starlark.String(se.Backtrace), nil
		}
		if ee := (*starlark.EvalError)(nil); errors.As(e.err, &ee) {
			return starlark.String(ee.Backtrace()), nil
		}
		return starlark.String(""), nil
	case "index":
		if ie := (*itemError)(nil); errors.As(e.err, &ie) {
			return starlark.MakeInt(ie.index), nil
		}
		return starlark.None, nil
	}
	return nil, nil
}

// message is the error's text without a traceback of this script around it.
func (e *errorValue) message() string {
	if ee := (*starlark.EvalError)(nil); errors.As(e.err, &ee) {
		return ee.Msg
	}
	return e.err.Error()
}

// catch(fn, *args, **kwargs) calls fn and returns (value, None), or
// (None, error) when it fails: Starlark has no try/except, so this is how a
// script handles a failure of its own code or of a request. It never
// catches the end of its actor: the step limit, and a cancelled
// interpreter (Stop, Shutdown, message_timeout) still fail it, and a Go
// builtin's panic is not recovered.
func builtinCatch(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) == 0 {
		return nil, errors.New("catch: missing the function to call")
	}
	fn, ok := args[0].(starlark.Callable)
	if !ok {
		return nil, fmt.Errorf("catch: fn must be callable, not %s", args[0].Type())
	}
	v, err := starlark.Call(thread, fn, args[1:], kwargs)
	if err == nil {
		return starlark.Tuple{v, starlark.None}, nil
	}
	if ending(thread, err) {
		return nil, err
	}
	return starlark.Tuple{starlark.None, newErrorValue(err)}, nil
}

// ending reports whether err ends the actor rather than a call: this
// thread cancelled by its instance (the step limit, Stop, Shutdown,
// message_timeout), or a host error that says this actor is being stopped
// (one wrapping ErrCancelled outside any other script's failure). A
// library's thread cancelled by its step limit needs no check: a cancelled
// thread fails again at its next step.
func ending(thread *starlark.Thread, err error) bool {
	if ownCancel(err) {
		return true
	}
	in := threadInstance(thread)
	return in != nil && in.cancellation() != nil
}

// ownCancel is errors.Is(err, ErrCancelled) that does not look inside a
// *ScriptError: one in the chain is the failure of another script (a
// request's target, cancelled or out of steps), which catch hands back.
func ownCancel(err error) bool {
	switch e := err.(type) {
	case nil, *ScriptError:
		return false
	case interface{ Is(error) bool }:
		if e.Is(ErrCancelled) {
			return true
		}
	}
	if err == ErrCancelled {
		return true
	}
	switch e := err.(type) {
	case interface{ Unwrap() error }:
		return ownCancel(e.Unwrap())
	case interface{ Unwrap() []error }:
		for _, x := range e.Unwrap() {
			if ownCancel(x) {
				return true
			}
		}
	}
	return false
}

// itemError is the failure of one pmap item: its index, the indexes of the
// other items that failed (for pmap's own error), and the cause.
type itemError struct {
	index  int
	others []int
	err    error
}

func (e *itemError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pmap item %d failed", e.index)
	if len(e.others) > 0 {
		fmt.Fprintf(&b, " (and %d more: ", len(e.others))
		for i, o := range e.others {
			if i == 5 {
				b.WriteString(", ...")
				break
			}
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprint(&b, o)
		}
		b.WriteByte(')')
	}
	b.WriteString(": ")
	b.WriteString(e.err.Error())
	return b.String()
}

func (e *itemError) Unwrap() error { return e.err }
