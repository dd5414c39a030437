// Dicts and sets whose keys' hashes collide: refused, not built in
// quadratic time.

package serialize_test

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/murmur-go/murmur/serialize"
	"go.starlark.net/starlark"
)

// collidingDict is a msgpack map of n int keys i<<32, all of one Starlark
// hash (ints that differ by multiples of 2^32 hash alike), to nil.
func collidingDict(n int) []byte {
	b := binary.BigEndian.AppendUint32([]byte{0xdf}, uint32(n))
	for i := 1; i <= n; i++ {
		b = binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(i)<<32)
		b = append(b, 0xc0)
	}
	return b
}

// oneBucket is a msgpack map of n int keys (i<<16)-3 whose hashes differ
// but share their low 16 bits, so that they fill one bucket of the table.
func oneBucket(n int) []byte {
	b := binary.BigEndian.AppendUint32([]byte{0xdf}, uint32(n))
	for i := 1; i <= n; i++ {
		b = binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(i)<<16-3)
		b = append(b, 0xc0)
	}
	return b
}

// collidingSet is an ExtSet of n floats i·2^32, all of one hash.
func collidingSet(n int) []byte {
	arr := binary.BigEndian.AppendUint32([]byte{0xdd}, uint32(n))
	for i := 1; i <= n; i++ {
		arr = binary.BigEndian.AppendUint64(append(arr, 0xcb), math.Float64bits(float64(uint64(i)<<32)))
	}
	b := binary.BigEndian.AppendUint32([]byte{0xc9}, uint32(len(arr)))
	return append(append(b, byte(serialize.ExtSet)), arr...)
}

func TestDecodeHashCollisions(t *testing.T) {
	var l serialize.Limits
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"dict", collidingDict(5000)},
		{"set", collidingSet(5000)},
		{"one bucket", oneBucket(5000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := l.DecodeStarlark(tc.data)
			if !errors.Is(err, serialize.ErrMalformed) || !strings.Contains(err.Error(), "hash-collision attack") {
				t.Fatalf("DecodeStarlark of %d colliding keys: err = %v, want ErrMalformed naming a hash-collision attack", 5000, err)
			}
			t.Log(err)
		})
	}
}

// Honest keys decode: strings, ints that are all multiples of 8, 300
// floats in [0, 1) (which all hash alike).
func TestDecodeHashCollisionsHonest(t *testing.T) {
	var l serialize.Limits
	strs, ints, floats := starlark.NewDict(10000), starlark.NewDict(10000), starlark.NewSet(300)
	for i := range 10000 {
		_ = strs.SetKey(starlark.String(strconv.Itoa(i)), starlark.None)
		_ = ints.SetKey(starlark.MakeInt(8*i), starlark.None)
	}
	for i := range 300 {
		_ = floats.Insert(starlark.Float(float64(i) / 300))
	}
	for _, v := range []starlark.Value{strs, ints, floats} {
		data, err := l.EncodeStarlark(v)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.DecodeStarlark(data); err != nil {
			t.Errorf("%s of %d: %v", v.Type(), v.(starlark.Sequence).Len(), err)
		}
	}
}

// A few colliding keys among many are honest data, and decode.
func TestDecodeHashCollisionsAllowed(t *testing.T) {
	var l serialize.Limits
	for _, n := range []int{8, 64, 200} {
		data := collidingDict(n)
		v, err := l.DecodeStarlark(data)
		if err != nil {
			t.Fatalf("%d colliding keys: %v", n, err)
		}
		if got := v.(*starlark.Dict).Len(); got != n {
			t.Fatalf("%d colliding keys: dict of %d", n, got)
		}
	}
}

// DecodeGo builds Go maps, whose hashing is seeded per map: the same keys
// are no attack there, and decode.
func TestDecodeGoHashCollisions(t *testing.T) {
	var l serialize.Limits
	v, err := l.DecodeGo(collidingDict(20000))
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := v.(map[any]any); !ok || len(m) != 20000 {
		t.Fatalf("DecodeGo: %T of %d entries, want map[any]any of 20000", v, len(m))
	}
}
