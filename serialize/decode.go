// Reading msgpack safely: the tokenizer, with every declared length checked
// against the bytes left, plus depth, trailing bytes and ext payloads.

package serialize

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
)

// kind is the kind of one msgpack item.
type kind uint8

const (
	kindNil   kind = iota
	kindBool       // tok.b
	kindInt        // tok.i: every integer that fits an int64, whatever its wire format
	kindUint       // tok.u: an integer above math.MaxInt64
	kindFloat      // tok.f: float32 or float64
	kindStr        // tok.s
	kindBin        // tok.s
	kindArray      // tok.n elements follow
	kindMap        // tok.n key-value pairs follow
	kindExt        // tok.ext, tok.n: the payload starts at r.pos
)

var kindNames = [...]string{"nil", "bool", "int", "int", "float", "str", "bin", "array", "map", "ext"}

// token is the item the reader has just read. s aliases the input.
type token struct {
	kind kind
	ext  int8
	b    bool
	off  int // offset of the item's first byte
	n    int
	i    int64
	u    uint64
	f    float64
	s    []byte
}

// describe names the token's kind for error messages: "an array", "a map".
func (t *token) describe() string {
	switch name := kindNames[t.kind]; name[0] {
	case 'a', 'e', 'i':
		return "an " + name
	default:
		return "a " + name
	}
}

// reader reads one message from data[pos:end]. The builders (Starlark, Go,
// skip) drive it with next and read r.tok, which the next call overwrites.
type reader struct {
	data     []byte
	pos, end int
	depth    int
	maxDepth int
	// declared is the sum of the lengths of the arrays and maps read so far
	// (two per map entry). Every element takes at least one byte of its own,
	// so in a valid message it never exceeds len(data): containers nested
	// inside each other cannot all claim the same bytes left.
	declared int
	// used is the memory the values built so far may take, charged before
	// they are allocated (see memory.go); more than maxMem is an error.
	// Readers that build values only for an error's path (keyRepr) set
	// maxMem to math.MaxInt.
	used, maxMem int
	whole        string // a copy of a small message, made on first need; see string
	wholePaid    bool   // whether used counts whole already
	tok          token
	// moved is the memory transferred with the message, which ExtBuffer
	// slots index (see transfer.go); nil for a plain message.
	moved *arrivals
	// wrap makes the buffers of the message (see transfer.go); nil where
	// no buffer type is known.
	wrap wrapFunc
}

// start sets r, a zero reader, to read data, or returns an error if data
// is over MaxBytes. (Filling the caller's reader in place costs less than
// returning one.)
func (l Limits) start(r *reader, data []byte) error {
	if max := l.bytes(); len(data) > max {
		return decodeError(ErrTooLarge, 0, fmt.Sprintf("%d bytes, more than the limit of %d", len(data), max))
	}
	r.data, r.end, r.maxDepth, r.maxMem = data, len(data), l.depth(), l.memory()
	return nil
}

// smallMessage is the size up to which a message's strings share one copy
// of the whole message (one allocation instead of one per string; the copy
// is small, so keeping it alive is cheap).
const smallMessage = 1024

// string returns the str or bin in r.tok as a fresh string that does not
// alias the input.
func (r *reader) string() string {
	s := r.tok.s
	if len(s) == 0 || len(r.data) > smallMessage {
		return string(s)
	}
	if r.whole == "" {
		r.whole = string(r.data)
	}
	off := r.pos - len(s) // s ends where the reader is
	return r.whole[off : off+len(s)]
}

// finish reports an error if bytes are left after the value.
func (r *reader) finish() error {
	if r.pos != r.end {
		return decodeError(ErrMalformed, r.pos, fmt.Sprintf("%d bytes after the end of the value", r.end-r.pos))
	}
	return nil
}

func (r *reader) malformed(off int, format string, args ...any) error {
	return decodeError(ErrMalformed, off, fmt.Sprintf(format, args...))
}

// fixed reads a k-byte big-endian unsigned integer following the code of
// r.tok, which is named what in errors.
func (r *reader) fixed(k int, what string) (uint64, error) {
	if r.end-r.pos < k {
		return 0, r.malformed(r.tok.off, "unexpected end of data: %s needs %d bytes, %d left", what, k, r.end-r.pos)
	}
	p := r.data[r.pos : r.pos+k]
	r.pos += k
	switch k {
	case 1:
		return uint64(p[0]), nil
	case 2:
		return uint64(binary.BigEndian.Uint16(p)), nil
	case 4:
		return uint64(binary.BigEndian.Uint32(p)), nil
	}
	return binary.BigEndian.Uint64(p), nil
}

