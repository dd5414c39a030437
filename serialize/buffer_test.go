// Tests of buffers sent by copy: ExtBufferCopy, to Starlark and to Go.

package serialize_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/serialize"
)

// testBuffer is a mutable buffer as a package above serialize defines one.
type testBuffer struct{ data []byte }

func (b *testBuffer) String() string        { return fmt.Sprintf("buffer(%q)", b.data) }
func (b *testBuffer) Type() string          { return "buffer" }
func (b *testBuffer) Freeze()               {}
func (b *testBuffer) Truth() starlark.Bool  { return len(b.data) > 0 }
func (b *testBuffer) Hash() (uint32, error) { return 0, errors.New("unhashable type: buffer") }
func (b *testBuffer) AppendMsgpack(dst []byte) ([]byte, error) {
	return serialize.AppendBuffer(dst, b.data)
}
func (b *testBuffer) TransferBytes() ([]byte, error) { return b.data, nil }

func wrapTest(data []byte) starlark.Value { return &testBuffer{data} }

func TestAppendBuffer(t *testing.T) {
	for _, tt := range []struct {
		n    int
		head string
	}{
		{0, "c7 00 05"}, {1, "d4 05"}, {3, "c7 03 05"}, {16, "d8 05"}, {255, "c7 ff 05"}, {256, "c8 0100 05"}, {70000, "c9 00011170 05"},
	} {
		data := bytes.Repeat([]byte{'x'}, tt.n)
		got, err := serialize.AppendBuffer([]byte{0x91}, data)
		if err != nil {
			t.Fatal(err)
		}
		want := append(mustHex(t, "91 "+tt.head), data...)
		if !bytes.Equal(got, want) {
			t.Errorf("%d bytes: got % x, want % x", tt.n, got[:min(len(got), 8)], want[:min(len(want), 8)])
		}
	}
}

func TestCopiedBufferStarlark(t *testing.T) {
	var l serialize.Limits
	mem := []byte("abc")
	msg := starlark.NewDict(2)
	msg.SetKey(starlark.String("buf"), &testBuffer{mem})
	msg.SetKey(starlark.String("bytes"), starlark.Bytes("xy"))
	data, err := l.EncodeStarlark(msg)
	if err != nil {
		t.Fatal(err)
	}
	v, err := l.DecodeStarlarkTransfer(data, nil, wrapTest)
	if err != nil {
		t.Fatal(err)
	}
	d := v.(*starlark.Dict)
	buf, _, _ := d.Get(starlark.String("buf"))
	got, ok := buf.(*testBuffer)
	if !ok || string(got.data) != "abc" {
		t.Fatalf("buf decoded as %s %v, want a buffer of abc", buf.Type(), buf)
	}
	if by, _, _ := d.Get(starlark.String("bytes")); by.Type() != "bytes" {
		t.Errorf("bytes decoded as %s", by.Type())
	}
	got.data[0] = 'X'
	if string(mem) != "abc" || !bytes.Contains(data, []byte("abc")) {
		t.Error("the decoded buffer shares memory with the sender or the message")
	}

	// A message with both kinds: a moved buffer without a copy, a copied one fresh.
	moved := &testBuffer{[]byte("moved")}
	copied := &testBuffer{[]byte("copied")}
	body, buffers, err := l.EncodeStarlarkTransfer(starlark.NewList([]starlark.Value{moved, copied}), []starlark.Value{moved})
	if err != nil {
		t.Fatal(err)
	}
	v, err = l.DecodeStarlarkTransfer(body, buffers, wrapTest)
	if err != nil {
		t.Fatal(err)
	}
	list := v.(*starlark.List)
	if m := list.Index(0).(*testBuffer); &m.data[0] != &moved.data[0] {
		t.Error("the moved buffer was copied")
	}
	if c := list.Index(1).(*testBuffer); string(c.data) != "copied" || &c.data[0] == &copied.data[0] {
		t.Errorf("the copied buffer: %v", c)
	}

	// Without a way to make buffers, a decoder refuses them rather than
	// changing their kind.
	_, err = l.DecodeStarlark(data)
	checkError(t, err, serialize.ErrMalformed, `value["buf"]: malformed message at byte 5: a buffer needs a decoder that makes buffers (DecodeStarlarkTransfer with a wrap function)`, 5)
	if _, err := l.DecodeStarlarkTransfer(data, nil, nil); err == nil || !strings.Contains(err.Error(), "needs a wrap function") {
		t.Errorf("DecodeStarlarkTransfer without wrap: %v", err)
	}
}

