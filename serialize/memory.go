// Memory accounting: what each decoded value costs, charged against
// Limits.MaxMemory before it is allocated.

package serialize

import (
	"fmt"
	"math"
	"math/bits"

	"go.starlark.net/starlark"
)

// The estimates below are upper bounds of what the Go runtime allocates
// (size classes and pages included), measured on Go 1.26 and
// go.starlark.net's hashtable; memory_test.go checks them against the
// allocations of real decodes. They include the garbage of building a
// value (a dict's outgrown tables, a big integer's temporary copy), but not
// what Starlark allocates while comparing two keys of equal hash.
const (
	boxString = 16 // a string or bytes stored in an interface
	boxSlice  = 24 // a slice ([]byte, []any, a tuple) stored in an interface
	// boxWord is an int64, uint64 or float64 stored in an interface: 8
	// bytes, or 16 where the race detector turns the tiny allocator off.
	boxWord = 16
	boxList = 32 // a *starlark.List
	boxAddr = 32 // an Address stored in an interface
	// arrivalsSize is the bookkeeping of a message's moved buffers.
	arrivalsSize = 48
	elemSize     = 16 // one element of a []starlark.Value or []any
	bigHeader    = 32 // a big.Int
	// int64Big is a Starlark int beyond 32 bits made from an int64 or a
	// uint64: a big.Int and its one word.
	int64Big = 48

	// A Starlark dict or set is go.starlark.net's hashtable: 512 bytes
	// with one inline bucket of 8 entries; past 8 entries, a table of
	// 456-byte buckets that doubles when the entries reach 6.5 per bucket,
	// each full chain growing by an overflow bucket (480 bytes in its size
	// class) per 8 entries at most.
	hashTable    = 512
	bucketBytes  = 456
	overflowCost = 60 // an overflow bucket's share per entry: 480/8

	// A Go map: a 48-byte header, then one group of 8 slots (288 bytes)
	// for up to 8 entries; past 8 entries, one table whose capacity
	// doubles from 16 slots up to 1024, filled to 7/8, at most goMapSlot
	// bytes per slot of the last, the outgrown ones included (measured: 77
	// for map[string]any and map[any]any); past 896 entries, tables that
	// split, at most goMapEntry bytes per entry in all (measured: 181).
	goMapHeader = 48
	goMapSmall  = goMapHeader + 288
	goMapSlot   = 80
	goMapEntry  = 192

	// floatHash64 and floatHashBig bound the garbage of hashing a Starlark
	// float key, which is hashed as the Int it truncates to: nothing within
	// 32 bits, a big.Int beyond, made through a big.Rat beyond 64 bits
	// (measured: at most 880 bytes).
	floatHash64  = int64Big
	floatHashBig = 1024
)

// smallIntCost is what a Starlark int of 32 bits costs: nothing where
// go.starlark.net keeps such ints in a reserved address range, else a
// big.Int (it falls back to that when the reservation fails).
var smallIntCost = func() int {
	if starlark.MakeInt64(1) == starlark.MakeInt64(1) {
		return 0
	}
	return int64Big
}()

// heapSize bounds what the runtime allocates for an object of n bytes: a
// size class at most 18.75% above n up to 32 KiB, whole 8 KiB pages above.
func heapSize(n int) int {
	switch {
	case n == 0:
		return 0
	case n > 32<<10:
		return n + 8<<10
	}
	return n + n/4 + 16
}

// charge counts n more bytes of memory for the value at offset off, and
// fails once the message needs more than MaxMemory. Builders call it
// before they allocate.
func (r *reader) charge(off, n int) error {
	r.used += n
	if r.used > r.maxMem {
		return r.tooMuchMemory(off)
	}
	return nil
}

// tooMuchMemory is the error of charge, kept out of line so that charge
// is inlined.
//
//go:noinline
func (r *reader) tooMuchMemory(off int) error {
	return decodeError(ErrTooLarge, off, fmt.Sprintf("decoding it needs more than %d bytes of memory (Limits.MaxMemory)", r.maxMem))
}

// textCost is what string() allocates for k strings of n bytes in all:
// each its own copy in a large message; in a small one, the copy of the
// whole message that they share, made once and so counted once.
func (r *reader) textCost(n, k int) int {
	if len(r.data) > smallMessage {
		return n + min(n/4, k*8<<10) + k*16 // at least heapSize of each
	}
	if n == 0 || r.wholePaid {
		return 0
	}
	r.wholePaid = true
	return heapSize(len(r.data))
}

