// This file holds the Python builtins Starlark lacks or narrows, with
// Python 3's semantics: their table, and map, filter, min, max, enumerate
// and sorted with Python's keyword arguments (the numeric ones are in
// python_numbers.go).

package interp

import (
	"errors"
	"fmt"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// pythonBuiltins are predeclared for every script; the names Starlark's
// universe also has (min, max, enumerate, sorted) shadow it. They keep no
// state, so any number of interpreters may call them at once.
var pythonBuiltins = starlark.StringDict{
	"sum":       starlark.NewBuiltin("sum", pySum),
	"divmod":    starlark.NewBuiltin("divmod", pyDivmod),
	"round":     starlark.NewBuiltin("round", pyRound),
	"map":       starlark.NewBuiltin("map", pyMap),
	"filter":    starlark.NewBuiltin("filter", pyFilter),
	"min":       starlark.NewBuiltin("min", pyMinMax),
	"max":       starlark.NewBuiltin("max", pyMinMax),
	"enumerate": starlark.NewBuiltin("enumerate", pyEnumerate),
	"sorted":    starlark.NewBuiltin("sorted", pySorted),
	"int":       starlark.NewBuiltin("int", pyInt), // int.go
}

// addPython puts the Python builtins into d.
func addPython(d starlark.StringDict) {
	for name, b := range pythonBuiltins {
		d[name] = b
	}
}

// checkpoint is a Starlark function that does nothing. A builtin that loops
// in Go calls it every checkEvery items, so that the loop counts toward the
// step limit and stops when its thread is cancelled: sum(range(1 << 40))
// cannot run on unchecked. Frozen, it is safe to call from any thread.
var checkpoint = func() starlark.Value {
	globals, err := starlark.ExecFileOptions(&syntax.FileOptions{}, &starlark.Thread{Name: "init"},
		"<builtin>", "def checkpoint():\n    pass\n", nil)
	if err != nil {
		panic(err) // a constant script
	}
	globals.Freeze()
	return globals["checkpoint"]
}()

const checkEvery = 256

// check calls checkpoint when item i is a multiple of checkEvery.
func check(thread *starlark.Thread, i int) error {
	if i%checkEvery != checkEvery-1 {
		return nil
	}
	_, err := starlark.Call(thread, checkpoint, nil, nil)
	return err
}

// pyMap is map(function, iterable, *iterables): function applied to the
// items of the iterables taken together, up to the shortest, as a list.
func pyMap(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := noKeywords(b, kwargs); err != nil {
		return nil, err
	}
	if len(args) < 2 {
		return nil, errors.New("map: want a function and at least one iterable")
	}
	fn, ok := args[0].(starlark.Callable)
	if !ok {
		return nil, fmt.Errorf("map: got %s, want a function", args[0].Type())
	}
	iters := make([]starlark.Iterator, 0, len(args)-1)
	defer func() {
		for _, it := range iters {
			it.Done()
		}
	}()
	for i, a := range args[1:] {
		it, err := iterate(b, fmt.Sprintf("argument %d: ", i+2), a, "")
		if err != nil {
			return nil, err
		}
		iters = append(iters, it)
	}
	var out []starlark.Value
	for i := 0; ; i++ {
		if err := check(thread, i); err != nil {
			return nil, err
		}
		call := make(starlark.Tuple, len(iters))
		for j, it := range iters {
			if !it.Next(&call[j]) {
				return starlark.NewList(out), nil
			}
		}
		v, err := starlark.Call(thread, fn, call, nil)
		if err != nil {
			return nil, err // the function's own error, with its traceback
		}
		out = append(out, v)
	}
}

// pyFilter is filter(function, iterable): the items for which function is
// true (the true items when function is None), as a list.
func pyFilter(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var fn, iterable starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &fn, &iterable); err != nil {
		return nil, err
	}
	pred, ok := fn.(starlark.Callable)
	if !ok && fn != starlark.None {
		return nil, fmt.Errorf("filter: got %s, want a function or None", fn.Type())
	}
	iter, err := iterate(b, "", iterable, "")
	if err != nil {
		return nil, err
	}
	defer iter.Done()
	var out []starlark.Value
	var x starlark.Value
	for i := 0; iter.Next(&x); i++ {
		if err := check(thread, i); err != nil {
			return nil, err
		}
		keep := x
		if pred != nil {
			v, err := starlark.Call(thread, pred, starlark.Tuple{x}, nil)
			if err != nil {
				return nil, err
			}
			keep = v
		}
		if keep.Truth() {
			out = append(out, x)
		}
	}
	return starlark.NewList(out), nil
}

