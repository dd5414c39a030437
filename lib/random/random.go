// Package random is a Starlark module of pseudo-random numbers in the
// shape of Python's random, with a generator per interpreter.
//
//	random.seed(a=None)          seeds this interpreter's generator: an int, a string
//	                             or bytes; None seeds it from the system's source
//	random.random()              a float in [0.0, 1.0)
//	random.uniform(a, b)         a float between a and b
//	random.randint(a, b)         an int n with a <= n <= b (64-bit bounds)
//	random.choice(seq)           one element of a non-empty sequence
//	random.shuffle(list)         shuffles a list in place; returns None
//	random.sample(seq, k)        k distinct elements of a sequence, in random order
//
// A sequence is a list, tuple, range or bytes (not a string: Starlark
// indexes strings by byte; use s.codepoints() or a list of its parts).
// sample(range(1000000000), 5) is cheap: it costs memory in k, not in the
// population.
//
// # One generator per interpreter
//
// The generator state belongs to the Starlark thread that calls the module
// (kept in the thread's locals), that is to one actor: actors never share a
// generator, so no lock is taken and no actor's draws change another's. An
// interpreter's generator is seeded from the system's source on first use,
// unless the script calls random.seed(n) first; after random.seed(n) the
// draws that follow are the same on every run (in a given version of
// murmur; the sequence differs from CPython's). An actor restarted after a
// failure starts with a new generator.
//
// The generator is PCG (math/rand/v2): fast, not cryptographic; do not use
// it for keys or tokens.
package random

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"math/rand/v2"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// Module is the random module.
var Module = &starlarkstruct.Module{
	Name: "random",
	Members: starlark.StringDict{
		"seed":    starlark.NewBuiltin("random.seed", seed),
		"random":  starlark.NewBuiltin("random.random", random),
		"uniform": starlark.NewBuiltin("random.uniform", uniform),
		"randint": starlark.NewBuiltin("random.randint", randint),
		"choice":  starlark.NewBuiltin("random.choice", choice),
		"shuffle": starlark.NewBuiltin("random.shuffle", shuffle),
		"sample":  starlark.NewBuiltin("random.sample", sample),
	},
}

// localKey names the generator in a thread's locals.
const localKey = "github.com/murmur-go/murmur/lib/random.generator"

// generator is one interpreter's random source.
type generator struct {
	pcg *rand.PCG
	r   *rand.Rand
}

// gen returns thread's generator, making one seeded from the system's
// source on first use.
func gen(thread *starlark.Thread) *generator {
	if g, ok := thread.Local(localKey).(*generator); ok {
		return g
	}
	pcg := rand.NewPCG(rand.Uint64(), rand.Uint64()) // the runtime's source, seeded by the system
	g := &generator{pcg: pcg, r: rand.New(pcg)}
	thread.SetLocal(localKey, g)
	return g
}

// SetSeed seeds thread's generator with the two words of seed, as if the
// script had called random.seed: a host that records what a script draws
// (crash replay) seeds each interpreter itself.
func SetSeed(thread *starlark.Thread, seed [2]uint64) {
	gen(thread).pcg.Seed(seed[0], seed[1])
}

// random.seed(a=None)
func seed(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var a starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "a?", &a); err != nil {
		return nil, err
	}
	g := gen(thread)
	switch a := a.(type) {
	case starlark.NoneType:
		g.pcg.Seed(rand.Uint64(), rand.Uint64())
	case starlark.Int:
		// |a| mod 2**128, as two words: Python also seeds with |a|.
		n := new(big.Int).Abs(a.BigInt())
		lo := new(big.Int).And(n, new(big.Int).SetUint64(^uint64(0))).Uint64()
		hi := new(big.Int).And(n.Rsh(n, 64), new(big.Int).SetUint64(^uint64(0))).Uint64()
		g.pcg.Seed(hi, lo)
	case starlark.String:
		g.seedBytes(string(a))
	case starlark.Bytes:
		g.seedBytes(string(a))
	default:
		return nil, fmt.Errorf("%s: got %s, want int, string, bytes or None", b.Name(), a.Type())
	}
	return starlark.None, nil
}

