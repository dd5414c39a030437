// Tests of the Starlark side: round trips, exact encodings, fresh values, errors.

package serialize_test

import (
	"bytes"
	"encoding/hex"
	"math/big"
	"strings"
	"testing"

	"github.com/murmur-go/murmur/serialize"
	"github.com/vmihailenco/msgpack/v5"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

var fileOptions = &syntax.FileOptions{Set: true, While: true, TopLevelControl: true, GlobalReassign: true, Recursion: true}

// eval runs src, a Starlark file that assigns v, and returns v.
func eval(t testing.TB, src string) starlark.Value {
	t.Helper()
	predeclared := starlark.StringDict{
		"addr":  serialize.Address{Node: "nonhost", ID: "$1"},
		"raddr": serialize.Address{Node: "10.0.0.1:8000", ID: "$7"},
	}
	thread := &starlark.Thread{Name: "test"}
	globals, err := starlark.ExecFileOptions(fileOptions, thread, "test.star", src, predeclared)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	v, ok := globals["v"]
	if !ok {
		t.Fatalf("%s: no v", src)
	}
	return v
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestStarlarkRoundTrip(t *testing.T) {
	tests := []struct {
		src  string // assigns v
		want string // repr of the decoded value; "" means the same as v's
	}{
		{src: "v = None"},
		{src: "v = True"},
		{src: "v = False"},
		{src: "v = 0"},
		{src: "v = 127"},
		{src: "v = 128"},
		{src: "v = -1"},
		{src: "v = -32"},
		{src: "v = -33"},
		{src: "v = 65536"},
		{src: "v = -129"},
		{src: "v = 1 << 40"},
		{src: "v = -(1 << 40)"},
		{src: "v = 9223372036854775807"},
		{src: "v = -9223372036854775808"},
		{src: "v = 9223372036854775808"},
		{src: "v = 18446744073709551615"},
		{src: "v = 18446744073709551616"},
		{src: "v = -9223372036854775809"},
		{src: "v = 1 << 200"},
		{src: "v = -(1 << 200) + 7"},
		{src: "v = 1.0"},
		{src: "v = -0.5"},
		{src: "v = 1e300"},
		{src: `v = float("inf")`},
		{src: `v = float("-inf")`},
		{src: `v = float("nan")`},
		{src: `v = ""`},
		{src: `v = "héllo, 世界"`},
		{src: `v = "x" * 31`},
		{src: `v = "x" * 32`},
		{src: `v = "x" * 300`},
		{src: `v = "x" * 70000`},
		{src: `v = b""`},
		{src: `v = b"\x00\xff"`},
		{src: `v = b"y" * 300`},
		{src: `v = b"y" * 70000`},
		{src: "v = []"},
		{src: "v = [1, [2, [3, []]]]"},
		{src: "v = list(range(15))"},
		{src: "v = list(range(16))"},
		{src: "v = list(range(70000))"},
		{src: "v = ()", want: "[]"},
		{src: `v = (1, "a", (2,))`, want: `[1, "a", [2]]`},
		{src: "v = {}"},
		{src: `v = {"b": 1, "a": 2, "c": 3}`},
		{src: `v = {"z": 1, 3: "three", 1.5: None, None: True, b"k": []}`},
		{src: "v = {i: i * i for i in range(20)}"},
		{src: `v = {(1, (2, "x")): "tuple key", (): 0}`},
		{src: `v = {"outer": {"inner": [{"deep": (1, 2)}]}}`, want: `{"outer": {"inner": [{"deep": [1, 2]}]}}`},
		{src: "v = set()"},
		{src: `v = set([3, 1, "a", (1, 2), b"b", 1.5])`},
		{src: `v = {"s": set([1]), "l": [set(), set([()])]}`},
		{src: "v = addr"},
		{src: "v = raddr"},
		{src: "v = {addr: [raddr], raddr: set([addr])}"},
		{src: "x = [1]\nv = [x, x, {'x': x}]"}, // shared, not cyclic
		{src: "v = [[[[[[[[[[1]]]]]]]]]]"},
	}
	var l serialize.Limits
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			v := eval(t, tt.src)
			data, err := l.EncodeStarlark(v)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			got, err := l.DecodeStarlark(data)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			want := tt.want
			if want == "" {
				want = v.String()
			}
			if got.String() != want {
				t.Errorf("got  %s\nwant %s", trim(got.String()), trim(want))
			}
			if got.Type() != v.Type() && tt.want == "" {
				t.Errorf("got a %s, want a %s", got.Type(), v.Type())
			}
			again, err := l.EncodeStarlark(got)
			if err != nil {
				t.Fatalf("encode again: %v", err)
			}
			if !bytes.Equal(again, data) {
				t.Errorf("encoding the decoded value changed the bytes:\n%x\n%x", trim(string(data)), trim(string(again)))
			}
		})
	}
}

