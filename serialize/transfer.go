// Ownership transfer: envelopes that carry moved memory beside the msgpack
// bytes, and the encoding and decoding of ExtBuffer slots.

package serialize

import (
	"errors"
	"fmt"

	"go.starlark.net/starlark"
)

// Payload is one encoded value, what a message carries: the msgpack
// Body, and the memory of the buffers moved by transfer, which ExtBuffer
// slots in the Body index: the two results of EncodeStarlarkTransfer, the
// two inputs of DecodeStarlarkTransfer and DecodeGoTransfer. interp.Host
// passes one for every message, request, answer and spawn argument list. It
// says nothing of sender or destination: the actor layer puts it inside
// envelopes of its own for that. Inside one process the Buffers travel
// without a copy; across processes they are copied. A zero Payload holds
// no value: interp's Init reads it as no arguments.
type Payload struct {
	Body    []byte   // the msgpack message
	Buffers [][]byte // the moved memory, by ExtBuffer slot; nil when nothing moved
}

// Size returns the bytes the payload holds: its body and its buffers.
func (e Payload) Size() int {
	n := len(e.Body)
	for _, b := range e.Buffers {
		n += len(b)
	}
	return n
}

// Transferable is a Sendable that can also move: listed in a transfer, it is
// encoded as an ExtBuffer slot and its memory travels beside the bytes.
type Transferable interface {
	Sendable
	// TransferBytes returns the memory to move, or an error if it cannot
	// move (already transferred, frozen). It does not detach anything: the
	// caller does that once the message is on its way.
	TransferBytes() ([]byte, error)
}

// Transfer marks a []byte in a Go message that moves to the receiver
// instead of being copied: EncodeGoTransfer writes it as an ExtBuffer slot.
type Transfer []byte

// moves is the transfer list of one encoding.
type moves struct {
	values []Transferable // by slot, for Starlark transfers
	used   []bool
	data   [][]byte // the moved memory, by slot
}

func transferError(i int, msg string) error {
	return &Error{Root: "transfer", Path: indexSegment(i), Offset: -1, Msg: msg, Err: ErrTransfer}
}

// EncodeStarlarkTransfer encodes v, moving the values listed in transfer
// instead of copying them: each is written as an ExtBuffer slot and its
// memory returned in buffers, by slot. A listed value that is not
// Transferable, is listed twice, or is not in v, is an error.
func (l Limits) EncodeStarlarkTransfer(v starlark.Value, transfer []starlark.Value) (body []byte, buffers [][]byte, err error) {
	m := &moves{used: make([]bool, len(transfer))}
	for i, t := range transfer {
		tv, ok := t.(Transferable)
		if !ok {
			return nil, nil, transferError(i, fmt.Sprintf("a %s cannot be transferred; only buffers and arrays can", t.Type()))
		}
		for j := 0; j < i; j++ {
			if transfer[j] == t {
				return nil, nil, transferError(i, fmt.Sprintf("the same buffer is listed twice (also at [%d])", j))
			}
		}
		data, err := tv.TransferBytes()
		if err != nil {
			return nil, nil, transferError(i, err.Error())
		}
		m.values = append(m.values, tv)
		m.data = append(m.data, data)
	}
	e := newEncoder(l, nil)
	defer e.release()
	e.move = m
	if err := e.starlarkValue(v); err != nil {
		return nil, nil, withPath(err)
	}
	if err := e.checkSize(); err != nil {
		return nil, nil, err
	}
	for i, u := range m.used {
		if !u {
			return nil, nil, transferError(i, "the buffer is not in the message")
		}
	}
	return e.buf, m.data, nil
}

// EncodeGoTransfer is EncodeGo that moves the Transfer values in v: each is
// an ExtBuffer slot, and its memory is returned in buffers, by slot.
func (l Limits) EncodeGoTransfer(v any) (body []byte, buffers [][]byte, err error) {
	e := newEncoder(l, nil)
	defer e.release()
	e.goMoves = true // the moves list is made at the first Transfer
	if err := e.goValue(v); err != nil {
		return nil, nil, withPath(err)
	}
	if err := e.checkSize(); err != nil {
		return nil, nil, err
	}
	if e.move == nil {
		return e.buf, nil, nil
	}
	return e.buf, e.move.data, nil
}

