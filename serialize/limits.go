// Limits and the package's entry points: encoding and decoding under limits.

package serialize

import (
	"bytes"
	"fmt"
	"reflect"

	"github.com/vmihailenco/msgpack/v5"
	"go.starlark.net/starlark"
)

// Defaults of Limits.
const (
	DefaultMaxDepth  = 100      // deepest nesting of containers
	DefaultMaxBytes  = 64 << 20 // largest message: 64 MiB
	DefaultMaxMemory = 1 << 30  // most memory one decode may build: 1 GiB
)

// Limits bounds encoding and decoding. The zero value means the defaults.
//
// A Limits is a plain value; its methods may be called from any number of
// goroutines at once. A value being encoded must not be mutated meanwhile
// (Starlark values are owned by one actor, which is the one encoding them).
type Limits struct {
	MaxDepth int // deepest nesting of containers; zero (or less) means DefaultMaxDepth
	MaxBytes int // largest encoded message in bytes; zero (or less) means DefaultMaxBytes
	// MaxMemory is the most memory, in bytes, that decoding one message
	// may allocate for the values it builds (see the package documentation
	// for what counts); zero (or less) means DefaultMaxMemory. Encoding
	// ignores it.
	MaxMemory int
}

func (l Limits) depth() int {
	if l.MaxDepth <= 0 {
		return DefaultMaxDepth
	}
	return l.MaxDepth
}

func (l Limits) bytes() int {
	if l.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return l.MaxBytes
}

func (l Limits) memory() int {
	if l.MaxMemory <= 0 {
		return DefaultMaxMemory
	}
	return l.MaxMemory
}

// EncodeStarlark encodes v as a new msgpack message.
func (l Limits) EncodeStarlark(v starlark.Value) ([]byte, error) {
	return l.AppendStarlark(nil, v)
}

// AppendStarlark appends the encoding of v to dst and returns the extended
// slice; reusing dst across calls avoids allocating. MaxBytes bounds the
// appended part. On error it returns dst unchanged (in length).
func (l Limits) AppendStarlark(dst []byte, v starlark.Value) ([]byte, error) {
	e := newEncoder(l, dst)
	defer e.release()
	if err := e.starlarkValue(v); err != nil {
		return dst, withPath(err)
	}
	if err := e.checkSize(); err != nil {
		return dst, err
	}
	return e.buf, nil
}

// DecodeStarlark decodes one message into fresh, unfrozen Starlark values
// that the caller owns. Arrays become lists, except inside dict keys and set
// elements, where they become tuples.
func (l Limits) DecodeStarlark(data []byte) (starlark.Value, error) {
	var r reader
	if err := l.start(&r, data); err != nil {
		return nil, err
	}
	v, err := r.starlarkValue(false)
	if err != nil {
		return nil, withPath(err)
	}
	return v, r.finish()
}

// DecodeStarlarkArray decodes a message that must be an array, returning its
// elements (decoded as by DecodeStarlark) as a tuple: interp's Instance.Init
// decodes spawn arguments with it into init(*args), without the list that
// DecodeStarlark would build first.
func (l Limits) DecodeStarlarkArray(data []byte) (starlark.Tuple, error) {
	var r reader
	if err := l.start(&r, data); err != nil {
		return nil, err
	}
	if err := r.next(); err != nil {
		return nil, err
	}
	if r.tok.kind != kindArray {
		return nil, decodeError(ErrMalformed, 0, "expected an array, got "+r.tok.describe())
	}
	elems, err := r.starlarkElems(false)
	if err != nil {
		return nil, withPath(err)
	}
	return starlark.Tuple(elems), r.finish()
}

// EncodeGo encodes a Go value as a new msgpack message: see the package
// documentation for the types it takes.
func (l Limits) EncodeGo(v any) ([]byte, error) {
	e := newEncoder(l, nil)
	defer e.release()
	if err := e.goValue(v); err != nil {
		return nil, withPath(err)
	}
	if err := e.checkSize(); err != nil {
		return nil, err
	}
	return e.buf, nil
}

// DecodeGo decodes one message into plain Go values: nil, bool, int64
// (uint64 above math.MaxInt64), float64, string, []byte, []any,
// map[string]any (map[any]any unless every key is a string), Address and
// *big.Int. A set becomes a []any.
func (l Limits) DecodeGo(data []byte) (any, error) {
	var r reader
	if err := l.start(&r, data); err != nil {
		return nil, err
	}
	v, err := r.goValue(modeValue)
	if err != nil {
		return nil, withPath(err)
	}
	return v, r.finish()
}

// DecodeGoInto decodes one message into out, which must be a non-nil
// pointer. Into a *any it stores what DecodeGo returns, into a
// *starlark.Value what DecodeStarlark returns. Any other target is filled by
// msgpack's reflection decoding (struct fields by their msgpack tags, typed
// slices and maps), after the message has been checked against the limits:
// Address and *Address fields take addresses, and numbers go into numeric
// types exactly or with an error (see the package documentation). Places typed any inside such a target follow msgpack's
// loose interface rules (int64, uint64, float64, string, []any,
// map[string]any), where addresses, big integers and sets are errors; a
// target that can hold DecodeGo's value directly ([]any, map[string]any)
// gets that value instead. Copied buffers fill []byte places.
func (l Limits) DecodeGoInto(data []byte, out any) error {
	switch p := out.(type) {
	case *any:
		if p != nil {
			v, err := l.DecodeGo(data)
			if err == nil {
				*p = v
			}
			return err
		}
	case *starlark.Value:
		if p != nil {
			v, err := l.DecodeStarlark(data)
			if err == nil {
				*p = v
			}
			return err
		}
	}
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("serialize: DecodeGoInto needs a non-nil pointer, not %T", out)
	}
	// A target that can hold DecodeGo's value as it is ([]any,
	// map[string]any, Address...) gets exactly that, addresses and big
	// integers included, rather than msgpack's loose interface decoding.
	if v, err := l.DecodeGo(data); err != nil {
		return err
	} else if v != nil && reflect.TypeOf(v).AssignableTo(rv.Elem().Type()) {
		rv.Elem().Set(reflect.ValueOf(v))
		return nil
	}
	// msgpack decodes into the pointer an interface holds, else into *out.
	t := rv.Type().Elem()
	if e := rv.Elem(); e.Kind() == reflect.Interface && !e.IsNil() {
		t = e.Elem().Type()
	}
	msg, shifts, err := fitNumbers(data, t)
	if err != nil {
		return err
	}
	msg, orig := binBuffers(msg) // so that []byte places take copied buffers
	br := bytes.NewReader(msg)
	dec := msgpack.GetDecoder()
	defer msgpack.PutDecoder(dec)
	dec.Reset(br)
	dec.UseLooseInterfaceDecoding(true)
	if err := dec.Decode(out); err != nil {
		off := inputOffset(orig(len(msg)-br.Len()), shifts)
		return decodeError(ErrMalformed, off, fmt.Sprintf("cannot decode into %T: %v", out, err))
	}
	return nil
}
