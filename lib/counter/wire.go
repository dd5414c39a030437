// A counter on the wire: a plain msgpack map of key to count.

package counter

import (
	"encoding/binary"
	"fmt"
	"math"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/serialize"
)

// AppendMsgpack appends the counter as a msgpack map of each key to its
// count, in first-seen order: what a dict of the same counts sends. The
// receiver gets a dict (Go a map), which counter(d) turns back into a
// counter.
func (c *Counter) AppendMsgpack(dst []byte) ([]byte, error) {
	n := len(c.keys)
	if n > math.MaxUint32 {
		return dst, fmt.Errorf("a counter of %d keys is more than msgpack's limit", n)
	}
	switch {
	case n <= 15:
		dst = append(dst, 0x80|byte(n))
	case n <= math.MaxUint16:
		dst = binary.BigEndian.AppendUint16(append(dst, 0xde), uint16(n))
	default:
		dst = binary.BigEndian.AppendUint32(append(dst, 0xdf), uint32(n))
	}
	var err error
	for i, k := range c.keys {
		if s, ok := k.(starlark.String); ok {
			dst = appendStr(dst, string(s))
		} else if dst, err = keyLimits.AppendStarlark(dst, k); err != nil {
			return dst, fmt.Errorf("key %s: %w", k, err)
		}
		dst = appendInt(dst, c.counts[i])
	}
	return dst, nil
}

// keyLimits encodes keys that are not strings (ints, tuples, ...); the
// message's own limits are checked by the encoder on the whole counter.
var keyLimits = serialize.Limits{MaxBytes: math.MaxInt32}

func appendStr(b []byte, s string) []byte {
	switch n := len(s); {
	case n <= 31:
		b = append(b, 0xa0|byte(n))
	case n <= math.MaxUint8:
		b = append(b, 0xd9, byte(n))
	case n <= math.MaxUint16:
		b = binary.BigEndian.AppendUint16(append(b, 0xda), uint16(n))
	default:
		b = binary.BigEndian.AppendUint32(append(b, 0xdb), uint32(n))
	}
	return append(b, s...)
}

// appendInt writes v in msgpack's shortest form.
func appendInt(b []byte, v int64) []byte {
	switch {
	case v >= 0 && v <= 0x7f, v < 0 && v >= -32:
		return append(b, byte(v))
	case v >= math.MinInt8 && v <= math.MaxInt8:
		return append(b, 0xd0, byte(v))
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return binary.BigEndian.AppendUint16(append(b, 0xd1), uint16(v))
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return binary.BigEndian.AppendUint32(append(b, 0xd2), uint32(v))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(v))
}
