// Address: an actor's address, as a Starlark value and as a msgpack ext.

package serialize

import (
	"fmt"

	"github.com/vmihailenco/msgpack/v5"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// The msgpack ext types this package writes and reads.
const (
	ExtAddress    int8 = 1 // payload: two msgpack strings, node then id
	ExtBigInt     int8 = 2 // payload: sign byte (0 positive, 1 negative) + big-endian magnitude
	ExtSet        int8 = 3 // payload: a msgpack array of the elements
	ExtBuffer     int8 = 4 // a transferred buffer: payload, a uint indexing Payload.Buffers
	ExtBufferCopy int8 = 5 // a buffer sent by copy: payload, its bytes (see AppendBuffer)
)

// Address is an actor's address as scripts and Go see it. It is a
// starlark.Value of type "address": hashable, comparable with == and !=,
// always true, printed as `<address $3>` for a local actor and as
// `<address host:port/$3>` for one on another node. On the wire it is the
// msgpack ext ExtAddress.
//
// Address also implements msgpack's CustomEncoder and (through a pointer)
// CustomDecoder, so Address and *Address fields of Go structs work with
// EncodeGo, DecodeGoInto and plain msgpack.Marshal/Unmarshal.
//
// An Address is a plain value: it may be copied and used from any goroutine.
type Address struct {
	Node string // the node (protoactor PID Address), e.g. "nonhost" for a local system
	ID   string // the process id within the node
}

var (
	_ starlark.Comparable   = Address{}
	_ starlark.HasAttrs     = Address{}
	_ msgpack.CustomEncoder = Address{}
	_ msgpack.CustomDecoder = (*Address)(nil)
)

// String returns `<address $3>` when Node is "" or "nonhost", else
// `<address host:port/$3>`.
func (a Address) String() string {
	if a.Node == "" || a.Node == "nonhost" {
		return "<address " + a.ID + ">"
	}
	return "<address " + a.Node + "/" + a.ID + ">"
}

// short returns a with its node and id cut to what a path prints of them
// (see keySegment).
func (a Address) short() Address {
	return Address{Node: a.Node[:min(len(a.Node), maxKeyRepr+1)], ID: a.ID[:min(len(a.ID), maxKeyRepr+1)]}
}

// Attr returns a.node (the node's "host:port", "" for an embedded
// system) and a.id, for scripts.
func (a Address) Attr(name string) (starlark.Value, error) {
	switch name {
	case "node":
		if a.Node == "nonhost" {
			return starlark.String(""), nil
		}
		return starlark.String(a.Node), nil
	case "id":
		return starlark.String(a.ID), nil
	}
	return nil, nil
}

// AttrNames returns the names of Address's attributes.
func (a Address) AttrNames() []string { return []string{"id", "node"} }

// Type returns "address".
func (a Address) Type() string { return "address" }

// Freeze does nothing: an Address is immutable.
func (a Address) Freeze() {}

// Truth returns true.
func (a Address) Truth() starlark.Bool { return true }

// Hash returns a hash of the node and the id (FNV-1a), the same in every process.
func (a Address) Hash() (uint32, error) {
	h := uint32(2166136261)
	for i := 0; i < len(a.Node); i++ {
		h = (h ^ uint32(a.Node[i])) * 16777619
	}
	h = (h ^ 0xff) * 16777619 // separates node from id: "a"+"bc" != "ab"+"c"
	for i := 0; i < len(a.ID); i++ {
		h = (h ^ uint32(a.ID[i])) * 16777619
	}
	return h, nil
}

// CompareSameType implements == and != for addresses; addresses are not ordered.
func (a Address) CompareSameType(op syntax.Token, y starlark.Value, depth int) (bool, error) {
	b := addressOf(y)
	switch op {
	case syntax.EQL:
		return a == b, nil
	case syntax.NEQ:
		return a != b, nil
	}
	return false, fmt.Errorf("%s %s %s not supported", a.Type(), op, y.Type())
}

// addressOf returns the Address a Starlark value of type "address" holds.
func addressOf(v starlark.Value) Address {
	switch v := v.(type) {
	case Address:
		return v
	case *Address:
		if v != nil {
			return *v
		}
	}
	return Address{}
}

// payloadLen is the size of the ExtAddress payload.
func (a Address) payloadLen() int { return strLen(len(a.Node)) + strLen(len(a.ID)) }

// appendExt appends the whole ext: header and payload.
func (a Address) appendExt(b []byte) []byte {
	b = appendExtHeader(b, ExtAddress, a.payloadLen())
	return appendStr(appendStr(b, a.Node), a.ID)
}

// EncodeMsgpack writes a as the ext ExtAddress (msgpack.CustomEncoder).
func (a Address) EncodeMsgpack(enc *msgpack.Encoder) error {
	if len(a.Node) > maxLen || len(a.ID) > maxLen {
		return fmt.Errorf("serialize: address longer than %d bytes", maxLen)
	}
	var small [64]byte
	_, err := enc.Writer().Write(a.appendExt(small[:0]))
	return err
}

// DecodeMsgpack reads the ext ExtAddress into a (msgpack.CustomDecoder).
func (a *Address) DecodeMsgpack(dec *msgpack.Decoder) error {
	typ, n, err := dec.DecodeExtHeader()
	if err != nil {
		return err
	}
	if typ != ExtAddress {
		return fmt.Errorf("serialize: decoding an address: got ext type %d, want %d", typ, ExtAddress)
	}
	// Read the payload in chunks, so that a hostile length allocates no more
	// than the bytes actually present.
	const chunk = 1 << 16
	var payload []byte
	for len(payload) < n {
		k := min(n-len(payload), chunk)
		payload = append(payload, make([]byte, k)...)
		if err := dec.ReadFull(payload[len(payload)-k:]); err != nil {
			return err
		}
	}
	r := reader{data: payload, end: len(payload), maxDepth: 1}
	node, id, derr := r.address(len(payload))
	if derr != nil {
		return derr
	}
	a.Node, a.ID = node, id
	return nil
}
