// Numbers for DecodeGoInto's typed targets: checked against their Go kind,
// and rewritten where msgpack's reflection would convert them wrongly.

package serialize

import (
	"encoding"
	"encoding/binary"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/vmihailenco/msgpack/v5"
)

// numbers walks a valid message alongside the Go type that msgpack's
// reflection will decode it into, following msgpack's rules: struct fields
// by their msgpack tags (embedded structs inlined), slice, array and map
// elements, pointers. Types that decode themselves, interfaces, strings and
// bools are skipped.
//
// msgpack converts numbers loosely: a uint64 above math.MaxInt64 becomes a
// negative float, a negative int a huge uint, 300 an int8 of 44, and it
// cannot put a float into an int, nor a float64 into a float32. The walk
// rejects every number that does not fit its kind and rewrites those msgpack
// would get wrong into the form it converts exactly (see fitNumber).
type numbers struct {
	r      reader
	out    []byte  // the message with rewritten numbers; nil while there are none
	copied int     // r.data[:copied] is in out
	shifts []shift // where offsets in out differ from those in r.data
}

// shift records that offsets in the rewritten message from at on are delta
// more than in the input.
type shift struct{ at, delta int }

// fitNumbers returns the message msgpack's reflection should decode into a
// value of type t: data itself, or a copy with rewritten numbers and the
// shifts of its offsets. data has passed DecodeGo's checks.
func fitNumbers(data []byte, t reflect.Type) (msg []byte, shifts []shift, err error) {
	w := numbers{r: reader{data: data, end: len(data)}}
	if err := w.value(t); err != nil {
		return nil, nil, withPath(err)
	}
	if w.out == nil {
		return data, nil, nil
	}
	return append(w.out, data[w.copied:]...), w.shifts, nil
}

// inputOffset maps an offset in the rewritten message back to the input.
func inputOffset(off int, shifts []shift) int {
	in := off
	for _, s := range shifts {
		if off >= s.at {
			in -= s.delta
		}
	}
	return in
}

// value walks one value bound for type t.
func (w *numbers) value(t reflect.Type) error {
	if decodesItself(t) {
		return w.skip()
	}
	switch t.Kind() {
	case reflect.Pointer:
		if w.r.pos < w.r.end && w.r.data[w.r.pos] == 0xc0 { // nil: msgpack sets the pointer to nil
			return w.skip()
		}
		return w.value(t.Elem())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return w.number(t)
	case reflect.Uintptr: // msgpack would call a nil decoder and panic
		return w.r.malformed(w.r.pos, "cannot decode into %s: msgpack has no decoder for uintptr", t)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 { // msgpack reads a bin or str
			return w.skip()
		}
		return w.elems(t)
	case reflect.Map:
		return w.entries(t)
	case reflect.Struct:
		return w.fields(t)
	}
	return w.skip() // bools, strings, interfaces; other kinds are msgpack's errors
}

// elems walks an array bound for a slice or an array type.
func (w *numbers) elems(t reflect.Type) error {
	if err := w.r.next(); err != nil {
		return err
	}
	if w.r.tok.kind != kindArray {
		return w.skipRest()
	}
	for i, n := 0, w.r.tok.n; i < n; i++ {
		if err := w.value(t.Elem()); err != nil {
			return within(err, indexSegment(i))
		}
	}
	return nil
}

// entries walks a map bound for a map type.
func (w *numbers) entries(t reflect.Type) error {
	if err := w.r.next(); err != nil {
		return err
	}
	if w.r.tok.kind != kindMap {
		return w.skipRest()
	}
	for i, n := 0, w.r.tok.n; i < n; i++ {
		start := w.r.pos
		if err := w.value(t.Key()); err != nil {
			return within(err, dictKeySegment(i))
		}
		if err := w.value(t.Elem()); err != nil {
			kr := reader{data: w.r.data, pos: start, end: w.r.end, maxDepth: DefaultMaxDepth, maxMem: math.MaxInt}
			k, kerr := kr.goValue(modeElem)
			if kerr != nil {
				return within(err, keySegment("?"))
			}
			return within(err, keySegment(goRepr(k)))
		}
	}
	return nil
}

