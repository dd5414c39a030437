// Package array is the Starlark array type: a fixed-length vector of
// numbers of one dtype, held in a typed Go slice, for numeric work that a
// Starlark loop would do a hundred times slower.
//
//	a = array("f64", 1000000)        # a million zeros
//	b = array("i32", [3, 1, 2])      # from any iterable of numbers
//	a[0] = 2.5; a[-1]; a[10:20]      # indexing; a slice is a new array (a copy)
//	c = (a * 2.0 + 1.0) / a.max()    # element-wise, with arrays or numbers
//	a.sum(); a.mean(); a.dot(c); a.histogram(10, lo = 0.0, hi = 1.0)
//	b.sort(); b.argsort(); b.tolist(); b.fill(7); b.astype("f64")
//
// Dtypes are "f64", "f32", "i64", "i32", "i16", "i8", "u32", "u16" and
// "u8" (Go's float64 ... uint8; "u64" is not offered: values beyond 2^63
// would make every integer operation two-way). Elements are checked on the
// way in: a float, or an int out of range, cannot enter an integer array
// (`array("u8", [300])` is an error naming the element), and integer
// arithmetic fails on a result out of range and on a division by zero,
// never wrapping around. Float arrays follow IEEE 754: x / 0.0 is inf or
// nan, and a nan makes min and max nan. Arrays of different dtypes or
// lengths do not mix in arithmetic (convert with astype); / on integers
// gives f64, as in Python; // and % follow Python's floor rules. sum and
// dot of integers are ints of any size; mean is a float. == compares the
// dtype and every element.
//
// # Sending
//
// An array is sendable: sent plainly it is copied, as the msgpack ext
// serialize.ExtArray (a dtype byte, then the elements little-endian), and
// arrives as a new array the receiver owns; DecodeGo gives the typed slice
// ([]float64 for f64, ...). Listed in transfer=[...] it moves as a buffer
// does: the receiver gets the same memory without a copy (as
// serialize.ExtMoved beside the envelope), and every handle to it in the
// sender is detached: its length is 0 and any other use fails with
// ErrDetached, naming where it went. A frozen array (a library's) cannot
// move. Importing this package registers the ext with serialize, so Go
// programs that decode arrays need only import it (interp does).
//
// From Go, Of wraps a typed slice as an array (no copy) and Data returns it.
//
// # Concurrency
//
// Builtin may be called from many interpreters at once. An array belongs
// to the actor that made or received it and is used by that actor's
// goroutine only; a frozen array may be read from any.
package array
