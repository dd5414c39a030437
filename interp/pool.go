// This file holds the parallel builtins: pool() and pmap().

package interp

import (
	"errors"
	"fmt"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/serialize"
)

// pool(script, *args, size=0, routing="round_robin", key="", name="")
// starts N actors of script (children of the caller) behind one address.
func builtinPool(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	in, err := instanceOf(thread, b)
	if err != nil {
		return nil, err
	}
	if len(args) == 0 {
		return nil, errors.New("pool: missing the script to run")
	}
	script, ok := starlark.AsString(args[0])
	if !ok {
		return nil, fmt.Errorf("pool: script must be a path string, not %s", args[0].Type())
	}
	var opts PoolOptions
	var nodes *starlark.List
	if err := starlark.UnpackArgs(b.Name(), nil, kwargs, "size?", &opts.Size, "routing?", &opts.Routing,
		"key?", &opts.Key, "name?", &opts.Name, "nodes?", &nodes); err != nil {
		return nil, err
	}
	for i := 0; nodes != nil && i < nodes.Len(); i++ {
		n, ok := starlark.AsString(nodes.Index(i))
		if !ok {
			return nil, fmt.Errorf("pool: nodes[%d] must be a node address string, not %s", i, nodes.Index(i).Type())
		}
		opts.Nodes = append(opts.Nodes, n)
	}
	if opts.Size < 0 {
		return nil, fmt.Errorf("pool: size must not be negative, got %d", opts.Size)
	}
	out, err := in.encode("args", args[1:], nil)
	if err != nil {
		return nil, err
	}
	return in.host.Pool(script, out.env, opts)
}

// pmap(target, items, timeout=None, return_exceptions=False) sends every
// item to a pool (an address from pool(), or a script path, for which a
// pool of one worker per core lives for the call) and returns the answers
// in input order. A failed item fails pmap with its index and traceback
// ("pmap item 3 failed: ...", naming the other items that failed too), or,
// with return_exceptions=True, stands in the list as an error value whose
// e.index is its index.
func builtinPmap(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	in, err := instanceOf(thread, b)
	if err != nil {
		return nil, err
	}
	var target, timeout starlark.Value
	var items starlark.Iterable
	var returnExceptions bool
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "target", &target, "items", &items,
		"timeout?", &timeout, "return_exceptions?", &returnExceptions); err != nil {
		return nil, err
	}
	d, err := seconds(b.Name(), timeout)
	if err != nil {
		return nil, err
	}
	var bodies []serialize.Envelope
	iter := items.Iterate()
	defer iter.Done()
	var x starlark.Value
	for i := 0; iter.Next(&x); i++ {
		out, err := in.encode(fmt.Sprintf("items[%d]", i), x, nil)
		if err != nil {
			return nil, err
		}
		bodies = append(bodies, out.env)
	}
	var pool serialize.Address
	switch t := target.(type) {
	case serialize.Address:
		pool = t
	case starlark.String:
		if pool, err = in.host.Pool(string(t), serialize.Envelope{}, PoolOptions{}); err != nil {
			return nil, err
		}
		defer in.host.Stop(pool)
	default:
		return nil, fmt.Errorf("pmap: target must be a pool address or a script path, not %s", target.Type())
	}
	answers, errs, err := in.host.Map(pool, bodies, d)
	if err != nil {
		return nil, err
	}
	results := make([]starlark.Value, len(answers))
	var failed []int
	for i := range answers {
		if errs[i] == nil {
			if results[i], errs[i] = in.decode(answers[i]); errs[i] == nil {
				continue
			}
		}
		if returnExceptions {
			results[i] = newErrorValue(&itemError{index: i, err: errs[i]})
		}
		failed = append(failed, i)
	}
	if len(failed) > 0 && !returnExceptions {
		return nil, &itemError{index: failed[0], others: failed[1:], err: errs[failed[0]]}
	}
	return starlark.NewList(results), nil
}
