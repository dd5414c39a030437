// Decoding msgpack into fresh Starlark values.

package serialize

import (
	"go.starlark.net/starlark"
)

// maxPrealloc bounds the room reserved for a dict or map before its entries
// are read: duplicate keys mean a declared length may overstate the result.
const maxPrealloc = 64

// starlarkValue reads one value. Inside a dict key or set element (key is
// true) arrays become tuples, and maps and sets are errors (unhashable).
func (r *reader) starlarkValue(key bool) (starlark.Value, error) {
	if err := r.next(); err != nil {
		return nil, err
	}
	t := &r.tok
	switch t.kind {
	case kindNil:
		return starlark.None, nil
	case kindBool:
		return starlark.Bool(t.b), nil
	case kindInt:
		if err := r.charge(t.off, r.intCost()); err != nil {
			return nil, err
		}
		return starlark.MakeInt64(t.i), nil
	case kindUint:
		if err := r.charge(t.off, int64Big); err != nil {
			return nil, err
		}
		return starlark.MakeUint64(t.u), nil
	case kindFloat:
		if err := r.charge(t.off, boxWord); err != nil {
			return nil, err
		}
		return starlark.Float(t.f), nil
	case kindStr, kindBin:
		if err := r.charge(t.off, r.strCost()); err != nil {
			return nil, err
		}
		if t.kind == kindBin {
			return starlark.Bytes(r.string()), nil
		}
		return starlark.String(r.string()), nil
	case kindArray:
		return r.starlarkArray(key)
	case kindMap:
		if key {
			return nil, r.unhashable(t.off, "dict")
		}
		return r.starlarkDict()
	}
	return r.starlarkExt(key)
}

// unhashable is the error for a map or set inside a dict key or set element.
func (r *reader) unhashable(off int, what string) error {
	return r.malformed(off, "a %s cannot be a dict key or set element (unhashable)", what)
}

// starlarkArray reads the array in r.tok: a list, or a tuple when key is true.
func (r *reader) starlarkArray(key bool) (starlark.Value, error) {
	if err := r.charge(r.tok.off, boxList); err != nil { // a tuple's interface takes less
		return nil, err
	}
	elems, err := r.starlarkElems(key)
	if err != nil {
		return nil, err
	}
	if key {
		return starlark.Tuple(elems), nil
	}
	return starlark.NewList(elems), nil
}

// starlarkElems reads the elements of the array in r.tok.
func (r *reader) starlarkElems(key bool) ([]starlark.Value, error) {
	n, off := r.tok.n, r.tok.off
	if err := r.enter(off); err != nil {
		return nil, err
	}
	if err := r.charge(off, heapSize(elemSize*n)); err != nil {
		return nil, err
	}
	elems := make([]starlark.Value, n)
	for i := range elems {
		v, err := r.starlarkValue(key)
		if err != nil {
			return nil, within(err, indexSegment(i))
		}
		elems[i] = v
	}
	r.depth--
	return elems, nil
}

// starlarkDict reads the entries of the map in r.tok, keeping their order.
func (r *reader) starlarkDict() (starlark.Value, error) {
	n := r.tok.n
	if err := r.enter(r.tok.off); err != nil {
		return nil, err
	}
	var t table
	if err := r.newTable(&t, r.tok.off, min(n, maxPrealloc)); err != nil {
		return nil, err
	}
	d := starlark.NewDict(min(n, maxPrealloc))
	var g collisions
	if err := g.start(r, r.tok.off, n, "dict"); err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		off := r.pos
		k, err := r.starlarkValue(true)
		if err != nil {
			return nil, within(err, dictKeySegment(i))
		}
		v, err := r.starlarkValue(false)
		if err != nil {
			if pathless(err) {
				return nil, err
			}
			return nil, within(err, keySegment(repr(k)))
		}
		if err := g.add(r, off, k); err != nil {
			return nil, err
		}
		before := d.Len()
		free := t.free(before, k)
		if !free {
			if err := r.reserve(&t, off, before, k); err != nil {
				return nil, err
			}
		}
		if err := d.SetKey(k, v); err != nil {
			return nil, within(r.malformed(off, "%v", err), dictKeySegment(i))
		}
		if !free {
			r.inserted(&t, before, d.Len())
		}
	}
	r.depth--
	return d, nil
}

