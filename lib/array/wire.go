// Arrays on the wire: the ExtArray ext (a dtype byte, then the elements
// little-endian), moving by transfer, and their registration with serialize.

package array

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unsafe"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/serialize"
)

func init() {
	serialize.RegisterExt(serialize.Ext{
		Type:  serialize.ExtArray,
		Name:  "array",
		Check: func(p []byte) error { _, _, err := parse(p); return err },
		Starlark: func(p []byte) (starlark.Value, error) {
			d, data, err := parse(p)
			if err != nil {
				return nil, err
			}
			return &Array{dt: d, v: d.clone(data)}, nil
		},
		Go: func(p []byte) (any, error) {
			d, data, err := parse(p)
			if err != nil {
				return nil, err
			}
			return d.clone(data).data(), nil
		},
		MovedStarlark: func(head, data []byte) (starlark.Value, error) {
			d, err := parseMoved(head, data)
			if err != nil {
				return nil, err
			}
			return &Array{dt: d, v: d.view(data)}, nil
		},
		MovedGo: func(head, data []byte) (any, error) {
			d, err := parseMoved(head, data)
			if err != nil {
				return nil, err
			}
			return d.view(data).data(), nil
		},
	})
}

// parse splits an ExtArray payload into its dtype and elements.
func parse(p []byte) (*dtype, []byte, error) {
	if len(p) == 0 {
		return nil, nil, errors.New("payload without a dtype byte")
	}
	d, err := byCode(p[0])
	if err != nil {
		return nil, nil, err
	}
	if (len(p)-1)%d.size != 0 {
		return nil, nil, fmt.Errorf("%d bytes are not a whole number of %s elements", len(p)-1, d.name)
	}
	return d, p[1:], nil
}

// parseMoved checks the head and memory of a moved array.
func parseMoved(head, data []byte) (*dtype, error) {
	if len(head) != 1 {
		return nil, fmt.Errorf("moved array's head of %d bytes, want 1 (its dtype)", len(head))
	}
	d, err := byCode(head[0])
	if err != nil {
		return nil, err
	}
	if len(data)%d.size != 0 {
		return nil, fmt.Errorf("moved memory of %d bytes is not a whole number of %s elements", len(data), d.name)
	}
	return d, nil
}

// AppendMsgpack appends a copy of the array as the ext serialize.ExtArray:
// the receiver gets a new array of its own (Go a typed slice).
func (a *Array) AppendMsgpack(dst []byte) ([]byte, error) {
	if err := a.check(); err != nil {
		return dst, err
	}
	b := a.v.bytes()
	dst, err := serialize.AppendExtHeader(dst, serialize.ExtArray, 1+len(b))
	if err != nil {
		return dst, err
	}
	dst = append(dst, a.dt.code)
	if littleEndian {
		return append(dst, b...), nil
	}
	return appendLittle(dst, a.dt, b), nil
}

// TransferBytes returns the memory a transfer moves: the array's own on a
// little-endian machine; elsewhere a little-endian copy (the sender is
// detached all the same).
func (a *Array) TransferBytes() ([]byte, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	if a.frozen {
		return nil, errors.New("a frozen array (a library's) cannot be transferred")
	}
	if littleEndian {
		return a.v.bytes(), nil
	}
	return appendLittle(nil, a.dt, a.v.bytes()), nil
}

// TransferExt says that a moved array arrives as an array: its head is the
// dtype byte.
func (a *Array) TransferExt() (int8, []byte) {
	return serialize.ExtArray, []byte{a.dt.code}
}

// Detach gives the array's memory away for a transfer: it returns the
// memory that moves and makes every later use of a fail with an error
// naming to. Its length is 0 from then on.
func (a *Array) Detach(to string) ([]byte, error) {
	data, err := a.TransferBytes()
	if err != nil {
		return nil, err
	}
	a.v, a.gone = a.dt.make(0), to
	return data, nil
}

// Attach undoes a Detach whose transfer did not happen: data is what
// Detach returned.
func (a *Array) Attach(data []byte) { a.v, a.gone = a.dt.view(data), "" }

// Detached reports whether the array was transferred away.
func (a *Array) Detached() bool { return a.gone != "" }

// littleEndian reports the machine's byte order: the wire's, so that
// arrays are sent and moved as they lie in memory.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// bytesOf returns the memory of s, without a copy.
func bytesOf[T Number](s []T) []byte {
	if len(s) == 0 {
		return []byte{}
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*sizeOf(s[0]))
}

// viewOf returns data (little-endian elements) as a []T: the same memory
// when the machine is little-endian and data is aligned for T (memory
// moved within a process always is), else a copy.
func viewOf[T Number](data []byte) []T {
	var zero T
	size := sizeOf(zero)
	if len(data) == 0 {
		return []T{}
	}
	if littleEndian && uintptr(unsafe.Pointer(&data[0]))%uintptr(size) == 0 {
		return unsafe.Slice((*T)(unsafe.Pointer(&data[0])), len(data)/size)
	}
	return copyOf[T](data)
}

// copyOf returns data (little-endian elements) as a new []T.
func copyOf[T Number](data []byte) []T {
	var zero T
	size := sizeOf(zero)
	out := make([]T, len(data)/size)
	if littleEndian {
		copy(bytesOf(out), data)
		return out
	}
	for i := range out {
		p := data[i*size:]
		switch any(zero).(type) {
		case float64:
			out[i] = T(math.Float64frombits(binary.LittleEndian.Uint64(p)))
		case float32:
			out[i] = T(math.Float32frombits(binary.LittleEndian.Uint32(p)))
		case int64:
			out[i] = T(int64(binary.LittleEndian.Uint64(p)))
		case int32:
			out[i] = T(int32(binary.LittleEndian.Uint32(p)))
		case uint32:
			out[i] = T(binary.LittleEndian.Uint32(p))
		case int16:
			out[i] = T(int16(binary.LittleEndian.Uint16(p)))
		case uint16:
			out[i] = T(binary.LittleEndian.Uint16(p))
		default:
			out[i] = T(p[0])
		}
	}
	return out
}

// appendLittle appends native-order elements of d as little-endian, on a
// big-endian machine.
func appendLittle(dst []byte, d *dtype, native []byte) []byte {
	for i := 0; i < len(native); i += d.size {
		for k := d.size - 1; k >= 0; k-- {
			dst = append(dst, native[i+k])
		}
	}
	return dst
}
