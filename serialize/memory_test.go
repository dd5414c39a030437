// Tests of Limits.MaxMemory: what decoding charges bounds what it
// allocates, and a decode stops before it allocates more than the limit.

package serialize_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/murmur-go/murmur/serialize"
	"go.starlark.net/starlark"
)

// The bound the package documentation promises beside the proportional
// one: a decode allocates at most MaxMemory + memSlack bytes: 16 KiB, and
// the path of an error, up to 1.5 KiB per level of nesting (MaxDepth).
const memSlack = 16<<10 + 1536*serialize.DefaultMaxDepth

// chargeSlack is what a decode may allocate beyond its charge: the *Error
// of a decode that fails, small values no estimate counts.
const chargeSlack = 1 << 10

// charged returns what decode charges for data: the least MaxMemory
// under which it does not fail with ErrTooLarge.
func charged(decode func(serialize.Limits, []byte) error, data []byte) int {
	tooLarge := func(mem int) bool {
		return errors.Is(decode(serialize.Limits{MaxMemory: mem}, data), serialize.ErrTooLarge)
	}
	fail, ok := 0, 1<<10 // it fails under fail (0: never), not under ok
	for tooLarge(ok) {
		fail, ok = ok, 2*ok
	}
	for ok-fail > 1 {
		if mid := fail + (ok-fail)/2; tooLarge(mid) {
			fail = mid
		} else {
			ok = mid
		}
	}
	return ok
}

// mapOf returns a map32 of n entries, each the key made by key(i) and nil.
func mapOf(n int, key func(b []byte, i int) []byte) []byte {
	b := binary.BigEndian.AppendUint32([]byte{0xdf}, uint32(n))
	for i := 0; i < n; i++ {
		b = append(key(b, i), 0xc0)
	}
	return b
}

// setOf returns an ExtSet of the n elements made by elem(i).
func setOf(n int, elem func(b []byte, i int) []byte) []byte {
	var arr []byte
	arr = binary.BigEndian.AppendUint32([]byte{0xdd}, uint32(n))
	for i := 0; i < n; i++ {
		arr = elem(arr, i)
	}
	b := binary.BigEndian.AppendUint32([]byte{0xc9}, uint32(len(arr)))
	return append(append(b, byte(serialize.ExtSet)), arr...)
}

func intKey(b []byte, i int) []byte {
	return binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(i))
}

// collidingKey is i<<32: every such Starlark int hashes alike.
func collidingKey(b []byte, i int) []byte { return intKey(b, (i+1)<<32) }

func stringKey(b []byte, i int) []byte {
	s := fmt.Sprint("k", i)
	return append(append(b, 0xa0|byte(len(s))), s...)
}

// floatKey is a float that Starlark hashes as an int of 41 bits.
func floatKey(b []byte, i int) []byte {
	return binary.BigEndian.AppendUint64(append(b, 0xcb), math.Float64bits(float64(1<<40+i)))
}

// hugeFloatKey is a float beyond 2^900, the costliest to hash (all such
// floats hash alike).
func hugeFloatKey(b []byte, i int) []byte {
	return binary.BigEndian.AppendUint64(append(b, 0xcb), math.Float64bits(math.Ldexp(1+float64(i)/(1<<20), 900+i%100)))
}

// stringsThenInt is a map of n string keys, then an int key: DecodeGo
// makes a map[string]any, then a map[any]any.
func stringsThenInt(n int) []byte {
	b := mapOf(n, stringKey)
	binary.BigEndian.PutUint32(b[1:], uint32(n+1))
	return append(b, 0x07, 0xc0)
}