func TestCopiedBufferGo(t *testing.T) {
	var l serialize.Limits
	data, err := l.EncodeStarlark(starlark.NewList([]starlark.Value{&testBuffer{[]byte("abc")}, starlark.MakeInt(1)}))
	if err != nil {
		t.Fatal(err)
	}
	v, err := l.DecodeGo(data)
	if err != nil {
		t.Fatal(err)
	}
	b, ok := v.([]any)[0].([]byte)
	if !ok || string(b) != "abc" || &b[0] == &data[bytes.Index(data, []byte("abc"))] {
		t.Fatalf("DecodeGo: %#v, want a copy of abc as []byte", v)
	}
	// Re-encoded from Go, a []byte is a bin: Go has no buffer type.
	if again, err := l.EncodeGo(v); err != nil || bytes.Equal(again, data) {
		t.Errorf("EncodeGo(DecodeGo) = % x, %v", again, err)
	}

	one, err := l.EncodeStarlark(&testBuffer{[]byte("xyz")})
	if err != nil {
		t.Fatal(err)
	}
	var into []byte
	if err := l.DecodeGoInto(one, &into); err != nil || string(into) != "xyz" {
		t.Errorf("into *[]byte: %q, %v", into, err)
	}
	var list [][]byte
	var rec struct {
		A []byte   `msgpack:"a"`
		B [][]byte `msgpack:"b"`
		M map[string][]byte
	}
	msg := starlark.NewDict(3)
	msg.SetKey(starlark.String("a"), &testBuffer{[]byte("aa")})
	msg.SetKey(starlark.String("b"), starlark.NewList([]starlark.Value{&testBuffer{bytes.Repeat([]byte{1}, 300)}}))
	m := starlark.NewDict(1)
	m.SetKey(starlark.String("k"), &testBuffer{nil})
	msg.SetKey(starlark.String("M"), m)
	data, err = l.EncodeStarlark(msg)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.DecodeGoInto(data, &rec); err != nil {
		t.Fatal(err)
	}
	if string(rec.A) != "aa" || len(rec.B) != 1 || len(rec.B[0]) != 300 || rec.M["k"] == nil || len(rec.M["k"]) != 0 {
		t.Errorf("into a struct: %+v", rec)
	}
	data, err = l.EncodeStarlark(starlark.NewList([]starlark.Value{&testBuffer{[]byte("p")}, &testBuffer{[]byte("q")}}))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.DecodeGoInto(data, &list); err != nil || len(list) != 2 || string(list[1]) != "q" {
		t.Errorf("into *[][]byte: %q, %v", list, err)
	}
}

// A reflection error after copied buffers names the offset in the message
// as sent, not in the form msgpack's reflection was given.
func TestCopiedBufferGoIntoErrorOffset(t *testing.T) {
	var l serialize.Limits
	bufs := make([]starlark.Value, 10)
	for i := range bufs {
		bufs[i] = &testBuffer{[]byte("abc")} // ext 8: one byte longer than a bin 8
	}
	msg := starlark.NewDict(2)
	msg.SetKey(starlark.String("a"), starlark.NewList(bufs))
	msg.SetKey(starlark.String("b"), starlark.String("str"))
	data, err := l.EncodeStarlark(msg)
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		A [][]byte `msgpack:"a"`
		B int      `msgpack:"b"`
	}
	err = l.DecodeGoInto(data, &rec)
	var e *serialize.Error
	if !errors.As(err, &e) {
		t.Fatalf("a str into an int: %v", err)
	}
	at := bytes.Index(data, []byte("\xa3str"))
	// msgpack reports where its reader stopped: on or just past the str.
	if e.Offset < at || e.Offset > len(data) {
		t.Errorf("error at byte %d; the str is at %d of %d: %v", e.Offset, at, len(data), err)
	}
}