// next reads the next item's header into r.tok. For str and bin it also
// reads the bytes; for arrays, maps and ext it leaves r.pos at the contents.
// Every length is checked against the bytes left before anyone allocates.
func (r *reader) next() error {
	t := &r.tok
	t.off = r.pos
	if r.pos >= r.end {
		return r.malformed(r.pos, "unexpected end of data")
	}
	c := r.data[r.pos]
	r.pos++
	switch {
	case c <= 0x7f:
		t.kind, t.i = kindInt, int64(c)
		return nil
	case c >= 0xe0:
		t.kind, t.i = kindInt, int64(int8(c))
		return nil
	case c <= 0x8f:
		return r.container(kindMap, uint64(c&0x0f))
	case c <= 0x9f:
		return r.container(kindArray, uint64(c&0x0f))
	case c <= 0xbf:
		return r.bytes(kindStr, uint64(c&0x1f))
	}
	switch c {
	case 0xc0:
		t.kind = kindNil
		return nil
	case 0xc2, 0xc3:
		t.kind, t.b = kindBool, c == 0xc3
		return nil
	case 0xc4, 0xc5, 0xc6: // bin 8, 16, 32
		n, err := r.fixed(1<<(c-0xc4), "bin")
		if err != nil {
			return err
		}
		return r.bytes(kindBin, n)
	case 0xc7, 0xc8, 0xc9: // ext 8, 16, 32
		n, err := r.fixed(1<<(c-0xc7), "ext")
		if err != nil {
			return err
		}
		return r.ext(n)
	case 0xca:
		u, err := r.fixed(4, "float32")
		t.kind, t.f = kindFloat, float64(math.Float32frombits(uint32(u)))
		return err
	case 0xcb:
		u, err := r.fixed(8, "float64")
		t.kind, t.f = kindFloat, math.Float64frombits(u)
		return err
	case 0xcc, 0xcd, 0xce, 0xcf: // uint 8, 16, 32, 64
		u, err := r.fixed(1<<(c-0xcc), "uint")
		if u > math.MaxInt64 {
			t.kind, t.u = kindUint, u
		} else {
			t.kind, t.i = kindInt, int64(u)
		}
		return err
	case 0xd0, 0xd1, 0xd2, 0xd3: // int 8, 16, 32, 64
		k := 1 << (c - 0xd0)
		u, err := r.fixed(k, "int")
		shift := 64 - 8*k // sign-extend
		t.kind, t.i = kindInt, int64(u<<shift)>>shift
		return err
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8: // fixext 1, 2, 4, 8, 16
		return r.ext(1 << (c - 0xd4))
	case 0xd9, 0xda, 0xdb: // str 8, 16, 32
		n, err := r.fixed(1<<(c-0xd9), "str")
		if err != nil {
			return err
		}
		return r.bytes(kindStr, n)
	case 0xdc, 0xdd: // array 16, 32
		n, err := r.fixed(2<<(c-0xdc), "array")
		if err != nil {
			return err
		}
		return r.container(kindArray, n)
	case 0xde, 0xdf: // map 16, 32
		n, err := r.fixed(2<<(c-0xde), "map")
		if err != nil {
			return err
		}
		return r.container(kindMap, n)
	}
	return r.malformed(t.off, "invalid byte 0x%02x", c)
}

// bytes reads the n bytes of a str or bin.
func (r *reader) bytes(k kind, n uint64) error {
	if left := r.end - r.pos; n > uint64(left) {
		return r.malformed(r.tok.off, "%s of %d bytes but %d bytes left", kindNames[k], n, left)
	}
	r.tok.kind, r.tok.s = k, r.data[r.pos:r.pos+int(n)]
	r.pos += int(n)
	return nil
}

// container checks an array's or a map's length: each element takes at
// least one byte, so the lengths of all the containers of a message add up
// to no more than its size. That bounds what the builders preallocate.
func (r *reader) container(k kind, n uint64) error {
	need, what := n, "elements"
	if k == kindMap {
		need, what = 2*n, "entries"
	}
	if left := r.end - r.pos; need > uint64(left) {
		return r.malformed(r.tok.off, "%s of %d %s but %d bytes left", kindNames[k], n, what, left)
	}
	if room := len(r.data) - r.declared; need > uint64(room) {
		return r.malformed(r.tok.off, "%s of %d %s but the containers before it leave room for %d elements in the message's %d bytes",
			kindNames[k], n, what, room, len(r.data))
	}
	r.declared += int(need)
	r.tok.kind, r.tok.n = k, int(n)
	return nil
}

// ext reads an ext's type byte and checks its payload length.
func (r *reader) ext(n uint64) error {
	if r.pos >= r.end {
		return r.malformed(r.tok.off, "unexpected end of data: ext needs its type byte")
	}
	typ := int8(r.data[r.pos])
	r.pos++
	if left := r.end - r.pos; n > uint64(left) {
		return r.malformed(r.tok.off, "ext of %d bytes but %d bytes left", n, left)
	}
	r.tok.kind, r.tok.ext, r.tok.n = kindExt, typ, int(n)
	return nil
}

