// Package serialize is murmur's wire format: it turns Starlark values, and
// plain Go values, into msgpack bytes and back.
//
// Actors share nothing. A message is encoded by the sender and decoded by
// the receiver into fresh, unfrozen values that it owns, so mutating a
// received value never affects the sender. The bytes are standard msgpack:
// any msgpack library can read them (the ext types aside).
//
//	var limits serialize.Limits // the zero value means the defaults
//	data, err := limits.EncodeStarlark(value)
//	if err != nil {
//		return err // e.g. `value["cb"]: cannot send a function`
//	}
//	received, err := limits.DecodeStarlark(data)
//
// # Types
//
//	Starlark            msgpack                          Go, from DecodeGo
//	--------            -------                          -----------------
//	None                nil                              nil
//	bool                bool                             bool
//	int (64 bits)       int or uint, the shortest form   int64 (uint64 above MaxInt64)
//	int (larger)        ext ExtBigInt                    *big.Int (int64 or uint64 when it fits)
//	float               float 64                         float64
//	string              str                              string
//	bytes               bin                              []byte (a copy)
//	list, tuple         array                            []any
//	dict                map, in insertion order          map[string]any (map[any]any unless all keys are strings)
//	set                 ext ExtSet (an array inside)     []any
//	address (Address)   ext ExtAddress                   Address
//	buffer, copied      ext ExtBufferCopy (its bytes)    []byte (a copy)
//	buffer, moved       ext ExtBuffer (a slot number)    []byte (the moved memory)
//	array (lib/array)   ext ExtArray (copied), ExtMoved      []float64, []int32, ... (its dtype's)
//	Sendable values     what their AppendMsgpack writes
//	anything else       error ErrNotSendable
//
// The decisions behind the table:
//
//   - Tuples come back as lists: msgpack has one array type. Inside a dict
//     key or a set element, though, every array decodes as a tuple (nested
//     ones too), so that the key stays hashable: {(1, 2): "x"} round-trips.
//   - Dicts keep their insertion order both ways; keys are never sorted,
//     since a Starlark dict iterates in insertion order.
//   - Sets are an ext (ExtSet, an array of the elements) so that they come
//     back as sets rather than lists.
//   - Integers of any size can be sent: beyond 64 bits they are an ext
//     (ExtBigInt: a sign byte, 0 or 1, then the big-endian magnitude),
//     bounded only by MaxBytes. Every msgpack integer decodes as a Starlark int.
//   - Floats are always written as float64, so 1.0 stays a float; float32
//     is accepted when decoding.
//   - Strings are not checked for UTF-8: a Starlark string is bytes.
//   - Addresses are the ext ExtAddress: two strs, node then id.
//   - A buffer (interp's, a Sendable) sent by copy is the ext ExtBufferCopy,
//     written by AppendBuffer, so that it arrives as a buffer, not as bytes:
//     DecodeStarlarkTransfer makes a new one with its wrap function from a
//     copy of the bytes; DecodeStarlark, which has no buffer type, refuses
//     it. DecodeGo gives a []byte, and DecodeGoInto fills []byte places.
//   - ExtBuffer is a transferred buffer's slot: only DecodeStarlarkTransfer
//     and DecodeGoTransfer accept it; elsewhere it is an error
//     ("transferred buffer without an envelope").
//   - Functions, builtins, modules and every other type are not sendable. A
//     type defined elsewhere can become sendable by implementing Sendable.
//   - A package above this one can add an ext type of its own: its values
//     write the ext in AppendMsgpack, and RegisterExt tells the decoders
//     how to read it back (lib/array registers ExtArray when imported). A
//     registered value listed in a transfer that implements
//     ExtTransferable moves as ExtMoved (its type, a slot, a head), and
//     its Moved decoder gets the memory without a copy.
//
// # Go values
//
// EncodeGo takes nil, bool, every int, uint and float kind, string, []byte,
// []any, []string, map[string]any, map[any]any, *big.Int, big.Int, Address,
// *Address and any starlark.Value (encoded as above). Other slices, arrays,
// maps and pointers are walked by reflection the same way (byte slices and
// arrays are bins). Go maps are written with their keys sorted (by the
// string, or by their encodings when not all strings), so the bytes are
// deterministic. Structs, and types with their own msgpack, binary or text
// marshalling, are encoded by msgpack's reflection (msgpack struct tags
// apply), after a check that they hold nothing unsendable: funcs, chans,
// unsafe pointers, complex numbers and Starlark values are ErrNotSendable,
// and a pointer cycle is ErrCycle. A type whose msgpack encoding this
// package cannot decode (time.Time, an unknown ext) is ErrNotSendable too.
//
// DecodeGo returns the plain Go values of the table. DecodeGoInto decodes
// into a typed target (a struct, a typed slice or map, an int...) with
// msgpack's reflection, once the bytes have passed the same checks; Address
// and *Address fields take addresses.
//
// Numbers go into numeric Go types exactly or not at all, as with
// encoding/json, wherever they are (the target itself, struct fields,
// slice and array elements, map keys and values):
//
//   - An integer goes into an integer type when it is in range: 300 into an
//     int8, -1 into a uint, 2^63 into an int64 are errors.
//   - A float goes into an integer type only when it is integral and in
//     range: 3.0 into an int is 3; 1.5, NaN and ±Inf are errors.
//   - Any integer or float goes into a float64 or a float32, rounded to the
//     nearest when inexact, as json does (2^53+1 becomes 2^53 in a float64);
//     a finite float beyond float32's range is an error for a float32. NaN
//     and ±Inf go into either.
//   - uintptr is not supported (an error); []byte and [N]byte take a bin or
//     a str, not an array.
//
// The error names the value, the Go type and the place, and wraps
// ErrMalformed: `value.Count: malformed message at byte 12: cannot decode
// 18446744073709551615 into int64: out of range`. Places typed any keep
// msgpack's loose rules (int64, uint64, float64), and a type that decodes
// itself (msgpack.CustomDecoder, msgpack.Unmarshaler, encoding's binary and
// text unmarshalers) gets the bytes as they are.
//
// # Limits
//
// Limits bounds both directions: MaxDepth, the deepest nesting of
// containers (lists, tuples, dicts, sets; default 100), and MaxBytes, the
// largest message (default 64 MiB); and decoding alone: MaxMemory, the
// most memory one decode may allocate (default 1 GiB). Decoding is safe on
// hostile bytes: it never panics; trailing bytes after the value, unknown
// ext types and malformed ext payloads are errors; and every declared
// length is checked before anything is allocated: a str, bin or ext
// against the bytes left, an array or map against what the message can
// hold. Every element takes at least one byte of its own, so the lengths
// of all the arrays and maps of a message (two per map entry) add up to no
// more than its size; a message whose nested containers each claim the
// bytes left is an error at the second one (`array of 1048566 elements but
// the containers before it leave room for 5 elements in the message's
// 1048576 bytes`).
//
// So the memory decoding allocates is proportional to the input, whatever
// the bytes, errors included: DecodeStarlark, DecodeStarlarkArray and
// DecodeStarlarkTransfer allocate at most K = 640 bytes per input byte
// plus 16 KiB; DecodeGo, DecodeGoTransfer and DecodeGoInto into a *any at
// most K = 160 (measured on Go 1.26 and go.starlark.net's 512-byte dict,
// with a margin; a fuzz target checks it). The costliest input per byte is
// a list of empty dicts: one byte each on the wire, 528 bytes each as
// Starlark values (133 for Go: one-entry maps with an int key), so a
// message of 64 MiB could cost 34 GiB.
//
// MaxMemory caps that whatever the size. Decoding charges each value an
// estimate of its size before allocating it — a str its bytes, a list 32
// bytes and 16 per element, a dict 512 bytes and each table it grows into
// (go.starlark.net's hashtable, mirrored entry by entry), a Go map its
// groups and tables, a big integer its words, a float key the garbage of
// hashing it — and fails once the charges pass MaxMemory, with an error
// wrapping ErrTooLarge: `value: message too large at byte 17: decoding it
// needs more than 1073741824 bytes of memory (Limits.MaxMemory)`. The
// estimates are upper bounds of what the runtime allocates (a test checks
// each kind of value against a real decode: they are about 1.1 to 2.6
// times it), so every entry point above, and DecodeGoInto's checks before
// msgpack's reflection, allocate at most
//
//	min(K·len(data) + 16 KiB, MaxMemory + C')
//
// where C' is 16 KiB plus, when decoding fails, the path of its error: at
// most 1.5 KiB per level of nesting, so 166 KiB under the default
// MaxDepth. Not counted: what a DecodeStarlarkTransfer wrap makes of a
// buffer; what msgpack's reflection makes of each element for a typed
// DecodeGoInto target, which depends on the target's types; and the
// short-lived garbage Starlark makes when it compares two dict keys or set
// elements whose hashes are equal (ints and floats that differ by
// multiples of 2^32 hash alike).
//
// A dict or set of more than 64 entries whose keys' Starlark hashes
// collide (ints that differ by multiples of 2^32, floats that truncate
// to them) would take quadratic time to build, so decoding counts the
// keys each key meets in its bucket of the table and refuses the message
// past 32 per entry plus 65536, wrapping ErrMalformed: `value: malformed
// message at byte 6725: dict of 5000 entries has keys whose hashes collide
// too often (more than 225536 comparisons; a hash-collision attack?)`.
// Well-spread keys meet about 3 each and ints all multiples of 8 meet 26,
// but a set of more than about 400 floats between 0 and 1 (which hash
// alike) is refused; DecodeGo's Go maps hash with a seed of their own.
//
// The default MaxMemory, 1 GiB, is 16 bytes per byte of a message of the
// default MaxBytes. Measured charges per byte: a list of long strings 1.3,
// of floats 3.6, of short strings 6.6, of small ints 16.8 (so a 64 MiB one
// is just refused), of records as dicts 11 to 30, a dict of 10000 short
// strings to ints 42 (28 as Go values): the densest of these are refused
// beyond 25 MiB under the default. Raise MaxMemory for such messages, or
// lower it where many decodes run at once (each has its own).
//
// # Errors
//
// Every failure is an *Error wrapping one of the sentinels ErrNotSendable,
// ErrCycle, ErrTooDeep, ErrTooLarge or ErrMalformed. Its Path says where in
// the value the problem is, in Starlark's syntax where there is one:
//
//	[3]             element 3 of a list or tuple (an array when decoding)
//	["jobs"]        the value of a dict entry, by the repr of its key
//	.keys()[2]      dict key number 2, in iteration order
//	{#1}            set element number 1, in iteration order
//	.Field          a field of a Go struct
//
// Encoding errors read `value["jobs"][3]: cannot send a function`; a caller
// that knows the value's name sets Root ("msg") to print
// `msg["jobs"][3]: cannot send a function`. A list, dict or set that
// contains itself is ErrCycle, reported where the repeat was found:
// `value[0]: cannot send a list that contains itself`. Decoding errors carry
// the byte offset: `value[1]: malformed message at byte 17: array of
// 4294967295 elements but 12 bytes left`.
//
// # Concurrency
//
// Limits, Address and Error are plain values. Encoding and decoding may run
// on any number of goroutines at once, provided no value being encoded is
// mutated meanwhile (a Starlark value belongs to one actor, which is the one
// sending it; frozen values may be encoded from anywhere).
package serialize