func TestCopiedBufferHostile(t *testing.T) {
	var l serialize.Limits
	tests := []struct {
		name, hex string
		msg       string // the error of DecodeStarlarkTransfer
		goMsg     string // of DecodeGo, when it differs
	}{
		{"length beyond the data", "c9 ffffffff 05 00", "value: malformed message at byte 0: ext of 4294967295 bytes but 1 bytes left", ""},
		{"truncated", "c7 04 05 616263", "value: malformed message at byte 0: ext of 4 bytes but 3 bytes left", ""},
		{"dict key", "81 d4 05 00 01", "value.keys()[0]: malformed message at byte 1: a buffer cannot be a dict key or set element (unhashable)",
			"value.keys()[0]: malformed message at byte 1: a buffer cannot be a map key or set element"},
		{"set element", "d6 03 91 d4 05 00", "value{#0}: malformed message at byte 3: a buffer cannot be a dict key or set element (unhashable)",
			"value{#0}: malformed message at byte 3: a buffer cannot be a map key or set element"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := mustHex(t, tt.hex)
			_, err := l.DecodeStarlarkTransfer(data, nil, wrapTest)
			if err == nil || err.Error() != tt.msg {
				t.Errorf("DecodeStarlarkTransfer: %v\nwant %s", err, tt.msg)
			}
			want := tt.goMsg
			if want == "" {
				want = tt.msg
			}
			if _, err := l.DecodeGo(data); err == nil || err.Error() != want {
				t.Errorf("DecodeGo: %v\nwant %s", err, want)
			}
		})
	}
}

// FuzzDecodeBuffers is FuzzDecodeStarlark for a receiver that makes
// buffers: decode, encode, decode is stable, and DecodeGoInto agrees with
// DecodeGo.
func FuzzDecodeBuffers(f *testing.F) {
	fuzzSeeds(f)
	for _, h := range []string{"d4 05 07", "92 c7 03 05 616263 c4 01 00", "81 a1 61 d8 05 00112233445566778899aabbccddeeff", "c7 00 05"} {
		f.Add(mustHex(f, h))
	}
	l := serialize.Limits{MaxDepth: 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := l.DecodeStarlarkTransfer(data, nil, wrapTest)
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		first, err := l.EncodeStarlark(v)
		if err != nil {
			t.Fatalf("encoding the decoded %s: %v", v, err)
		}
		v2, err := l.DecodeStarlarkTransfer(first, nil, wrapTest)
		if err != nil {
			t.Fatalf("decoding the re-encoded %x: %v", first, err)
		}
		if v.String() != v2.String() {
			t.Fatalf("unstable: %s\nthen %s", v, v2)
		}
		// Where every element of an array is a bin or a buffer, a [][]byte
		// takes them all (a set, which DecodeGo makes a []any too, is an
		// ext msgpack's reflection does not know).
		g, err := l.DecodeGo(data)
		elems, ok := g.([]any)
		ok = ok && (data[0]&0xf0 == 0x90 || data[0] == 0xdc || data[0] == 0xdd)
		for _, e := range elems {
			_, isBytes := e.([]byte)
			ok = ok && isBytes
		}
		var into [][]byte
		if err == nil && ok {
			if err := l.DecodeGoInto(data, &into); err != nil || fmt.Sprint(into) != fmt.Sprint(elems) {
				t.Fatalf("DecodeGoInto(*[][]byte) = %v, %v; DecodeGo = %v", into, err, elems)
			}
		}
		var rec struct {
			A []byte `msgpack:"a"`
			B int    `msgpack:"b"`
		}
		if err := l.DecodeGoInto(data, &rec); err != nil {
			checkDecodeError(t, err)
		}
	})
}
