// The elements of an array: a typed Go slice behind one interface, and the
// loops over it (reductions, sorting, histograms, conversions).

package array

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"slices"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// elems is an array's elements: a vec[T] for its dtype's T.
type elems interface {
	Len() int
	get(i int) starlark.Value
	put(i int, x number)
	fill(x number)
	slice(start, end, step int) elems
	clone() elems
	bytes() []byte // the memory, without a copy
	list() []starlark.Value
	sum() starlark.Value
	minmax(max bool) starlark.Value // on a non-empty vector
	mean() float64
	dot(y elems) starlark.Value // y has the same type and length
	sort()
	argsort() vec[int64]
	histogram(bins int, lo, hi float64) vec[int64]
	equal(y elems) bool
	has(x starlark.Value) bool
	convert(to *dtype, fn string) (elems, error)
	arith(d *dtype, op syntax.Token, y elems, c number, scalarLeft bool) (elems, error)
	data() any // the typed slice
}

// vec is the elements of an array whose dtype's Go type is T.
type vec[T Number] []T

func isFloat[T Number]() bool {
	var zero T
	switch any(zero).(type) {
	case float64, float32:
		return true
	}
	return false
}

func (v vec[T]) Len() int      { return len(v) }
func (v vec[T]) data() any     { return []T(v) }
func (v vec[T]) bytes() []byte { return bytesOf([]T(v)) }
func (v vec[T]) clone() elems  { return slices.Clone(v) }

func (v vec[T]) get(i int) starlark.Value {
	if isFloat[T]() {
		return starlark.Float(float64(v[i]))
	}
	return starlark.MakeInt64(int64(v[i]))
}

func (v vec[T]) put(i int, x number) {
	if isFloat[T]() {
		v[i] = T(x.f)
	} else {
		v[i] = T(x.i)
	}
}

func (v vec[T]) fill(x number) {
	var t T
	if isFloat[T]() {
		t = T(x.f)
	} else {
		t = T(x.i)
	}
	for i := range v {
		v[i] = t
	}
}

func (v vec[T]) slice(start, end, step int) elems {
	if step == 1 {
		return slices.Clone(v[start:end])
	}
	var out vec[T]
	for i := start; (step > 0 && i < end) || (step < 0 && i > end); i += step {
		out = append(out, v[i])
	}
	if out == nil {
		out = vec[T]{}
	}
	return out
}

func (v vec[T]) list() []starlark.Value {
	out := make([]starlark.Value, len(v))
	for i := range v {
		out[i] = v.get(i)
	}
	return out
}

// sum adds the elements: a float for a float dtype, else an int of any
// size (the running sum goes to big.Int only if it leaves int64).
func (v vec[T]) sum() starlark.Value {
	if isFloat[T]() {
		s := 0.0
		for _, x := range v {
			s += float64(x)
		}
		return starlark.Float(s)
	}
	var acc intSum
	for _, x := range v {
		acc.add(int64(x))
	}
	return acc.value()
}

func (v vec[T]) mean() float64 {
	s := 0.0
	for _, x := range v {
		s += float64(x)
	}
	return s / float64(len(v))
}

// minmax returns the smallest or largest element; NaN if there is one.
func (v vec[T]) minmax(max bool) starlark.Value {
	m := v[0]
	for _, x := range v {
		if x != x { // NaN
			return starlark.Float(math.NaN())
		}
		if (max && x > m) || (!max && x < m) {
			m = x
		}
	}
	return vec[T]{m}.get(0)
}

func (v vec[T]) dot(y elems) starlark.Value {
	w := y.(vec[T])
	if isFloat[T]() {
		s := 0.0
		for i, x := range v {
			s += float64(x) * float64(w[i])
		}
		return starlark.Float(s)
	}
	var acc intSum
	for i, x := range v {
		acc.addProduct(int64(x), int64(w[i]))
	}
	return acc.value()
}

// sort sorts in place, NaNs first (as cmp.Compare orders them).
func (v vec[T]) sort() { slices.Sort(v) }

