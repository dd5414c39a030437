// Encoding Go values to msgpack (EncodeGo), with sorted map keys and
// msgpack's reflection for structs.

package serialize

import (
	"bytes"
	"encoding"
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/vmihailenco/msgpack/v5"
	"go.starlark.net/starlark"
)

// goValue appends a Go value.
func (e *encoder) goValue(v any) error {
	if err := e.checkSize(); err != nil {
		return err
	}
	switch v := v.(type) {
	case nil:
		e.buf = appendNil(e.buf)
	case bool:
		e.buf = appendBool(e.buf, v)
	case int:
		e.buf = appendInt(e.buf, int64(v))
	case int8:
		e.buf = appendInt(e.buf, int64(v))
	case int16:
		e.buf = appendInt(e.buf, int64(v))
	case int32:
		e.buf = appendInt(e.buf, int64(v))
	case int64:
		e.buf = appendInt(e.buf, v)
	case uint:
		e.buf = appendUint(e.buf, uint64(v))
	case uint8:
		e.buf = appendUint(e.buf, uint64(v))
	case uint16:
		e.buf = appendUint(e.buf, uint64(v))
	case uint32:
		e.buf = appendUint(e.buf, uint64(v))
	case uint64:
		e.buf = appendUint(e.buf, v)
	case float32:
		e.buf = appendFloat(e.buf, float64(v))
	case float64:
		e.buf = appendFloat(e.buf, v)
	case string:
		return e.str(v)
	case Transfer:
		return e.transfer(v)
	case []byte:
		if v == nil {
			e.buf = appendNil(e.buf)
			return nil
		}
		return e.bin(string(v))
	case []any:
		if v == nil {
			e.buf = appendNil(e.buf)
			return nil
		}
		if err := e.enter(nil); err != nil {
			return err
		}
		e.buf = appendArrayHeader(e.buf, len(v))
		for i, x := range v {
			if err := e.goValue(x); err != nil {
				return within(err, indexSegment(i))
			}
		}
		e.leave(nil)
	case []string:
		if v == nil {
			e.buf = appendNil(e.buf)
			return nil
		}
		if err := e.enter(nil); err != nil {
			return err
		}
		e.buf = appendArrayHeader(e.buf, len(v))
		for _, s := range v {
			if err := e.str(s); err != nil {
				return err
			}
		}
		e.leave(nil)
	case map[string]any:
		return e.stringMap(v)
	case *big.Int:
		if v == nil {
			e.buf = appendNil(e.buf)
			return nil
		}
		return e.bigInt(v)
	case big.Int:
		return e.bigInt(&v)
	case Address:
		return e.address(v)
	case *Address:
		if v == nil {
			e.buf = appendNil(e.buf)
			return nil
		}
		return e.address(*v)
	case starlark.Value:
		return e.starlarkValue(v)
	default:
		return e.reflectValue(reflect.ValueOf(v))
	}
	return nil
}

// stringMap appends a map[string]any with its keys sorted.
func (e *encoder) stringMap(m map[string]any) error {
	if m == nil {
		e.buf = appendNil(e.buf)
		return nil
	}
	if err := e.enter(nil); err != nil {
		return err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.buf = appendMapHeader(e.buf, len(keys))
	for _, k := range keys {
		if err := e.str(k); err != nil {
			return err
		}
		if err := e.goValue(m[k]); err != nil {
			return within(err, keySegment(strconv.Quote(k)))
		}
	}
	e.leave(nil)
	return nil
}

var (
	customEncoderType   = reflect.TypeFor[msgpack.CustomEncoder]()
	marshalerType       = reflect.TypeFor[msgpack.Marshaler]()
	binaryMarshalerType = reflect.TypeFor[encoding.BinaryMarshaler]()
	textMarshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
	starlarkValueType   = reflect.TypeFor[starlark.Value]()
)

// usesMsgpack reports whether msgpack encodes values of type t through one
// of their own methods, which this package leaves to msgpack.
func usesMsgpack(t reflect.Type) bool {
	for _, m := range [...]reflect.Type{customEncoderType, marshalerType, binaryMarshalerType, textMarshalerType} {
		if t.Implements(m) || (t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(m)) {
			return true
		}
	}
	return false
}

// notSendable is the error for a Go type that has no msgpack form.
func notSendable(t reflect.Type) error {
	return encodeError(ErrNotSendable, "cannot send a "+t.String())
}

// reflectElem appends an element reached by reflection, through goValue
// when it can be had as an interface (so that Address, *big.Int and
// Starlark values keep their own encodings).
func (e *encoder) reflectElem(rv reflect.Value) error {
	if rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			e.buf = appendNil(e.buf)
			return nil
		}
		rv = rv.Elem()
	}
	if rv.CanInterface() {
		return e.goValue(rv.Interface())
	}
	return e.reflectValue(rv)
}

