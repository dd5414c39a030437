// This file holds the builtins that start, stop and follow actors: self(),
// spawn(), stop(), watch() and nodes().

package interp

import (
	"errors"
	"fmt"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/serialize"
)

// self() returns this actor's address.
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

// spawn(script, *args, name=, node=, transfer=[], and the supervision and
// limit options of workerArgs) starts a child actor running script with
// init(*args) and returns its address.
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

// stop(pid=None) stops the actor or pool at pid, or this actor (after the
// current message) when pid is None.
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

// watch(pid) asks for a {"event": "terminated", ...} message when the
// actor at pid ends.
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
