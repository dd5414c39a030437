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
		return starlark.MakeInt64(t.i), nil
	case kindUint:
		return starlark.MakeUint64(t.u), nil
	case kindFloat:
		return starlark.Float(t.f), nil
	case kindStr:
		return starlark.String(r.string()), nil
	case kindBin:
		return starlark.Bytes(r.string()), nil
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
	n := r.tok.n
	if err := r.enter(r.tok.off); err != nil {
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
	d := starlark.NewDict(min(n, maxPrealloc))
	for i := 0; i < n; i++ {
		off := r.pos
		k, err := r.starlarkValue(true)
		if err != nil {
			return nil, within(err, dictKeySegment(i))
		}
		v, err := r.starlarkValue(false)
		if err != nil {
			return nil, within(err, keySegment(repr(k)))
		}
		if err := d.SetKey(k, v); err != nil {
			return nil, within(r.malformed(off, "%v", err), dictKeySegment(i))
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
		node, id, err := r.address(n)
		if err != nil {
			return nil, err
		}
		return Address{Node: node, ID: id}, nil
	case ExtBigInt:
		x, err := r.bigInt(n)
		if err != nil {
			return nil, err
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
		s := starlark.NewSet(min(length, maxPrealloc))
		for i := 0; i < length; i++ {
			elemOff := r.pos
			v, err := r.starlarkValue(true)
			if err != nil {
				return nil, within(err, setSegment(i))
			}
			if err := s.Insert(v); err != nil {
				return nil, within(r.malformed(elemOff, "%v", err), setSegment(i))
			}
		}
		r.depth--
		return s, r.done(saved, "set")
	}
	return r.starlarkRegistered(off, typ, n, key) // lib/array's arrays (ext.go)
}
