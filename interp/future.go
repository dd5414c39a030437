// This file holds the future value that ask() returns, and gather().

package interp

import (
	"fmt"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/serialize"
)

// future is the Starlark value of a pending ask(). It belongs to the actor
// that asked and cannot be sent.
type future struct {
	in    *Instance
	to    serialize.Address
	f     Future
	done  bool
	value starlark.Value
	err   error
}

var _ starlark.HasAttrs = (*future)(nil)

func (f *future) String() string        { return fmt.Sprintf("<future of %s>", f.to.String()) }
func (f *future) Type() string          { return "future" }
func (f *future) Freeze()               {}
func (f *future) Truth() starlark.Bool  { return starlark.True }
func (f *future) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: future") }
func (f *future) AttrNames() []string   { return []string{"exception", "result"} }

func (f *future) Attr(name string) (starlark.Value, error) {
	switch name {
	case "result":
		return starlark.NewBuiltin("result", f.resultBuiltin), nil
	case "exception":
		return starlark.NewBuiltin("exception", f.exceptionBuiltin), nil
	}
	return nil, nil
}

// exception waits for the answer and returns None, or the failure as an
// error value (see errorValue): scripts have no try/except, so this is how
// a script handles a failed ask (as with Python's Future.exception()).
func (f *future) exceptionBuiltin(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs("exception", args, kwargs, 0); err != nil {
		return nil, err
	}
	if _, err := f.result(); err != nil {
		return newErrorValue(err), nil
	}
	return starlark.None, nil
}

func (f *future) resultBuiltin(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs("result", args, kwargs, 0); err != nil {
		return nil, err
	}
	return f.result()
}

// result waits for the answer once and keeps it.
func (f *future) result() (starlark.Value, error) {
	if !f.done {
		env, err := f.f.Result()
		if err == nil {
			f.value, err = f.in.decode(env)
		}
		f.done, f.err = true, err
	}
	return f.value, f.err
}

func builtinGather(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var futures starlark.Iterable
	var returnExceptions bool
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "futures", &futures, "return_exceptions?", &returnExceptions); err != nil {
		return nil, err
	}
	var results []starlark.Value
	iter := futures.Iterate()
	defer iter.Done()
	var v starlark.Value
	for i := 0; iter.Next(&v); i++ {
		f, ok := v.(*future)
		if !ok {
			return nil, fmt.Errorf("gather: futures[%d] is a %s, not a future from ask()", i, v.Type())
		}
		r, err := f.result()
		if err != nil && returnExceptions {
			r = newErrorValue(err)
		} else if err != nil {
			return nil, fmt.Errorf("gather: futures[%d]: %w", i, err)
		}
		results = append(results, r)
	}
	return starlark.NewList(results), nil
}
