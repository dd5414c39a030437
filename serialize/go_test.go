// Tests of the Go side: EncodeGo, DecodeGo and DecodeGoInto.

package serialize_test

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/murmur-go/murmur/serialize"
	"go.starlark.net/starlark"
)

type point struct {
	X, Y int
}

type job struct {
	Name    string             `msgpack:"name"`
	Tags    []string           `msgpack:"tags"`
	Owner   serialize.Address  `msgpack:"owner"`
	Next    *serialize.Address `msgpack:"next"`
	Skip    func()             `msgpack:"-"`
	Weights map[string]int     `msgpack:"weights,omitempty"`
	Extra   any                `msgpack:"extra"`
	private int
}

func bigInt(s string) *big.Int {
	x, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic(s)
	}
	return x
}

func TestGoRoundTrip(t *testing.T) {
	addr := serialize.Address{Node: "nonhost", ID: "$1"}
	tests := []struct {
		name string
		in   any
		want any
	}{
		{"nil", nil, nil},
		{"bool", true, true},
		{"int", 5, int64(5)},
		{"int8", int8(-5), int64(-5)},
		{"uint16", uint16(65535), int64(65535)},
		{"int64 min", int64(math.MinInt64), int64(math.MinInt64)},
		{"uint64 max", uint64(math.MaxUint64), uint64(math.MaxUint64)},
		{"float32", float32(1.5), 1.5},
		{"float64", 1.0, 1.0},
		{"string", "héllo", "héllo"},
		{"bytes", []byte{0, 1, 255}, []byte{0, 1, 255}},
		{"empty bytes", []byte{}, []byte{}},
		{"nil bytes", []byte(nil), nil},
		{"[]any", []any{1, "a", nil, []any{}}, []any{int64(1), "a", nil, []any{}}},
		{"[]string", []string{"a", "b"}, []any{"a", "b"}},
		{"map[string]any", map[string]any{"b": 1, "a": []any{2.5}}, map[string]any{"b": int64(1), "a": []any{2.5}}},
		{"map[any]any", map[any]any{1: "x", "y": 2, true: nil}, map[any]any{int64(1): "x", "y": int64(2), true: nil}},
		{"map[any]any of strings", map[any]any{"a": 1}, map[string]any{"a": int64(1)}},
		{"small *big.Int", big.NewInt(-7), int64(-7)},
		{"uint64 *big.Int", bigInt("18446744073709551615"), uint64(math.MaxUint64)},
		{"big.Int", *bigInt("-100000000000000000000000"), bigInt("-100000000000000000000000")},
		{"Address", addr, addr},
		{"*Address", &addr, addr},
		{"address key", map[any]any{addr: 1}, map[any]any{addr: int64(1)}},
		{"[]int", []int{1, 2}, []any{int64(1), int64(2)}},
		{"[2]string", [2]string{"a", "b"}, []any{"a", "b"}},
		{"[3]byte", [3]byte{1, 2, 3}, []byte{1, 2, 3}},
		{"map[string]int", map[string]int{"a": 1}, map[string]any{"a": int64(1)}},
		{"map[int]bool", map[int]bool{2: true, 1: false}, map[any]any{int64(1): false, int64(2): true}},
		{"*int", func() *int { i := 3; return &i }(), int64(3)},
		{"nil pointer", (*int)(nil), nil},
		{"nil map", map[string]int(nil), nil},
		{"struct", point{1, 2}, map[string]any{"X": int64(1), "Y": int64(2)}},
		{"*struct", &point{1, 2}, map[string]any{"X": int64(1), "Y": int64(2)}},
		{"[]struct", []point{{1, 2}}, []any{map[string]any{"X": int64(1), "Y": int64(2)}}},
		{"tagged struct", job{Name: "j", Owner: addr, Extra: 1}, map[string]any{
			"name": "j", "tags": nil, "owner": addr, "next": nil, "extra": int64(1)}},
		{"named kinds", []any{count(-2), label("l"), flag(true), ratio(0.5), uintptr(7)}, []any{int64(-2), "l", true, 0.5, int64(7)}},
		{"named slice", labels{"a"}, []any{"a"}},
		{"map of named", map[label]count{"b": 2, "a": 1}, map[string]any{"a": int64(1), "b": int64(2)}},
		{"map of pointers", map[string]*point{"p": {1, 2}, "nil": nil}, map[string]any{"p": map[string]any{"X": int64(1), "Y": int64(2)}, "nil": nil}},
		{"starlark string", starlark.String("s"), "s"},
		{"starlark list", starlark.NewList([]starlark.Value{starlark.MakeInt(1)}), []any{int64(1)}},
		{"starlark in []any", []any{starlark.Tuple{starlark.True}}, []any{[]any{true}}},
		{"starlark set", starlark.NewSet(0), []any{}},
		{"starlark big int", starlark.MakeBigInt(bigInt("123456789012345678901234567890")), bigInt("123456789012345678901234567890")},
	}
	var l serialize.Limits
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := l.EncodeGo(tt.in)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			got, err := l.DecodeGo(data)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
			again, err := l.EncodeGo(got)
			if err != nil {
				t.Fatalf("encode again: %v", err)
			}
			if got2, err := l.DecodeGo(again); err != nil || !reflect.DeepEqual(got2, tt.want) {
				t.Errorf("second round trip: %#v, %v", got2, err)
			}
		})
	}
}

