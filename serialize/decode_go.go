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
		if uint64(t.i) >= 256 { // Go keeps the interfaces of 0 to 255 ready
			if err := r.charge(t.off, boxWord); err != nil {
				return nil, err
			}
		}
		return t.i, nil
	case kindUint, kindFloat:
		if err := r.charge(t.off, boxWord); err != nil {
			return nil, err
		}
		if t.kind == kindUint {
			return t.u, nil
		}
		return t.f, nil
	case kindStr:
		if err := r.charge(t.off, r.strCost()); err != nil {
			return nil, err
		}
		return r.string(), nil
	case kindBin:
		if m == modeKey {
			return nil, r.malformed(t.off, "a bin cannot be a map key in Go ([]byte is not comparable)")
		}
		if err := r.charge(t.off, heapSize(len(t.s))+boxSlice); err != nil {
			return nil, err
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
	n, off := r.tok.n, r.tok.off
	if err := r.enter(off); err != nil {
		return nil, err
	}
	if err := r.charge(off, sliceCost(n)); err != nil {
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
	n, off := r.tok.n, r.tok.off
	if err := r.enter(off); err != nil {
		return nil, err
	}
	// paid is the size the map has been charged for.
	paid, cost := min(n, maxPrealloc), goMapHeader
	if n > 0 {
		cost = goMapCost(paid)
	}
	if err := r.charge(off, cost); err != nil {
		return nil, err
	}
	strs := make(map[string]any, min(n, maxPrealloc))
	var anys map[any]any
	for i := 0; i < n; i++ {
		entry := r.pos
		k, err := r.goValue(modeKey)
		if err != nil {
			return nil, within(err, dictKeySegment(i))
		}
		v, err := r.goValue(modeValue)
		if err != nil {
			if pathless(err) {
				return nil, err
			}
			return nil, within(err, keySegment(goRepr(k)))
		}
		if anys == nil {
			if s, ok := k.(string); ok {
				if err := r.grow(entry, &paid, len(strs)); err != nil {
					return nil, err
				}
				strs[s] = v
				continue
			}
			// A fresh map, and each string key stored in an interface.
			hint := max(len(strs), min(n, maxPrealloc))
			paid = hint
			if err := r.charge(entry, goMapCost(hint)+boxString*len(strs)); err != nil {
				return nil, err
			}
			anys = make(map[any]any, hint)
			for s, v := range strs {
				anys[s] = v
			}
		}
		if err := r.grow(entry, &paid, len(anys)); err != nil {
			return nil, err
		}
		anys[k] = v
	}
	r.depth--
	if anys != nil {
		return anys, nil
	}
	return strs, nil
}

// grow charges, before an entry (at offset off) goes into a Go map of
// length entries, the growth of the map beyond the size paid for, if the
// entry is new.
func (r *reader) grow(off int, paid *int, length int) error {
	if length < *paid {
		return nil
	}
	if err := r.charge(off, goMapCost(length+1)-goMapCost(*paid)); err != nil {
		return err
	}
	*paid = length + 1
	return nil
}

// goExt reads the ext in r.tok.
func (r *reader) goExt(m mode) (any, error) {
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
		if err := r.charge(off, bigIntCost(n-1)+boxWord); err != nil {
			return nil, err
		}
		x, err := r.bigInt(n)
		if err != nil {
			return nil, err
		}
		return normalInt(x), nil
	case ExtBuffer:
		if m != modeValue {
			return nil, r.malformed(off, "a buffer cannot be a map key or set element")
		}
		if err := r.charge(off, boxSlice); err != nil {
			return nil, err
		}
		return r.slot(off, n)
	case ExtBufferCopy:
		if m != modeValue {
			return nil, r.malformed(off, "a buffer cannot be a map key or set element")
		}
		if err := r.charge(off, heapSize(n)+boxSlice); err != nil {
			return nil, err
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
		if err := r.charge(off, sliceCost(length)); err != nil {
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
		if len(k) > maxKeyRepr+1 { // as in writeRepr
			k = k[:maxKeyRepr+1]
		}
		return strconv.Quote(k)
	case Address:
		return k.short().String()
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
