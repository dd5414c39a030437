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
		for i := 0; i < length; i++ {
			elemOff := r.pos
			v, err := r.starlarkValue(true)
			if err != nil {
				return nil, within(err, setSegment(i))
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
