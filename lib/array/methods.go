// The array's methods: reductions, sorting, histograms, conversions.

package array

import (
	"fmt"
	"math"

	"go.starlark.net/starlark"
)

type method = func(a *Array, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error)

func builtin(name string, m method) *starlark.Builtin {
	return starlark.NewBuiltin(name, func(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		a := fn.Receiver().(*Array)
		if err := a.check(); err != nil { // transferred since the method was bound
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return m(a, fn, args, kwargs)
	})
}

var methods = map[string]*starlark.Builtin{
	"sum":       builtin("sum", noArgs(func(a *Array) (starlark.Value, error) { return a.v.sum(), nil })),
	"min":       builtin("min", noArgs(func(a *Array) (starlark.Value, error) { return a.extreme("min", false) })),
	"max":       builtin("max", noArgs(func(a *Array) (starlark.Value, error) { return a.extreme("max", true) })),
	"mean":      builtin("mean", noArgs(mean)),
	"tolist":    builtin("tolist", noArgs(func(a *Array) (starlark.Value, error) { return starlark.NewList(a.v.list()), nil })),
	"copy":      builtin("copy", noArgs(func(a *Array) (starlark.Value, error) { return &Array{dt: a.dt, v: a.v.clone()}, nil })),
	"argsort":   builtin("argsort", noArgs(func(a *Array) (starlark.Value, error) { return &Array{dt: i64, v: a.v.argsort()}, nil })),
	"sort":      builtin("sort", noArgs(sortArray)),
	"dot":       builtin("dot", dot),
	"fill":      builtin("fill", fill),
	"astype":    builtin("astype", astype),
	"histogram": builtin("histogram", histogram),
}

// noArgs makes a method of one without arguments.
func noArgs(f func(a *Array) (starlark.Value, error)) method {
	return func(a *Array, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackPositionalArgs(fn.Name(), args, kwargs, 0); err != nil {
			return nil, err
		}
		return f(a)
	}
}

// extreme is a.min() or a.max(): nan if there is a nan.
func (a *Array) extreme(name string, max bool) (starlark.Value, error) {
	if a.v.Len() == 0 {
		return nil, fmt.Errorf("%s: the array is empty", name)
	}
	return a.v.minmax(max), nil
}

// a.mean(): the average, a float.
func mean(a *Array) (starlark.Value, error) {
	if a.v.Len() == 0 {
		return nil, fmt.Errorf("mean: the array is empty")
	}
	return starlark.Float(a.v.mean()), nil
}

// a.sort(): sorts in place, ascending (nans first).
func sortArray(a *Array) (starlark.Value, error) {
	if err := a.checkWrite(); err != nil {
		return nil, fmt.Errorf("sort: %w", err)
	}
	a.v.sort()
	return starlark.None, nil
}

// a.dot(b): the sum of the products of the elements of a and b, which must
// have a's dtype and length: a float, or an int of any size.
func dot(a *Array, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var b *Array
	if err := starlark.UnpackPositionalArgs(fn.Name(), args, kwargs, 1, &b); err != nil {
		return nil, err
	}
	if err := b.check(); err != nil {
		return nil, fmt.Errorf("dot: %w", err)
	}
	if b.dt != a.dt {
		return nil, fmt.Errorf("dot: dtypes differ (%s and %s); convert one with astype()", a.dt.name, b.dt.name)
	}
	if a.v.Len() != b.v.Len() {
		return nil, fmt.Errorf("dot: lengths differ (%d and %d)", a.v.Len(), b.v.Len())
	}
	return a.v.dot(b.v), nil
}

// a.fill(x): sets every element to x, checked against the dtype.
func fill(a *Array, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value
	if err := starlark.UnpackPositionalArgs(fn.Name(), args, kwargs, 1, &x); err != nil {
		return nil, err
	}
	if err := a.checkWrite(); err != nil {
		return nil, fmt.Errorf("fill: %w", err)
	}
	c, err := a.dt.convert(x)
	if err != nil {
		return nil, fmt.Errorf("fill: %w", err)
	}
	a.v.fill(c)
	return starlark.None, nil
}

// a.astype(dtype): a new array of dtype holding a's elements; a float
// becomes an integer by truncation toward zero, and an element out of the
// new dtype's range is an error.
func astype(a *Array, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var name string
	if err := starlark.UnpackPositionalArgs(fn.Name(), args, kwargs, 1, &name); err != nil {
		return nil, err
	}
	d, err := lookup(fn.Name(), name)
	if err != nil {
		return nil, err
	}
	v, err := a.v.convert(d, fn.Name())
	if err != nil {
		return nil, err
	}
	return &Array{dt: d, v: v}, nil
}

// maxBins bounds a histogram's bins (128 MiB of counts).
const maxBins = 1 << 24

// a.histogram(bins, lo=a.min(), hi=a.max()): an i64 array of bins counts
// of the elements in equal bins over [lo, hi], the last bin including hi,
// as numpy.histogram; elements outside [lo, hi] and nans are not counted.
func histogram(a *Array, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var bins int
	var loV, hiV starlark.Value = starlark.None, starlark.None
	if err := starlark.UnpackArgs(fn.Name(), args, kwargs, "bins", &bins, "lo?", &loV, "hi?", &hiV); err != nil {
		return nil, err
	}
	if bins < 1 || bins > maxBins {
		return nil, fmt.Errorf("histogram: bins must be between 1 and %d, got %d", maxBins, bins)
	}
	lo, hi, err := a.bounds(loV, hiV)
	if err != nil {
		return nil, err
	}
	return &Array{dt: i64, v: a.v.histogram(bins, lo, hi)}, nil
}

// bounds returns histogram's range: lo and hi as given, or the array's
// smallest and largest element (widened by 0.5 each way when equal).
func (a *Array) bounds(loV, hiV starlark.Value) (lo, hi float64, err error) {
	given := func(name string, v starlark.Value) (float64, bool, error) {
		if v == starlark.None {
			return 0, false, nil
		}
		f, ok := starlark.AsFloat(v)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false, fmt.Errorf("histogram: %s must be a finite number, not %s", name, v)
		}
		return f, true, nil
	}
	lo, hasLo, err := given("lo", loV)
	if err != nil {
		return 0, 0, err
	}
	hi, hasHi, err := given("hi", hiV)
	if err != nil {
		return 0, 0, err
	}
	if !hasLo || !hasHi {
		if a.v.Len() == 0 {
			return 0, 0, fmt.Errorf("histogram: an empty array needs lo and hi")
		}
		mn, _ := starlark.AsFloat(a.v.minmax(false))
		mx, _ := starlark.AsFloat(a.v.minmax(true))
		if math.IsNaN(mn) || math.IsInf(mn, 0) || math.IsInf(mx, 0) {
			return 0, 0, fmt.Errorf("histogram: the array holds nan or inf; give lo and hi")
		}
		if mn == mx && !hasLo && !hasHi {
			mn, mx = mn-0.5, mx+0.5
		}
		if !hasLo {
			lo = mn
		}
		if !hasHi {
			hi = mx
		}
	}
	if !(lo < hi) || math.IsInf(hi-lo, 0) {
		return 0, 0, fmt.Errorf("histogram: lo (%v) must be less than hi (%v), and hi - lo finite", lo, hi)
	}
	return lo, hi, nil
}
