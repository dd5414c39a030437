// Tests of arrays on the wire: copies, moves by transfer, detached
// handles, and hostile payloads (with a fuzz target).

package array_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/lib/array"
	"github.com/murmur-go/murmur/serialize"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCopied(t *testing.T) {
	var l serialize.Limits
	tests := []struct {
		src  string
		hex  string // the encoding
		goes any    // what DecodeGo gives
	}{
		{`array("f64", [1.5, -2])`, "c7 11 06 01 000000000000f83f 00000000000000c0", []float64{1.5, -2}},
		{`array("f32", [1])`, "c7 05 06 02 0000803f", []float32{1}},
		{`array("i64", [-2])`, "c7 09 06 03 feffffffffffffff", []int64{-2}},
		{`array("i32", [258])`, "c7 05 06 04 02010000", []int32{258}},
		{`array("i16", [-1, 2])`, "c7 05 06 05 ffff 0200", []int16{-1, 2}},
		{`array("i8", [-1])`, "d5 06 06 ff", []int8{-1}},
		{`array("u32", [4294967295])`, "c7 05 06 07 ffffffff", []uint32{4294967295}},
		{`array("u16", [513])`, "c7 03 06 08 0102", []uint16{513}},
		{`array("u8", [1, 2, 3])`, "d6 06 09 010203", []uint8{1, 2, 3}},
		{`array("f64", 0)`, "d4 06 01", []float64{}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			a, err := exec(t, "r = "+tt.src)
			if err != nil {
				t.Fatal(err)
			}
			data, err := l.EncodeStarlark(a)
			if err != nil {
				t.Fatal(err)
			}
			if want := mustHex(t, tt.hex); !bytes.Equal(data, want) {
				t.Errorf("encoded % x, want % x", data, want)
			}
			v, err := l.DecodeStarlark(data)
			if err != nil {
				t.Fatal(err)
			}
			if eq, _ := starlark.Equal(v, a); !eq {
				t.Errorf("decoded %s, want %s", v, a)
			}
			g, err := l.DecodeGo(data)
			if err != nil || !reflect.DeepEqual(g, tt.goes) {
				t.Errorf("DecodeGo: %#v, %v; want %#v", g, err, tt.goes)
			}
			// A typed target takes the slice too.
			target := reflect.New(reflect.TypeOf(tt.goes))
			if err := l.DecodeGoInto(data, target.Interface()); err != nil || !reflect.DeepEqual(target.Elem().Interface(), tt.goes) {
				t.Errorf("DecodeGoInto: %v, %v", target.Elem(), err)
			}
		})
	}
}

// A copy is the receiver's own: writing into either side leaves the other.
func TestCopyIsIndependent(t *testing.T) {
	var l serialize.Limits
	s := []int32{1, 2}
	data, err := l.EncodeStarlark(array.Of(s))
	if err != nil {
		t.Fatal(err)
	}
	v, err := l.DecodeStarlark(data)
	if err != nil {
		t.Fatal(err)
	}
	s[0] = 9
	if got := v.String(); got != `array("i32", [1, 2])` {
		t.Errorf("the copy changed with the sender's array: %s", got)
	}
	g, _ := l.DecodeGo(data)
	data[4] = 0x7f // the decoded slice does not alias the message
	if g.([]int32)[0] != 1 {
		t.Errorf("DecodeGo's slice aliases the message: %v", g)
	}
}

func TestBadPayloads(t *testing.T) {
	var l serialize.Limits
	for _, tt := range []struct{ hex, msg string }{
		{"c7 00 06", "value: malformed message at byte 0: array: payload without a dtype byte"},
		{"d4 06 00", "value: malformed message at byte 0: array: unknown dtype code 0"},
		{"d4 06 0a", "value: malformed message at byte 0: array: unknown dtype code 10"},
		{"d6 06 01 000000", "value: malformed message at byte 0: array: 3 bytes are not a whole number of f64 elements"},
		{"d5 06 05 01", "value: malformed message at byte 0: array: 1 bytes are not a whole number of i16 elements"},
		{"c7 09 06 01 00", "value: malformed message at byte 0: ext of 9 bytes but 2 bytes left"},
		{"81 d4 06 09 01", "value.keys()[0]: malformed message at byte 1: a array cannot be a dict key or set element (unhashable)"},
		{"91 d4 06 09 c0", "value: malformed message at byte 4: 1 bytes after the end of the value"},
	} {
		t.Run(tt.hex, func(t *testing.T) {
			for _, decode := range []func([]byte) (any, error){
				func(b []byte) (any, error) { return l.DecodeStarlark(b) },
				func(b []byte) (any, error) { return l.DecodeGo(b) },
			} {
				_, err := decode(mustHex(t, tt.hex))
				if !errors.Is(err, serialize.ErrMalformed) || err.Error() != tt.msg {
					t.Errorf("got  %v\nwant %s", err, tt.msg)
				}
			}
		})
	}
	// Too large for the limits: an error, not a partial message.
	big := array.Of(make([]float64, 1000))
	if _, err := (serialize.Limits{MaxBytes: 4096}).EncodeStarlark(big); !errors.Is(err, serialize.ErrTooLarge) {
		t.Errorf("an 8 KB array under a 4 KB limit: %v", err)
	}
}

