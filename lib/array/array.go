// The array value: construction, indexing, slicing, iteration, equality
// and the states (frozen, transferred) that guard its use.

package array

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/murmur-go/murmur/serialize"
)

// ErrDetached is wrapped by the error of any use of an array after it was
// transferred to another actor.
var ErrDetached = errors.New("array: array was transferred")

// Array is the Starlark array type: a fixed-length vector of one numeric
// dtype, held in a typed Go slice. See the package documentation.
//
// An Array belongs to one actor and is used only by that actor's
// goroutine; a frozen one (a library's) may be read from any.
type Array struct {
	dt     *dtype
	v      elems // empty, never nil, once transferred
	frozen bool
	gone   string // where the array was transferred to; "" while attached
}

var (
	_ starlark.Value            = (*Array)(nil)
	_ starlark.Sliceable        = (*Array)(nil)
	_ starlark.Mapping          = (*Array)(nil)
	_ starlark.Container        = (*Array)(nil)
	_ starlark.HasSetKey        = (*Array)(nil)
	_ starlark.Iterable         = (*Array)(nil)
	_ starlark.Comparable       = (*Array)(nil)
	_ starlark.HasAttrs         = (*Array)(nil)
	_ starlark.HasBinary        = (*Array)(nil)
	_ starlark.HasUnary         = (*Array)(nil)
	_ serialize.Movable         = (*Array)(nil)
	_ serialize.ExtTransferable = (*Array)(nil)
)

// Of returns an array that owns s (no copy): the caller must not use s
// afterwards. Its dtype is T's ("f64" for float64, ...).
func Of[T Number](s []T) *Array {
	if s == nil {
		s = []T{}
	}
	return &Array{dt: dtypeOf[T](), v: vec[T](s)}
}

// Data returns the elements as their typed Go slice ([]float64 for f64,
// ...), without a copy, or an error if the array was transferred.
func (a *Array) Data() (any, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	return a.v.data(), nil
}

// DType returns the dtype's name: "f64", "i32", ...
func (a *Array) DType() string { return a.dt.name }

// Builtin is array(dtype, size_or_values): a new array of dtype ("f64",
// "f32", "i64", "i32", "i16", "i8", "u32", "u16" or "u8"), of size zeros,
// or holding the numbers of an iterable (a list, a tuple, a range, another
// array), each checked against the dtype. It is safe for concurrent use.
var Builtin = starlark.NewBuiltin("array", build)

func build(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var name string
	var x starlark.Value
	if err := starlark.UnpackPositionalArgs(fn.Name(), args, kwargs, 2, &name, &x); err != nil {
		return nil, err
	}
	d, err := lookup(fn.Name(), name)
	if err != nil {
		return nil, err
	}
	switch x := x.(type) {
	case starlark.Int:
		n, ok := x.Int64()
		if !ok || n < 0 || n > int64(d.maxLen()) {
			return nil, fmt.Errorf("array: size must be between 0 and %d for %s, got %s", d.maxLen(), d.name, x)
		}
		return &Array{dt: d, v: d.make(int(n))}, nil
	case *Array:
		if err := x.check(); err != nil {
			return nil, err
		}
		v, err := x.v.convert(d, "array")
		if err != nil {
			return nil, err
		}
		return &Array{dt: d, v: v}, nil
	case starlark.Iterable:
		return fromIterable(d, x)
	}
	return nil, fmt.Errorf("array: want a size or an iterable of numbers, not %s", x.Type())
}

// fromIterable makes an array of d from the numbers of x.
func fromIterable(d *dtype, x starlark.Iterable) (*Array, error) {
	n := -1 // unknown
	if s, ok := x.(starlark.Sequence); ok {
		n = s.Len()
		if n > d.maxLen() {
			return nil, fmt.Errorf("array: %d elements are more than %d for %s", n, d.maxLen(), d.name)
		}
	}
	var v elems
	var nums []number // the elements while their number is unknown
	if n >= 0 {
		v = d.make(n)
	}
	iter := x.Iterate()
	defer iter.Done()
	var e starlark.Value
	i := 0
	for ; iter.Next(&e); i++ {
		if i >= d.maxLen() || (n >= 0 && i >= n) {
			return nil, fmt.Errorf("array: the %s yielded more elements than its length or %d", x.Type(), d.maxLen())
		}
		c, err := d.convert(e)
		if err != nil {
			return nil, fmt.Errorf("array: element %d: %w", i, err)
		}
		if v != nil {
			v.put(i, c)
		} else {
			nums = append(nums, c)
		}
	}
	if v == nil {
		v = d.make(len(nums))
		for i, c := range nums {
			v.put(i, c)
		}
	} else if i != n {
		return nil, fmt.Errorf("array: the %s yielded %d elements, not its length %d", x.Type(), i, n)
	}
	return &Array{dt: d, v: v}, nil
}

