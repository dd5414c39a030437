// This file holds the parallel builtins: pool() and pmap().

package interp

import (
	"errors"
	"fmt"
	"time"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/serialize"
)

// pool(script, *args, size=0, routing="round_robin", key="", name="",
// nodes=[], and spawn's supervision and limit options) starts N actors of
// script (children of the caller) behind one address.
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
	var w workerArgs
	if err := starlark.UnpackArgs(b.Name(), nil, kwargs, append([]any{"size?", &opts.Size, "routing?", &opts.Routing,
		"key?", &opts.Key, "name?", &opts.Name, "nodes?", &nodes}, w.pairs()...)...); err != nil {
		return nil, err
	}
	if opts.Worker, err = w.options(b.Name()); err != nil {
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

// workerArgs are the keyword arguments of spawn() and pool() that say how
// an actor is supervised and bounded.
type workerArgs struct {
	opts                                            SpawnOptions
	maxSteps                                        int
	within, backoff, receiveTimeout, messageTimeout starlark.Value
}

// pairs returns the names and destinations for starlark.UnpackArgs.
func (w *workerArgs) pairs() []any {
	return []any{"max_steps?", &w.maxSteps, "strategy?", &w.opts.Strategy, "max_restarts?", &w.opts.MaxRestarts,
		"within?", &w.within, "backoff?", &w.backoff, "escalate?", &w.opts.Escalate,
		"receive_timeout?", &w.receiveTimeout, "message_timeout?", &w.messageTimeout,
		"mailbox_size?", &w.opts.MailboxSize, "mailbox_policy?", &w.opts.MailboxPolicy, "record?", &w.opts.Record}
}

// options checks the arguments unpacked for the builtin fn and returns them.
func (w *workerArgs) options(fn string) (SpawnOptions, error) {
	if w.maxSteps < 0 || w.opts.MaxRestarts < 0 || w.opts.MailboxSize < 0 {
		return SpawnOptions{}, fmt.Errorf("%s: max_steps, max_restarts and mailbox_size must not be negative", fn)
	}
	if w.opts.Record < 0 {
		return SpawnOptions{}, fmt.Errorf("%s: record must not be negative, got %d", fn, w.opts.Record)
	}
	opts := w.opts
	opts.MaxSteps = uint64(w.maxSteps)
	for _, d := range []struct {
		v   starlark.Value
		dst *time.Duration
	}{{w.within, &opts.Within}, {w.backoff, &opts.Backoff}, {w.receiveTimeout, &opts.ReceiveTimeout},
		{w.messageTimeout, &opts.MessageTimeout}} {
		var err error
		if *d.dst, err = seconds(fn, d.v); err != nil {
			return SpawnOptions{}, err
		}
	}
	return opts, nil
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
	var bodies []serialize.Payload
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
		if pool, err = in.host.Pool(string(t), serialize.Payload{}, PoolOptions{}); err != nil {
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
