// Ext types defined above this package (lib/array's arrays): their
// registration, their decoding, and their moving by transfer (ExtMoved).

package serialize

import (
	"errors"
	"fmt"
	"sync/atomic"

	"go.starlark.net/starlark"
)

// Ext types this package reserves for packages above it, and the one that
// moves their values.
const (
	// ExtArray is lib/array's typed numeric array sent by copy: payload, a
	// dtype byte then the elements, little-endian. lib/array registers it.
	ExtArray int8 = 6
	// ExtMoved is a value of a registered ext type moved by transfer (see
	// ExtTransferable): payload, the registered type's number as a byte,
	// then a msgpack uint indexing Payload.Buffers, then the head the
	// value's TransferExt returned.
	ExtMoved int8 = 7
)

// Ext says how values of an ext type defined by a package above this one
// decode; RegisterExt makes this package use it. The encoding side needs no
// registration: a Sendable value writes its ext in AppendMsgpack (with
// AppendExtHeader), and an ExtTransferable one moves as ExtMoved.
//
// Decoding stays bounded: the payload a decoder gets has been checked
// against the bytes of the message, and a decoder must allocate no more
// than a small multiple of len(payload) plus a constant (an array: the
// payload's size once), so that MaxBytes keeps bounding what a message can
// make a receiver allocate.
type Ext struct {
	Type int8   // the ext type number: one this package reserves for it (ExtArray)
	Name string // what a value of the type is called in errors: "array"
	// Check reports what is wrong with a payload, or nil. The encoder runs
	// it on what a Sendable wrote, so it must be cheap (no decoding). Nil
	// accepts every payload.
	Check func(payload []byte) error
	// Starlark decodes a payload into a fresh, unfrozen value the receiver
	// owns, for DecodeStarlark and DecodeStarlarkTransfer. payload aliases
	// the message: the value must keep a copy, not payload itself.
	// Either decoder is charged len(payload) + 128 bytes against
	// Limits.MaxMemory (128 for a moved value) and should allocate no more.
	Starlark func(payload []byte) (starlark.Value, error)
	// Go decodes a payload into a plain Go value, for DecodeGo and
	// DecodeGoTransfer; the same rule about aliasing applies.
	Go func(payload []byte) (any, error)
	// MovedStarlark and MovedGo decode a value moved by transfer: head is
	// what its TransferExt returned and data the moved memory, which the
	// value may keep (that is the point of a transfer). Both nil means
	// values of this type cannot move.
	MovedStarlark func(head, data []byte) (starlark.Value, error)
	MovedGo       func(head, data []byte) (any, error)
}

// registry holds the registered ext types, by number (0..127).
var registry [128]atomic.Pointer[Ext]

// RegisterExt makes the decoders of this package decode the ext type
// x.Type with x's functions. Call it from an init function, as lib/array
// does. Like gob.Register, it panics on a programming error: a type number
// below 0 (msgpack's own) or one this package defines, a type registered
// twice, a missing Name, Starlark or Go, or only one of MovedStarlark and
// MovedGo. Registered values are never dict keys or set elements: decoding
// one there is an error.
func RegisterExt(x Ext) {
	switch {
	case x.Type < 0 || (x.Type >= ExtAddress && x.Type <= ExtBufferCopy) || x.Type == ExtMoved:
		panic(fmt.Sprintf("serialize: RegisterExt: ext type %d is not free for registration", x.Type))
	case x.Name == "" || x.Starlark == nil || x.Go == nil:
		panic(fmt.Sprintf("serialize: RegisterExt: ext type %d needs a Name and Starlark and Go decoders", x.Type))
	case (x.MovedStarlark == nil) != (x.MovedGo == nil):
		panic(fmt.Sprintf("serialize: RegisterExt: ext type %d needs both MovedStarlark and MovedGo, or neither", x.Type))
	}
	if !registry[x.Type].CompareAndSwap(nil, &x) {
		panic(fmt.Sprintf("serialize: RegisterExt: ext type %d registered twice", x.Type))
	}
}

// registered returns the registration of ext type typ, or nil.
func registered(typ int8) *Ext {
	if typ < 0 {
		return nil
	}
	return registry[typ].Load()
}

// AppendExtHeader appends the header of an ext of type typ whose payload
// is n bytes, for the AppendMsgpack of a registered type's values, which
// append the n bytes next, and returns the extended slice. A payload longer
// than msgpack can describe is an error.
func AppendExtHeader(dst []byte, typ int8, n int) ([]byte, error) {
	if n < 0 || n > maxLen {
		return dst, fmt.Errorf("an ext payload of %d bytes is longer than msgpack's limit of %d", n, maxLen)
	}
	return appendExtHeader(dst, typ, n), nil
}

// ExtTransferable is a Transferable that moves as a value of a registered
// ext type rather than as a buffer: listed in a transfer, it is written as
// ExtMoved, and the receiver's MovedStarlark or MovedGo makes the value from
// the head and the moved memory (TransferBytes).
type ExtTransferable interface {
	Transferable
	// TransferExt returns the registered ext type the value arrives as and
	// a small head its Moved decoders get beside the memory (an array's
	// dtype).
	TransferExt() (typ int8, head []byte)
}

// Movable is a Transferable the sender gives up once the message is on its
// way: interp detaches every Movable of a transfer when it sends (Detach,
// returning the memory that moves, after which the value is unusable) and
// attaches it back with that memory when the send fails. interp's buffer
// and lib/array's array are Movable.
type Movable interface {
	Transferable
	// Detach gives the value's memory away and returns it; every later
	// use of the value fails with an error naming to, where it went.
	Detach(to string) ([]byte, error)
	// Attach gives the value back data, the memory a Detach returned,
	// when the send failed.
	Attach(data []byte)
}

