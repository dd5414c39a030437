// Tests that decoding allocates memory proportional to its input, whatever
// the bytes: nested lengths, the costliest values, deep error paths, a fuzz.

package serialize_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/murmur-go/murmur/serialize"
	"go.starlark.net/starlark"
)

// The bound the package documentation promises: decoding n bytes allocates
// at most perByte*n + allocBase bytes. The costliest inputs measured (see
// costly) reach about 530 bytes per byte for Starlark (an empty dict) and
// about 135 for Go (a one-entry map with a non-string key).
const (
	allocPerByteStarlark = 640
	allocPerByteGo       = 160
	allocBase            = 16 << 10
)

// allocated returns the bytes f allocates on the heap. The caller must not
// run other goroutines meanwhile: TotalAlloc counts the whole process.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// keep is a wrap function for DecodeStarlarkTransfer that allocates
// nothing: what a wrap makes is outside the bounds.
func keep([]byte) starlark.Value { return starlark.None }

// decoders are the entry points the bounds cover, each with its bytes per
// input byte.
var decoders = []struct {
	name    string
	perByte int
	decode  func(l serialize.Limits, data []byte) error
}{
	{"DecodeStarlark", allocPerByteStarlark, func(l serialize.Limits, data []byte) error {
		_, err := l.DecodeStarlark(data)
		return err
	}},
	{"DecodeStarlarkArray", allocPerByteStarlark, func(l serialize.Limits, data []byte) error {
		_, err := l.DecodeStarlarkArray(data)
		return err
	}},
	{"DecodeStarlarkTransfer", allocPerByteStarlark, func(l serialize.Limits, data []byte) error {
		_, err := l.DecodeStarlarkTransfer(data, [][]byte{{1}}, keep)
		return err
	}},
	{"DecodeGo", allocPerByteGo, func(l serialize.Limits, data []byte) error {
		_, err := l.DecodeGo(data)
		return err
	}},
	{"DecodeGoInto(*any)", allocPerByteGo, func(l serialize.Limits, data []byte) error {
		var v any
		return l.DecodeGoInto(data, &v)
	}},
	{"DecodeGoTransfer", allocPerByteGo, func(l serialize.Limits, data []byte) error {
		_, err := l.DecodeGoTransfer(data, [][]byte{{1}})
		return err
	}},
}

// checkAllocBound fails t if any decoder allocates more than its bound on data.
func checkAllocBound(t *testing.T, l serialize.Limits, data []byte) {
	t.Helper()
	for _, d := range decoders {
		limit := uint64(d.perByte*len(data) + allocBase)
		if got := allocated(func() { _ = d.decode(l, data) }); got > limit {
			t.Errorf("%s of %d bytes (% x...) allocated %d bytes, more than %d*%d+%d = %d",
				d.name, len(data), data[:min(len(data), 16)], got, d.perByte, len(data), allocBase, limit)
		}
	}
}

// Headers of the nested inputs: each declares as many elements as there are
// bytes left after it (entries for maps: half as many).
const (
	hArray32  = 'a' // dd: an array
	hArray16  = 's' // dc: an array of at most 65535 elements
	hMap32    = 'm' // df, then key 00: the next container is the first value
	hMapKey32 = 'k' // df: the next container is the first key
	hSet32    = 'e' // ext32 ExtSet around an array32
)

// nested returns size bytes: up to levels container headers, cycling
// through the header kinds of pattern, each claiming the bytes left, then
// zeros.
func nested(size, levels int, pattern string) []byte {
	b := make([]byte, 0, size)
	for i := 0; i < levels && len(b)+11 <= size; i++ { // a header takes at most 11 bytes
		left := func(header int) uint64 { return uint64(size - len(b) - header) }
		switch h := pattern[i%len(pattern)]; h {
		case hArray32:
			b = binary.BigEndian.AppendUint32(append(b, 0xdd), uint32(left(5)))
		case hArray16:
			b = binary.BigEndian.AppendUint16(append(b, 0xdc), uint16(min(left(3), 0xffff)))
		case hMap32:
			b = append(binary.BigEndian.AppendUint32(append(b, 0xdf), uint32(left(5)/2)), 0x00)
		case hMapKey32:
			b = binary.BigEndian.AppendUint32(append(b, 0xdf), uint32(left(5)/2))
		case hSet32:
			b = append(binary.BigEndian.AppendUint32(append(b, 0xc9), uint32(left(6))), byte(serialize.ExtSet))
			b = binary.BigEndian.AppendUint32(append(b, 0xdd), uint32(left(5)))
		default:
			panic(fmt.Sprintf("unknown header %q", h))
		}
	}
	return append(b, make([]byte, size-len(b))...)
}

