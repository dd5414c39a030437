// Tests of the numbers DecodeGoInto puts into numeric Go types: every
// boundary in every msgpack form, into every type, exactly or an error.

package serialize_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/murmur-go/murmur/serialize"
)

// number is a test value: its exact value, or NaN.
type number struct {
	text  string
	exact *big.Float // nil for NaN
}

func exactInt(s string) number {
	i, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic(s)
	}
	return number{s, new(big.Float).SetPrec(uint(max(200, i.BitLen()))).SetInt(i)}
}

func exactFloat(f float64) number {
	if math.IsNaN(f) {
		return number{"NaN", nil}
	}
	return number{strconv.FormatFloat(f, 'g', -1, 64), new(big.Float).SetPrec(200).SetFloat64(f)}
}

// boundaryNumbers are 0, ±1, every integer width's min and max and one
// beyond, 2^63 and 2^64-1, and floats: ±0, NaN, ±Inf, fractions, 2^53+1,
// float32's extremes, values that only float64 holds.
func boundaryNumbers() []number {
	nums := []number{exactInt("0"), exactInt("1"), exactInt("-1")}
	for _, bits := range []uint{8, 16, 32, 64} {
		min := new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), bits-1))
		max := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), bits-1), big.NewInt(1))
		umax := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), bits), big.NewInt(1))
		for _, x := range []*big.Int{min, max, umax} {
			for _, d := range []int64{-1, 0, 1} {
				nums = append(nums, exactInt(new(big.Int).Add(x, big.NewInt(d)).String()))
			}
		}
	}
	nums = append(nums, exactInt("9007199254740993"), exactInt("-9007199254740993"), exactInt("16777217")) // 2^53+1, 2^24+1
	for _, exp := range []uint{100, 128, 1024} {
		x := new(big.Int).Lsh(big.NewInt(1), exp)
		nums = append(nums, exactInt(x.String()), exactInt(new(big.Int).Neg(x.Add(x, big.NewInt(1))).String()))
	}
	for _, f := range []float64{
		0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 0.5, -1.5, 0.1, 1e-50, 3.0, -3.0,
		0x1p53, 0x1p63, -0x1p63, 0x1p64, 3e9, -3e9, math.MaxFloat32, -math.MaxFloat32, 2 * math.MaxFloat32,
		math.SmallestNonzeroFloat32, math.MaxFloat64,
	} {
		nums = append(nums, exactFloat(f))
	}
	return nums
}

// encodings returns every msgpack form that carries n exactly, by name.
func encodings(n number) map[string][]byte {
	enc := map[string][]byte{}
	if n.exact == nil {
		enc["float32"] = []byte{0xca, 0x7f, 0xc0, 0, 0}
		enc["float64"] = binary.BigEndian.AppendUint64([]byte{0xcb}, math.Float64bits(math.NaN()))
		return enc
	}
	if f, acc := n.exact.Float32(); acc == big.Exact {
		enc["float32"] = binary.BigEndian.AppendUint32([]byte{0xca}, math.Float32bits(f))
	}
	if f, acc := n.exact.Float64(); acc == big.Exact {
		enc["float64"] = binary.BigEndian.AppendUint64([]byte{0xcb}, math.Float64bits(f))
	}
	if !n.exact.IsInt() || n.exact.IsInf() || n.exact.Signbit() { // -0 is not an integer's encoding
		return enc
	}
	i, _ := n.exact.Int(nil)
	payload := append([]byte{byte(max(-i.Sign(), 0))}, i.Bytes()...)
	enc["ext bigint"] = append([]byte{0xc7, byte(len(payload)), byte(serialize.ExtBigInt)}, payload...)
	if i.IsUint64() {
		u := i.Uint64()
		if u < 128 {
			enc["positive fixint"] = []byte{byte(u)}
		}
		for k, code := range map[int]byte{1: 0xcc, 2: 0xcd, 4: 0xce, 8: 0xcf} {
			if bits := 8 * k; bits == 64 || u < 1<<bits {
				enc[fmt.Sprintf("uint%d", bits)] = binary.BigEndian.AppendUint64(nil, u)[8-k:]
				enc[fmt.Sprintf("uint%d", bits)] = append([]byte{code}, enc[fmt.Sprintf("uint%d", bits)]...)
			}
		}
	}
	if i.IsInt64() {
		v := i.Int64()
		if v >= -32 && v < 0 {
			enc["negative fixint"] = []byte{byte(int8(v))}
		}
		for k, code := range map[int]byte{1: 0xd0, 2: 0xd1, 4: 0xd2, 8: 0xd3} {
			if bits := 8 * k; bits == 64 || (v >= -1<<(bits-1) && v < 1<<(bits-1)) {
				enc[fmt.Sprintf("int%d", bits)] = append([]byte{code}, binary.BigEndian.AppendUint64(nil, uint64(v))[8-k:]...)
			}
		}
	}
	return enc
}

