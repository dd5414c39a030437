// This file holds the buffer value: a mutable byte array that can move
// between actors by ownership transfer.

package interp

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"sort"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/murmur-go/murmur/serialize"
)

// ErrDetached is wrapped by the error of any use of a buffer after it was
// transferred to another actor.
var ErrDetached = errors.New("interp: buffer was transferred")

// Buffer is the Starlark buffer type: a mutable byte array. Sent plainly it
// is copied: the receiver gets a new buffer of its own (Go a []byte).
// Listed in send(..., transfer=[buf]) it moves: the receiver gets
// the same memory and this handle is detached. Like a transferred JavaScript
// ArrayBuffer, a detached buffer has length 0 (len, iteration and slicing see
// it empty) and every other use fails with an error naming where it went:
// indexing, assignment, methods, comparison, sending it again.
//
// A Buffer belongs to one actor and is used only by that actor's goroutine.
type Buffer struct {
	data   []byte
	frozen bool
	gone   string // where the buffer was transferred to; "" while attached
}

var (
	_ starlark.Value         = (*Buffer)(nil)
	_ starlark.Indexable     = (*Buffer)(nil)
	_ starlark.Mapping       = (*Buffer)(nil)
	_ starlark.HasSetKey     = (*Buffer)(nil)
	_ starlark.Sliceable     = (*Buffer)(nil)
	_ starlark.Iterable      = (*Buffer)(nil)
	_ starlark.Comparable    = (*Buffer)(nil)
	_ starlark.HasAttrs      = (*Buffer)(nil)
	_ serialize.Transferable = (*Buffer)(nil)
)

// NewBuffer returns a buffer that owns data (no copy).
func NewBuffer(data []byte) *Buffer { return &Buffer{data: data} }

// Bytes returns the buffer's memory (no copy), or an error if it was transferred.
func (b *Buffer) Bytes() ([]byte, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	return b.data, nil
}

// Detach gives the buffer's memory away: it returns the memory and makes
// every later use of b fail with an error naming to.
func (b *Buffer) Detach(to string) ([]byte, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	if b.frozen {
		return nil, errors.New("cannot transfer a frozen buffer")
	}
	data := b.data
	b.data, b.gone = nil, to
	return data, nil
}

// Attach undoes a Detach whose transfer did not happen.
func (b *Buffer) Attach(data []byte) { b.data, b.gone = data, "" }

// Detached reports whether the buffer was transferred away.
func (b *Buffer) Detached() bool { return b.gone != "" }

func (b *Buffer) check() error {
	if b.gone != "" {
		return fmt.Errorf("%w to %s; it can no longer be used here", ErrDetached, b.gone)
	}
	return nil
}

func (b *Buffer) checkWrite() error {
	if err := b.check(); err != nil {
		return err
	}
	if b.frozen {
		return errors.New("cannot modify a frozen buffer")
	}
	return nil
}

func (b *Buffer) String() string {
	if b.gone != "" {
		return fmt.Sprintf("<buffer transferred to %s>", b.gone)
	}
	return fmt.Sprintf("<buffer of %d bytes>", len(b.data))
}
func (b *Buffer) Type() string          { return "buffer" }
func (b *Buffer) Freeze()               { b.frozen = true }
func (b *Buffer) Truth() starlark.Bool  { return len(b.data) > 0 }
func (b *Buffer) Hash() (uint32, error) { return 0, errors.New("unhashable type: buffer") }

// Len returns the size: 0 once detached.
func (b *Buffer) Len() int { return len(b.data) }

// Index is used by slicing; buf[i] goes through Get, which can fail.
func (b *Buffer) Index(i int) starlark.Value {
	return starlark.MakeInt(int(b.data[i]))
}