// repeated returns an array32 of copies of elem, hex, filling size bytes.
func repeated(tb testing.TB, size int, elem string) []byte {
	e := mustHex(tb, elem)
	n := (size - 5) / len(e)
	b := binary.BigEndian.AppendUint32(append(make([]byte, 0, size), 0xdd), uint32(n))
	for i := 0; i < n; i++ {
		b = append(b, e...)
	}
	return b
}

// costly are the values that cost the most memory per byte of input: empty
// and one-entry containers, sets, strings and bins of length 0 and 1, big
// integers, addresses, floats.
var costly = []string{
	"80", "90", "a0", "a141", "c400", "c40141", "d40390", "d5039100", "d5039190",
	"d501a0a0", "d40200", "d5020001", "ca00000000", "cb3ff0000000000000",
	"810000", "8100c0", "81a0c0", "81a141c0", "819100c0", "82000001c0", "918080",
	"c70005", "d40500", "c70a0391cb7e37e43c8800759c", "d30000000100000000", "cfffffffffffffffff",
}

// allocSeeds are the inputs the bound is checked on before any fuzzing.
func allocSeeds(tb testing.TB) [][]byte {
	var seeds [][]byte
	for _, size := range []int{1 << 10, 64 << 10} {
		for _, pattern := range []string{"a", "m", "k", "s", "e", "am", "ma", "ka", "ea", "ak", "mks"} {
			seeds = append(seeds, nested(size, 100, pattern))
		}
	}
	for _, pattern := range []string{"a", "am", "s"} {
		seeds = append(seeds, nested(1<<20, 100, pattern))
	}
	for _, elem := range costly {
		seeds = append(seeds, repeated(tb, 16<<10, elem))
	}
	// Dicts, sets and Go maps past their growth points, keys that hash
	// alike or cost the most to hash, duplicate keys.
	for _, n := range []int{9, 65, 449, 897, 3000} {
		seeds = append(seeds, mapOf(n, intKey), mapOf(n, stringKey), setOf(n, floatKey), stringsThenInt(n))
	}
	seeds = append(seeds, mapOf(100, collidingKey), setOf(100, hugeFloatKey), mapOf(3000, func(b []byte, _ int) []byte { return append(b, 0) }))
	// A deep path on the error: 5000 nested arrays, then an invalid byte.
	seeds = append(seeds, append(mustHex(tb, strings.Repeat("91", 5000)), 0xc1))
	// Huge dict keys on the error path: a big integer alone or in a tuple,
	// a long string.
	bigKey := binary.BigEndian.AppendUint32([]byte{0xc9}, 1+16<<10)
	bigKey = append(append(bigKey, byte(serialize.ExtBigInt), 0), make([]byte, 16<<10)...)
	bigKey[len(bigKey)-1] = 1
	seeds = append(seeds, append(append([]byte{0x81}, bigKey...), 0xc1))
	seeds = append(seeds, append(append([]byte{0x81, 0x91}, bigKey...), 0xc1))
	seeds = append(seeds, append(append(mustHex(tb, "81 db 00004000"), make([]byte, 16<<10)...), 0xc1))
	// Error paths of the default depth through long keys, after values
	// that take most of the memory limits the fuzz target checks.
	escaped := append([]byte{0xd9, 0xff}, bytes.Repeat([]byte{1}, 255)...)
	address := binary.BigEndian.AppendUint32([]byte{0xc9}, 6+5000)
	address = append(append(address, byte(serialize.ExtAddress), 0xa0, 0xdb), binary.BigEndian.AppendUint32(nil, 5000)...)
	address = append(address, bytes.Repeat([]byte{'x'}, 5000)...)
	for _, filler := range []int{20 << 10, 900 << 10} {
		seeds = append(seeds, deepKeys(filler, 99, escaped), deepKeys(filler, 99, address))
	}
	var l serialize.Limits
	for _, src := range []string{
		"v = [{} for i in range(1000)]", "v = {i: [i, str(i), float(i)] for i in range(500)}",
		`v = set([(i, "x") for i in range(300)])`, "v = [1 << (i + 64) for i in range(200)]",
	} {
		data, err := l.EncodeStarlark(eval(tb, src))
		if err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, data)
	}
	return seeds
}

