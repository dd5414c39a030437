// The msgpack format written by hand: appending headers and scalars to a byte slice.

package serialize

import (
	"encoding/binary"
	"math"
)

// Each function appends one msgpack item in its shortest standard form.
// Lengths are at most math.MaxUint32; callers check before calling.

func appendNil(b []byte) []byte { return append(b, 0xc0) }

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 0xc3)
	}
	return append(b, 0xc2)
}

// appendInt writes v as a positive fixint or uint when v >= 0 (as msgpack/v5
// and msgpack-c do), else as a negative fixint or the smallest int.
func appendInt(b []byte, v int64) []byte {
	if v >= 0 {
		return appendUint(b, uint64(v))
	}
	switch {
	case v >= -32:
		return append(b, byte(v))
	case v >= math.MinInt8:
		return append(b, 0xd0, byte(v))
	case v >= math.MinInt16:
		return binary.BigEndian.AppendUint16(append(b, 0xd1), uint16(v))
	case v >= math.MinInt32:
		return binary.BigEndian.AppendUint32(append(b, 0xd2), uint32(v))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(v))
}

func appendUint(b []byte, v uint64) []byte {
	switch {
	case v <= 0x7f:
		return append(b, byte(v))
	case v <= math.MaxUint8:
		return append(b, 0xcc, byte(v))
	case v <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, 0xcd), uint16(v))
	case v <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(b, 0xce), uint32(v))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xcf), v)
}

// appendFloat always writes a float64, so that 1.0 stays a float.
func appendFloat(b []byte, f float64) []byte {
	return binary.BigEndian.AppendUint64(append(b, 0xcb), math.Float64bits(f))
}

// appendLen writes a length header: fix is the fix-format code (0 if there is
// none), limit its largest length, and c8, c16, c32 the codes with 8-, 16- and
// 32-bit lengths (c8 0 if there is none).
func appendLen(b []byte, n int, fix byte, limit int, c8, c16, c32 byte) []byte {
	switch {
	case n <= limit && fix != 0:
		return append(b, fix|byte(n))
	case n <= math.MaxUint8 && c8 != 0:
		return append(b, c8, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, c16), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(b, c32), uint32(n))
}

func appendStrHeader(b []byte, n int) []byte   { return appendLen(b, n, 0xa0, 31, 0xd9, 0xda, 0xdb) }
func appendBinHeader(b []byte, n int) []byte   { return appendLen(b, n, 0, 0, 0xc4, 0xc5, 0xc6) }
func appendArrayHeader(b []byte, n int) []byte { return appendLen(b, n, 0x90, 15, 0, 0xdc, 0xdd) }
func appendMapHeader(b []byte, n int) []byte   { return appendLen(b, n, 0x80, 15, 0, 0xde, 0xdf) }

func appendStr(b []byte, s string) []byte { return append(appendStrHeader(b, len(s)), s...) }

// strLen is the encoded size of a str of n bytes.
func strLen(n int) int {
	switch {
	case n <= 31:
		return 1 + n
	case n <= math.MaxUint8:
		return 2 + n
	case n <= math.MaxUint16:
		return 3 + n
	}
	return 5 + n
}

// binLen is the encoded size of a bin of n bytes.
func binLen(n int) int {
	switch {
	case n <= math.MaxUint8:
		return 2 + n
	case n <= math.MaxUint16:
		return 3 + n
	}
	return 5 + n
}

// appendExtHeader writes the header of an ext of type typ with an n-byte payload.
func appendExtHeader(b []byte, typ int8, n int) []byte {
	switch n {
	case 1:
		b = append(b, 0xd4)
	case 2:
		b = append(b, 0xd5)
	case 4:
		b = append(b, 0xd6)
	case 8:
		b = append(b, 0xd7)
	case 16:
		b = append(b, 0xd8)
	default:
		b = appendLen(b, n, 0, 0, 0xc7, 0xc8, 0xc9)
	}
	return append(b, byte(typ))
}

// extHeaderLen is the size of appendExtHeader's output for an n-byte payload.
func extHeaderLen(n int) int {
	switch {
	case n == 1 || n == 2 || n == 4 || n == 8 || n == 16:
		return 2
	case n <= math.MaxUint8:
		return 3
	case n <= math.MaxUint16:
		return 4
	}
	return 6
}

// maxLen is the longest str, bin, array, map or ext payload msgpack can describe.
const maxLen = math.MaxUint32
