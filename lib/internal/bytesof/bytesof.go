// Package bytesof reads the bytes of the Starlark values that lib modules
// take as data: strings, bytes and murmur's buffer.
package bytesof

import (
	"fmt"
	"unsafe"

	"go.starlark.net/starlark"
)

// Source is a Starlark value whose bytes can be read in place, such as
// murmur's buffer. Bytes fails when the value cannot be read (a buffer
// that was transferred to another actor).
type Source interface {
	starlark.Value
	Bytes() ([]byte, error)
}

// Data returns the bytes of a string, bytes or Source without copying
// them; the caller must not modify them. fn names the caller in errors.
func Data(fn string, v starlark.Value) ([]byte, error) {
	switch v := v.(type) {
	case starlark.String:
		return unsafe.Slice(unsafe.StringData(string(v)), len(v)), nil
	case starlark.Bytes:
		return unsafe.Slice(unsafe.StringData(string(v)), len(v)), nil
	case Source:
		b, err := v.Bytes()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fn, err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("%s: got %s, want string, bytes or buffer", fn, v.Type())
}