// reflectValue appends a value of a type goValue has no case for.
func (e *encoder) reflectValue(rv reflect.Value) error {
	if err := e.checkSize(); err != nil {
		return err
	}
	t := rv.Type()
	if usesMsgpack(t) {
		if rv.Kind() == reflect.Pointer && rv.IsNil() {
			e.buf = appendNil(e.buf)
			return nil
		}
		return e.viaMsgpack(t.String(), func(enc *msgpack.Encoder) error { return enc.EncodeValue(rv) })
	}
	switch rv.Kind() {
	case reflect.Bool:
		e.buf = appendBool(e.buf, rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.buf = appendInt(e.buf, rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		e.buf = appendUint(e.buf, rv.Uint())
	case reflect.Float32, reflect.Float64:
		e.buf = appendFloat(e.buf, rv.Float())
	case reflect.String:
		return e.str(rv.String())
	case reflect.Slice, reflect.Array:
		return e.reflectArray(rv)
	case reflect.Map:
		return e.reflectMap(rv)
	case reflect.Pointer:
		if rv.IsNil() {
			e.buf = appendNil(e.buf)
			return nil
		}
		if err := e.pushPointer(rv); err != nil {
			return err
		}
		err := e.reflectElem(rv.Elem())
		e.ptrs = e.ptrs[:len(e.ptrs)-1]
		return err
	case reflect.Interface:
		return e.reflectElem(rv)
	case reflect.Struct:
		if err := e.check(rv, e.depth); err != nil {
			return err
		}
		return e.viaMsgpack(t.String(), func(enc *msgpack.Encoder) error { return enc.EncodeValue(rv) })
	default: // func, chan, unsafe.Pointer, complex
		return notSendable(t)
	}
	return nil
}

// pushPointer records that the pointer rv is being followed, or reports a
// cycle if it already is.
func (e *encoder) pushPointer(rv reflect.Value) error {
	p := rv.Pointer()
	if slices.Contains(e.ptrs, p) {
		return encodeError(ErrCycle, "cannot send a "+rv.Type().String()+" that contains itself")
	}
	e.ptrs = append(e.ptrs, p)
	return nil
}

// reflectArray appends a slice or array: bytes as a bin, anything else as an array.
func (e *encoder) reflectArray(rv reflect.Value) error {
	if rv.Kind() == reflect.Slice && rv.IsNil() {
		e.buf = appendNil(e.buf)
		return nil
	}
	n := rv.Len()
	if rv.Type().Elem().Kind() == reflect.Uint8 {
		if err := e.room(binLen(n)); err != nil {
			return err
		}
		e.buf = appendBinHeader(e.buf, n)
		for i := 0; i < n; i++ {
			e.buf = append(e.buf, byte(rv.Index(i).Uint()))
		}
		return nil
	}
	if err := e.enter(nil); err != nil {
		return err
	}
	e.buf = appendArrayHeader(e.buf, n)
	for i := 0; i < n; i++ {
		if err := e.reflectElem(rv.Index(i)); err != nil {
			return within(err, indexSegment(i))
		}
	}
	e.leave(nil)
	return nil
}

// reflectMap appends a map with its keys sorted: by the string when every
// key is a string, else by the keys' encodings (then by the values'
// encodings, for keys that encode alike, such as NaNs).
func (e *encoder) reflectMap(rv reflect.Value) error {
	if rv.IsNil() {
		e.buf = appendNil(e.buf)
		return nil
	}
	if err := e.enter(nil); err != nil {
		return err
	}
	type entry struct {
		key, value []byte // encodings
		str        string // the key, when it is a string
	}
	entries := make([]entry, 0, rv.Len())
	allStrings, total := true, 0
	for iter := rv.MapRange(); iter.Next(); {
		k := iter.Key()
		mark := len(e.buf)
		if err := e.reflectElem(k); err != nil {
			return within(err, keySegment(keyRepr(k)))
		}
		split := len(e.buf)
		if err := e.reflectElem(iter.Value()); err != nil {
			return within(err, keySegment(keyRepr(k)))
		}
		ent := entry{key: bytes.Clone(e.buf[mark:split]), value: bytes.Clone(e.buf[split:])}
		e.buf = e.buf[:mark]
		if total += len(ent.key) + len(ent.value); e.room(total) != nil {
			return e.tooLarge()
		}
		if s, ok := stringOf(k); ok {
			ent.str = s
		} else {
			allStrings = false
		}
		entries = append(entries, ent)
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if allStrings {
			return strings.Compare(a.str, b.str)
		}
		if c := bytes.Compare(a.key, b.key); c != 0 {
			return c
		}
		return bytes.Compare(a.value, b.value)
	})
	e.buf = appendMapHeader(e.buf, len(entries))
	for _, ent := range entries {
		e.buf = append(append(e.buf, ent.key...), ent.value...)
	}
	e.leave(nil)
	return e.checkSize()
}

// stringOf returns the string a map key holds, directly or in an interface.
func stringOf(k reflect.Value) (string, bool) {
	if k.Kind() == reflect.Interface && !k.IsNil() {
		k = k.Elem()
	}
	if k.Kind() == reflect.String {
		return k.String(), true
	}
	return "", false
}

// keyRepr formats a Go map key for a path: strings quoted, numbers and
// booleans plain, Stringers by their String method, anything else (a
// pointer, a chan) by its type, so that paths stay deterministic.
func keyRepr(k reflect.Value) string {
	if k.Kind() == reflect.Interface && !k.IsNil() {
		k = k.Elem()
	}
	switch k.Kind() {
	case reflect.String:
		return strconv.Quote(k.String())
	case reflect.Bool:
		return strconv.FormatBool(k.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return goRepr(k.Float())
	}
	if k.CanInterface() && k.Kind() != reflect.Pointer {
		if s, ok := k.Interface().(fmt.Stringer); ok {
			return s.String()
		}
	}
	return "<" + k.Type().String() + ">"
}

// check walks a value that msgpack's reflection will encode (a struct and
// what it holds), reporting what msgpack could not encode or this package
// could not decode: funcs, chans, unsafe pointers, complex numbers,
// Starlark values, cycles, nesting deeper than the limit. depth is the
// number of containers around rv.
func (e *encoder) check(rv reflect.Value, depth int) error {
	if rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	t := rv.Type()
	if usesMsgpack(t) {
		return nil
	}
	if t.Implements(starlarkValueType) {
		return encodeError(ErrNotSendable, "cannot send a "+t.String()+" inside a Go struct; encode the Starlark value itself")
	}
	switch rv.Kind() {
	case reflect.Func, reflect.Chan, reflect.UnsafePointer, reflect.Complex64, reflect.Complex128:
		return notSendable(t)
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		if err := e.pushPointer(rv); err != nil {
			return err
		}
		err := e.check(rv.Elem(), depth)
		e.ptrs = e.ptrs[:len(e.ptrs)-1]
		return err
	case reflect.Slice, reflect.Array, reflect.Map, reflect.Struct:
		if depth+1 > e.maxDepth {
			return encodeError(ErrTooDeep, "more than "+strconv.Itoa(e.maxDepth)+" nested containers")
		}
	default:
		return nil
	}
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil
		}
		for i := 0; i < rv.Len(); i++ {
			if err := e.check(rv.Index(i), depth+1); err != nil {
				return within(err, indexSegment(i))
			}
		}
	case reflect.Map:
		for iter := rv.MapRange(); iter.Next(); {
			if err := e.check(iter.Key(), depth+1); err != nil {
				return within(err, keySegment(keyRepr(iter.Key())))
			}
			if err := e.check(iter.Value(), depth+1); err != nil {
				return within(err, keySegment(keyRepr(iter.Key())))
			}
		}
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() && !f.Anonymous {
				continue
			}
			if name, _, _ := strings.Cut(f.Tag.Get("msgpack"), ","); name == "-" {
				continue
			}
			if err := e.check(rv.Field(i), depth+1); err != nil {
				return within(err, "."+f.Name)
			}
		}
	}
	return nil
}
