// Element types (dtypes): their names, wire codes and ranges, and the
// conversion of Starlark numbers into elements.

package array

import (
	"fmt"
	"math"
	"strings"

	"go.starlark.net/starlark"
)

// Number is the Go element type of an array: float64 (dtype "f64"),
// float32 ("f32"), int64 ("i64"), int32 ("i32"), int16 ("i16"), int8
// ("i8"), uint32 ("u32"), uint16 ("u16") or uint8 ("u8").
type Number interface {
	float64 | float32 | int64 | int32 | int16 | int8 | uint32 | uint16 | uint8
}

// dtype describes one element type.
type dtype struct {
	name   string // "f64"
	code   byte   // its byte on the wire
	size   int    // bytes per element
	float  bool
	lo, hi int64 // the range of an integer dtype
	// make returns a zeroed vector of n elements; view and clone make one
	// from wire bytes (see wire.go).
	make  func(n int) elems
	view  func(data []byte) elems // the same memory where it can, else a copy
	clone func(data []byte) elems // always a copy
}

func newDtype[T Number](name string, code byte, float bool, lo, hi int64) *dtype {
	var zero T
	return &dtype{
		name: name, code: code, size: sizeOf(zero), float: float, lo: lo, hi: hi,
		make:  func(n int) elems { return make(vec[T], n) },
		view:  func(data []byte) elems { return vec[T](viewOf[T](data)) },
		clone: func(data []byte) elems { return vec[T](copyOf[T](data)) },
	}
}

// dtypes lists the element types, by wire code - 1.
var dtypes = []*dtype{
	newDtype[float64]("f64", 1, true, 0, 0),
	newDtype[float32]("f32", 2, true, 0, 0),
	newDtype[int64]("i64", 3, false, math.MinInt64, math.MaxInt64),
	newDtype[int32]("i32", 4, false, math.MinInt32, math.MaxInt32),
	newDtype[int16]("i16", 5, false, math.MinInt16, math.MaxInt16),
	newDtype[int8]("i8", 6, false, math.MinInt8, math.MaxInt8),
	newDtype[uint32]("u32", 7, false, 0, math.MaxUint32),
	newDtype[uint16]("u16", 8, false, 0, math.MaxUint16),
	newDtype[uint8]("u8", 9, false, 0, math.MaxUint8),
}

var f64, i64 = dtypes[0], dtypes[2]

// dtypeNames is the list of names for errors.
var dtypeNames = func() string {
	names := make([]string, len(dtypes))
	for i, d := range dtypes {
		names[i] = d.name
	}
	return strings.Join(names, ", ")
}()

// lookup returns the dtype called name.
func lookup(fn, name string) (*dtype, error) {
	for _, d := range dtypes {
		if d.name == name {
			return d, nil
		}
	}
	return nil, fmt.Errorf("%s: unknown dtype %q; want one of %s", fn, name, dtypeNames)
}

// byCode returns the dtype whose wire code is c.
func byCode(c byte) (*dtype, error) {
	if c == 0 || int(c) > len(dtypes) {
		return nil, fmt.Errorf("unknown dtype code %d", c)
	}
	return dtypes[c-1], nil
}

// dtypeOf returns the dtype of Go element type T.
func dtypeOf[T Number]() *dtype {
	var zero T
	switch any(zero).(type) {
	case float64:
		return dtypes[0]
	case float32:
		return dtypes[1]
	case int64:
		return dtypes[2]
	case int32:
		return dtypes[3]
	case int16:
		return dtypes[4]
	case int8:
		return dtypes[5]
	case uint32:
		return dtypes[6]
	case uint16:
		return dtypes[7]
	}
	return dtypes[8]
}

// rangeText is the range of an integer dtype, for errors: "u8 (0..255)".
func (d *dtype) rangeText() string {
	return fmt.Sprintf("%s (%d..%d)", d.name, d.lo, d.hi)
}

// maxBytes bounds one array's memory (4 GiB, as a buffer's): msgpack
// cannot carry more in one ext.
const maxBytes = 1 << 32

// maxLen is the most elements an array of d may have.
func (d *dtype) maxLen() int { return (maxBytes - 1) / d.size }

// number is a Starlark number converted for an array of some dtype: f for
// a float dtype, i for an integer one.
type number struct {
	f float64
	i int64
}

// convert checks x as an element of an array of d: any int or float for a
// float dtype (a finite float beyond f32's range is an error), an int in
// range for an integer dtype.
func (d *dtype) convert(x starlark.Value) (number, error) {
	if d.float {
		var f float64
		switch x := x.(type) {
		case starlark.Float:
			f = float64(x)
		case starlark.Int:
			if f = float64(x.Float()); math.IsInf(f, 0) {
				return number{}, fmt.Errorf("int too large for %s", d.name)
			}
		default:
			return number{}, fmt.Errorf("%s elements are numbers, not %s", d.name, x.Type())
		}
		if d.size == 4 && f == f && !math.IsInf(f, 0) && math.Abs(f) > math.MaxFloat32 {
			return number{}, fmt.Errorf("%v is beyond f32's range", f)
		}
		return number{f: f}, nil
	}
	xi, ok := x.(starlark.Int)
	if !ok {
		return number{}, fmt.Errorf("%s elements are ints, not %s", d.name, x.Type())
	}
	i, ok := xi.Int64()
	if !ok || i < d.lo || i > d.hi {
		return number{}, fmt.Errorf("%s is out of range for %s", xi, d.rangeText())
	}
	return number{i: i}, nil
}

// scalar converts the other operand of an arithmetic operator: any int or
// float for a float dtype, an int that fits 64 bits for an integer one.
func (d *dtype) scalar(x starlark.Value) (number, bool, error) {
	switch x := x.(type) {
	case starlark.Float:
		if !d.float {
			return number{}, true, fmt.Errorf("a float with a %s array; convert one of them first (a.astype(\"f64\"), int(x))", d.name)
		}
		return number{f: float64(x)}, true, nil
	case starlark.Int:
		if d.float {
			f := float64(x.Float())
			if math.IsInf(f, 0) {
				return number{}, true, fmt.Errorf("int too large to convert to float")
			}
			return number{f: f}, true, nil
		}
		i, ok := x.Int64()
		if !ok {
			return number{}, true, fmt.Errorf("%s does not fit 64 bits", x)
		}
		return number{i: i}, true, nil
	}
	return number{}, false, nil
}

// sizeOf returns the size of a T in bytes.
func sizeOf[T Number](T) int {
	var zero T
	switch any(zero).(type) {
	case float64, int64:
		return 8
	case float32, int32, uint32:
		return 4
	case int16, uint16:
		return 2
	}
	return 1
}
