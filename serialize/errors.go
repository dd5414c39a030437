// Errors: the sentinels, the Error type, and how paths inside a value are written.

package serialize

import (
	"errors"
	"strconv"
	"strings"

	"go.starlark.net/starlark"
)

var (
	// ErrNotSendable reports a value of a type that cannot be encoded, such as a
	// function, a module or a Go channel.
	ErrNotSendable = errors.New("serialize: value cannot be sent")
	// ErrCycle reports a list, dict or set that contains itself.
	ErrCycle = errors.New("serialize: value contains itself")
	// ErrTooDeep reports containers nested deeper than Limits.MaxDepth.
	ErrTooDeep = errors.New("serialize: value nested too deeply")
	// ErrTooLarge reports a message longer than Limits.MaxBytes, or one
	// whose decoding needs more memory than Limits.MaxMemory.
	ErrTooLarge = errors.New("serialize: message too large")
	// ErrMalformed reports bytes that are not a message this package can decode:
	// invalid or truncated msgpack, trailing bytes, unknown ext types, lengths
	// larger than the data, unhashable map keys, or a value that does not fit
	// the target of DecodeGoInto.
	ErrMalformed = errors.New("serialize: malformed message")
	// ErrTransfer is wrapped when a transfer list is wrong: a value that is
	// not a buffer, a buffer listed twice or missing from the message.
	ErrTransfer = errors.New("serialize: bad transfer")
)

// Error is a value that cannot be encoded, or bytes that cannot be decoded.
// Err is one of the package's sentinels, so callers test it with errors.Is;
// errors.As gives the detail. A caller that knows what the value is called
// may set Root before reporting the error, so that it reads
// `msg["cb"]: cannot send a function` rather than `value["cb"]: ...`.
type Error struct {
	Root   string // what the value is called, e.g. "msg"; "" prints as "value"
	Path   string // where inside it, e.g. `["jobs"][3]`; "" for the root itself
	Offset int    // for decoding: byte offset of the problem; -1 when encoding
	Msg    string // what went wrong, e.g. "cannot send a function"
	Err    error  // one of the sentinels ErrNotSendable, ErrCycle, ErrTooDeep, ErrTooLarge, ErrMalformed

	segments []string // path segments not yet in Path, innermost first (see within)
}

// Error formats the error as Root+Path, a colon, then the message; decoding
// errors also say what kind of problem it is and at which byte:
//
//	msg["jobs"][3]: cannot send a function
//	value[0]: malformed message at byte 17: array of 4294967295 elements but 12 bytes left
func (e *Error) Error() string {
	var b strings.Builder
	if e.Root == "" {
		b.WriteString("value")
	} else {
		b.WriteString(e.Root)
	}
	b.WriteString(e.Path)
	b.WriteString(": ")
	if e.Offset >= 0 {
		switch e.Err {
		case ErrTooDeep:
			b.WriteString("message nested too deeply")
		case ErrTooLarge:
			b.WriteString("message too large")
		default:
			b.WriteString("malformed message")
		}
		b.WriteString(" at byte ")
		b.WriteString(strconv.Itoa(e.Offset))
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the sentinel, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }

// encodeError returns an encoding error at the root of the value being
// encoded; callers above it prepend their path segments.
func encodeError(sentinel error, msg string) *Error {
	return &Error{Offset: -1, Msg: msg, Err: sentinel}
}

// decodeError returns a decoding error at byte offset off.
func decodeError(sentinel error, off int, msg string) *Error {
	return &Error{Offset: off, Msg: msg, Err: sentinel}
}

// within adds one path segment in front of err's path, if err is an
// *Error. The path is built while the error travels up the recursion, so a
// successful encode or decode never formats one; the segments are collected
// innermost first and joined once by withPath, so that a deep path costs
// memory linear in its length. ErrTooLarge is about the whole message, so it
// keeps no path.
func within(err error, segment string) error {
	if e, ok := err.(*Error); ok && e.Err != ErrTooLarge {
		e.segments = append(e.segments, segment)
	}
	return err
}

// pathless reports whether within would keep no path for err, so that a
// caller can skip formatting a costly segment (a key's repr).
func pathless(err error) bool {
	e, ok := err.(*Error)
	return !ok || e.Err == ErrTooLarge
}

// withPath joins the segments collected by within into err's Path. Every
// exported function that encodes or decodes calls it on the error it returns.
func withPath(err error) error {
	if e, ok := err.(*Error); ok && len(e.segments) > 0 {
		var b strings.Builder
		for i := len(e.segments) - 1; i >= 0; i-- {
			b.WriteString(e.segments[i])
		}
		b.WriteString(e.Path)
		e.Path, e.segments = b.String(), nil
	}
	return err
}

// maxKeyRepr bounds how much of a dict key's repr goes into a path.
const maxKeyRepr = 64

// repr returns the repr of a dict key for a path. It stops soon after
// maxKeyRepr bytes (keySegment cuts the rest), so that a huge key costs
// little, and writes integers of more than 256 bits as `<int of N bits>`
// (their decimal form costs more than linear time).
func repr(k starlark.Value) string {
	var b strings.Builder
	writeRepr(&b, k)
	return b.String()
}

func writeRepr(b *strings.Builder, k starlark.Value) {
	if b.Len() > maxKeyRepr {
		return
	}
	switch k := k.(type) {
	case starlark.Int:
		if bits := k.BigInt().BitLen(); bits > 256 {
			b.WriteString("<int of " + strconv.Itoa(bits) + " bits>")
			return
		}
	case starlark.String:
		// Quoting never shortens: this prefix prints as more than
		// maxKeyRepr bytes, exact up to where keySegment cuts (a character
		// cut in two at its end prints differently, but further on).
		if len(k) > maxKeyRepr+1 {
			k = k[:maxKeyRepr+1]
		}
		b.WriteString(k.String())
		return
	case starlark.Bytes:
		if len(k) > maxKeyRepr+1 {
			k = k[:maxKeyRepr+1]
		}
		b.WriteString(k.String())
		return
	case Address:
		b.WriteString(k.short().String())
		return
	case starlark.Tuple:
		b.WriteByte('(')
		for i, x := range k {
			if b.Len() > maxKeyRepr {
				break
			}
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, x)
		}
		if len(k) == 1 {
			b.WriteByte(',')
		}
		b.WriteByte(')')
		return
	}
	b.WriteString(k.String())
}

// indexSegment is the path segment of a list or tuple element: `[3]`.
func indexSegment(i int) string { return "[" + strconv.Itoa(i) + "]" }

// keySegment is the path segment of a dict value, from its key's repr:
// `["jobs"]`, `[3]`. Long reprs are cut short.
func keySegment(repr string) string {
	if len(repr) > maxKeyRepr {
		repr = repr[:maxKeyRepr-3] + "..."
	}
	return "[" + repr + "]"
}

// dictKeySegment is the path segment of the i-th key of a dict (in
// iteration order), for a problem in the key itself: `.keys()[2]`.
func dictKeySegment(i int) string { return ".keys()[" + strconv.Itoa(i) + "]" }

// setSegment is the path segment of the i-th element of a set (in iteration
// order): `{#2}`.
func setSegment(i int) string { return "{#" + strconv.Itoa(i) + "}" }
