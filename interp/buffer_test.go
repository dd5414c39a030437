// Tests of the buffer value inside one interpreter.

package interp_test

import (
	"strings"
	"testing"

	"github.com/murmur-go/murmur/interp"
)

func TestBuffer(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // the value of r, or an error substring after "error: "
	}{
		{"zeroed", "r = list(buffer(3))", "[0, 0, 0]"},
		{"from bytes", `r = buffer(b"ab")[1]`, "98"},
		{"from list", "r = bytes(buffer([1, 2, 255]))", `b"\x01\x02\xff"`},
		{"len", "r = len(buffer(10))", "10"},
		{"negative index", "b = buffer([1, 2, 3])\nr = b[-1]", "3"},
		{"set", "b = buffer(2)\nb[0] = 255\nb[-1] = 7\nr = list(b)", "[255, 7]"},
		{"slice", `r = buffer(b"hello")[1:4]`, `b"ell"`},
		{"step slice", `r = buffer(b"hello")[::-2]`, `b"olh"`},
		{"equal", `r = (buffer(b"ab") == buffer(b"ab"), buffer(b"ab") != buffer(b"ac"))`, "(True, True)"},
		{"write read", "b = buffer(6)\nb.write(2, b\"xyz\")\nr = (b.read(1, 4), b.hex())", `(b"\x00xyz", "000078797a00")`},
		{"fill", "b = buffer(5)\nb.fill(9, start = 1, end = 3)\nr = list(b)", "[0, 9, 9, 0, 0]"},
		{"uint le", "b = buffer(8)\nb.put_uint(0, 4, 0x01020304)\nr = (list(b)[:4], b.get_uint(0, 4))", "([4, 3, 2, 1], 16909060)"},
		{"uint be", "b = buffer(2)\nb.put_uint(0, 2, 258, order = \"big\")\nr = list(b)", "[1, 2]"},
		{"signed", "b = buffer(2)\nb.put_uint(0, 2, -2)\nr = (b.get_uint(0, 2), b.get_uint(0, 2, signed = True))", "(65534, -2)"},
		{"uint64", "b = buffer(8)\nb.put_uint(0, 8, 18446744073709551615)\nr = b.get_uint(0, 8)", "18446744073709551615"},
		{"byte range", "b = buffer(1)\nb[0] = 256", "error: buffer elements are ints in 0..255, got 256"},
		{"index range", "r = buffer(2)[2]", "error: buffer index 2 out of range [0:2]"},
		{"write outside", "buffer(2).write(1, b\"abc\")", "error: write: range [1, 4) is outside the buffer of 2 bytes"},
		{"too big for size", "buffer(2).put_uint(0, 1, 300)", "error: put_uint: 300 does not fit in 1 bytes"},
		{"bad size", "buffer(8).get_uint(0, 3)", "error: get_uint: size must be 1, 2, 4 or 8 bytes, got 3"},
		{"bad list", `buffer([1, "x"])`, "error: buffer: element 1: buffer elements are ints in 0..255, got string"},
		{"unhashable", "r = {buffer(1): 1}", "error: unhashable type: buffer"},
		{"type", "r = type(buffer(1))", `"buffer"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t, map[string]string{"b.star": tt.src}, interp.Options{})
			mod, err := e.Load("b.star")
			if err != nil {
				t.Fatal(err)
			}
			in, err := mod.Instantiate(&fakeHost{}, interp.InstanceOptions{})
			if want, ok := strings.CutPrefix(tt.want, "error: "); ok {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("got %v, want an error containing %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := in.Globals()["r"].String(); got != tt.want {
				t.Errorf("r = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestDetachedBuffer(t *testing.T) {
	b := interp.NewBuffer([]byte("data"))
	if _, err := b.Detach("<address $7>"); err != nil {
		t.Fatal(err)
	}
	if !b.Detached() || b.Len() != 0 {
		t.Errorf("detached buffer: Detached=%v Len=%d", b.Detached(), b.Len())
	}
	if _, err := b.Bytes(); err == nil || !strings.Contains(err.Error(), "buffer was transferred to <address $7>") {
		t.Errorf("Bytes after Detach: %v", err)
	}
	if _, err := b.Detach("x"); err == nil {
		t.Error("second Detach succeeded")
	}
}
