// Encoding Starlark values to msgpack: the encoder, cycles, depth, size, Sendable.

package serialize

import (
	"fmt"
	"math/big"
	"strconv"
	"sync"

	"github.com/vmihailenco/msgpack/v5"
	"go.starlark.net/starlark"
)

// Sendable lets a Starlark value defined in another package (interp's
// buffer, say) say how it goes on the wire. AppendMsgpack appends exactly
// one msgpack value to dst and returns the extended slice, or returns an
// error (such as "buffer was transferred") that makes the value unsendable.
// What it writes decodes like any other msgpack (a bin decodes as bytes; a
// mutable buffer writes itself with AppendBuffer to arrive as a buffer);
// the encoder checks it, so a broken AppendMsgpack is an ErrNotSendable
// error rather than a malformed message.
type Sendable interface {
	starlark.Value
	AppendMsgpack(dst []byte) ([]byte, error)
}

// encoder appends one message to buf, starting at buf[start]. Encoders are
// pooled (see newEncoder), keeping the capacity of open and ptrs.
type encoder struct {
	buf      []byte
	start    int
	maxBytes int
	maxDepth int
	depth    int
	// open holds the mutable containers being encoded, outermost first, to
	// find cycles; its length is at most the depth, which is bounded.
	open []starlark.Value
	// ptrs holds the Go pointers being followed, to find cycles through them.
	ptrs  []uintptr
	entry entryState
	yield func(k, v starlark.Value) bool // e.dictEntry
	// move holds the buffers a transfer moves instead of copying (see
	// transfer.go); nil for a plain encoding.
	move    *moves
	goMoves bool // EncodeGoTransfer: Transfer values may move
}

var encoders = sync.Pool{New: func() any {
	e := new(encoder)
	e.yield = e.dictEntry
	return e
}}

// newEncoder returns an encoder that appends to dst under the limits l.
func newEncoder(l Limits, dst []byte) *encoder {
	e := encoders.Get().(*encoder)
	e.buf, e.start, e.maxBytes, e.maxDepth = dst, len(dst), l.bytes(), l.depth()
	return e
}

// release returns e to the pool, keeping no reference to what it encoded.
func (e *encoder) release() {
	clear(e.open[:cap(e.open)])
	e.buf, e.open, e.ptrs, e.depth, e.entry, e.move, e.goMoves = nil, e.open[:0], e.ptrs[:0], 0, entryState{}, nil, false
	encoders.Put(e)
}

func (e *encoder) checkSize() error {
	if n := len(e.buf) - e.start; n > e.maxBytes {
		return e.tooLarge()
	}
	return nil
}

func (e *encoder) tooLarge() error {
	return encodeError(ErrTooLarge, fmt.Sprintf("encoded message larger than the limit of %d bytes", e.maxBytes))
}

// room reports an error if n more bytes would take the message over the limit.
func (e *encoder) room(n int) error {
	if total := len(e.buf) - e.start + n; total > e.maxBytes || n > maxLen {
		return e.tooLarge()
	}
	return nil
}

// enter counts one level of nesting for container c, and, for a mutable
// container (a non-nil c), checks that it is not already open.
func (e *encoder) enter(c starlark.Value) error {
	if c != nil {
		for _, o := range e.open {
			if o == c { // only pointers are compared
				return encodeError(ErrCycle, "cannot send a "+c.Type()+" that contains itself")
			}
		}
		e.open = append(e.open, c)
	}
	e.depth++
	if e.depth > e.maxDepth {
		return encodeError(ErrTooDeep, "more than "+strconv.Itoa(e.maxDepth)+" nested containers")
	}
	return nil
}

func (e *encoder) leave(c starlark.Value) {
	if c != nil {
		e.open = e.open[:len(e.open)-1]
	}
	e.depth--
}