// seedBytes seeds g with the SHA-256 of s.
func (g *generator) seedBytes(s string) {
	sum := sha256.Sum256([]byte(s))
	g.pcg.Seed(binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:16]))
}

// random.random()
func random(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return starlark.Float(gen(thread).r.Float64()), nil
}

// random.uniform(a, b)
func uniform(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var lo, hi starlark.Value
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "a", &lo, "b", &hi); err != nil {
		return nil, err
	}
	x, err := number(b.Name(), "a", lo)
	if err != nil {
		return nil, err
	}
	y, err := number(b.Name(), "b", hi)
	if err != nil {
		return nil, err
	}
	return starlark.Float(x + (y-x)*gen(thread).r.Float64()), nil
}

// number converts an int or float argument to a float.
func number(fn, name string, v starlark.Value) (float64, error) {
	switch v := v.(type) {
	case starlark.Int, starlark.Float:
		f, _ := starlark.AsFloat(v)
		return f, nil
	}
	return 0, fmt.Errorf("%s: %s: got %s, want int or float", fn, name, v.Type())
}

// random.randint(a, b)
func randint(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var lo, hi int64
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "a", &lo, "b", &hi); err != nil {
		return nil, err
	}
	if lo > hi {
		return nil, fmt.Errorf("%s: empty range: a (%d) > b (%d)", b.Name(), lo, hi)
	}
	r := gen(thread).r
	span := uint64(hi) - uint64(lo) + 1 // 0 when the range is all of int64
	if span == 0 {
		return starlark.MakeInt64(int64(r.Uint64())), nil
	}
	return starlark.MakeInt64(lo + int64(r.Uint64N(span))), nil
}

// sequence checks a sequence argument.
func sequence(fn string, v starlark.Value) (starlark.Indexable, error) {
	seq, ok := v.(starlark.Indexable)
	if _, isString := v.(starlark.String); !ok || isString {
		return nil, fmt.Errorf("%s: got %s, want a list, tuple, range or bytes", fn, v.Type())
	}
	return seq, nil
}

// random.choice(seq)
func choice(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &v); err != nil {
		return nil, err
	}
	seq, err := sequence(b.Name(), v)
	if err != nil {
		return nil, err
	}
	if seq.Len() == 0 {
		return nil, fmt.Errorf("%s: cannot choose from an empty %s", b.Name(), v.Type())
	}
	return seq.Index(gen(thread).r.IntN(seq.Len())), nil
}

// random.shuffle(list)
func shuffle(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var l *starlark.List
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &l); err != nil {
		return nil, err
	}
	r := gen(thread).r
	for i := l.Len() - 1; i > 0; i-- {
		j := r.IntN(i + 1)
		x, y := l.Index(i), l.Index(j)
		if err := l.SetIndex(i, y); err != nil { // a frozen list, or one being iterated
			return nil, fmt.Errorf("%s: %v", b.Name(), err)
		}
		if err := l.SetIndex(j, x); err != nil {
			return nil, fmt.Errorf("%s: %v", b.Name(), err)
		}
	}
	return starlark.None, nil
}

// random.sample(seq, k)
func sample(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	var k int
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "population", &v, "k", &k); err != nil {
		return nil, err
	}
	seq, err := sequence(b.Name(), v)
	if err != nil {
		return nil, err
	}
	n := seq.Len()
	if k < 0 || k > n {
		return nil, fmt.Errorf("%s: k=%d is negative or larger than the population (%d)", b.Name(), k, n)
	}
	// A Fisher-Yates shuffle of the first k places of the indices 0..n-1,
	// with the moved indices in a map: memory in k, not n.
	r := gen(thread).r
	moved := make(map[int]int, k)
	at := func(i int) int {
		if j, ok := moved[i]; ok {
			return j
		}
		return i
	}
	out := make([]starlark.Value, k)
	for i := 0; i < k; i++ {
		j := i + r.IntN(n-i)
		vi, vj := at(i), at(j)
		moved[j] = vi
		out[i] = seq.Index(vj)
	}
	return starlark.NewList(out), nil
}