func trim(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

func TestTupleKeysStayTuples(t *testing.T) {
	var l serialize.Limits
	data, err := l.EncodeStarlark(eval(t, `v = {(1, (2, 3)): "k", "s": set([(4, (5,))])}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := l.DecodeStarlark(data)
	if err != nil {
		t.Fatal(err)
	}
	d := got.(*starlark.Dict)
	key := d.Keys()[0]
	if _, ok := key.(starlark.Tuple); !ok {
		t.Fatalf("key is a %s, want a tuple", key.Type())
	}
	if inner := key.(starlark.Tuple)[1]; inner.Type() != "tuple" {
		t.Errorf("nested key element is a %s, want a tuple", inner.Type())
	}
	s, _, _ := d.Get(starlark.String("s"))
	for e := range s.(*starlark.Set).Elements() {
		if e.Type() != "tuple" {
			t.Errorf("set element is a %s, want a tuple", e.Type())
		}
	}
}

// TestEncoding pins the exact bytes of some values, and checks that
// msgpack/v5 reads the plain ones back.
func TestEncoding(t *testing.T) {
	tests := []struct {
		src, hex string
	}{
		{`v = {"n": 12345, "tag": "ping"}`, "82 a16e cd3039 a3746167 a470696e67"},
		{"v = 1.0", "cb 3ff0000000000000"},
		{"v = -1", "ff"},
		{"v = -200", "d1 ff38"},
		{"v = 200", "cc c8"},
		{"v = 1 << 40", "cf 0000010000000000"},
		{"v = (True, False, None)", "93 c3 c2 c0"},
		{`v = b"\x01"`, "c4 01 01"},
		{"v = set([1])", "d5 03 91 01"},
		{"v = set()", "d4 03 90"},
		{"v = addr", "c7 0b 01 a76e6f6e686f7374 a22431"},
		{"v = 1 << 64", "c7 0a 02 00 010000000000000000"},
		{"v = -(1 << 64)", "c7 0a 02 01 010000000000000000"},
	}
	var l serialize.Limits
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			data, err := l.EncodeStarlark(eval(t, tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if want := mustHex(t, tt.hex); !bytes.Equal(data, want) {
				t.Errorf("got %x, want %x", data, want)
			}
			if data[0] < 0xc7 || data[0] > 0xc9 && data[0] < 0xd4 || data[0] > 0xd8 { // not an ext
				var x any
				if err := msgpack.Unmarshal(data, &x); err != nil {
					t.Errorf("msgpack.Unmarshal: %v", err)
				}
			}
		})
	}
}

func TestDecodeFloat32(t *testing.T) {
	v, err := serialize.Limits{}.DecodeStarlark(mustHex(t, "ca 3fc00000"))
	if err != nil {
		t.Fatal(err)
	}
	if v != starlark.Float(1.5) {
		t.Errorf("got %v, want 1.5", v)
	}
}

// TestDecodeGivesFreshValues checks that decoded values are new, unfrozen
// and independent of the input bytes.
func TestDecodeGivesFreshValues(t *testing.T) {
	var l serialize.Limits
	sent := eval(t, `v = {"list": [1], "dict": {}, "set": set(), "s": "text", "b": b"bytes"}`)
	sent.Freeze()
	data, err := l.EncodeStarlark(sent)
	if err != nil {
		t.Fatal(err)
	}
	got, err := l.DecodeStarlark(data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = 0 // the decoded value must not alias the input
	}
	d := got.(*starlark.Dict)
	if err := d.SetKey(starlark.String("new"), starlark.None); err != nil {
		t.Errorf("decoded dict: %v", err)
	}
	list, _, _ := d.Get(starlark.String("list"))
	if err := list.(*starlark.List).Append(starlark.MakeInt(2)); err != nil {
		t.Errorf("decoded list: %v", err)
	}
	inner, _, _ := d.Get(starlark.String("dict"))
	if err := inner.(*starlark.Dict).SetKey(starlark.MakeInt(1), starlark.None); err != nil {
		t.Errorf("decoded inner dict: %v", err)
	}
	set, _, _ := d.Get(starlark.String("set"))
	if err := set.(*starlark.Set).Insert(starlark.MakeInt(1)); err != nil {
		t.Errorf("decoded set: %v", err)
	}
	want := `{"list": [1, 2], "dict": {1: None}, "set": set([1]), "s": "text", "b": b"bytes", "new": None}`
	if got.String() != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if sent.String() == got.String() {
		t.Error("mutating the decoded value changed the sent one")
	}
}

func TestDecodeStarlarkArray(t *testing.T) {
	var l serialize.Limits
	data, err := l.EncodeStarlark(eval(t, `v = [1, "two", [3], {"four": (4,)}]`))
	if err != nil {
		t.Fatal(err)
	}
	args, err := l.DecodeStarlarkArray(data)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := args.String(), `(1, "two", [3], {"four": [4]})`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	_, err = l.DecodeStarlarkArray(mustHex(t, "80"))
	if want := "value: malformed message at byte 0: expected an array, got a map"; err == nil || err.Error() != want {
		t.Errorf("got error %v, want %s", err, want)
	}
	_, err = l.DecodeStarlarkArray(mustHex(t, "91 01 02"))
	if want := "value: malformed message at byte 2: 1 bytes after the end of the value"; err == nil || err.Error() != want {
		t.Errorf("got error %v, want %s", err, want)
	}
}

func TestAddressValue(t *testing.T) {
	local := serialize.Address{Node: "nonhost", ID: "$3"}
	remote := serialize.Address{Node: "host:8000", ID: "$3"}
	for _, tt := range []struct {
		v    serialize.Address
		want string
	}{
		{local, "<address $3>"},
		{serialize.Address{ID: "$3"}, "<address $3>"},
		{remote, "<address host:8000/$3>"},
	} {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("%#v.String() = %s, want %s", tt.v, got, tt.want)
		}
	}
	if local.Type() != "address" || !bool(local.Truth()) {
		t.Error("address type or truth is wrong")
	}
	eq, err := starlark.Equal(local, serialize.Address{Node: "nonhost", ID: "$3"})
	if err != nil || !eq {
		t.Errorf("equal addresses: %v %v", eq, err)
	}
	eq, err = starlark.Equal(local, remote)
	if err != nil || eq {
		t.Errorf("different addresses: %v %v", eq, err)
	}
	if _, err := starlark.Compare(syntax.LT, local, remote); err == nil {
		t.Error("address < address did not fail")
	}
	h1, _ := local.Hash()
	h2, _ := serialize.Address{Node: "nonhos", ID: "t$3"}.Hash()
	if h1 == h2 {
		t.Error("hash does not separate node from id")
	}
	v := eval(t, "d = {addr: 1}\nv = [d[addr], addr == addr, addr != raddr, str(raddr), type(addr)]")
	if got, want := v.String(), `[1, True, True, "<address 10.0.0.1:8000/$7>", "address"]`; got != want {
		t.Errorf("in Starlark: got %s, want %s", got, want)
	}
}

// TestAppendStarlark checks that AppendStarlark appends, and leaves dst
// alone on error.
func TestAppendStarlark(t *testing.T) {
	var l serialize.Limits
	dst := []byte("prefix")
	out, err := l.AppendStarlark(dst, starlark.MakeInt(1))
	if err != nil || string(out) != "prefix\x01" {
		t.Errorf("got %q, %v", out, err)
	}
	out, err = l.AppendStarlark(dst, eval(t, "def f(): pass\nv = [1, 2, f]"))
	if err == nil || string(out) != "prefix" {
		t.Errorf("on error got %q, %v", out, err)
	}
	lim := serialize.Limits{MaxBytes: 3}
	if _, err := lim.AppendStarlark(make([]byte, 100), starlark.String("ab")); err != nil {
		t.Errorf("MaxBytes should bound only the appended bytes: %v", err)
	}
}

// TestExtSizes round-trips ext values of every payload size class: fixext
// 1, 2, 4, 8 and 16, ext 8, 16 and 32.
func TestExtSizes(t *testing.T) {
	var l serialize.Limits
	check := func(v starlark.Value) {
		t.Helper()
		data, err := l.EncodeStarlark(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := l.DecodeStarlark(data)
		if err != nil {
			t.Fatalf("%s: %v", trim(v.String()), err)
		}
		if eq, err := starlark.Equal(got, v); err != nil || !eq {
			t.Fatalf("got %s, want %s", trim(got.String()), trim(v.String()))
		}
	}
	for _, n := range []int{0, 1, 2, 3, 6, 7, 14, 15, 16, 200, 300, 70000} {
		a := serialize.Address{Node: strings.Repeat("n", n), ID: "$1"}
		check(a)
		// msgpack's reflection goes through Address's own methods.
		data, err := msgpack.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var back serialize.Address
		if err := msgpack.Unmarshal(data, &back); err != nil || back != a {
			t.Fatalf("msgpack round trip of an address with a %d-byte node: %v", n, err)
		}
		set := starlark.NewSet(n)
		for i := range n {
			_ = set.Insert(starlark.MakeInt(i))
		}
		check(set)
	}
	for bits := 60; bits < 700; bits += 7 {
		x := new(big.Int).Lsh(big.NewInt(1), uint(bits))
		check(starlark.MakeBigInt(x))
		check(starlark.MakeBigInt(x.Neg(x)))
	}
}