// index checks k as an index into the buffer, Python-style (negative from the end).
func (b *Buffer) index(k starlark.Value) (int, error) {
	if err := b.check(); err != nil {
		return 0, err
	}
	i, err := starlark.AsInt32(k)
	if err != nil {
		return 0, fmt.Errorf("buffer index: %v", err)
	}
	n := len(b.data)
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		return 0, fmt.Errorf("buffer index %s out of range [0:%d]", k, n)
	}
	return i, nil
}

// Get implements buf[i].
func (b *Buffer) Get(k starlark.Value) (starlark.Value, bool, error) {
	i, err := b.index(k)
	if err != nil {
		return nil, false, err
	}
	return starlark.MakeInt(int(b.data[i])), true, nil
}

// SetKey implements buf[i] = v.
func (b *Buffer) SetKey(k, v starlark.Value) error {
	if err := b.checkWrite(); err != nil {
		return err
	}
	i, err := b.index(k)
	if err != nil {
		return err
	}
	n, err := byteValue(v)
	if err != nil {
		return err
	}
	b.data[i] = n
	return nil
}

func byteValue(v starlark.Value) (byte, error) {
	i, ok := v.(starlark.Int)
	if !ok {
		return 0, fmt.Errorf("buffer elements are ints in 0..255, got %s", v.Type())
	}
	n, ok := i.Int64()
	if !ok || n < 0 || n > 255 {
		return 0, fmt.Errorf("buffer elements are ints in 0..255, got %s", i)
	}
	return byte(n), nil
}

// Slice returns the bytes in the slice (a copy, as an immutable bytes value).
func (b *Buffer) Slice(start, end, step int) starlark.Value {
	if step == 1 {
		return starlark.Bytes(b.data[start:end])
	}
	var out []byte
	for i := start; (step > 0 && i < end) || (step < 0 && i > end); i += step {
		out = append(out, b.data[i])
	}
	return starlark.Bytes(out)
}

func (b *Buffer) Iterate() starlark.Iterator { return &bufferIterator{b: b} }

type bufferIterator struct {
	b *Buffer
	i int
}

func (it *bufferIterator) Next(p *starlark.Value) bool {
	if it.i >= len(it.b.data) {
		return false
	}
	*p = starlark.MakeInt(int(it.b.data[it.i]))
	it.i++
	return true
}
func (it *bufferIterator) Done() {}

func (b *Buffer) CompareSameType(op syntax.Token, y starlark.Value, depth int) (bool, error) {
	o := y.(*Buffer)
	if err := b.check(); err != nil {
		return false, err
	}
	if err := o.check(); err != nil {
		return false, err
	}
	switch op {
	case syntax.EQL:
		return string(b.data) == string(o.data), nil
	case syntax.NEQ:
		return string(b.data) != string(o.data), nil
	}
	return false, fmt.Errorf("buffer %s buffer is not supported", op)
}

var bufferMethods = map[string]*starlark.Builtin{
	"write":    starlark.NewBuiltin("write", bufferWrite),
	"read":     starlark.NewBuiltin("read", bufferRead),
	"fill":     starlark.NewBuiltin("fill", bufferFill),
	"hex":      starlark.NewBuiltin("hex", bufferHex),
	"get_uint": starlark.NewBuiltin("get_uint", bufferGetUint),
	"put_uint": starlark.NewBuiltin("put_uint", bufferPutUint),
}

func (b *Buffer) Attr(name string) (starlark.Value, error) {
	m, ok := bufferMethods[name]
	if !ok {
		return nil, nil
	}
	if err := b.check(); err != nil {
		return nil, err
	}
	return m.BindReceiver(b), nil
}