// TestGoMapsSorted checks that Go maps encode with sorted keys, whatever
// the iteration order.
func TestGoMapsSorted(t *testing.T) {
	m := map[string]any{}
	mi := map[int]string{}
	for i := range 50 {
		m[string(rune('a'+i%26))+strings.Repeat("x", i)] = i
		mi[i*7919%101] = "v"
	}
	var l serialize.Limits
	first, err := l.EncodeGo(m)
	if err != nil {
		t.Fatal(err)
	}
	firstInts, err := l.EncodeGo(mi)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if again, _ := l.EncodeGo(m); !bytes.Equal(again, first) {
			t.Fatal("map[string]any encodings differ")
		}
		if again, _ := l.EncodeGo(mi); !bytes.Equal(again, firstInts) {
			t.Fatal("map[int]string encodings differ")
		}
	}
	v, err := l.DecodeStarlark(first)
	if err != nil {
		t.Fatal(err)
	}
	keys := v.(*starlark.Dict).Keys()
	for i := 1; i < len(keys); i++ {
		if string(keys[i-1].(starlark.String)) >= string(keys[i].(starlark.String)) {
			t.Fatalf("keys not sorted: %s before %s", keys[i-1], keys[i])
		}
	}
}

type (
	count  int
	label  string
	flag   bool
	ratio  float32
	labels []label
)

type cyclic struct {
	Name string
	Next *cyclic
}

type withFunc struct {
	Name string
	Do   func()
}

type withStarlark struct {
	V starlark.Value
}

func TestGoEncodeErrors(t *testing.T) {
	loop := &cyclic{Name: "a"}
	loop.Next = &cyclic{Name: "b", Next: loop}
	self := []any{nil}
	self[0] = self
	tests := []struct {
		name   string
		in     any
		limits serialize.Limits
		err    error
		msg    string
	}{
		{"func", func() {}, serialize.Limits{}, serialize.ErrNotSendable, "value: cannot send a func()"},
		{"chan in a map", map[string]any{"ok": 1, "c": make(chan int)}, serialize.Limits{}, serialize.ErrNotSendable,
			`value["c"]: cannot send a chan int`},
		{"complex in a slice", []any{1, complex(1, 2)}, serialize.Limits{}, serialize.ErrNotSendable,
			"value[1]: cannot send a complex128"},
		{"unsafe pointer", []unsafe.Pointer{nil}, serialize.Limits{}, serialize.ErrNotSendable,
			"value[0]: cannot send a unsafe.Pointer"},
		{"func field", []withFunc{{"a", nil}}, serialize.Limits{}, serialize.ErrNotSendable,
			"value[0].Do: cannot send a func()"},
		{"mixed map keys", map[any]int{"k": 1, int64(2): 2}, serialize.Limits{}, nil, ""},
		{"func map value", map[label]func(){"f": nil}, serialize.Limits{}, serialize.ErrNotSendable, `value["f"]: cannot send a func()`},
		{"chan map key", map[chan int]int{make(chan int): 1}, serialize.Limits{}, serialize.ErrNotSendable, `value[<chan int>]: cannot send a chan int`},
		{"starlark function", map[string]any{"cb": starlark.NewBuiltin("f", nil)}, serialize.Limits{}, serialize.ErrNotSendable,
			`value["cb"]: cannot send a builtin_function_or_method`},
		{"starlark value in a struct", withStarlark{starlark.MakeInt(1)}, serialize.Limits{}, serialize.ErrNotSendable,
			"value.V: cannot send a starlark.Int inside a Go struct; encode the Starlark value itself"},
		{"pointer cycle", loop, serialize.Limits{}, serialize.ErrCycle,
			"value.Next.Next: cannot send a *serialize_test.cyclic that contains itself"},
		{"slice cycle", self, serialize.Limits{MaxDepth: 3}, serialize.ErrTooDeep,
			"value[0][0][0]: more than 3 nested containers"},
		{"too deep struct", []any{[]point{{}}}, serialize.Limits{MaxDepth: 2}, serialize.ErrTooDeep,
			"value[0][0]: more than 2 nested containers"},
		{"time", time.Unix(0, 0), serialize.Limits{}, serialize.ErrNotSendable,
			"value: cannot send a time.Time: its msgpack encoding is unreadable at byte 0: unknown ext type -1"},
		{"too large", map[string]any{"k": strings.Repeat("x", 100)}, serialize.Limits{MaxBytes: 50}, serialize.ErrTooLarge,
			"value: encoded message larger than the limit of 50 bytes"},
		{"too large struct", point{X: 1 << 40}, serialize.Limits{MaxBytes: 5}, serialize.ErrTooLarge,
			"value: encoded message larger than the limit of 5 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.limits.EncodeGo(tt.in)
			if tt.err == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			checkError(t, err, tt.err, tt.msg, -1)
		})
	}
}

