// Tests of floatMod against starlark.Float.Mod, bit for bit.

package array

import (
	"math"
	"math/rand/v2"
	"testing"

	"go.starlark.net/starlark"
)

func TestFloatMod(t *testing.T) {
	special := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, -0.1, 3, -3, 1e-300, -1e-300, 1e300, -1e300,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 1 << 52, 1<<53 + 2, math.Inf(1), math.Inf(-1), math.NaN(),
		0.6180339887498949 * 999999, 2.5, -7.5, 1 - 1e-16}
	check := func(x, y float64) {
		got, want := floatMod(x, y), float64(starlark.Float(x).Mod(starlark.Float(y)))
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("%v %% %v = %v, want %v", x, y, got, want)
		}
	}
	for _, x := range special {
		for _, y := range special {
			check(x, y)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 200000; i++ {
		x := (rng.Float64() - 0.5) * math.Pow(2, float64(rng.IntN(120)-60))
		y := (rng.Float64() - 0.5) * math.Pow(2, float64(rng.IntN(120)-60))
		check(x, y)
		check(math.Round(x), y)
		check(x, math.Round(y*8)/8)
	}
}

func BenchmarkFloatMod(b *testing.B) {
	x := make([]float64, 1<<16)
	for i := range x {
		x[i] = float64(i) * 0.6180339887498949 * 15
	}
	b.Run("floatMod", func(b *testing.B) {
		s := 0.0
		for b.Loop() {
			for _, v := range x {
				s += floatMod(v, 1)
			}
		}
	})
	b.Run("Float.Mod", func(b *testing.B) {
		s := 0.0
		for b.Loop() {
			for _, v := range x {
				s += float64(starlark.Float(v).Mod(1))
			}
		}
	})
}