// enter counts one more level of nesting, for the container at offset off.
func (r *reader) enter(off int) error {
	r.depth++
	if r.depth > r.maxDepth {
		return decodeError(ErrTooDeep, off, fmt.Sprintf("more than %d nested containers", r.maxDepth))
	}
	return nil
}

// payload restricts the reader to an ext payload of n bytes starting at
// r.pos and returns the end to restore: done(saved, what) then checks that
// the payload was read exactly and lifts the restriction.
func (r *reader) payload(n int) (saved int) {
	saved, r.end = r.end, r.pos+n
	return saved
}

func (r *reader) done(saved int, what string) error {
	if r.pos != r.end {
		return r.malformed(r.pos, "%d extra bytes in the %s payload", r.end-r.pos, what)
	}
	r.end = saved
	return nil
}

// unknownExt is the error for an ext type no decoder accepts.
func (r *reader) unknownExt(off int, typ int8) error {
	if typ == ExtBuffer {
		return r.malformed(off, "transferred buffer without an envelope")
	}
	return r.malformed(off, "unknown ext type %d", typ)
}

// address reads an ExtAddress payload of n bytes at r.pos.
func (r *reader) address(n int) (node, id string, err error) {
	saved := r.payload(n)
	if node, err = r.addressPart("node"); err != nil {
		return "", "", err
	}
	if id, err = r.addressPart("id"); err != nil {
		return "", "", err
	}
	return node, id, r.done(saved, "address")
}

func (r *reader) addressPart(what string) (string, error) {
	if err := r.next(); err != nil {
		return "", err
	}
	if r.tok.kind != kindStr {
		return "", r.malformed(r.tok.off, "address %s is %s, not a str", what, r.tok.describe())
	}
	return r.string(), nil
}

// bigInt reads an ExtBigInt payload of n bytes at r.pos.
func (r *reader) bigInt(n int) (*big.Int, error) {
	off := r.pos
	p := r.data[r.pos : r.pos+n]
	r.pos += n
	if n == 0 || p[0] > 1 {
		return nil, r.malformed(off, "big integer without a sign byte of 0 or 1")
	}
	x := new(big.Int).SetBytes(p[1:])
	if p[0] == 1 {
		x.Neg(x)
	}
	return x, nil
}

// setHeader starts reading an ExtSet payload of n bytes: it must be one
// array, whose length it returns. The caller reads the elements, then calls
// done(saved, "set").
func (r *reader) setHeader(n int) (length, saved int, err error) {
	saved = r.payload(n)
	if err := r.next(); err != nil {
		return 0, 0, err
	}
	if r.tok.kind != kindArray {
		return 0, 0, r.malformed(r.tok.off, "set payload is %s, not an array", r.tok.describe())
	}
	return r.tok.n, saved, nil
}

// skip reads one value without building it, checking everything the
// builders check except key hashability.
func (r *reader) skip() error {
	if err := r.next(); err != nil {
		return err
	}
	t := &r.tok
	switch t.kind {
	case kindArray:
		n := t.n
		if err := r.enter(t.off); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			if err := r.skip(); err != nil {
				return within(err, indexSegment(i))
			}
		}
		r.depth--
	case kindMap:
		n := t.n
		if err := r.enter(t.off); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			start := r.pos
			if err := r.skip(); err != nil {
				return within(err, dictKeySegment(i))
			}
			if err := r.skip(); err != nil {
				return within(err, keySegment(r.keyRepr(start)))
			}
		}
		r.depth--
	case kindExt:
		off, typ, n := t.off, t.ext, t.n
		switch typ {
		case ExtAddress:
			_, _, err := r.address(n)
			return err
		case ExtBigInt:
			_, err := r.bigInt(n)
			return err
		case ExtBufferCopy:
			r.pos += n
			return nil
		case ExtSet:
			if err := r.enter(off); err != nil {
				return err
			}
			length, saved, err := r.setHeader(n)
			if err != nil {
				return err
			}
			for i := 0; i < length; i++ {
				if err := r.skip(); err != nil {
					return within(err, setSegment(i))
				}
			}
			r.depth--
			return r.done(saved, "set")
		}
		return r.skipRegistered(off, typ, n) // lib/array's arrays (ext.go)
	}
	return nil
}

// keyRepr returns the Starlark repr of the map key that starts at data[start]
// (skip does not build keys, so an error's path decodes the key again).
func (r *reader) keyRepr(start int) string {
	kr := reader{data: r.data, pos: start, end: r.end, maxDepth: r.maxDepth, maxMem: math.MaxInt}
	k, err := kr.starlarkValue(true)
	if err != nil {
		return "?"
	}
	return repr(k)
}