func (b *Buffer) AttrNames() []string {
	names := make([]string, 0, len(bufferMethods))
	for n := range bufferMethods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// span checks that [off, off+n) lies inside the buffer.
func (b *Buffer) span(fn string, off, n int) error {
	if off < 0 || n < 0 || off > len(b.data) || n > len(b.data)-off {
		return fmt.Errorf("%s: range [%d, %d) is outside the buffer of %d bytes", fn, off, off+n, len(b.data))
	}
	return nil
}

// buf.write(offset, data): copies bytes (or another buffer) in at offset.
func bufferWrite(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	b := fn.Receiver().(*Buffer)
	var off int
	var src starlark.Value
	if err := starlark.UnpackPositionalArgs(fn.Name(), args, kwargs, 2, &off, &src); err != nil {
		return nil, err
	}
	if err := b.checkWrite(); err != nil {
		return nil, err
	}
	var data []byte
	switch s := src.(type) {
	case starlark.Bytes:
		data = []byte(s)
	case *Buffer:
		d, err := s.Bytes()
		if err != nil {
			return nil, err
		}
		data = d
	default:
		return nil, fmt.Errorf("write: data must be bytes or a buffer, not %s", src.Type())
	}
	if err := b.span(fn.Name(), off, len(data)); err != nil {
		return nil, err
	}
	copy(b.data[off:], data)
	return starlark.None, nil
}

// buf.read(offset, n): the n bytes at offset, as bytes.
func bufferRead(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	b := fn.Receiver().(*Buffer)
	var off, n int
	if err := starlark.UnpackPositionalArgs(fn.Name(), args, kwargs, 2, &off, &n); err != nil {
		return nil, err
	}
	if err := b.span(fn.Name(), off, n); err != nil {
		return nil, err
	}
	return starlark.Bytes(b.data[off : off+n]), nil
}

// buf.fill(value, start=0, end=len(buf)): sets every byte in [start, end) to value.
func bufferFill(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	b := fn.Receiver().(*Buffer)
	var v starlark.Value
	start, end := 0, len(b.data)
	if err := starlark.UnpackArgs(fn.Name(), args, kwargs, "value", &v, "start?", &start, "end?", &end); err != nil {
		return nil, err
	}
	if err := b.checkWrite(); err != nil {
		return nil, err
	}
	c, err := byteValue(v)
	if err != nil {
		return nil, fmt.Errorf("fill: %w", err)
	}
	if err := b.span(fn.Name(), start, end-start); err != nil {
		return nil, err
	}
	s := b.data[start:end]
	for i := range s {
		s[i] = c
	}
	return starlark.None, nil
}

// buf.hex(): the contents as lowercase hexadecimal.
func bufferHex(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(fn.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return starlark.String(hex.EncodeToString(fn.Receiver().(*Buffer).data)), nil
}

func byteOrder(fn, order string) (binary.ByteOrder, error) {
	switch order {
	case "little":
		return binary.LittleEndian, nil
	case "big":
		return binary.BigEndian, nil
	}
	return nil, fmt.Errorf("%s: order must be \"little\" or \"big\", got %q", fn, order)
}

// field checks an integer field of size bytes at off, in order, and
// returns its byte order.
func (b *Buffer) field(fn string, off, size int, order string) (binary.ByteOrder, error) {
	bo, err := byteOrder(fn, order)
	if err != nil {
		return nil, err
	}
	if err := uintSize(fn, size); err != nil {
		return nil, err
	}
	return bo, b.span(fn, off, size)
}

func uintSize(fn string, size int) error {
	switch size {
	case 1, 2, 4, 8:
		return nil
	}
	return fmt.Errorf("%s: size must be 1, 2, 4 or 8 bytes, got %d", fn, size)
}

// buf.get_uint(offset, size, order="little", signed=False): reads an integer.
func bufferGetUint(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	b := fn.Receiver().(*Buffer)
	var off, size int
	order, signed := "little", false
	if err := starlark.UnpackArgs(fn.Name(), args, kwargs, "offset", &off, "size", &size, "order?", &order, "signed?", &signed); err != nil {
		return nil, err
	}
	bo, err := b.field(fn.Name(), off, size, order)
	if err != nil {
		return nil, err
	}
	var buf [8]byte
	if bo == binary.LittleEndian {
		copy(buf[:], b.data[off:off+size])
	} else {
		copy(buf[8-size:], b.data[off:off+size])
	}
	var u uint64
	if bo == binary.LittleEndian {
		u = binary.LittleEndian.Uint64(buf[:])
	} else {
		u = binary.BigEndian.Uint64(buf[:])
	}
	if signed {
		shift := 64 - 8*uint(size)
		return starlark.MakeInt64(int64(u<<shift) >> shift), nil
	}
	return starlark.MakeUint64(u), nil
}

// buf.put_uint(offset, size, value, order="little"): writes an integer
// (negative values in two's complement), failing if it does not fit.
func bufferPutUint(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	b := fn.Receiver().(*Buffer)
	var off, size int
	var value starlark.Int
	order := "little"
	if err := starlark.UnpackArgs(fn.Name(), args, kwargs, "offset", &off, "size", &size, "value", &value, "order?", &order); err != nil {
		return nil, err
	}
	if err := b.checkWrite(); err != nil {
		return nil, err
	}
	bo, err := b.field(fn.Name(), off, size, order)
	if err != nil {
		return nil, err
	}
	bits := uint(8 * size)
	v := value.BigInt()
	lo := new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), bits-1))
	hi := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), bits), big.NewInt(1))
	if v.Cmp(lo) < 0 || v.Cmp(hi) > 0 {
		return nil, fmt.Errorf("%s: %s does not fit in %d bytes", fn.Name(), value, size)
	}
	u := v.Uint64()
	if v.Sign() < 0 {
		u = uint64(v.Int64())
	}
	var buf [8]byte
	if bo == binary.LittleEndian {
		binary.LittleEndian.PutUint64(buf[:], u)
		copy(b.data[off:off+size], buf[:size])
	} else {
		binary.BigEndian.PutUint64(buf[:], u)
		copy(b.data[off:off+size], buf[8-size:])
	}
	return starlark.None, nil
}