// argsort returns the indices that sort v, equal elements in their order.
func (v vec[T]) argsort() vec[int64] {
	idx := make(vec[int64], len(v))
	for i := range idx {
		idx[i] = int64(i)
	}
	slices.SortStableFunc(idx, func(a, b int64) int { return cmp.Compare(v[a], v[b]) })
	return idx
}

// histogram counts the elements in bins equal bins over [lo, hi], the last
// one including hi; elements outside, and NaNs, are not counted.
func (v vec[T]) histogram(bins int, lo, hi float64) vec[int64] {
	counts := make(vec[int64], bins)
	scale := float64(bins) / (hi - lo)
	for _, x := range v {
		f := float64(x)
		if !(f >= lo && f <= hi) {
			continue
		}
		k := int((f - lo) * scale)
		if k >= bins {
			k = bins - 1
		}
		counts[k]++
	}
	return counts
}

// has reports whether an element equals the number x.
func (v vec[T]) has(x starlark.Value) bool {
	var f float64
	switch x := x.(type) {
	case starlark.Int:
		if i, ok := x.Int64(); ok && !isFloat[T]() {
			return slices.ContainsFunc(v, func(e T) bool { return int64(e) == i })
		}
		f = float64(x.Float())
	case starlark.Float:
		f = float64(x)
	default:
		return false
	}
	return slices.ContainsFunc(v, func(e T) bool { return float64(e) == f })
}

func (v vec[T]) equal(y elems) bool {
	w, ok := y.(vec[T])
	return ok && slices.Equal(v, w)
}

// convert returns the elements as dtype to: a float to an integer dtype is
// truncated toward zero, and must be finite and in range; an integer must
// be in range; a float beyond f32's range is an error for f32.
func (v vec[T]) convert(to *dtype, fn string) (elems, error) {
	out := to.make(len(v))
	for i, x := range v {
		var n number
		switch {
		case to.float:
			n.f = float64(x)
			if to.size == 4 && !math.IsInf(n.f, 0) && math.Abs(n.f) > math.MaxFloat32 {
				return nil, fmt.Errorf("%s: element %d: %v is beyond f32's range", fn, i, n.f)
			}
		case isFloat[T]():
			f := math.Trunc(float64(x))
			if !(f >= float64(to.lo) && f <= float64(to.hi)) || (to.hi == math.MaxInt64 && f >= math.MaxInt64) {
				return nil, fmt.Errorf("%s: element %d: %v is out of range for %s", fn, i, float64(x), to.rangeText())
			}
			n.i = int64(f)
		default:
			n.i = int64(x)
			if n.i < to.lo || n.i > to.hi {
				return nil, fmt.Errorf("%s: element %d: %d is out of range for %s", fn, i, n.i, to.rangeText())
			}
		}
		out.put(i, n)
	}
	return out, nil
}

// intSum is a sum of integers: an int64 until it would overflow, then a
// big.Int.
type intSum struct {
	small int64
	big   *big.Int
}

func (s *intSum) add(n int64) {
	if s.big == nil {
		r := s.small + n
		if (n > 0 && r < s.small) || (n < 0 && r > s.small) {
			s.big = big.NewInt(s.small)
		} else {
			s.small = r
			return
		}
	}
	s.big.Add(s.big, big.NewInt(n))
}

func (s *intSum) addProduct(a, b int64) {
	p := a * b
	if a == 0 || (p/a == b && !(a == -1 && b == math.MinInt64) && !(b == -1 && a == math.MinInt64)) {
		s.add(p)
		return
	}
	if s.big == nil {
		s.big = big.NewInt(s.small)
	}
	s.big.Add(s.big, new(big.Int).Mul(big.NewInt(a), big.NewInt(b)))
}

func (s *intSum) value() starlark.Value {
	if s.big != nil {
		return starlark.MakeBigInt(s.big)
	}
	return starlark.MakeInt64(s.small)
}
