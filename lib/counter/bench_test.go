// Benchmarks: counting a million words with a counter and with the dict
// loop a script would write without one.

package counter_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/lib/counter"
)

// words returns n words drawn from a vocabulary of 10,000 with a Zipf
// distribution, as in text, and how many distinct ones there are.
func words(n int) (*starlark.List, int) {
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(rng, 1.1, 1, 9999)
	vocab := make([]starlark.Value, 10000)
	for i := range vocab {
		vocab[i] = starlark.String(fmt.Sprintf("word%d", i))
	}
	elems := make([]starlark.Value, n)
	seen := map[uint64]bool{}
	for i := range elems {
		k := zipf.Uint64()
		seen[k] = true
		elems[i] = vocab[k]
	}
	l := starlark.NewList(elems)
	l.Freeze()
	return l, len(seen)
}

const countSrc = `
def with_counter(words):
    c = counter()
    c.update(words)
    return len(c)

def with_dict(words):
    d = {}
    for w in words:
        d[w] = d.get(w, 0) + 1
    return len(d)
`

// BenchmarkCount counts 1M words with c.update and with the dict loop:
//
//	go test -run X -bench Count -benchtime 5x ./lib/counter/
func BenchmarkCount(b *testing.B) {
	list, distinct := words(1_000_000)
	g, err := starlark.ExecFile(&starlark.Thread{}, "b.star", countSrc, starlark.StringDict{"counter": counter.Builtin})
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"with_counter", "with_dict"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				n, err := starlark.Call(&starlark.Thread{}, g[name], starlark.Tuple{list}, nil)
				if err != nil {
					b.Fatal(err)
				}
				if n.String() != fmt.Sprint(distinct) {
					b.Fatalf("%s distinct words, want %d", n, distinct)
				}
			}
		})
	}
}