// moveSlot writes v, listed in a transfer at slot i, as ExtMoved when it is
// an ExtTransferable, else as the ExtBuffer slot.
func (e *encoder) moveSlot(v Sendable, i int) error {
	x, ok := v.(ExtTransferable)
	if !ok {
		e.slot(i)
		return nil
	}
	typ, head := x.TransferExt()
	if reg := registered(typ); reg == nil || reg.MovedStarlark == nil {
		return encodeError(ErrNotSendable, fmt.Sprintf("cannot transfer a %s: ext type %d is not registered as movable", v.Type(), typ))
	}
	var p [9]byte
	slot := appendUint(p[:0], uint64(i))
	n := 1 + len(slot) + len(head)
	if err := e.room(extHeaderLen(n) + n); err != nil {
		return err
	}
	e.buf = appendExtHeader(e.buf, ExtMoved, n)
	e.buf = append(append(append(e.buf, byte(typ)), slot...), head...)
	return nil
}

// extValue is a registered ext read from the message: its registration,
// and either its payload or, for ExtMoved, its head and moved memory.
type extValue struct {
	reg     *Ext
	payload []byte // aliases the message
	moved   bool
	head    []byte // aliases the message
	data    []byte // the moved memory
}

// registeredExt reads the ext in r.tok (type typ, n payload bytes at r.pos,
// found at off) as a registered type's, or reports an unknown ext. key says
// the value would be a dict key, a set element or a Go map key, where
// registered values are refused.
func (r *reader) registeredExt(off int, typ int8, n int, key bool) (extValue, error) {
	if typ != ExtMoved {
		reg := registered(typ)
		if reg == nil {
			return extValue{}, r.unknownExt(off, typ)
		}
		if key {
			return extValue{}, r.malformed(off, "a %s cannot be a dict key or set element (unhashable)", reg.Name)
		}
		p := r.data[r.pos : r.pos+n]
		r.pos += n
		if reg.Check != nil {
			if err := reg.Check(p); err != nil {
				return extValue{}, r.malformed(off, "%s: %v", reg.Name, err)
			}
		}
		return extValue{reg: reg, payload: p}, nil
	}
	if r.moved == nil {
		return extValue{}, r.malformed(off, "transferred value without an envelope")
	}
	if n == 0 {
		return extValue{}, r.malformed(off, "moved value without its ext type")
	}
	reg := registered(int8(r.data[r.pos]))
	if reg == nil || reg.MovedStarlark == nil {
		return extValue{}, r.malformed(off, "moved value of ext type %d, which is not registered as movable", int8(r.data[r.pos]))
	}
	if key {
		return extValue{}, r.malformed(off, "a %s cannot be a dict key or set element (unhashable)", reg.Name)
	}
	saved := r.payload(n)
	r.pos++
	if err := r.next(); err != nil {
		return extValue{}, err
	}
	if r.tok.kind != kindInt || r.tok.i < 0 || r.tok.i >= int64(len(r.moved.buffers)) {
		return extValue{}, r.malformed(off, "moved %s's slot out of range: the message carries %d buffers", reg.Name, len(r.moved.buffers))
	}
	i := r.tok.i
	if r.moved.used[i] {
		return extValue{}, r.malformed(off, "buffer slot %d used twice", i)
	}
	r.moved.used[i] = true
	head := r.data[r.pos:r.end]
	r.pos = r.end
	if err := r.done(saved, reg.Name); err != nil {
		return extValue{}, err
	}
	return extValue{reg: reg, moved: true, head: head, data: r.moved.buffers[i]}, nil
}

// starlarkRegistered decodes the ext in r.tok with its registered type's
// Starlark decoder (see registeredExt).
func (r *reader) starlarkRegistered(off int, typ int8, n int, key bool) (starlark.Value, error) {
	x, err := r.registeredExt(off, typ, n, key)
	if err != nil {
		return nil, err
	}
	if err := r.charge(off, registeredCost(x)); err != nil {
		return nil, err
	}
	var v starlark.Value
	if x.moved {
		v, err = x.reg.MovedStarlark(x.head, x.data)
	} else {
		v, err = x.reg.Starlark(x.payload)
	}
	if err == nil && v == nil {
		err = errors.New("its decoder returned no value")
	}
	if err != nil {
		return nil, r.malformed(off, "%s: %v", x.reg.Name, err)
	}
	return v, nil
}

// registeredCost is what a registered type's decoder may allocate, by
// the contract of Ext: a copy of the payload (none for a moved value,
// whose memory travels beside the message) and a small header.
func registeredCost(x extValue) int {
	if x.moved {
		return 128
	}
	return len(x.payload) + 128
}

// goRegistered decodes the ext in r.tok with its registered type's Go
// decoder (see registeredExt).
func (r *reader) goRegistered(off int, typ int8, n int, m mode) (any, error) {
	x, err := r.registeredExt(off, typ, n, m != modeValue)
	if err != nil {
		return nil, err
	}
	if err := r.charge(off, registeredCost(x)); err != nil {
		return nil, err
	}
	var v any
	if x.moved {
		v, err = x.reg.MovedGo(x.head, x.data)
	} else {
		v, err = x.reg.Go(x.payload)
	}
	if err != nil {
		return nil, r.malformed(off, "%s: %v", x.reg.Name, err)
	}
	return v, nil
}

// skipRegistered checks the ext in r.tok as a registered type's, without
// decoding it (see registeredExt).
func (r *reader) skipRegistered(off int, typ int8, n int) error {
	_, err := r.registeredExt(off, typ, n, false)
	return err
}