var numericTypes = []reflect.Type{
	reflect.TypeFor[int](), reflect.TypeFor[int8](), reflect.TypeFor[int16](), reflect.TypeFor[int32](), reflect.TypeFor[int64](),
	reflect.TypeFor[uint](), reflect.TypeFor[uint8](), reflect.TypeFor[uint16](), reflect.TypeFor[uint32](), reflect.TypeFor[uint64](),
	reflect.TypeFor[float32](), reflect.TypeFor[float64](),
}

// expect returns what n must become in a value of type t (a float64 for
// float kinds, an int64 or uint64 for integer kinds), or the reason of the
// error.
func expect(n number, t reflect.Type) (want any, why string) {
	switch k := t.Kind(); {
	case k == reflect.Float32 || k == reflect.Float64:
		if n.exact == nil {
			return math.NaN(), ""
		}
		if k == reflect.Float64 {
			f, _ := n.exact.Float64()
			if math.IsInf(f, 0) && !n.exact.IsInf() {
				return nil, "out of range"
			}
			return f, ""
		}
		f, _ := n.exact.Float32()
		if math.IsInf(float64(f), 0) && !n.exact.IsInf() {
			return nil, "out of range"
		}
		return float64(f), ""
	case n.exact == nil || n.exact.IsInf() || !n.exact.IsInt():
		return nil, "not an integer"
	}
	i, _ := n.exact.Int(nil)
	bits := uint(t.Bits())
	if k := t.Kind(); k >= reflect.Uint && k <= reflect.Uint64 {
		if i.Sign() < 0 || i.BitLen() > int(bits) {
			return nil, "out of range"
		}
		return i.Uint64(), ""
	}
	max := new(big.Int).Lsh(big.NewInt(1), bits-1)
	min := new(big.Int).Neg(max)
	if i.Cmp(min) < 0 || i.Cmp(max) >= 0 {
		return nil, "out of range"
	}
	return i.Int64(), ""
}

// placement puts a number somewhere in a message and a target.
type placement struct {
	name   string
	prefix string // hex before the number
	suffix string // hex after it
	path   string
	target func(reflect.Type) reflect.Type
	get    func(reflect.Value) (reflect.Value, bool) // the number in the decoded target
}

var placements = []placement{
	{"direct", "", "", "", func(t reflect.Type) reflect.Type { return t },
		func(v reflect.Value) (reflect.Value, bool) { return v, true }},
	{"struct field", "81 a1 56", "", ".V",
		func(t reflect.Type) reflect.Type {
			return reflect.StructOf([]reflect.StructField{{Name: "V", Type: t}})
		},
		func(v reflect.Value) (reflect.Value, bool) { return v.Field(0), true }},
	{"slice element", "92 c0", "", "[1]", func(t reflect.Type) reflect.Type {
		if t.Kind() == reflect.Uint8 { // []uint8 takes a bin
			return reflect.SliceOf(reflect.PointerTo(t))
		}
		return reflect.SliceOf(t)
	}, func(v reflect.Value) (reflect.Value, bool) {
		if v.Len() != 2 {
			return reflect.Value{}, false
		}
		return reflect.Indirect(v.Index(1)), true
	}},
	{"map value", "81 a1 76", "", `["v"]`,
		func(t reflect.Type) reflect.Type { return reflect.MapOf(reflect.TypeFor[string](), t) },
		func(v reflect.Value) (reflect.Value, bool) { return v.MapIndex(reflect.ValueOf("v")), v.Len() == 1 }},
	{"map key", "81", "c3", ".keys()[0]",
		func(t reflect.Type) reflect.Type { return reflect.MapOf(t, reflect.TypeFor[bool]()) },
		func(v reflect.Value) (reflect.Value, bool) {
			if v.Len() != 1 {
				return reflect.Value{}, false
			}
			return v.MapKeys()[0], true
		}},
}