// starlarkValue appends v.
func (e *encoder) starlarkValue(v starlark.Value) error {
	if err := e.checkSize(); err != nil {
		return err
	}
	switch v := v.(type) {
	case starlark.NoneType:
		e.buf = appendNil(e.buf)
	case starlark.Bool:
		e.buf = appendBool(e.buf, bool(v))
	case starlark.Int:
		return e.int(v)
	case starlark.Float:
		e.buf = appendFloat(e.buf, float64(v))
	case starlark.String:
		return e.str(string(v))
	case starlark.Bytes:
		return e.bin(string(v))
	case *starlark.List:
		return e.list(v, v)
	case starlark.Tuple:
		return e.list(v, nil)
	case *starlark.Dict:
		return e.dict(v)
	case *starlark.Set:
		return e.set(v)
	case Address:
		return e.address(v)
	case *Address:
		if v == nil {
			return encodeError(ErrNotSendable, "cannot send a nil *Address")
		}
		return e.address(*v)
	case Sendable:
		if e.move != nil {
			if done, err := e.moved(v); done {
				return err
			}
		}
		return e.sendable(v)
	case nil:
		return encodeError(ErrNotSendable, "cannot send a nil starlark.Value")
	default:
		return encodeError(ErrNotSendable, "cannot send a "+v.Type())
	}
	return nil
}

// int appends an integer: int, uint, or ExtBigInt beyond 64 bits.
func (e *encoder) int(v starlark.Int) error {
	if i, ok := v.Int64(); ok {
		e.buf = appendInt(e.buf, i)
		return nil
	}
	if u, ok := v.Uint64(); ok {
		e.buf = appendUint(e.buf, u)
		return nil
	}
	return e.bigInt(v.BigInt())
}

// bigInt appends x as an int or uint when it fits 64 bits, else as ExtBigInt.
func (e *encoder) bigInt(x *big.Int) error {
	if x.IsInt64() {
		e.buf = appendInt(e.buf, x.Int64())
		return nil
	}
	if x.IsUint64() {
		e.buf = appendUint(e.buf, x.Uint64())
		return nil
	}
	n := 1 + (x.BitLen()+7)/8
	if err := e.room(extHeaderLen(n) + n); err != nil {
		return err
	}
	e.buf = appendExtHeader(e.buf, ExtBigInt, n)
	sign := byte(0)
	if x.Sign() < 0 {
		sign = 1
	}
	e.buf = append(e.buf, sign)
	e.buf = append(e.buf, make([]byte, n-1)...)
	x.FillBytes(e.buf[len(e.buf)-(n-1):])
	return nil
}

func (e *encoder) str(s string) error {
	if err := e.room(strLen(len(s))); err != nil {
		return err
	}
	e.buf = append(appendStrHeader(e.buf, len(s)), s...)
	return nil
}

func (e *encoder) bin(s string) error {
	if err := e.room(binLen(len(s))); err != nil {
		return err
	}
	e.buf = append(appendBinHeader(e.buf, len(s)), s...)
	return nil
}

func (e *encoder) address(a Address) error {
	if err := e.room(extHeaderLen(a.payloadLen()) + a.payloadLen()); err != nil {
		return err
	}
	e.buf = a.appendExt(e.buf)
	return nil
}

// list appends a list or tuple; c is the list, or nil for a tuple (which
// cannot contain itself except through a list, dict or set).
func (e *encoder) list(v starlark.Indexable, c starlark.Value) error {
	if err := e.enter(c); err != nil {
		return err
	}
	n := v.Len()
	e.buf = appendArrayHeader(e.buf, n)
	for i := 0; i < n; i++ {
		if err := e.starlarkValue(v.Index(i)); err != nil {
			return within(err, indexSegment(i))
		}
	}
	e.leave(c)
	return nil
}

// dict appends a dict, keeping its order. Its entries are visited through
// d.Entries with e.yield, a method value made once per pooled encoder: a
// closure here would be allocated on every call.
func (e *encoder) dict(d *starlark.Dict) error {
	if err := e.enter(d); err != nil {
		return err
	}
	e.buf = appendMapHeader(e.buf, d.Len())
	outer := e.entry
	e.entry = entryState{}
	d.Entries()(e.yield)
	err := e.entry.err
	e.entry = outer
	if err != nil {
		return err
	}
	e.leave(d)
	return nil
}

// entryState is where dictEntry is in the dict being encoded.
type entryState struct {
	i   int
	err error
}

// dictEntry appends one entry of a dict: the body of dict's loop.
func (e *encoder) dictEntry(k, v starlark.Value) bool {
	if err := e.starlarkValue(k); err != nil {
		e.entry.err = within(err, dictKeySegment(e.entry.i))
		return false
	}
	if err := e.starlarkValue(v); err != nil {
		e.entry.err = within(err, keySegment(repr(k)))
		return false
	}
	e.entry.i++
	return true
}