// builtinBuffer is buffer(size), buffer(bytes) or buffer(list of ints).
func builtinBuffer(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value
	if err := starlark.UnpackPositionalArgs(fn.Name(), args, kwargs, 1, &x); err != nil {
		return nil, err
	}
	switch x := x.(type) {
	case starlark.Int:
		n, ok := x.Int64()
		if !ok || n < 0 || n > maxBuffer {
			return nil, fmt.Errorf("buffer: size must be between 0 and %d, got %s", maxBuffer, x)
		}
		return NewBuffer(make([]byte, n)), nil
	case starlark.Bytes:
		return NewBuffer([]byte(x)), nil
	case *Buffer:
		d, err := x.Bytes()
		if err != nil {
			return nil, err
		}
		return NewBuffer(append([]byte(nil), d...)), nil
	case starlark.Iterable:
		var data []byte
		iter := x.Iterate()
		defer iter.Done()
		var v starlark.Value
		for i := 0; iter.Next(&v); i++ {
			c, err := byteValue(v)
			if err != nil {
				return nil, fmt.Errorf("buffer: element %d: %w", i, err)
			}
			data = append(data, c)
		}
		return NewBuffer(data), nil
	}
	return nil, fmt.Errorf("buffer: want a size, bytes or a list of ints, not %s", x.Type())
}

// maxBuffer is the largest buffer a script may allocate at once (4 GiB).
const maxBuffer = 4 << 30

// AppendMsgpack appends a copy of the buffer's contents as a buffer
// (serialize.AppendBuffer), which is how a buffer travels when it is not
// transferred: the receiver gets a new buffer of its own, Go a []byte.
func (b *Buffer) AppendMsgpack(dst []byte) ([]byte, error) {
	if err := b.check(); err != nil {
		return dst, err
	}
	return serialize.AppendBuffer(dst, b.data)
}

// TransferBytes returns the memory a transfer would move.
func (b *Buffer) TransferBytes() ([]byte, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	if b.frozen {
		return nil, errors.New("a frozen buffer (a library's) cannot be transferred")
	}
	return b.data, nil
}