func TestDecodeGoIntoNumbers(t *testing.T) {
	var l serialize.Limits
	rows := 0
	for _, n := range boundaryNumbers() {
		for form, enc := range encodings(n) {
			for _, typ := range numericTypes {
				want, why := expect(n, typ)
				for _, p := range placements {
					rows++
					prefix := mustHex(t, p.prefix)
					data := append(append(append([]byte{}, prefix...), enc...), mustHex(t, p.suffix)...)
					out := reflect.New(p.target(typ))
					err := l.DecodeGoInto(data, out.Interface())
					where := fmt.Sprintf("%s as %s into %s (%s, % x)", n.text, form, typ, p.name, data)
					if why != "" {
						text := jsonFloat(n, form == "float32")
						if form != "float32" && form != "float64" {
							i, _ := n.exact.Int(nil)
							text = i.String()
							if i.BitLen() > 256 {
								text = fmt.Sprintf("<int of %d bits>", i.BitLen())
							}
						}
						msg := fmt.Sprintf("value%s: malformed message at byte %d: cannot decode %s into %s: %s", p.path, len(prefix), text, typ, why)
						var e *serialize.Error
						if err == nil || !errors.Is(err, serialize.ErrMalformed) || !errors.As(err, &e) || err.Error() != msg {
							t.Errorf("%s: got %v (%v), want %s", where, err, out.Elem(), msg)
						}
						continue
					}
					if err != nil {
						t.Errorf("%s: %v, want %v", where, err, want)
						continue
					}
					got, ok := p.get(out.Elem())
					if !ok || !got.IsValid() {
						t.Errorf("%s: got %#v", where, out.Elem())
						continue
					}
					if !sameNumber(got, want) {
						t.Errorf("%s: got %v, want %v", where, got, want)
					}
				}
			}
		}
	}
	if rows < 10000 {
		t.Fatalf("only %d rows", rows)
	}
	t.Logf("%d rows", rows)
}

// jsonFloat formats n as encoding/json would, as a float32 when single.
func jsonFloat(n number, single bool) string {
	if n.exact == nil {
		return "NaN"
	}
	f, _ := n.exact.Float64()
	bits := 64
	if single {
		bits = 32
	}
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		return strconv.FormatFloat(f, 'e', -1, bits)
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}

// sameNumber reports whether v holds exactly want (NaN equals NaN; the
// sign of zero counts).
func sameNumber(v reflect.Value, want any) bool {
	switch w := want.(type) {
	case float64:
		f := v.Float()
		if v.Kind() == reflect.Float32 {
			return math.Float32bits(float32(f)) == math.Float32bits(float32(w)) || math.IsNaN(f) && math.IsNaN(w)
		}
		return math.Float64bits(f) == math.Float64bits(w) || math.IsNaN(f) && math.IsNaN(w)
	case int64:
		return v.Int() == w
	case uint64:
		return v.Uint() == w
	}
	return false
}

type inner struct {
	A int8 `msgpack:"a"`
	B uint8
}

type numeric struct {
	inner
	P       *int8               `msgpack:"p"`
	Renamed uint16              `msgpack:"r,alias:old"`
	Skipped int8                `msgpack:"-"`
	D       time.Duration       `msgpack:"d"`
	Nested  []map[string][]int8 `msgpack:"n"`
	Owner   serialize.Address   `msgpack:"owner"`
	Any     any                 `msgpack:"any"`
	F32     float32             `msgpack:"f"`
	private int8
}