// set appends ExtSet. The payload's length is known only once written, so
// the payload is written after room for the largest header, then moved back
// behind the header it needs.
func (e *encoder) set(s *starlark.Set) error {
	if err := e.enter(s); err != nil {
		return err
	}
	const room = 6 // the largest ext header
	mark := len(e.buf)
	e.buf = append(e.buf, make([]byte, room)...)
	e.buf = appendArrayHeader(e.buf, s.Len())
	i := 0
	for v := range s.Elements() {
		if err := e.starlarkValue(v); err != nil {
			return within(err, setSegment(i))
		}
		i++
	}
	e.leave(s)
	return e.wrapExt(mark, room, ExtSet)
}

// wrapExt turns the payload written at buf[mark+room:] into an ext of type
// typ starting at buf[mark].
func (e *encoder) wrapExt(mark, room int, typ int8) error {
	n := len(e.buf) - mark - room
	if err := e.room(0); err != nil || n > maxLen {
		return e.tooLarge()
	}
	var hdr [6]byte
	h := appendExtHeader(hdr[:0], typ, n)
	copy(e.buf[mark+len(h):], e.buf[mark+room:])
	copy(e.buf[mark:], h)
	e.buf = e.buf[:mark+len(h)+n]
	return nil
}

// appendWriter is an io.Writer and io.ByteWriter that appends to b, for the
// msgpack.Encoder handed to Sendable values and Go structs.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

func (w *appendWriter) WriteByte(c byte) error {
	w.b = append(w.b, c)
	return nil
}

func (w *appendWriter) WriteString(s string) (int, error) {
	w.b = append(w.b, s...)
	return len(s), nil
}

// sendable appends what v.AppendMsgpack writes, once checked.
func (e *encoder) sendable(v Sendable) error {
	start := len(e.buf)
	out, err := v.AppendMsgpack(e.buf)
	if err != nil {
		return encodeError(ErrNotSendable, "cannot send a "+v.Type()+": "+err.Error())
	}
	if len(out) < start {
		return encodeError(ErrNotSendable, "cannot send a "+v.Type()+": its AppendMsgpack shortened dst")
	}
	e.buf = out
	return e.checkWritten(start, v.Type())
}

// viaMsgpack appends what encode writes through a msgpack.Encoder (for Go
// values msgpack's reflection encodes), once checked. what names the value.
func (e *encoder) viaMsgpack(what string, encode func(*msgpack.Encoder) error) error {
	start := len(e.buf)
	w := &appendWriter{b: e.buf}
	enc := msgpack.GetEncoder()
	enc.Reset(w)
	enc.SetSortMapKeys(true)
	enc.UseCompactInts(true)
	err := encode(enc)
	msgpack.PutEncoder(enc)
	e.buf = w.b
	if err != nil {
		e.buf = e.buf[:start]
		return encodeError(ErrNotSendable, "cannot send a "+what+": "+err.Error())
	}
	return e.checkWritten(start, what)
}

// checkWritten checks that buf[start:], written by code outside this
// package, is exactly one value this package can decode, within the size
// and the depth left.
func (e *encoder) checkWritten(start int, what string) error {
	if err := e.checkSize(); err != nil {
		e.buf = e.buf[:start]
		return err
	}
	r := reader{data: e.buf, pos: start, end: len(e.buf), maxDepth: e.maxDepth - e.depth}
	err := r.skip()
	if err == nil {
		err = r.finish()
	}
	if err != nil {
		e.buf = e.buf[:start]
		de, _ := err.(*Error) // skip and finish return only *Error
		if de == nil {
			return encodeError(ErrNotSendable, "cannot send a "+what+": "+err.Error())
		}
		if de.Err == ErrTooDeep {
			return encodeError(ErrTooDeep, "more than "+strconv.Itoa(e.maxDepth)+" nested containers")
		}
		return encodeError(ErrNotSendable, fmt.Sprintf("cannot send a %s: its msgpack encoding is unreadable at byte %d: %s", what, de.Offset-start, de.Msg))
	}
	return nil
}