// memoryInputs are messages of every kind of value at sizes around the
// points where the estimates change: the small-message string copy,
// hashtables and Go maps at their growth points, large objects.
func memoryInputs(tb testing.TB) [][]byte {
	var inputs [][]byte
	for _, elem := range costly {
		inputs = append(inputs, repeated(tb, 1000, elem), repeated(tb, 4<<10, elem))
	}
	for _, n := range []int{0, 1, 7, 8, 9, 13, 14, 15, 26, 27, 29, 63, 64, 65, 100, 417, 449, 897, 3000} {
		inputs = append(inputs, mapOf(n, intKey), mapOf(n, stringKey), mapOf(n, floatKey),
			setOf(n, intKey), setOf(n, floatKey), stringsThenInt(n))
		if n <= 100 { // every insertion compares the key with all before it
			inputs = append(inputs, mapOf(n, collidingKey), mapOf(n, hugeFloatKey), setOf(n, hugeFloatKey))
		}
	}
	dup := func(key string) func([]byte, int) []byte {
		k := mustHex(tb, key)
		return func(b []byte, _ int) []byte { return append(b, k...) }
	}
	inputs = append(inputs, mapOf(1000, dup("00")), mapOf(1000, dup("cb7e37e43c8800759c")), setOf(1000, dup("a3616263")))
	for _, n := range []int{0, 1, 15, 16, 17, 100, 1000, 5000, 40000} {
		str := append(binary.BigEndian.AppendUint32([]byte{0xdb}, uint32(n)), make([]byte, n)...)
		bin := append(binary.BigEndian.AppendUint32([]byte{0xc6}, uint32(n)), make([]byte, n)...)
		buf := append(binary.BigEndian.AppendUint32([]byte{0xc9}, uint32(n)), byte(serialize.ExtBufferCopy))
		buf = append(buf, make([]byte, n)...)
		big := append(binary.BigEndian.AppendUint32([]byte{0xc9}, uint32(n+1)), byte(serialize.ExtBigInt), 0)
		big = append(big, slices.Repeat([]byte{0xff}, n)...)
		arr := append(binary.BigEndian.AppendUint32([]byte{0xdd}, uint32(n)), make([]byte, n)...)
		inputs = append(inputs, str, bin, buf, big, arr)
	}
	var l serialize.Limits
	for _, src := range []string{
		"v = [{} for i in range(1000)]", "v = {i: [i, str(i), float(i)] for i in range(500)}",
		`v = set([(i, "x", float(i << 40)) for i in range(300)])`, "v = [1 << (i + 64) for i in range(200)]",
		`v = [{"id": i, "name": "n%d" % i, "tags": ["a", "b"]} for i in range(300)]`, "v = [[[i]] for i in range(2000)]",
		"v = {(addr, i): raddr for i in range(100)}",
	} {
		data, err := l.EncodeStarlark(eval(tb, src))
		if err != nil {
			tb.Fatal(err)
		}
		inputs = append(inputs, data)
	}
	return inputs
}

// TestDecodeMemoryEstimates checks that what a decode charges bounds what
// it allocates, for every entry point and every kind of value, and
// reports how close the estimates are.
func TestDecodeMemoryEstimates(t *testing.T) {
	inputs := memoryInputs(t)
	for _, d := range decoders {
		switch d.name {
		case "DecodeStarlark", "DecodeGo", "DecodeGoInto(*any)":
			continue // the Transfer variants do the same, buffers included
		}
		worst, worstData, ratios := 0.0, []byte(nil), []float64{}
		for _, data := range inputs {
			charge := charged(d.decode, data)
			l := serialize.Limits{MaxMemory: charge}
			// The least of two runs: now and then something else in the
			// process allocates a little meanwhile.
			decode := func() { _ = d.decode(l, data) }
			got := min(allocated(decode), allocated(decode))
			if got > uint64(charge+chargeSlack) {
				t.Errorf("%s of %d bytes (% x...) allocated %d bytes, more than its charge %d + %d",
					d.name, len(data), data[:min(len(data), 16)], got, charge, chargeSlack)
			}
			if got > 4<<10 {
				r := float64(charge) / float64(got)
				ratios = append(ratios, r)
				if r > worst {
					worst, worstData = r, data
				}
			}
		}
		slices.Sort(ratios)
		t.Logf("%s: charge/allocation over %d inputs: median %.2f, at most %.2f (% x...)",
			d.name, len(ratios), ratios[len(ratios)/2], worst, worstData[:min(len(worstData), 12)])
	}
}

