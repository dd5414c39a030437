// Element-wise arithmetic: + - * / // % between arrays of one dtype and
// length, or an array and a number, and unary - and +.

package array

import (
	"errors"
	"fmt"
	"math"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Binary implements a op y and y op a, for the operators + - * / // %: y is
// an array of the same dtype and length, or a number (an int, or a float
// for a float dtype). Float arrays follow IEEE 754 (x / 0.0 is inf or nan);
// integer arrays fail on a division by zero and on a result out of their
// dtype's range, naming the element. / on an integer array gives an f64
// array; every other operator keeps the dtype.
func (a *Array) Binary(op syntax.Token, y starlark.Value, side starlark.Side) (starlark.Value, error) {
	switch op {
	case syntax.PLUS, syntax.MINUS, syntax.STAR, syntax.SLASH, syntax.SLASHSLASH, syntax.PERCENT:
	default:
		return nil, nil // not an array operator: Starlark reports it
	}
	left, right := "array", y.Type()
	if side == starlark.Right {
		left, right = right, left
	}
	fail := func(err error) error { return fmt.Errorf("%s %s %s: %w", left, op, right, err) }
	if err := a.check(); err != nil {
		return nil, fail(err)
	}
	if b, ok := y.(*Array); ok {
		if err := b.check(); err != nil {
			return nil, fail(err)
		}
		if b.dt != a.dt {
			return nil, fail(fmt.Errorf("dtypes differ (%s and %s); convert one with astype()", a.dt.name, b.dt.name))
		}
		if a.v.Len() != b.v.Len() {
			return nil, fail(fmt.Errorf("lengths differ (%d and %d)", a.v.Len(), b.v.Len()))
		}
		if side == starlark.Right {
			a, b = b, a
		}
		v, err := a.v.arith(a.dt, op, b.v, number{}, false)
		if err != nil {
			return nil, fail(err)
		}
		return a.result(op, v), nil
	}
	c, ok, err := a.dt.scalar(y)
	if !ok {
		return nil, nil // not a number: Starlark reports the unsupported operand
	}
	if err != nil {
		return nil, fail(err)
	}
	v, err := a.v.arith(a.dt, op, nil, c, side == starlark.Right)
	if err != nil {
		return nil, fail(err)
	}
	return a.result(op, v), nil
}

// result wraps the elements of an operation's result: / on an integer
// array gives f64.
func (a *Array) result(op syntax.Token, v elems) *Array {
	if op == syntax.SLASH && !a.dt.float {
		return &Array{dt: f64, v: v}
	}
	return &Array{dt: a.dt, v: v}
}

// Unary implements -a (an error for an element whose negation is out of
// range) and +a (a copy).
func (a *Array) Unary(op syntax.Token) (starlark.Value, error) {
	if op != syntax.MINUS && op != syntax.PLUS {
		return nil, nil
	}
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("%sarray: %w", op, err)
	}
	if op == syntax.PLUS {
		return &Array{dt: a.dt, v: a.v.clone()}, nil
	}
	v, err := a.v.arith(a.dt, syntax.MINUS, nil, number{}, true) // 0 - a
	if err != nil {
		return nil, fmt.Errorf("-array: %w", err)
	}
	return &Array{dt: a.dt, v: v}, nil
}

// operand is one side of an element-wise operation: an array's elements
// s, or, when s is nil, the scalar c.
type operand[T Number] struct {
	s []T
	c number
}

func (o *operand[T]) f(i int) float64 {
	if o.s != nil {
		return float64(o.s[i])
	}
	return o.c.f
}

func (o *operand[T]) i(i int) int64 {
	if o.s != nil {
		return int64(o.s[i])
	}
	return o.c.i
}

// arith computes v op y element-wise, or v op c when y is nil, or c op v
// when scalarLeft.
func (v vec[T]) arith(d *dtype, op syntax.Token, y elems, c number, scalarLeft bool) (elems, error) {
	x, o := operand[T]{s: v}, operand[T]{c: c}
	if y != nil {
		o.s = y.(vec[T])
	}
	if scalarLeft {
		x, o = o, x
	}
	if isFloat[T]() {
		return floatArith(op, &x, &o, len(v)), nil
	}
	if op == syntax.SLASH {
		return trueDivide(&x, &o, len(v))
	}
	return intArith(d, op, &x, &o, len(v))
}

