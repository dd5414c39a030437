// This file holds the numeric Python builtins Starlark lacks: sum, divmod
// and round, with Python 3's semantics.

package interp

import (
	"errors"
	"fmt"
	"math"
	"math/big"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// pySum is sum(iterable, start=0). Ints add exactly; once the total is a
// float, floats and small ints are added with Neumaier's compensation, as
// Python 3.12 does; anything else is added with +, so lists and tuples
// concatenate. Strings and bytes are refused, as Python refuses them.
func pySum(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var iterable starlark.Value
	var start starlark.Value = starlark.MakeInt(0)
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "iterable", &iterable, "start?", &start); err != nil {
		return nil, err
	}
	iter, err := iterate(b, "", iterable, "")
	if err != nil {
		return nil, err
	}
	defer iter.Done()
	switch start.(type) {
	case starlark.String:
		return nil, errors.New(`sum: can't sum strings: use "".join(items)`)
	case starlark.Bytes:
		return nil, errors.New("sum: can't sum bytes")
	}
	var (
		total  = start // the sum, unless a fast path holds it
		ints   bool    // isum holds it
		isum   int64
		floats bool // fsum holds it
		fsum   neumaier
	)
	// hold moves the sum v to the fast path its type allows.
	hold := func(v starlark.Value) {
		total, ints, floats = v, false, false
		switch v := v.(type) {
		case starlark.Int:
			isum, ints = v.Int64()
		case starlark.Float:
			fsum, floats = neumaier{s: float64(v)}, true
		}
	}
	hold(start)
	var x starlark.Value
	for i := 0; iter.Next(&x); i++ {
		if err := check(thread, i); err != nil {
			return nil, err
		}
		if ints {
			if n, ok := smallInt(x); ok {
				if s, overflow := addInt64(isum, n); !overflow {
					isum = s
					continue
				}
			}
			total, ints = starlark.MakeInt64(isum), false
		}
		if floats {
			if f, ok := smallFloat(x); ok {
				fsum.add(f)
				continue
			}
			total, floats = starlark.Float(fsum.result()), false
		}
		switch x.(type) {
		case starlark.String:
			return nil, fmt.Errorf(`sum: item %d is a string: use "".join(items) to join strings`, i)
		case starlark.Bytes:
			return nil, fmt.Errorf("sum: item %d is bytes: can't sum bytes", i)
		}
		v, err := starlark.Binary(syntax.PLUS, total, x)
		if err != nil {
			return nil, fmt.Errorf("sum: item %d: %v", i, err)
		}
		hold(v)
	}
	switch {
	case ints:
		return starlark.MakeInt64(isum), nil
	case floats:
		return starlark.Float(fsum.result()), nil
	}
	return total, nil
}

// smallInt returns x as an int64 when it is an int that fits.
func smallInt(x starlark.Value) (int64, bool) {
	if i, ok := x.(starlark.Int); ok {
		return i.Int64()
	}
	return 0, false
}

// addInt64 returns a+b and whether that overflowed.
func addInt64(a, b int64) (int64, bool) {
	s := a + b
	return s, (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0)
}

// smallFloat returns x as a float64 when it is a float or an int that fits
// in 64 bits (Python's fast path; larger ints go through +).
func smallFloat(x starlark.Value) (float64, bool) {
	switch x := x.(type) {
	case starlark.Float:
		return float64(x), true
	case starlark.Int:
		if n, ok := x.Int64(); ok {
			return float64(n), true
		}
	}
	return 0, false
}

// neumaier is a float sum with the compensation of Neumaier's improved
// Kahan–Babuška algorithm, as CPython's sum computes it.
type neumaier struct{ s, c float64 }

func (n *neumaier) add(x float64) {
	t := n.s + x
	if math.Abs(n.s) >= math.Abs(x) {
		n.c += (n.s - t) + x
	} else {
		n.c += (x - t) + n.s
	}
	n.s = t
}

// result is the sum; an infinite or NaN compensation is left out, so that
// an overflowed sum stays infinite instead of turning into NaN.
func (n *neumaier) result() float64 {
	if n.c != 0 && !math.IsInf(n.c, 0) && !math.IsNaN(n.c) {
		return n.s + n.c
	}
	return n.s
}

// pyDivmod is divmod(x, y): (x // y, x % y) with the quotient floored, for
// ints and floats, as Python computes it.
func pyDivmod(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x, y starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &x, &y); err != nil {
		return nil, err
	}
	xi, xInt := x.(starlark.Int)
	yi, yInt := y.(starlark.Int)
	if xInt && yInt {
		if yi.Sign() == 0 {
			return nil, errors.New("divmod: integer division by zero")
		}
		return starlark.Tuple{xi.Div(yi), xi.Mod(yi)}, nil
	}
	xf, xerr := toFloat(x)
	yf, yerr := toFloat(y)
	if errors.Is(xerr, errNotNumber) || errors.Is(yerr, errNotNumber) {
		return nil, fmt.Errorf("divmod: unsupported operand types %s and %s, want int or float", x.Type(), y.Type())
	}
	if err := errors.Join(xerr, yerr); err != nil {
		return nil, fmt.Errorf("divmod: %w", err)
	}
	if yf == 0 {
		return nil, errors.New("divmod: float division by zero")
	}
	q, r := floatDivmod(xf, yf)
	return starlark.Tuple{starlark.Float(q), starlark.Float(r)}, nil
}

