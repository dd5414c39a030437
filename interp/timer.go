// This file holds after() and the timer value it returns.

package interp

import (
	"errors"
	"fmt"
	"time"

	"go.starlark.net/starlark"
)

// after(seconds, msg) delivers msg to this actor after seconds and
// returns a timer.
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