// fields walks a map or an array bound for a struct type, as msgpack
// decodes them: map keys name fields, array elements are the fields in
// order (when there are as many).
func (w *numbers) fields(t reflect.Type) error {
	if err := w.r.next(); err != nil {
		return err
	}
	fs := structFields(t)
	switch w.r.tok.kind {
	case kindMap:
		for i, n := 0, w.r.tok.n; i < n; i++ {
			if err := w.r.next(); err != nil {
				return err
			}
			var f *goField
			switch w.r.tok.kind {
			case kindStr, kindBin:
				f = fs.byKey[string(w.r.tok.s)]
			case kindNil:
				f = fs.byKey[""]
			default: // msgpack's error
				if err := w.skipRest(); err != nil {
					return err
				}
			}
			if f == nil {
				if err := w.skip(); err != nil {
					return err
				}
				continue
			}
			if err := w.value(f.typ); err != nil {
				return within(err, "."+f.name)
			}
		}
	case kindArray:
		if w.r.tok.n != len(fs.list) { // msgpack's error, or the zero value
			return w.skipRest()
		}
		for _, f := range fs.list {
			if err := w.value(f.typ); err != nil {
				return within(err, "."+f.name)
			}
		}
	default:
		return w.skipRest()
	}
	return nil
}

// skip reads one value of the (valid) message without checking it.
func (w *numbers) skip() error {
	if err := w.r.next(); err != nil {
		return err
	}
	return w.skipRest()
}

// skipRest skips the elements of an array or map in r.tok, or an ext's payload.
func (w *numbers) skipRest() error {
	switch w.r.tok.kind {
	case kindArray, kindMap:
		n := w.r.tok.n
		if w.r.tok.kind == kindMap {
			n *= 2
		}
		for i := 0; i < n; i++ {
			if err := w.skip(); err != nil {
				return err
			}
		}
	case kindExt:
		w.r.pos += w.r.tok.n
	}
	return nil
}

// number checks the number bound for the numeric type t.
func (w *numbers) number(t reflect.Type) error {
	start := w.r.pos
	if err := w.r.next(); err != nil {
		return err
	}
	tok := &w.r.tok
	code := w.r.data[start]
	var x *big.Int // an integer beyond 64 bits
	switch tok.kind {
	case kindInt, kindUint, kindFloat:
	case kindExt:
		if tok.ext != ExtBigInt {
			return w.skipRest() // msgpack's error
		}
		b, err := w.r.bigInt(tok.n)
		if err != nil {
			return err
		}
		code = 0 // msgpack reads no ext as a number: it must be rewritten
		switch {
		case b.IsInt64():
			tok.kind, tok.i = kindInt, b.Int64()
		case b.IsUint64():
			tok.kind, tok.u = kindUint, b.Uint64()
		default:
			x = b
		}
	default:
		return w.skipRest() // nil is zero; anything else is msgpack's error
	}
	enc, why := fitNumber(tok, x, code, t)
	if why != "" {
		num := strconv.FormatInt(tok.i, 10)
		switch {
		case x != nil && x.BitLen() > 256:
			num = "<int of " + strconv.Itoa(x.BitLen()) + " bits>"
		case x != nil:
			num = x.String()
		case tok.kind == kindUint:
			num = strconv.FormatUint(tok.u, 10)
		case tok.kind == kindFloat:
			num = formatFloat(tok.f, code == 0xca)
		}
		return w.r.malformed(start, "cannot decode %s into %s: %s", num, t, why)
	}
	if enc != nil {
		if w.out == nil {
			w.out = make([]byte, 0, len(w.r.data)+8)
		}
		w.out = append(w.out, w.r.data[w.copied:start]...)
		w.out = append(w.out, enc...)
		if delta := len(enc) - (w.r.pos - start); delta != 0 {
			w.shifts = append(w.shifts, shift{at: len(w.out), delta: delta})
		}
		w.copied = w.r.pos
	}
	return nil
}