func floatArith[T Number](op syntax.Token, x, y *operand[T], n int) vec[T] {
	out := make(vec[T], n)
	switch op {
	case syntax.PLUS:
		for i := range out {
			out[i] = T(x.f(i) + y.f(i))
		}
	case syntax.MINUS:
		for i := range out {
			out[i] = T(x.f(i) - y.f(i))
		}
	case syntax.STAR:
		for i := range out {
			out[i] = T(x.f(i) * y.f(i))
		}
	case syntax.SLASH:
		for i := range out {
			out[i] = T(x.f(i) / y.f(i))
		}
	case syntax.SLASHSLASH:
		for i := range out {
			out[i] = T(math.Floor(x.f(i) / y.f(i)))
		}
	case syntax.PERCENT:
		for i := range out {
			out[i] = T(floatMod(x.f(i), y.f(i)))
		}
	}
	return out
}

// floatMod is Python's x % y for floats, as starlark.Float.Mod: fmod, then
// the sign of the divisor. math.Mod takes a step per bit of x/y (200 ns
// for x/y near 10^6); where x/y is below 2^52 the remainder is found
// directly: with q = trunc(x/y) off by at most one, x - q*y computed with
// one rounding (FMA) is exact when q is right, and out of [0, |y|) (then
// math.Mod decides) when it is not.
func floatMod(x, y float64) float64 {
	var r float64
	if q := math.Trunc(x / y); math.Abs(q) < 1<<52 && y != 0 && !math.IsInf(y, 0) {
		r = math.FMA(-q, y, x)
		if r == 0 {
			r = math.Copysign(0, x) // as fmod
		} else if (r < 0) != (x < 0) || math.Abs(r) >= math.Abs(y) {
			r = math.Mod(x, y)
		}
	} else {
		r = math.Mod(x, y)
	}
	if r != 0 && (r < 0) != (y < 0) {
		r += y
	}
	return r
}

var errDivZero = errors.New("division by zero")

// zeroDivisor reports a division by zero: at an element of y, or by the scalar.
func zeroDivisor[T Number](y *operand[T]) error {
	if y.s == nil {
		if y.c.i == 0 {
			return errDivZero
		}
		return nil
	}
	for i, b := range y.s {
		if b == 0 {
			return fmt.Errorf("element %d: %w", i, errDivZero)
		}
	}
	return nil
}

// trueDivide is / on integers: an f64 vector.
func trueDivide[T Number](x, y *operand[T], n int) (elems, error) {
	if err := zeroDivisor(y); err != nil {
		return nil, err
	}
	out := make(vec[float64], n)
	for i := range out {
		out[i] = float64(x.i(i)) / float64(y.i(i))
	}
	return out, nil
}

// intArith is + - * // % on integers, with Python's floor division and
// modulo, failing on a result out of d's range.
func intArith[T Number](d *dtype, op syntax.Token, x, y *operand[T], n int) (elems, error) {
	if op == syntax.SLASHSLASH || op == syntax.PERCENT {
		if err := zeroDivisor(y); err != nil {
			return nil, err
		}
	}
	out := make(vec[T], n)
	lo, hi := d.lo, d.hi
	for i := range out {
		a, b := x.i(i), y.i(i)
		var r int64
		overflow := false
		switch op {
		case syntax.PLUS:
			r = a + b
			overflow = (b > 0 && r < a) || (b < 0 && r > a)
		case syntax.MINUS:
			r = a - b
			overflow = (b < 0 && r < a) || (b > 0 && r > a)
		case syntax.STAR:
			r = a * b
			overflow = a != 0 && (r/a != b || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64))
		case syntax.SLASHSLASH:
			overflow = a == math.MinInt64 && b == -1
			r = a / b
			if (a%b != 0) && ((a < 0) != (b < 0)) {
				r--
			}
		case syntax.PERCENT:
			r = a % b
			if r != 0 && ((r < 0) != (b < 0)) {
				r += b
			}
		}
		if overflow || r < lo || r > hi {
			return nil, fmt.Errorf("element %d: %d %s %d is out of range for %s", i, a, op, b, d.rangeText())
		}
		out[i] = T(r)
	}
	return out, nil
}