// starlarkExt reads the ext in r.tok.
func (r *reader) starlarkExt(key bool) (starlark.Value, error) {
	off, typ, n := r.tok.off, r.tok.ext, r.tok.n
	switch typ {
	case ExtAddress:
		if err := r.charge(off, boxAddr+r.textCost(n, 2)); err != nil {
			return nil, err
		}
		node, id, err := r.address(n)
		if err != nil {
			return nil, err
		}
		return Address{Node: node, ID: id}, nil
	case ExtBigInt:
		if err := r.charge(off, bigIntCost(n-1)); err != nil {
			return nil, err
		}
		x, err := r.bigInt(n)
		if err != nil {
			return nil, err
		}
		if x.BitLen() >= 32 { // MakeBigInt copies x beyond 32 bits
			if err := r.charge(off, bigIntCost(n-1)); err != nil {
				return nil, err
			}
		}
		return starlark.MakeBigInt(x), nil
	case ExtBuffer:
		if key {
			return nil, r.unhashable(off, "buffer")
		}
		data, err := r.slot(off, n)
		if err != nil {
			return nil, err
		}
		return r.wrap(data), nil
	case ExtBufferCopy:
		if key {
			return nil, r.unhashable(off, "buffer")
		}
		return r.starlarkBuffer(off, n)
	case ExtSet:
		if key {
			return nil, r.unhashable(off, "set")
		}
		if err := r.enter(off); err != nil {
			return nil, err
		}
		length, saved, err := r.setHeader(n)
		if err != nil {
			return nil, err
		}
		var t table
		if err := r.newTable(&t, off, min(length, maxPrealloc)); err != nil {
			return nil, err
		}
		s := starlark.NewSet(min(length, maxPrealloc))
		var g collisions
		if err := g.start(r, off, length, "set"); err != nil {
			return nil, err
		}
		for i := 0; i < length; i++ {
			elemOff := r.pos
			v, err := r.starlarkValue(true)
			if err != nil {
				return nil, within(err, setSegment(i))
			}
			if err := g.add(r, elemOff, v); err != nil {
				return nil, err
			}
			before := s.Len()
			free := t.free(before, v)
			if !free {
				if err := r.reserve(&t, elemOff, before, v); err != nil {
					return nil, err
				}
			}
			if err := s.Insert(v); err != nil {
				return nil, within(r.malformed(elemOff, "%v", err), setSegment(i))
			}
			if !free {
				r.inserted(&t, before, s.Len())
			}
		}
		r.depth--
		return s, r.done(saved, "set")
	}
	return r.starlarkRegistered(off, typ, n, key) // lib/array's arrays (ext.go)
}

// collisionFree is the size up to which a dict or set is built without
// counting the collisions of its keys' hashes.
const collisionFree = 64

// collisions bounds the work of building a dict or set of more than
// collisionFree entries whose keys' hashes collide: go.starlark.net's
// hashtable compares a new key with every key before it in its bucket
// (with Equal where their hashes are equal), so n keys of one hash take
// n²/2 comparisons. It counts the keys of each bucket of the table the
// declared length grows into, and adds up the keys each new one meets
// there; past collisionBudget(n) the message is refused. The buckets of
// the smaller tables before it are unions of these, so the work there is
// bounded too.
type collisions struct {
	counts      []int32 // keys so far per bucket; nil for a small dict
	work, limit int
	n           int
	what        string // "dict" or "set", for the error
}

// collisionBudget is the comparisons allowed for n keys: far more than
// keys of well-spread hashes make (about 3 per key, 26 for ints that are
// all multiples of 8), and linear in n.
func collisionBudget(n int) int { return 32*n + 1<<16 }

// start sets g up for a dict or set of n declared entries at offset off,
// charging its counts.
func (g *collisions) start(r *reader, off, n int, what string) error {
	if n <= collisionFree {
		return nil
	}
	buckets := 1
	for overloaded(n, buckets) {
		buckets <<= 1
	}
	if err := r.charge(off, heapSize(4*buckets)); err != nil {
		return err
	}
	*g = collisions{counts: make([]int32, buckets), limit: collisionBudget(n), n: n, what: what}
	return nil
}

// add counts key k, read at offset off, charging the garbage of hashing
// it, and fails once the keys have met
// too many others of their bucket. A key that cannot be hashed is left to
// the insertion to report.
func (g *collisions) add(r *reader, off int, k starlark.Value) error {
	if g.counts == nil {
		return nil
	}
	if err := r.charge(off, keyHashCost(k)); err != nil { // the insertion hashes k again
		return err
	}
	h, err := k.Hash()
	if err != nil {
		return nil
	}
	if h == 0 {
		h = 1 // as go.starlark.net does
	}
	c := &g.counts[h&uint32(len(g.counts)-1)]
	g.work += int(*c)
	*c++
	if g.work > g.limit {
		return r.malformed(off, "%s of %d entries has keys whose hashes collide too often (more than %d comparisons; a hash-collision attack?)", g.what, g.n, g.limit)
	}
	return nil
}