// formatFloat formats f for an error as encoding/json writes numbers: plain
// digits from 1e-6 to 1e21, an exponent beyond; single is true for a float32.
func formatFloat(f float64, single bool) string {
	bits, format := 64, byte('f')
	if single {
		bits = 32
	}
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	return strconv.FormatFloat(f, format, -1, bits)
}

// fitNumber decides how the number in tok, or x when it is an integer
// beyond 64 bits, goes into the numeric type t: why says why it does not
// fit; else enc is the encoding msgpack converts exactly, or nil when the
// number's own, whose first byte is code (0 for an ExtBigInt), already is.
//
// Integers go into integer kinds when in range, and floats when they are
// integral and in range. Any number goes into float64 and float32, rounded
// to the nearest when inexact, as encoding/json does; one beyond the float
// type's range is an error.
func fitNumber(tok *token, x *big.Int, code byte, t reflect.Type) (enc []byte, why string) {
	const (
		notInteger = "not an integer"
		outOfRange = "out of range"
	)
	ext := code == 0
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		lo, hi := int64(-1)<<(t.Bits()-1), int64(uint64(math.MaxUint64)>>(65-t.Bits()))
		switch {
		case x != nil || tok.kind == kindUint:
			return nil, outOfRange
		case tok.kind == kindFloat:
			f := tok.f
			if f != math.Trunc(f) || math.IsInf(f, 0) {
				return nil, notInteger
			}
			if f < -0x1p63 || f >= 0x1p63 || int64(f) < lo || int64(f) > hi {
				return nil, outOfRange
			}
			return int64Form(int64(f)), ""
		case tok.i < lo || tok.i > hi:
			return nil, outOfRange
		case ext:
			return int64Form(tok.i), ""
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		hi := uint64(math.MaxUint64) >> (64 - t.Bits())
		u := uint64(tok.i)
		switch {
		case x != nil:
			return nil, outOfRange
		case tok.kind == kindFloat:
			f := tok.f
			if f != math.Trunc(f) || math.IsInf(f, 0) {
				return nil, notInteger
			}
			if f < 0 || f >= 0x1p64 || uint64(f) > hi {
				return nil, outOfRange
			}
			return uint64Form(uint64(f)), ""
		case tok.kind == kindUint:
			u = tok.u
		case tok.i < 0:
			return nil, outOfRange
		}
		if u > hi {
			return nil, outOfRange
		}
		if ext {
			return uint64Form(u), ""
		}
	case reflect.Float64:
		var f float64
		switch {
		case x != nil:
			f, _ = new(big.Float).SetInt(x).Float64()
			if math.IsInf(f, 0) {
				return nil, outOfRange
			}
		case tok.kind == kindUint: // msgpack reads it as an int64
			f = float64(tok.u)
		case ext:
			f = float64(tok.i)
		default: // msgpack converts ints and floats exactly
			return nil, ""
		}
		return binary.BigEndian.AppendUint64([]byte{0xcb}, math.Float64bits(f)), ""
	case reflect.Float32:
		var f float32
		switch {
		case x != nil:
			f, _ = new(big.Float).SetInt(x).Float32()
			if math.IsInf(float64(f), 0) {
				return nil, outOfRange
			}
		case tok.kind == kindUint:
			f = float32(tok.u)
		case tok.kind == kindFloat:
			f = float32(tok.f)
			if math.IsInf(float64(f), 0) && !math.IsInf(tok.f, 0) {
				return nil, outOfRange
			}
			if code == 0xca {
				return nil, ""
			}
			// msgpack reads only a float32 into a float32
		case ext:
			f = float32(tok.i)
		default: // msgpack converts int64 exactly
			return nil, ""
		}
		return binary.BigEndian.AppendUint32([]byte{0xca}, math.Float32bits(f)), ""
	}
	return nil, ""
}

// int64Form and uint64Form return an int 64 and a uint 64, the forms
// msgpack reads into every integer kind.
func int64Form(i int64) []byte { return binary.BigEndian.AppendUint64([]byte{0xd3}, uint64(i)) }