func TestDecodeGoErrors(t *testing.T) {
	tests := []struct {
		name, hex, msg string
		off            int
	}{
		{"array key", "81 91 01 02", "value.keys()[0]: malformed message at byte 1: an array cannot be a map key in Go ([]any is not comparable)", 1},
		{"bin key", "81 c4 00 02", "value.keys()[0]: malformed message at byte 1: a bin cannot be a map key in Go ([]byte is not comparable)", 1},
		{"map key", "81 80 02", "value.keys()[0]: malformed message at byte 1: a dict cannot be a dict key or set element (unhashable)", 1},
		{"set key", "81 d4 03 90 02", "value.keys()[0]: malformed message at byte 1: a set cannot be a map key in Go ([]any is not comparable)", 1},
		{"map in a set", "d5 03 91 80", "value{#0}: malformed message at byte 3: a dict cannot be a dict key or set element (unhashable)", 3},
		{"value path", "82 a1 61 01 02 91 c1", `value[2][0]: malformed message at byte 6: invalid byte 0xc1`, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := serialize.Limits{}.DecodeGo(mustHex(t, tt.hex))
			checkError(t, err, serialize.ErrMalformed, tt.msg, tt.off)
		})
	}
}

func TestDecodeGoFresh(t *testing.T) {
	data := mustHex(t, "92 c4 02 6162 a2 6364")
	v, err := serialize.Limits{}.DecodeGo(data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = 0
	}
	if want := []any{[]byte("ab"), "cd"}; !reflect.DeepEqual(v, want) {
		t.Errorf("got %#v, want %#v (the result must not alias the input)", v, want)
	}
}

func TestDecodeGoInto(t *testing.T) {
	var l serialize.Limits
	addr := serialize.Address{Node: "host:1", ID: "$9"}
	next := serialize.Address{Node: "nonhost", ID: "$2"}
	in := job{Name: "j", Tags: []string{"a"}, Owner: addr, Next: &next, Weights: map[string]int{"w": 3}, Extra: []any{1, "x"}}
	data, err := l.EncodeGo(in)
	if err != nil {
		t.Fatal(err)
	}
	var out job
	if err := l.DecodeGoInto(data, &out); err != nil {
		t.Fatal(err)
	}
	in.Extra = []any{int64(1), "x"} // msgpack's loose interface decoding
	if !reflect.DeepEqual(out, in) {
		t.Errorf("got  %#v\nwant %#v", out, in)
	}

	check := func(v any, target any, want any) {
		t.Helper()
		data, err := l.EncodeGo(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.DecodeGoInto(data, target); err != nil {
			t.Fatalf("into %T: %v", target, err)
		}
		if got := reflect.ValueOf(target).Elem().Interface(); !reflect.DeepEqual(got, want) {
			t.Errorf("into %T: got %#v, want %#v", target, got, want)
		}
	}
	check(42, new(int), 42)
	check(-3, new(int8), int8(-3))
	check("s", new(string), "s")
	check([]any{1, 2}, new([]int), []int{1, 2})
	check(map[string]any{"a": 1}, new(map[string]int), map[string]int{"a": 1})
	check(addr, new(serialize.Address), addr)
	check([]any{addr, nil}, new([]*serialize.Address), []*serialize.Address{&addr, nil})
	check(map[any]any{1: "x"}, new(any), map[any]any{int64(1): "x"})
	check([]byte("b"), new([]byte), []byte("b"))
	var sv starlark.Value
	check([]any{1}, &sv, starlark.Value(starlark.NewList([]starlark.Value{starlark.MakeInt(1)})))
	if sv.String() != "[1]" {
		t.Errorf("into *starlark.Value: %s", sv)
	}
}

func TestDecodeGoIntoErrors(t *testing.T) {
	var l serialize.Limits
	data, _ := l.EncodeGo("text")
	var n int
	err := l.DecodeGoInto(data, &n)
	var e *serialize.Error
	if !errors.Is(err, serialize.ErrMalformed) || !errors.As(err, &e) || !strings.HasPrefix(err.Error(), "value: malformed message at byte ") ||
		!strings.Contains(err.Error(), "cannot decode into *int") {
		t.Errorf("string into *int: %v", err)
	}
	for _, out := range []any{nil, n, (*int)(nil), (*any)(nil)} {
		if err := l.DecodeGoInto(data, out); err == nil || !strings.Contains(err.Error(), "non-nil pointer") {
			t.Errorf("DecodeGoInto(%#v): %v", out, err)
		}
	}
	// The limits apply before msgpack's reflection sees the bytes.
	huge := mustHex(t, "dd ffffffff 01")
	var ints []int
	checkError(t, l.DecodeGoInto(huge, &ints), serialize.ErrMalformed,
		"value: malformed message at byte 0: array of 4294967295 elements but 1 bytes left", 0)
	var p point
	checkError(t, l.DecodeGoInto(mustHex(t, "81 a1 58 d4 09 00"), &p), serialize.ErrMalformed,
		`value["X"]: malformed message at byte 3: unknown ext type 9`, 3)
}
