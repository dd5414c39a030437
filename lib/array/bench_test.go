// Benchmarks: examples/histogram's work (a million samples made and
// binned) on arrays and on lists, in one interpreter.

package array_test

import (
	"testing"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/lib/array"
)

const histogramSrc = `
BINS = 15
A, B, C = 0.6180339887498949, 0.41421356237309515, 0.7320508075688772

def with_arrays(n):
    i = array("f64", range(n))
    data = (i * A) % 1.0 + (i * B) % 1.0 + (i * C) % 1.0
    return data.histogram(BINS, lo = 0.0, hi = 3.0).tolist()

def with_lists(n):
    counts = [0] * BINS
    scale = BINS / 3.0
    for i in range(n):
        x = (i * A) % 1.0 + (i * B) % 1.0 + (i * C) % 1.0
        if x >= 0.0 and x <= 3.0:
            k = int(x * scale)
            if k >= BINS:
                k = BINS - 1
            counts[k] += 1
    return counts
`

// BenchmarkHistogram makes and bins 1M samples on arrays and on lists:
//
//	go test -run X -bench Histogram -benchtime 5x ./lib/array/
func BenchmarkHistogram(b *testing.B) {
	g, err := starlark.ExecFile(&starlark.Thread{}, "b.star", histogramSrc, starlark.StringDict{"array": array.Builtin})
	if err != nil {
		b.Fatal(err)
	}
	n := starlark.Tuple{starlark.MakeInt(1_000_000)}
	var results []starlark.Value
	for _, name := range []string{"with_arrays", "with_lists"} {
		b.Run(name, func(b *testing.B) {
			var r starlark.Value
			for b.Loop() {
				if r, err = starlark.Call(&starlark.Thread{}, g[name], n, nil); err != nil {
					b.Fatal(err)
				}
			}
			results = append(results, r)
		})
	}
	if len(results) == 2 {
		if eq, _ := starlark.Equal(results[0], results[1]); !eq {
			b.Errorf("the histograms differ:\n%s\n%s", results[0], results[1])
		}
	}
}