func uint64Form(u uint64) []byte { return binary.BigEndian.AppendUint64([]byte{0xcf}, u) }

var (
	customDecoderType     = reflect.TypeFor[msgpack.CustomDecoder]()
	unmarshalerType       = reflect.TypeFor[msgpack.Unmarshaler]()
	binaryUnmarshalerType = reflect.TypeFor[encoding.BinaryUnmarshaler]()
	textUnmarshalerType   = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// selfDecoding caches decodesItself, by type.
var selfDecoding sync.Map

// decodesItself reports whether msgpack decodes values of type t with
// their own methods (CustomDecoder, Unmarshaler, BinaryUnmarshaler,
// TextUnmarshaler), on t or on *t.
func decodesItself(t reflect.Type) bool {
	if v, ok := selfDecoding.Load(t); ok {
		return v.(bool)
	}
	self := false
	for _, m := range [...]reflect.Type{customDecoderType, unmarshalerType, binaryUnmarshalerType, textUnmarshalerType} {
		if t.Implements(m) || (t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(m)) {
			self = true
		}
	}
	selfDecoding.Store(t, self)
	return self
}

// goField is a struct field as msgpack's decoding sees it.
type goField struct {
	key  string // the map key that names it
	name string // the Go field's name, for paths
	typ  reflect.Type
}

// goFields are the fields of a struct type: by the keys that name them,
// and in order, for structs encoded as arrays.
type goFields struct {
	byKey map[string]*goField
	list  []*goField
}

// fieldsCache holds structFields' results, by type.
var fieldsCache sync.Map

// structFields returns the fields of struct type t by msgpack's rules (its
// getFields): named by the msgpack tag's name or else the Go name; "-" and
// unexported fields left out; embedded structs inlined (with the inline
// option, or when none of their fields is shadowed; never with noinline);
// alias options.
func structFields(t reflect.Type) *goFields {
	if fs, ok := fieldsCache.Load(t); ok {
		return fs.(*goFields)
	}
	fs := &goFields{byKey: make(map[string]*goField)}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, opts := parseTag(sf.Tag.Get("msgpack"))
		if name == "-" || (!sf.IsExported() && !sf.Anonymous) {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f := &goField{key: name, name: sf.Name, typ: sf.Type}
		if _, noinline := opts["noinline"]; sf.Anonymous && !noinline && fs.inline(sf.Type, opts) {
			fs.byKey[name] = f // the embedded value as a whole
			continue
		}
		fs.add(f)
		if alias, ok := opts["alias"]; ok {
			fs.byKey[alias] = f
		}
	}
	fieldsCache.Store(t, fs)
	return fs
}

func (fs *goFields) add(f *goField) {
	fs.byKey[f.key] = f
	fs.list = append(fs.list, f)
}

// inline adds the fields of the embedded type t to fs, as msgpack does,
// and reports whether it did.
func (fs *goFields) inline(t reflect.Type, opts map[string]string) bool {
	if _, ok := opts["inline"]; ok {
		if t.Kind() != reflect.Struct {
			return false // msgpack cannot inline it
		}
		for _, f := range structFields(t).list {
			if _, shadowed := fs.byKey[f.key]; !shadowed {
				fs.add(f)
			}
		}
		return true
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || decodesItself(t) {
		return false
	}
	inner := structFields(t).list
	for _, f := range inner {
		if _, shadowed := fs.byKey[f.key]; shadowed {
			return false
		}
	}
	for _, f := range inner {
		fs.add(f)
	}
	return true
}

// parseTag splits a msgpack struct tag into its name and options, as
// msgpack's tag parser does for the tags it documents:
// "name,omitempty,alias:other".
func parseTag(tag string) (name string, opts map[string]string) {
	for i, part := range strings.Split(tag, ",") {
		key, value, hasValue := strings.Cut(part, ":")
		key = strings.TrimSpace(key)
		if i == 0 && !hasValue {
			name = key
			continue
		}
		if opts == nil {
			opts = make(map[string]string)
		}
		opts[key] = strings.TrimSpace(value)
	}
	return name, opts
}