// strCost is what a str or bin in r.tok costs as a value: its bytes, and
// its header in an interface unless it is empty.
func (r *reader) strCost() int {
	switch n := len(r.tok.s); {
	case n == 0:
		return 0
	case r.wholePaid: // a small message's copy, counted already
		return boxString
	default:
		return boxString + r.textCost(n, 1)
	}
}

// sliceCost is a slice of n elements of 16 bytes, as a value of its own.
func sliceCost(n int) int { return heapSize(elemSize*n) + boxSlice }

// bigIntCost bounds a big.Int of n bytes of magnitude: math/big rounds
// its words up by 4.
func bigIntCost(n int) int {
	return bigHeader + heapSize(8*((n+7)/8+4))
}

// intCost is what a Starlark int from the token costs.
func (r *reader) intCost() int {
	if r.tok.kind == kindUint || r.tok.i < math.MinInt32 || r.tok.i > math.MaxInt32 {
		return int64Big
	}
	return smallIntCost
}

// table mirrors the growth of one Starlark dict's or set's hashtable, so
// that each insertion is charged what it may allocate before it happens.
type table struct {
	buckets int // 1 while the inline bucket serves
	rehash  int // the garbage of hashing its keys again when it grows
	// The insertion under way: what reserve charged, the part of it that
	// is k's hash, and whether the table grows if k is new.
	cost, hash int
	grows      bool
}

// overloaded is go.starlark.net's condition for growing a hashtable.
func overloaded(entries, buckets int) bool {
	return entries >= 8 && 2*entries >= 13*buckets
}

// newTable charges a dict or set made for size entries (at offset off),
// and sets t to mirror its table.
func (r *reader) newTable(t *table, off, size int) error {
	t.buckets, t.rehash = 1, 0
	if size < 8 { // the inline bucket
		return r.charge(off, hashTable)
	}
	return r.newLargeTable(t, off, size)
}

func (r *reader) newLargeTable(t *table, off, size int) error {
	for overloaded(size, t.buckets) {
		t.buckets <<= 1
	}
	return r.charge(off, hashTable+heapSize(bucketBytes*t.buckets))
}

// free reports whether inserting k into the table of n entries costs
// nothing: a string into the inline bucket, which cannot grow yet. The
// caller then skips reserve and inserted.
func (t *table) free(n int, k starlark.Value) bool {
	_, ok := k.(starlark.String)
	return ok && t.buckets == 1 && n < 8
}

// reserve charges, before k (at offset off) is inserted into the table of
// n entries, what the insertion may allocate: hashing k, an overflow
// bucket's share, and the doubled table (hashing every key again) if it
// grows.
func (r *reader) reserve(t *table, off, n int, k starlark.Value) error {
	t.hash = keyHashCost(k)
	t.cost = t.hash
	if t.buckets > 1 {
		t.cost += overflowCost
	}
	t.grows = overloaded(n, t.buckets)
	if t.grows {
		t.cost += heapSize(2*bucketBytes*t.buckets) + n*overflowCost + t.rehash
	}
	return r.charge(off, t.cost)
}

// inserted follows the insertion that took the table from n entries to
// length. A key already present allocated nothing but its hash, so the
// rest of the charge is given back.
func (r *reader) inserted(t *table, n, length int) {
	if length == n {
		r.used -= t.cost - t.hash
		return
	}
	if t.grows {
		t.buckets <<= 1
	}
	t.rehash += t.hash
}

// keyHashCost bounds the garbage of hashing k: floats become Ints to be
// hashed, equal values hashing alike; a tuple hashes its elements.
func keyHashCost(k starlark.Value) int {
	switch k := k.(type) {
	case starlark.Float:
		switch f := math.Abs(float64(k)); {
		case f < 1<<31:
			return 0
		case f < 1<<63:
			return floatHash64
		}
		return floatHashBig
	case starlark.Tuple:
		cost := 0
		for _, x := range k {
			cost += keyHashCost(x)
		}
		return cost
	}
	return 0
}

// goMapCost bounds a Go map made with a size hint of n, or grown to n
// entries.
func goMapCost(n int) int {
	switch {
	case n <= 8:
		return goMapSmall
	case n <= 7*1024/8:
		slots := 1 << bits.Len(uint((8*n+6)/7-1)) // the least power of 2 with 7/8 of it >= n
		return goMapSmall + goMapSlot*slots
	}
	return goMapSmall + goMapEntry*n
}
