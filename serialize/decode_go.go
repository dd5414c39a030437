// Decoding msgpack into plain Go values (DecodeGo).

package serialize

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
)

// mode says where a Go value being decoded will go.
type mode uint8

const (
	modeValue mode = iota // anywhere
	modeKey               // a Go map key: must be comparable, so no arrays, maps, bin or sets
	modeElem              // a set element: must be hashable in Starlark, so no maps or sets
)

// goValue reads one value.
func (r *reader) goValue(m mode) (any, error) {
	if err := r.next(); err != nil {
		return nil, err
	}
	t := &r.tok
	switch t.kind {
	case kindNil:
		return nil, nil
	case kindBool:
		return t.b, nil
	case kindInt:
		return t.i, nil
	case kindUint:
		return t.u, nil
	case kindFloat:
		return t.f, nil
	case kindStr:
		return r.string(), nil
	case kindBin:
		if m == modeKey {
			return nil, r.malformed(t.off, "a bin cannot be a map key in Go ([]byte is not comparable)")
		}
		return append(make([]byte, 0, len(t.s)), t.s...), nil
	case kindArray:
		if m == modeKey {
			return nil, r.malformed(t.off, "an array cannot be a map key in Go ([]any is not comparable)")
		}
		return r.goArray(m)
	case kindMap:
		if m != modeValue {
			return nil, r.unhashable(t.off, "dict")
		}
		return r.goMap()
	}
	return r.goExt(m)
}

// goArray reads the elements of the array in r.tok.
func (r *reader) goArray(m mode) ([]any, error) {
	n := r.tok.n
	if err := r.enter(r.tok.off); err != nil {
		return nil, err
	}
	elems := make([]any, n)
	for i := range elems {
		v, err := r.goValue(m)
		if err != nil {
			return nil, within(err, indexSegment(i))
		}
		elems[i] = v
	}
	r.depth--
	return elems, nil
}

// goMap reads the entries of the map in r.tok: a map[string]any while every
// key is a string, else a map[any]any.
func (r *reader) goMap() (any, error) {
	n := r.tok.n
	if err := r.enter(r.tok.off); err != nil {
		return nil, err
	}
	strs := make(map[string]any, min(n, maxPrealloc))
	var anys map[any]any
	for i := 0; i < n; i++ {
		k, err := r.goValue(modeKey)
		if err != nil {
			return nil, within(err, dictKeySegment(i))
		}
		v, err := r.goValue(modeValue)
		if err != nil {
			return nil, within(err, keySegment(goRepr(k)))
		}
		if anys == nil {
			if s, ok := k.(string); ok {
				strs[s] = v
				continue
			}
			anys = make(map[any]any, max(len(strs), min(n, maxPrealloc)))
			for s, v := range strs {
				anys[s] = v
			}
		}
		anys[k] = v
	}
	r.depth--
	if anys != nil {
		return anys, nil
	}
	return strs, nil
}

// goExt reads the ext in r.tok.
func (r *reader) goExt(m mode) (any, error) {
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
		return normalInt(x), nil
	case ExtBuffer:
		if m != modeValue {
			return nil, r.malformed(off, "a buffer cannot be a map key or set element")
		}
		return r.slot(off, n)
	case ExtBufferCopy:
		if m != modeValue {
			return nil, r.malformed(off, "a buffer cannot be a map key or set element")
		}
		return r.bufferCopy(n), nil
	case ExtSet:
		switch m {
		case modeKey:
			return nil, r.malformed(off, "a set cannot be a map key in Go ([]any is not comparable)")
		case modeElem:
			return nil, r.unhashable(off, "set")
		}
		if err := r.enter(off); err != nil {
			return nil, err
		}
		length, saved, err := r.setHeader(n)
		if err != nil {
			return nil, err
		}
		elems := make([]any, length)
		for i := range elems {
			v, err := r.goValue(modeElem)
			if err != nil {
				return nil, within(err, setSegment(i))
			}
			elems[i] = v
		}
		r.depth--
		return elems, r.done(saved, "set")
	}
	return r.goRegistered(off, typ, n, m) // lib/array's arrays (ext.go)
}

// normalInt returns x as an int64 when it fits, else as a uint64 when it
// fits, else x itself: the same integer always decodes to the same type.
func normalInt(x *big.Int) any {
	if x.IsInt64() {
		return x.Int64()
	}
	if x.IsUint64() {
		return x.Uint64()
	}
	return x
}

// goRepr formats a Go map key for a path: strings quoted, numbers plain.
// Like repr, it spends little on a huge key: keySegment cuts it anyway.
func goRepr(k any) string {
	switch k := k.(type) {
	case string:
		if len(k) > 4*maxKeyRepr {
			k = k[:4*maxKeyRepr]
		}
		return strconv.Quote(k)
	case *big.Int:
		if bits := k.BitLen(); bits > 256 {
			return "<int of " + strconv.Itoa(bits) + " bits>"
		}
	case float64:
		if math.IsInf(k, 0) || math.IsNaN(k) {
			return fmt.Sprint(k)
		}
		return strconv.FormatFloat(k, 'g', -1, 64)
	}
	return fmt.Sprint(k)
}