var errNotNumber = errors.New("not a number")

// toFloat converts an int or a float to a float64.
func toFloat(v starlark.Value) (float64, error) {
	switch v := v.(type) {
	case starlark.Float:
		return float64(v), nil
	case starlark.Int:
		f := float64(v.Float())
		if math.IsInf(f, 0) {
			return 0, errors.New("int too large to convert to float")
		}
		return f, nil
	}
	return 0, errNotNumber
}

// floatDivmod is CPython's float divmod: the remainder has the sign of y,
// and the quotient is snapped to the integer it approximates.
func floatDivmod(x, y float64) (q, r float64) {
	r = math.Mod(x, y)
	div := (x - r) / y
	if r != 0 {
		if (y < 0) != (r < 0) {
			r += y
			div--
		}
	} else {
		r = math.Copysign(0, y)
	}
	if div == 0 {
		return math.Copysign(0, x/y), r
	}
	q = math.Floor(div)
	if div-q > 0.5 {
		q++
	}
	return q, r
}

// pyRound is round(number, ndigits=None), as Python 3: without ndigits an
// int, with ties going to the even neighbour; with ndigits a value of the
// number's type, rounded from the float's exact binary value, ties to even.
func pyRound(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value
	var nd starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "number", &x, "ndigits?", &nd); err != nil {
		return nil, err
	}
	digits, given := 0, nd != starlark.None
	if given {
		n, ok := nd.(starlark.Int)
		if !ok {
			return nil, fmt.Errorf("round: ndigits must be an int or None, not %s", nd.Type())
		}
		digits = clampInt(n)
	}
	switch x := x.(type) {
	case starlark.Int:
		if digits >= 0 {
			return x, nil
		}
		return starlark.MakeBigInt(roundInt(x.BigInt(), -digits)), nil
	case starlark.Float:
		if !given {
			i, err := starlark.NumberToInt(starlark.Float(math.RoundToEven(float64(x))))
			if err != nil {
				return nil, fmt.Errorf("round: %v", err)
			}
			return i, nil
		}
		f, err := roundFloat(float64(x), digits)
		if err != nil {
			return nil, fmt.Errorf("round: %v", err)
		}
		return starlark.Float(f), nil
	}
	return nil, fmt.Errorf("round: got %s, want int or float", x.Type())
}

// clampInt returns n, clamped to ±(2³¹-1) as Python clamps ndigits (far
// beyond the ndigits that change a result).
func clampInt(n starlark.Int) int {
	if v, ok := n.Int64(); ok && v >= -math.MaxInt32 && v <= math.MaxInt32 {
		return int(v)
	}
	if n.Sign() < 0 {
		return -math.MaxInt32
	}
	return math.MaxInt32
}

// roundInt rounds x to a multiple of 10^k, ties to even.
func roundInt(x *big.Int, k int) *big.Int {
	// |x| < 2^bitlen <= 8^(k-1) < 10^k / 2: it rounds to 0, and 10^k, which
	// could be huge, need not be computed.
	if 3*(int64(k)-1) >= int64(x.BitLen()) {
		return new(big.Int)
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil)
	q := roundHalfEven(new(big.Rat).SetFrac(x, p))
	return q.Mul(q, p)
}

// The ndigits beyond which every finite float is returned as it is, or
// rounds to zero (CPython's NDIGITS_MAX and NDIGITS_MIN).
const (
	maxNdigits = 323
	minNdigits = -308
)

// roundFloat rounds the exact value of x to nd decimal places (to a
// multiple of 10^-nd when nd < 0), ties to even, and returns the float
// nearest to that: what CPython's correctly rounded round() gives.
func roundFloat(x float64, nd int) (float64, error) {
	switch {
	case math.IsInf(x, 0) || math.IsNaN(x) || x == 0 || nd > maxNdigits:
		return x, nil
	case nd < minNdigits:
		return math.Copysign(0, x), nil
	}
	abs := nd
	if abs < 0 {
		abs = -abs
	}
	p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs)), nil))
	r := new(big.Rat).SetFloat64(x)
	if nd >= 0 {
		r.Mul(r, p)
	} else {
		r.Quo(r, p)
	}
	r.SetInt(roundHalfEven(r))
	if nd >= 0 {
		r.Quo(r, p)
	} else {
		r.Mul(r, p)
	}
	f, _ := r.Float64()
	if math.IsInf(f, 0) {
		return 0, errors.New("rounded value too large to represent")
	}
	if f == 0 {
		f = math.Copysign(0, x)
	}
	return f, nil
}

// roundHalfEven returns the integer nearest r, the even one on a tie.
func roundHalfEven(r *big.Rat) *big.Int {
	den := r.Denom()
	q, m := new(big.Int).DivMod(r.Num(), den, new(big.Int)) // den > 0: q = floor(r), 0 <= m < den
	switch m.Lsh(m, 1).Cmp(den) {
	case 1:
		q.Add(q, big.NewInt(1))
	case 0:
		if q.Bit(0) == 1 {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}
