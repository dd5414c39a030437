// Fuzz targets: hostile bytes never panic, and decode∘encode is stable.

package serialize_test

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/murmur-go/murmur/serialize"
	"go.starlark.net/starlark"
)

// fuzzSeeds are valid encodings of many values, then malformed inputs.
func fuzzSeeds(f *testing.F) {
	var l serialize.Limits
	for _, src := range []string{
		"v = None", "v = True", "v = -1", "v = 1 << 40", "v = -(1 << 70)", "v = 18446744073709551615",
		"v = 1.0", `v = float("nan")`, `v = "héllo"`, `v = "x" * 40`, `v = b"\x00\xff"`,
		"v = [1, [2, (3,)], {}]", `v = {"n": 12345, "tag": "ping"}`, `v = {(1, (2,)): set([3]), 1.5: b"k"}`,
		`v = set([1, "a", (2, 3)])`, "v = {addr: raddr}", "v = list(range(20))", "v = {i: str(i) for i in range(17)}",
	} {
		data, err := l.EncodeStarlark(eval(f, src))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, v := range []any{
		map[string]any{"a": []any{1, "b"}, "c": nil}, map[any]any{1: true, 2.5: "x"}, []byte{1, 2},
		big.NewInt(math.MaxInt64), new(big.Int).Lsh(big.NewInt(-1), 100), float32(0.1),
	} {
		data, err := l.EncodeGo(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, h := range []string{
		"", "c1", "91", "dd ffffffff 00", "df ffffffff", "db ffffffff", "c9 ffffffff 03", "a5 6162",
		"01 02", "d4 07 00", "d4 04 00", "81 80 01", "81 91 01 02", "d5 03 91 80", "d4 03 01",
		"c7 00 02", "d5 02 02 05", "d5 01 01 02", "ca 7fc00000", "cb 7ff8000000000001",
		"82 ca 7fc00000 01 cb 7ff8000000000000 02", "82 00 01 cb 0000000000000000 02",
		"91 91 91 91 91 91 91 91 91 91 91 91 91 91 91 91 91 91 91 91 00",
		"da 0003 616263", "c7 03 03 92 01 01", "c8 0001 02 00",
	} {
		f.Add(mustHex(f, h))
	}
}

// checkDecodeError fails unless err is an *Error wrapping a decoding sentinel.
func checkDecodeError(t *testing.T, err error) {
	var e *serialize.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is a %T, not a *serialize.Error", err, err)
	}
	if e.Offset < 0 {
		t.Fatalf("decoding error %v has no offset", err)
	}
	if !errors.Is(err, serialize.ErrMalformed) && !errors.Is(err, serialize.ErrTooDeep) {
		t.Fatalf("error %v wraps neither ErrMalformed nor ErrTooDeep", err)
	}
}

func FuzzDecodeStarlark(f *testing.F) {
	fuzzSeeds(f)
	l := serialize.Limits{MaxDepth: 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := l.DecodeStarlark(data)
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		first, err := l.EncodeStarlark(v)
		if err != nil {
			t.Fatalf("encoding the decoded %s: %v", v, err)
		}
		v2, err := l.DecodeStarlark(first)
		if err != nil {
			t.Fatalf("decoding the re-encoded %x: %v", first, err)
		}
		second, err := l.EncodeStarlark(v2)
		if err != nil {
			t.Fatalf("encoding again: %v", err)
		}
		if !bytes.Equal(first, second) {
			t.Fatalf("unstable: %x\nthen %x", first, second)
		}
		if v.String() != v2.String() {
			t.Fatalf("unstable: %s\nthen %s", v, v2)
		}
		if _, err := l.DecodeGo(data); err != nil && !errors.Is(err, serialize.ErrMalformed) {
			t.Fatalf("DecodeGo: %v", err)
		}
		args, err := l.DecodeStarlarkArray(data)
		if _, isList := v.(*starlark.List); isList != (err == nil) {
			t.Fatalf("DecodeStarlarkArray disagrees with DecodeStarlark (%s): %v", v.Type(), err)
		}
		if err == nil && args.Len() != v.(*starlark.List).Len() {
			t.Fatalf("DecodeStarlarkArray: %d elements, want %d", args.Len(), v.(*starlark.List).Len())
		}
	})
}

func FuzzDecodeGo(f *testing.F) {
	fuzzSeeds(f)
	l := serialize.Limits{MaxDepth: 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := l.DecodeGo(data)
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		first, err := l.EncodeGo(v)
		if err != nil {
			t.Fatalf("encoding the decoded %#v: %v", v, err)
		}
		v2, err := l.DecodeGo(first)
		if err != nil {
			t.Fatalf("decoding the re-encoded %x: %v", first, err)
		}
		second, err := l.EncodeGo(v2)
		if err != nil {
			t.Fatalf("encoding again: %v", err)
		}
		if !bytes.Equal(first, second) {
			t.Fatalf("unstable: %x\nthen %x", first, second)
		}
		var into any
		if err := l.DecodeGoInto(data, &into); err != nil {
			t.Fatalf("DecodeGoInto(*any): %v", err)
		}
		var m map[string]any
		if err := l.DecodeGoInto(data, &m); err != nil {
			checkDecodeError(t, err)
		}
		checkNumberInto(t, l, data, v)
		var s struct {
			A int8
			B []uint16
			C map[int32]float32
			D *int64
			E struct{ F uint64 } `msgpack:",noinline"`
		}
		if err := l.DecodeGoInto(data, &s); err != nil {
			checkDecodeError(t, err)
		}
	})
}

// checkNumberInto checks that data, which DecodeGo decodes to v, goes into
// every numeric Go type exactly or with an error, when v is a number.
func checkNumberInto(t *testing.T, l serialize.Limits, data []byte, v any) {
	var n number
	switch x := v.(type) {
	case int64:
		n = exactInt(strconv.FormatInt(x, 10))
	case uint64:
		n = exactInt(strconv.FormatUint(x, 10))
	case float64:
		n = exactFloat(x)
	case *big.Int:
		if x.BitLen() > 2048 {
			return
		}
		n = exactInt(x.String())
	default:
		return
	}
	for _, typ := range numericTypes {
		out := reflect.New(typ)
		err := l.DecodeGoInto(data, out.Interface())
		want, why := expect(n, typ)
		if why != "" {
			if err == nil || !strings.HasSuffix(err.Error(), why) {
				t.Fatalf("%s into %s: got %v (%v), want an error: %s", n.text, typ, err, out.Elem(), why)
			}
			checkDecodeError(t, err)
		} else if err != nil || !sameNumber(out.Elem(), want) {
			t.Fatalf("%s into %s: got %v (%v), want %v", n.text, typ, out.Elem(), err, want)
		}
	}
}