func TestMoved(t *testing.T) {
	var l serialize.Limits
	s := []float64{1, 2, 3}
	a := array.Of(s)
	msg := starlark.NewList([]starlark.Value{a})
	body, buffers, err := l.EncodeStarlarkTransfer(msg, []starlark.Value{a})
	if err != nil {
		t.Fatal(err)
	}
	if want := mustHex(t, "91 c7 03 07 06 00 01"); !bytes.Equal(body, want) {
		t.Errorf("body % x, want % x (ExtMoved: ExtArray, slot 0, dtype f64)", body, want)
	}
	if _, err := a.Detach("<address $7>"); err != nil {
		t.Fatal(err)
	}
	v, err := l.DecodeStarlarkTransfer(body, buffers, func(b []byte) starlark.Value { return starlark.Bytes(b) })
	if err != nil {
		t.Fatal(err)
	}
	got := v.(*starlark.List).Index(0).(*array.Array)
	d, _ := got.Data()
	if &d.([]float64)[0] != &s[0] {
		t.Error("the moved array's memory was copied")
	}
	if got.String() != `array("f64", [1.0, 2.0, 3.0])` {
		t.Errorf("received %s", got)
	}
	g, err := l.DecodeGoTransfer(body, buffers)
	if err != nil || &g.([]any)[0].([]float64)[0] != &s[0] {
		t.Errorf("DecodeGoTransfer: %v, %v: want the moved memory itself", g, err)
	}

	// The sender's handle is detached: empty, and every other use fails.
	if a.Len() != 0 || a.String() != "<array transferred to <address $7>>" {
		t.Errorf("detached: len %d, %s", a.Len(), a)
	}
	g2 := starlark.StringDict{"a": a}
	for _, src := range []string{"r = a[0]", "a[0] = 1", "r = a.sum()", "r = a + 1", "r = 1 + a", "r = -a", "r = a == a", "r = array('f64', a)"} {
		_, err := starlark.ExecFile(&starlark.Thread{}, "t.star", src, starlark.StringDict{"a": a, "array": array.Builtin})
		if !errors.Is(err, array.ErrDetached) || !strings.Contains(err.Error(), "transferred to <address $7>") {
			t.Errorf("%s on a detached array: %v", src, err)
		}
	}
	if _, err := starlark.ExecFile(&starlark.Thread{}, "t.star", "r = (len(a), list(a), a[:])", g2); err != nil {
		t.Errorf("len, iteration and slicing see a detached array empty: %v", err)
	}
	if _, err := l.EncodeStarlark(a); !errors.Is(err, serialize.ErrNotSendable) || !strings.Contains(err.Error(), "array was transferred") {
		t.Errorf("sending a detached array: %v", err)
	}
	if _, _, err := l.EncodeStarlarkTransfer(a, []starlark.Value{a}); !errors.Is(err, serialize.ErrTransfer) {
		t.Errorf("moving a detached array again: %v", err)
	}
}

// A send that failed gives the memory back.
func TestAttach(t *testing.T) {
	a := array.Of([]int16{5, 6})
	mem, err := a.Detach("x")
	if err != nil {
		t.Fatal(err)
	}
	a.Attach(mem)
	if a.String() != `array("i16", [5, 6])` {
		t.Errorf("after Attach: %s", a)
	}
}

