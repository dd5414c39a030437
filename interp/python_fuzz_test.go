// A fuzz test of round() against strconv, which rounds decimals exactly.

package interp

import (
	"math"
	"strconv"
	"testing"
)

// FuzzRoundFloat checks roundFloat(x, nd) for 0 <= nd <= 20 against the
// decimal strconv prints (rounded from the exact binary value, ties to
// even) parsed back: what CPython's round(x, nd) returns.
func FuzzRoundFloat(f *testing.F) {
	for _, seed := range []struct {
		x  float64
		nd uint8
	}{{2.675, 2}, {0.125, 2}, {0.375, 2}, {2.5, 0}, {-0.4, 0}, {1e22, 3}, {5e-324, 20}, {0.1, 1}, {-1234.5678, 3}, {math.MaxFloat64, 0}} {
		f.Add(seed.x, seed.nd)
	}
	f.Fuzz(func(t *testing.T, x float64, nd uint8) {
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return
		}
		n := int(nd % 21)
		want, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', n, 64), 64)
		if err != nil {
			t.Fatal(err)
		}
		got, err := roundFloat(x, n)
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("roundFloat(%v, %d) = %v, %v; want %v", x, n, got, err, want)
		}
	})
}