func (a *Array) check() error {
	if a.gone != "" {
		return fmt.Errorf("%w to %s; it can no longer be used here", ErrDetached, a.gone)
	}
	return nil
}

func (a *Array) checkWrite() error {
	if err := a.check(); err != nil {
		return err
	}
	if a.frozen {
		return errors.New("cannot modify a frozen array")
	}
	return nil
}

// String returns array("f64", [1.0, 2.0]), eliding the middle of a long
// array: array("f64", [0.0, 1.0, 2.0, ..., 997.0, 998.0, 999.0]).
func (a *Array) String() string {
	if a.gone != "" {
		return fmt.Sprintf("<array transferred to %s>", a.gone)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "array(%q, [", a.dt.name)
	n := a.v.Len()
	for i := 0; i < n; i++ {
		if n > 8 && i == 3 {
			b.WriteString(", ...")
			i = n - 3
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.v.get(i).String())
	}
	b.WriteString("])")
	return b.String()
}

func (a *Array) Type() string          { return "array" }
func (a *Array) Freeze()               { a.frozen = true }
func (a *Array) Truth() starlark.Bool  { return a.v.Len() > 0 }
func (a *Array) Hash() (uint32, error) { return 0, errors.New("unhashable type: array") }

// Len returns the number of elements: 0 once transferred.
func (a *Array) Len() int { return a.v.Len() }

// Index is used by slicing; a[i] goes through Get, which can fail.
func (a *Array) Index(i int) starlark.Value { return a.v.get(i) }

// index checks k as an index, Python-style (negative from the end).
func (a *Array) index(k starlark.Value) (int, error) {
	if err := a.check(); err != nil {
		return 0, err
	}
	i, err := starlark.AsInt32(k)
	if err != nil {
		return 0, fmt.Errorf("array index: %v", err)
	}
	n := a.v.Len()
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		return 0, fmt.Errorf("array index %s out of range [0:%d]", k, n)
	}
	return i, nil
}

// Get implements a[i].
func (a *Array) Get(k starlark.Value) (starlark.Value, bool, error) {
	i, err := a.index(k)
	if err != nil {
		return nil, false, err
	}
	return a.v.get(i), true, nil
}

// Has implements x in a: whether an element equals the number x.
func (a *Array) Has(x starlark.Value) (bool, error) {
	if err := a.check(); err != nil {
		return false, err
	}
	return a.v.has(x), nil
}

// SetKey implements a[i] = x, x checked against the dtype.
func (a *Array) SetKey(k, x starlark.Value) error {
	if err := a.checkWrite(); err != nil {
		return err
	}
	i, err := a.index(k)
	if err != nil {
		return err
	}
	c, err := a.dt.convert(x)
	if err != nil {
		return fmt.Errorf("array[%d] = %s: %w", i, x.Type(), err)
	}
	a.v.put(i, c)
	return nil
}

// Slice returns the elements in the slice as a new array (a copy).
func (a *Array) Slice(start, end, step int) starlark.Value {
	return &Array{dt: a.dt, v: a.v.slice(start, end, step)}
}

func (a *Array) Iterate() starlark.Iterator { return &iterator{a: a} }

type iterator struct {
	a *Array
	i int
}

func (it *iterator) Next(p *starlark.Value) bool {
	if it.i >= it.a.v.Len() { // a transfer during the loop ends it
		return false
	}
	*p = it.a.v.get(it.i)
	it.i++
	return true
}
func (it *iterator) Done() {}

// CompareSameType implements == and !=: the same dtype and elements (NaN
// is not equal to itself). Arrays are not ordered.
func (a *Array) CompareSameType(op syntax.Token, y starlark.Value, depth int) (bool, error) {
	b := y.(*Array)
	if err := a.check(); err != nil {
		return false, err
	}
	if err := b.check(); err != nil {
		return false, err
	}
	eq := a.dt == b.dt && a.v.equal(b.v)
	switch op {
	case syntax.EQL:
		return eq, nil
	case syntax.NEQ:
		return !eq, nil
	}
	return false, fmt.Errorf("array %s array is not supported", op)
}

// Attr returns a.dtype or a bound method.
func (a *Array) Attr(name string) (starlark.Value, error) {
	if name == "dtype" {
		return starlark.String(a.dt.name), nil
	}
	m, ok := methods[name]
	if !ok {
		return nil, nil
	}
	if err := a.check(); err != nil {
		return nil, err
	}
	return m.BindReceiver(a), nil
}

func (a *Array) AttrNames() []string {
	names := []string{"dtype"}
	for n := range methods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