// Memory moved from another process may be unaligned: it is copied then.
func TestMovedUnaligned(t *testing.T) {
	var l serialize.Limits
	raw := make([]byte, 17)
	copy(raw[1:], mustHex(t, "000000000000f03f 0000000000000040")) // 1.0, 2.0
	body := mustHex(t, "c7 03 07 06 00 01")
	v, err := l.DecodeStarlarkTransfer(body, [][]byte{raw[1:]}, func(b []byte) starlark.Value { return starlark.Bytes(b) })
	if err != nil {
		t.Fatal(err)
	}
	if v.String() != `array("f64", [1.0, 2.0])` {
		t.Errorf("got %s", v)
	}
	for _, tt := range []struct{ body, msg string }{
		{"c7 03 07 06 00 0b", "array: unknown dtype code 11"},
		{"c7 02 07 06 00", "moved array's head of 0 bytes, want 1"},
	} {
		_, err := l.DecodeStarlarkTransfer(mustHex(t, tt.body), [][]byte{raw[1:]}, func(b []byte) starlark.Value { return starlark.Bytes(b) })
		if !errors.Is(err, serialize.ErrMalformed) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: %v", tt.body, err)
		}
	}
	_, err = l.DecodeGoTransfer(mustHex(t, "c7 03 07 06 00 01"), [][]byte{raw[1:16]})
	if !errors.Is(err, serialize.ErrMalformed) || !strings.Contains(err.Error(), "moved memory of 15 bytes is not a whole number of f64 elements") {
		t.Errorf("15 bytes moved as f64: %v", err)
	}
}

// FuzzDecode decodes arbitrary bytes as an ExtArray payload and as a whole
// message: no panic, and whatever decodes encodes back to the same payload.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "01", "0100000000000000f03f", "09010203", "0a", "0500", "02000080ff", "04ffffffff"} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	var l serialize.Limits
	f.Fuzz(func(t *testing.T, payload []byte) {
		msg, err := serialize.AppendExtHeader(nil, serialize.ExtArray, len(payload))
		if err != nil {
			t.Skip()
		}
		msg = append(msg, payload...)
		v, err := l.DecodeStarlark(msg)
		g, gerr := l.DecodeGo(msg)
		if (err == nil) != (gerr == nil) {
			t.Fatalf("DecodeStarlark: %v; DecodeGo: %v", err, gerr)
		}
		if err != nil {
			if !errors.Is(err, serialize.ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
		} else {
			again, err := l.EncodeStarlark(v)
			if err != nil || !bytes.Equal(again, msg) {
				t.Fatalf("%s encodes back as % x (%v), want % x", v, again, err, msg)
			}
			if n := reflect.ValueOf(g).Len(); n != v.(*array.Array).Len() {
				t.Fatalf("DecodeGo gave %d elements, DecodeStarlark %d", n, v.(*array.Array).Len())
			}
		}
		// The bytes as a whole message, too (anything may be in them).
		if _, err := l.DecodeStarlark(payload); err != nil && !errors.Is(err, serialize.ErrMalformed) && !errors.Is(err, serialize.ErrTooDeep) {
			t.Fatalf("message % x: %v", payload, err)
		}
		_ = fmt.Sprint(g)
	})
}

// Decoding arrays keeps serialize's promise on memory: at most 640 bytes
// per input byte plus 16 KiB for Starlark, 160 for Go, even for the
// costliest arrays per byte (empty ones, 3 bytes each in a list).
func TestAllocBound(t *testing.T) {
	var l serialize.Limits
	for _, elem := range []string{"d4 06 01", "d5 06 09 07", "d6 06 09 010203"} {
		one := mustHex(t, elem)
		n := 20000
		msg := append(mustHex(t, "dd"), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
		for i := 0; i < n; i++ {
			msg = append(msg, one...)
		}
		for _, d := range []struct {
			name    string
			perByte int
			decode  func() error
		}{
			{"DecodeStarlark", 640, func() error { _, err := l.DecodeStarlark(msg); return err }},
			{"DecodeGo", 160, func() error { _, err := l.DecodeGo(msg); return err }},
		} {
			var err error
			limit := uint64(d.perByte*len(msg) + 16<<10)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			err = d.decode()
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > limit {
				t.Errorf("%s of %d arrays %s: %d bytes allocated, more than %d", d.name, n, elem, got, limit)
			} else {
				t.Logf("%s of %d arrays %s: %.1f bytes per input byte", d.name, n, elem, float64(got)/float64(len(msg)))
			}
		}
	}
}