// moved writes v as an ExtBuffer slot if it is being transferred; done
// reports whether it was.
func (e *encoder) moved(v Sendable) (done bool, err error) {
	for i, m := range e.move.values {
		if m == v {
			if e.move.used[i] {
				return true, encodeError(ErrTransfer, "a transferred buffer appears twice in the message")
			}
			e.move.used[i] = true
			return true, e.moveSlot(v, i)
		}
	}
	return false, nil
}

// transfer writes a Go Transfer as the next slot.
func (e *encoder) transfer(b Transfer) error {
	if e.move == nil && !e.goMoves {
		return encodeError(ErrTransfer, "a Transfer needs a send that can move buffers (EncodeGoTransfer)")
	}
	if e.move == nil {
		e.move = &moves{}
	}
	e.slot(len(e.move.data))
	e.move.data = append(e.move.data, b)
	return nil
}

// slot appends ExtBuffer with payload i.
func (e *encoder) slot(i int) {
	var p [9]byte
	payload := appendUint(p[:0], uint64(i))
	e.buf = appendExtHeader(e.buf, ExtBuffer, len(payload))
	e.buf = append(e.buf, payload...)
}

// arrivals is the moved memory of a message being decoded.
type arrivals struct {
	buffers [][]byte
	used    []bool
}

// wrapFunc makes the Starlark value that owns a buffer's memory.
type wrapFunc = func([]byte) starlark.Value

// DecodeStarlarkTransfer decodes data whose ExtBuffer slots index buffers,
// the memory that moved with the message (none for a plain message). wrap
// makes the Starlark value (interp's buffer) that owns each buffer of the
// message: a moved one without a copy, each slot once; a copied one
// (ExtBufferCopy) from a fresh copy of its bytes. It is the decoding of a
// receiver that has a buffer type: DecodeStarlark refuses buffers.
func (l Limits) DecodeStarlarkTransfer(data []byte, buffers [][]byte, wrap func([]byte) starlark.Value) (starlark.Value, error) {
	if wrap == nil {
		return nil, errors.New("serialize: DecodeStarlarkTransfer needs a wrap function to make buffers")
	}
	var r reader
	if err := l.start(&r, data); err != nil {
		return nil, err
	}
	r.wrap = wrap
	if len(buffers) > 0 { // a plain message allocates nothing more
		if err := r.arrivals(buffers); err != nil {
			return nil, err
		}
	}
	v, err := r.starlarkValue(false)
	if err != nil {
		return nil, withPath(err)
	}
	return v, r.finish()
}

// DecodeGoTransfer is DecodeGo for a message that carried moved buffers:
// each ExtBuffer slot becomes its buffer as a []byte, without a copy.
func (l Limits) DecodeGoTransfer(data []byte, buffers [][]byte) (any, error) {
	var r reader
	if err := l.start(&r, data); err != nil {
		return nil, err
	}
	if err := r.arrivals(buffers); err != nil {
		return nil, err
	}
	v, err := r.goValue(modeValue)
	if err != nil {
		return nil, withPath(err)
	}
	return v, r.finish()
}

// arrivals sets up the moved memory of the message, charging its
// bookkeeping first.
func (r *reader) arrivals(buffers [][]byte) error {
	if err := r.charge(0, arrivalsSize+heapSize(len(buffers))); err != nil {
		return err
	}
	r.moved = &arrivals{buffers: buffers, used: make([]bool, len(buffers))}
	return nil
}

// slot reads an ExtBuffer payload of n bytes at r.pos (found at off) and
// returns the memory it names.
func (r *reader) slot(off, n int) ([]byte, error) {
	if r.moved == nil {
		return nil, r.unknownExt(off, ExtBuffer) // "transferred buffer without an envelope"
	}
	saved := r.payload(n)
	if err := r.next(); err != nil {
		return nil, err
	}
	if r.tok.kind != kindInt || r.tok.i < 0 || r.tok.i >= int64(len(r.moved.buffers)) {
		return nil, r.malformed(off, "buffer slot out of range: the message carries %d buffers", len(r.moved.buffers))
	}
	i := r.tok.i
	if err := r.done(saved, "buffer"); err != nil {
		return nil, err
	}
	if r.moved.used[i] {
		return nil, r.malformed(off, "buffer slot %d used twice", i)
	}
	r.moved.used[i] = true
	return r.moved.buffers[i], nil
}

// Envelope is the former name of Payload.
//
// Deprecated: use Payload; the actor layer's envelopes (a payload with its
// sender) are another thing.
type Envelope = Payload