func TestDecodeGoIntoNumberFields(t *testing.T) {
	var l serialize.Limits
	encode := func(v any) []byte {
		t.Helper()
		data, err := l.EncodeGo(v)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	addr := serialize.Address{Node: "n", ID: "$1"}
	i8 := int8(-7)
	// Good values in every place, floats where ints go, float64s where float32s go.
	data := encode(map[string]any{
		"a": 3.0, "B": 255, "p": -7, "old": 65535.0, "d": float64(time.Second), "n": []any{map[string]any{"x": []any{1, -128.0}}},
		"owner": addr, "any": uint64(math.MaxUint64), "f": 0.1, "private": 1000,
	})
	var got numeric
	if err := l.DecodeGoInto(data, &got); err != nil {
		t.Fatal(err)
	}
	want := numeric{inner: inner{A: 3, B: 255}, P: &i8, Renamed: 65535, D: time.Second,
		Nested: []map[string][]int8{{"x": {1, -128}}}, Owner: addr, Any: uint64(math.MaxUint64), F32: 0.1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	// An ignored field may hold anything; the struct as an array.
	if err := l.DecodeGoInto(encode(map[string]any{"-": 1e300, "Skipped": 1e300, "private": -1.5}), &got); err != nil {
		t.Error(err)
	}
	var pt struct{ X, Y int8 }
	if err := l.DecodeGoInto(encode([]any{1.0, -2}), &pt); err != nil || pt.X != 1 || pt.Y != -2 {
		t.Errorf("struct from an array: %+v, %v", pt, err)
	}

	for _, tt := range []struct {
		name string
		v    any
		msg  string
	}{
		{"embedded", map[string]any{"a": 128}, "value.A: malformed message at byte 3: cannot decode 128 into int8: out of range"},
		{"embedded, Go name", map[string]any{"B": -1}, "value.B: malformed message at byte 3: cannot decode -1 into uint8: out of range"},
		{"pointer", map[string]any{"p": 1.5}, "value.P: malformed message at byte 3: cannot decode 1.5 into int8: not an integer"},
		{"alias", map[string]any{"old": 70000}, "value.Renamed: malformed message at byte 5: cannot decode 70000 into uint16: out of range"},
		{"named type", map[string]any{"d": uint64(math.MaxUint64)}, "value.D: malformed message at byte 3: cannot decode 18446744073709551615 into time.Duration: out of range"},
		{"nested", map[string]any{"n": []any{nil, map[string]any{"x": []any{1, 2, 300}}}},
			`value.Nested[1]["x"][2]: malformed message at byte 11: cannot decode 300 into int8: out of range`},
		{"float32", map[string]any{"f": 1e39}, "value.F32: malformed message at byte 3: cannot decode 1e+39 into float32: out of range"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var n numeric
			err := l.DecodeGoInto(encode(tt.v), &n)
			var e *serialize.Error
			if !errors.Is(err, serialize.ErrMalformed) || !errors.As(err, &e) || err.Error() != tt.msg {
				t.Errorf("got  %v\nwant %s", err, tt.msg)
			}
		})
	}
}

func TestDecodeGoIntoNumberEdges(t *testing.T) {
	var l serialize.Limits
	// msgpack's own errors after a number was rewritten longer (a float32 of
	// 3e9, 5 bytes, into an int64 is 9) still point into the input.
	var two struct{ A, B int64 }
	data := mustHex(t, "82 a1 41 ca 4f32d05e a1 42 a1 78")
	err := l.DecodeGoInto(data, &two)
	var e *serialize.Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "cannot decode into") || e.Offset < 9 || e.Offset > len(data) {
		t.Errorf("string into int64 after a rewritten number: %v", err)
	}
	if two.A != 3e9 {
		t.Errorf("A = %d, want 3000000000", two.A)
	}
	// uintptr: msgpack has none; an error, not a panic.
	var p uintptr
	checkError(t, l.DecodeGoInto(mustHex(t, "05"), &p), serialize.ErrMalformed,
		"value: malformed message at byte 0: cannot decode into uintptr: msgpack has no decoder for uintptr", 0)
	checkError(t, l.DecodeGoInto(mustHex(t, "91 c0"), new([]uintptr)), serialize.ErrMalformed,
		"value[0]: malformed message at byte 1: cannot decode into uintptr: msgpack has no decoder for uintptr", 1)
	var pp *uintptr
	if err := l.DecodeGoInto(mustHex(t, "c0"), &pp); err != nil || pp != nil {
		t.Errorf("nil into *uintptr: %v, %v", pp, err)
	}
	// Through an interface holding a pointer, as msgpack decodes.
	var n8 int8
	var holder any = &n8
	if err := l.DecodeGoInto(mustHex(t, "cc ff"), &holder); err != nil || holder != any(int64(255)) {
		t.Errorf("into *any: %v, %v", holder, err) // *any gets DecodeGo's value, replacing the pointer
	}
	var stringer fmt.Stringer = (*num8)(&n8)
	checkError(t, l.DecodeGoInto(mustHex(t, "cc ff"), &stringer), serialize.ErrMalformed,
		"value: malformed message at byte 0: cannot decode 255 into serialize_test.num8: out of range", 0)
	// A map key that does not fit.
	checkError(t, l.DecodeGoInto(mustHex(t, "82 01 c3 cd 0100 c3"), new(map[uint8]bool)), serialize.ErrMalformed,
		"value.keys()[1]: malformed message at byte 3: cannot decode 256 into uint8: out of range", 3)
	checkError(t, l.DecodeGoInto(mustHex(t, "81 cb 3ff8000000000000 d1 0100"), new(map[float64]int8)), serialize.ErrMalformed,
		"value[1.5]: malformed message at byte 10: cannot decode 256 into int8: out of range", 10)
}

type num8 int8

func (n *num8) String() string { return strconv.Itoa(int(*n)) }