// deepKeys returns [a str of filler bytes, {key: {key: ...}}], depth
// dicts, then an invalid byte.
func deepKeys(filler, depth int, key []byte) []byte {
	b := binary.BigEndian.AppendUint32([]byte{0x92, 0xdb}, uint32(filler))
	b = append(b, make([]byte, filler)...)
	for i := 0; i < depth; i++ {
		b = append(append(b, 0x81), key...)
	}
	return append(b, 0xc1)
}

// FuzzDecodeAllocBound checks the documented bounds on the memory decoding
// allocates: proportional to the input, and at most MaxMemory plus a
// constant. Run it alone (-parallel 1): the measure counts every goroutine.
func FuzzDecodeAllocBound(f *testing.F) {
	for _, seed := range allocSeeds(f) {
		f.Add(seed)
	}
	l := serialize.Limits{MaxDepth: 10000} // deep paths cost more than the default allows
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAllocBound(t, l, data)
		checkMemoryBound(t, data)
	})
}

func TestDecodeNestedLengths(t *testing.T) {
	data := nested(1<<20, 100, "a")
	_, err := serialize.Limits{}.DecodeStarlark(data)
	checkError(t, err, serialize.ErrMalformed, "value[0]: malformed message at byte 5: array of 1048566 elements "+
		"but the containers before it leave room for 5 elements in the message's 1048576 bytes", 5)
	data = nested(1<<20, 100, "m")
	_, err = serialize.Limits{}.DecodeGo(data)
	checkError(t, err, serialize.ErrMalformed, "value[0]: malformed message at byte 6: map of 524282 entries "+
		"but the containers before it leave room for 6 elements in the message's 1048576 bytes", 6)
}

func TestDeepErrorPath(t *testing.T) {
	const depth = 20000
	data := append(mustHex(t, strings.Repeat("91", depth)), 0xc1)
	l := serialize.Limits{MaxDepth: depth}
	want := "value" + strings.Repeat("[0]", depth) + fmt.Sprintf(": malformed message at byte %d: invalid byte 0xc1", depth)
	var err error
	// Building the path one prefix at a time would allocate depth²/2 segments.
	if got := allocated(func() { _, err = l.DecodeStarlark(data) }); got > allocPerByteStarlark*depth {
		t.Errorf("allocated %d bytes for %d bytes", got, len(data))
	}
	checkError(t, err, serialize.ErrMalformed, want, depth)
}

func TestHugeKeyPath(t *testing.T) {
	big := "c7 26 02 00 01" + strings.Repeat("00", 36) // 2^288
	long := "d9 ff" + strings.Repeat("6b", 255)
	var l serialize.Limits
	_, err := l.DecodeGo(mustHex(t, "81"+big+"c1"))
	checkError(t, err, serialize.ErrMalformed, "value[<int of 289 bits>]: malformed message at byte 42: invalid byte 0xc1", 42)
	_, err = l.DecodeStarlark(mustHex(t, "81 91"+big+"c1"))
	checkError(t, err, serialize.ErrMalformed, "value[(<int of 289 bits>,)]: malformed message at byte 43: invalid byte 0xc1", 43)
	for _, decode := range []func([]byte) error{
		func(b []byte) error { _, err := l.DecodeGo(b); return err },
		func(b []byte) error { _, err := l.DecodeStarlark(b); return err },
	} {
		checkError(t, decode(mustHex(t, "81"+long+"c1")), serialize.ErrMalformed,
			`value["`+strings.Repeat("k", 60)+`...]: malformed message at byte 258: invalid byte 0xc1`, 258)
	}
}