// pyMinMax is min and max: min(iterable, key=None, default=...) or
// min(a, b, *more, key=None); the first of equal extremes wins.
func pyMinMax(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var keyArg, def starlark.Value
	if err := starlark.UnpackArgs(b.Name(), nil, kwargs, "key?", &keyArg, "default?", &def); err != nil {
		return nil, err
	}
	key, err := keyFunc(b, keyArg)
	if err != nil {
		return nil, err
	}
	var seq starlark.Value = args
	switch {
	case len(args) == 0:
		return nil, fmt.Errorf("%s: want an iterable or two or more arguments", b.Name())
	case len(args) == 1:
		seq = args[0]
	case def != nil:
		return nil, fmt.Errorf("%s: default= is for one iterable, not %d arguments", b.Name(), len(args))
	}
	iter, err := iterate(b, "", seq, " or two or more arguments")
	if err != nil {
		return nil, err
	}
	defer iter.Done()
	op := syntax.LT
	if b.Name() == "max" {
		op = syntax.GT
	}
	var best, bestKey, x starlark.Value
	for i := 0; iter.Next(&x); i++ {
		if err := check(thread, i); err != nil {
			return nil, err
		}
		k := x
		if key != nil {
			if k, err = starlark.Call(thread, key, starlark.Tuple{x}, nil); err != nil {
				return nil, err
			}
		}
		if best == nil {
			best, bestKey = x, k
			continue
		}
		better, err := starlark.Compare(op, k, bestKey)
		if err != nil {
			return nil, fmt.Errorf("%s: item %d: %v", b.Name(), i, err)
		}
		if better {
			best, bestKey = x, k
		}
	}
	switch {
	case best != nil:
		return best, nil
	case def != nil:
		return def, nil
	}
	return nil, fmt.Errorf("%s: empty sequence and no default= given", b.Name())
}

// keyFunc returns the function of a key= argument, nil for none or None.
func keyFunc(b *starlark.Builtin, v starlark.Value) (starlark.Callable, error) {
	if v == nil || v == starlark.None {
		return nil, nil
	}
	f, ok := v.(starlark.Callable)
	if !ok {
		return nil, fmt.Errorf("%s: key= must be a function, not %s", b.Name(), v.Type())
	}
	return f, nil
}

// pyEnumerate is enumerate(iterable, start=0), as a list of pairs.
func pyEnumerate(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var iterable starlark.Value
	var startArg starlark.Value = starlark.MakeInt(0)
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "iterable", &iterable, "start?", &startArg); err != nil {
		return nil, err
	}
	n, ok := startArg.(starlark.Int)
	if !ok {
		return nil, fmt.Errorf("enumerate: start= must be an int, not %s", startArg.Type())
	}
	iter, err := iterate(b, "", iterable, "")
	if err != nil {
		return nil, err
	}
	defer iter.Done()
	var out []starlark.Value
	if l := starlark.Len(iterable); l > 0 {
		out = make([]starlark.Value, 0, l)
	}
	one := starlark.MakeInt(1)
	var x starlark.Value
	for i := 0; iter.Next(&x); i++ {
		if err := check(thread, i); err != nil {
			return nil, err
		}
		out = append(out, starlark.Tuple{n, x})
		n = n.Add(one)
	}
	return starlark.NewList(out), nil
}

// universeSorted is Starlark's sorted, which pySorted calls.
var universeSorted = starlark.Universe["sorted"].(*starlark.Builtin)

// pySorted is Starlark's sorted(iterable, key=None, reverse=False), which
// also takes key=None, as Python's does.
func pySorted(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var iterable, keyArg, reverse starlark.Value
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "iterable", &iterable, "key?", &keyArg, "reverse?", &reverse); err != nil {
		return nil, err
	}
	key, err := keyFunc(b, keyArg)
	if err != nil {
		return nil, err
	}
	var kw []starlark.Tuple
	if key != nil {
		kw = append(kw, starlark.Tuple{starlark.String("key"), key})
	}
	if reverse != nil {
		kw = append(kw, starlark.Tuple{starlark.String("reverse"), reverse})
	}
	// Called in this builtin's frame: the traceback shows one sorted.
	v, err := universeSorted.CallInternal(thread, starlark.Tuple{iterable}, kw)
	var ee *starlark.EvalError
	if err != nil && !errors.As(err, &ee) && !strings.HasPrefix(err.Error(), "sorted: ") {
		return nil, fmt.Errorf("sorted: %w", err) // sorted's own error (not its key's): name it
	}
	return v, err
}

// iterate returns an iterator over v, or an error that names the builtin
// and the argument (what, e.g. "argument 2: ") and, for a string, says how
// to iterate over its characters. The caller must call Done.
func iterate(b *starlark.Builtin, what string, v starlark.Value, alt string) (starlark.Iterator, error) {
	if it := starlark.Iterate(v); it != nil {
		return it, nil
	}
	hint := ""
	if _, ok := v.(starlark.String); ok {
		hint = " (for a string's characters, use s.elems())"
	}
	return nil, fmt.Errorf("%s: %sgot %s, want an iterable%s%s", b.Name(), what, v.Type(), alt, hint)
}

// noKeywords refuses keyword arguments.
func noKeywords(b *starlark.Builtin, kwargs []starlark.Tuple) error {
	if len(kwargs) > 0 {
		return fmt.Errorf("%s: unexpected keyword argument %s", b.Name(), kwargs[0][0])
	}
	return nil
}