// memLimits are the limits the bound is fuzzed under.
var memLimits = []int{64 << 10, 1 << 20}

// checkMemoryBound fails t if any decoder allocates more than MaxMemory +
// memSlack on data, for each of memLimits. Where the proportional bound
// (checkAllocBound) is below that already, it does not measure again.
func checkMemoryBound(t *testing.T, data []byte) {
	t.Helper()
	for _, mem := range memLimits {
		l := serialize.Limits{MaxMemory: mem}
		for _, d := range decoders {
			if d.perByte*len(data)+allocBase <= mem+memSlack {
				continue
			}
			if got := allocated(func() { _ = d.decode(l, data) }); got > uint64(mem+memSlack) {
				t.Errorf("%s of %d bytes (% x...) under MaxMemory %d allocated %d bytes, more than %d+%d",
					d.name, len(data), data[:min(len(data), 16)], mem, got, mem, memSlack)
			}
		}
	}
}

func TestDecodeMaxMemory(t *testing.T) {
	l := serialize.Limits{MaxMemory: 1000}
	_, err := l.DecodeStarlark(mustHex(t, "93 80 80 80"))
	checkError(t, err, serialize.ErrTooLarge,
		"value: message too large at byte 2: decoding it needs more than 1000 bytes of memory (Limits.MaxMemory)", 2)
	_, err = l.DecodeGo(mustHex(t, "93 a3616263 91 cb 3ff0000000000000 c4 02 0102"))
	if err != nil {
		t.Errorf("a small message under MaxMemory 1000: %v", err)
	}

	// Every entry point stops, on the costliest values for Starlark and
	// for Go, with a typed target too.
	l = serialize.Limits{MaxMemory: 64 << 10}
	entries := append(slices.Clone(decoders), struct {
		name    string
		perByte int
		decode  func(l serialize.Limits, data []byte) error
	}{"DecodeGoInto(typed)", 0, func(l serialize.Limits, data []byte) error {
		var v []map[int]int
		return l.DecodeGoInto(data, &v)
	}}, struct {
		name    string
		perByte int
		decode  func(l serialize.Limits, data []byte) error
	}{"DecodeGoInto(*starlark.Value)", 0, func(l serialize.Limits, data []byte) error {
		var v starlark.Value
		return l.DecodeGoInto(data, &v)
	}})
	for _, elem := range []string{"80", "810000"} {
		data := repeated(t, 16<<10, elem)
		for _, d := range entries {
			err := d.decode(l, data)
			if !errors.Is(err, serialize.ErrTooLarge) || !strings.HasSuffix(err.Error(), "needs more than 65536 bytes of memory (Limits.MaxMemory)") {
				t.Errorf("%s of %d bytes of %s: got %v, want ErrTooLarge for MaxMemory", d.name, len(data), elem, err)
			}
		}
	}
}

// TestDecodeMaxMemoryDefault decodes the largest list the default MaxBytes
// allows: its elements alone need more than DefaultMaxMemory, so the
// decode stops at its header, having allocated next to nothing.
func TestDecodeMaxMemoryDefault(t *testing.T) {
	data := nested(serialize.DefaultMaxBytes, 1, "a")
	var err error
	got := allocated(func() { _, err = serialize.Limits{}.DecodeStarlark(data) })
	checkError(t, err, serialize.ErrTooLarge, fmt.Sprintf(
		"value: message too large at byte 0: decoding it needs more than %d bytes of memory (Limits.MaxMemory)", serialize.DefaultMaxMemory), 0)
	if got > 16<<10 {
		t.Errorf("allocated %d bytes before refusing", got)
	}
}
