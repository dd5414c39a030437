// Tests of ext types registered by packages above serialize, sent by copy
// and moved by transfer (ExtMoved).

package serialize_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/serialize"
)

// extVec is the test's registered type: its payload is its bytes, which
// must not start with 0xff (its Check).
const extVec int8 = 100

type vecValue struct{ data []byte }

func (v *vecValue) String() string        { return fmt.Sprintf("vec(%q)", v.data) }
func (v *vecValue) Type() string          { return "vec" }
func (v *vecValue) Freeze()               {}
func (v *vecValue) Truth() starlark.Bool  { return true }
func (v *vecValue) Hash() (uint32, error) { return 0, errors.New("unhashable type: vec") }
func (v *vecValue) AppendMsgpack(dst []byte) ([]byte, error) {
	dst, err := serialize.AppendExtHeader(dst, extVec, len(v.data))
	return append(dst, v.data...), err
}
func (v *vecValue) TransferBytes() ([]byte, error)    { return v.data, nil }
func (v *vecValue) TransferExt() (typ int8, h []byte) { return extVec, []byte("head") }

// unmovable is a Transferable naming an ext type not registered as movable.
type unmovable struct{ vecValue }

func (u *unmovable) TransferExt() (int8, []byte) { return 101, nil }

var movedHeads []string // the heads MovedStarlark and MovedGo were given

func init() {
	check := func(p []byte) error {
		if len(p) > 0 && p[0] == 0xff {
			return errors.New("payload starts with 0xff")
		}
		return nil
	}
	serialize.RegisterExt(serialize.Ext{
		Type: extVec, Name: "vec", Check: check,
		Starlark: func(p []byte) (starlark.Value, error) { return &vecValue{append([]byte(nil), p...)}, nil },
		Go:       func(p []byte) (any, error) { return "vec:" + string(p), nil },
		MovedStarlark: func(head, data []byte) (starlark.Value, error) {
			movedHeads = append(movedHeads, string(head))
			return &vecValue{data}, nil
		},
		MovedGo: func(head, data []byte) (any, error) {
			movedHeads = append(movedHeads, string(head))
			return data, nil
		},
	})
	serialize.RegisterExt(serialize.Ext{ // copies only
		Type: 101, Name: "fixed",
		Starlark: func(p []byte) (starlark.Value, error) { return nil, errors.New("always fails") },
		Go:       func(p []byte) (any, error) { return nil, errors.New("always fails") },
	})
}

func TestRegisteredExtCopied(t *testing.T) {
	var l serialize.Limits
	msg := starlark.NewList([]starlark.Value{&vecValue{[]byte("abc")}})
	data, err := l.EncodeStarlark(msg)
	if err != nil {
		t.Fatal(err)
	}
	if want := mustHex(t, "91 c7 03 64 616263"); string(data) != string(want) {
		t.Errorf("encoded % x, want % x", data, want)
	}
	v, err := l.DecodeStarlark(data)
	if err != nil {
		t.Fatal(err)
	}
	got := v.(*starlark.List).Index(0).(*vecValue)
	data[4] = 'X' // the decoded value must not alias the message
	if string(got.data) != "abc" {
		t.Errorf("decoded %q", got.data)
	}
	g, err := l.DecodeGo(mustHex(t, "91 c7 03 64 616263"))
	if err != nil || fmt.Sprint(g) != "[vec:abc]" {
		t.Errorf("DecodeGo: %v, %v", g, err)
	}
}

func TestRegisteredExtErrors(t *testing.T) {
	var l serialize.Limits
	for _, tt := range []struct{ name, hex, msg string }{
		{"check", "91 c7 02 64 ff00", "value[0]: malformed message at byte 1: vec: payload starts with 0xff"},
		{"decoder", "d4 65 00", "value: malformed message at byte 0: fixed: always fails"},
		{"dict key", "81 c7 01 64 61 01", "value.keys()[0]: malformed message at byte 1: a vec cannot be a dict key or set element (unhashable)"},
		{"unregistered", "d4 66 00", "value: malformed message at byte 0: unknown ext type 102"},
		{"moved without an envelope", "c7 03 07 64 00 68", "value: malformed message at byte 0: transferred value without an envelope"},
		{"truncated", "c7 09 64 61", "value: malformed message at byte 0: ext of 9 bytes but 1 bytes left"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := l.DecodeStarlark(mustHex(t, tt.hex))
			checkError(t, err, serialize.ErrMalformed, tt.msg, offsetOf(tt.msg))
			_, err = l.DecodeGo(mustHex(t, tt.hex))
			checkError(t, err, serialize.ErrMalformed, tt.msg, offsetOf(tt.msg))
		})
	}
	// What a Sendable writes is checked with the type's Check.
	_, err := l.EncodeStarlark(&vecValue{[]byte{0xff}})
	if !errors.Is(err, serialize.ErrNotSendable) || !strings.Contains(err.Error(), "payload starts with 0xff") {
		t.Errorf("a bad payload was sent: %v", err)
	}
}

// offsetOf reads the byte offset out of an expected message.
func offsetOf(msg string) int {
	var off int
	if i := strings.Index(msg, "at byte "); i >= 0 {
		fmt.Sscanf(msg[i+len("at byte "):], "%d", &off)
	}
	return off
}

func TestRegisteredExtMoved(t *testing.T) {
	var l serialize.Limits
	mem := []byte("moved memory")
	v := &vecValue{mem}
	msg := starlark.NewList([]starlark.Value{starlark.String("x"), v})
	body, buffers, err := l.EncodeStarlarkTransfer(msg, []starlark.Value{v})
	if err != nil {
		t.Fatal(err)
	}
	// ExtMoved: the type byte 0x64, slot 0, then the head.
	if want := mustHex(t, "92 a1 78 c7 06 07 64 00 68656164"); string(body) != string(want) {
		t.Errorf("body % x, want % x", body, want)
	}
	movedHeads = nil
	got, err := l.DecodeStarlarkTransfer(body, buffers, wrapTest)
	if err != nil {
		t.Fatal(err)
	}
	arrived := got.(*starlark.List).Index(1).(*vecValue)
	if &arrived.data[0] != &mem[0] {
		t.Error("the moved value's memory was copied")
	}
	g, err := l.DecodeGoTransfer(body, buffers)
	if err != nil {
		t.Fatal(err)
	}
	if b := g.([]any)[1].([]byte); &b[0] != &mem[0] {
		t.Error("DecodeGoTransfer copied the moved memory")
	}
	if strings.Join(movedHeads, ",") != "head,head" {
		t.Errorf("heads given to the decoders: %q", movedHeads)
	}

	for _, tt := range []struct {
		name, hex string
		buffers   int
		msg       string
	}{
		{"slot out of range", "c7 03 07 64 01 68", 1, "value: malformed message at byte 0: moved vec's slot out of range: the message carries 1 buffers"},
		{"slot twice", "92 c7 02 07 64 00 c7 02 07 64 00", 1, "value[1]: malformed message at byte 6: buffer slot 0 used twice"},
		{"no type", "c7 00 07", 1, "value: malformed message at byte 0: moved value without its ext type"},
		{"not movable", "c7 02 07 65 00", 1, "value: malformed message at byte 0: moved value of ext type 101, which is not registered as movable"},
		{"slot not an int", "c7 02 07 64 c0", 1, "value: malformed message at byte 0: moved vec's slot out of range: the message carries 1 buffers"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bufs := make([][]byte, tt.buffers)
			_, err := l.DecodeStarlarkTransfer(mustHex(t, tt.hex), bufs, wrapTest)
			checkError(t, err, serialize.ErrMalformed, tt.msg, offsetOf(tt.msg))
			_, err = l.DecodeGoTransfer(mustHex(t, tt.hex), make([][]byte, tt.buffers))
			checkError(t, err, serialize.ErrMalformed, tt.msg, offsetOf(tt.msg))
		})
	}

	u := &unmovable{vecValue{[]byte("u")}}
	_, _, err = l.EncodeStarlarkTransfer(u, []starlark.Value{u})
	if !errors.Is(err, serialize.ErrNotSendable) || !strings.Contains(err.Error(), "ext type 101 is not registered as movable") {
		t.Errorf("moving an unmovable type: %v", err)
	}
}

func TestRegisterExtMisuse(t *testing.T) {
	ok := func(p []byte) (starlark.Value, error) { return starlark.None, nil }
	okGo := func(p []byte) (any, error) { return nil, nil }
	for _, tt := range []struct {
		name string
		x    serialize.Ext
		msg  string
	}{
		{"msgpack's", serialize.Ext{Type: -1, Name: "t", Starlark: ok, Go: okGo}, "ext type -1 is not free"},
		{"serialize's", serialize.Ext{Type: serialize.ExtSet, Name: "t", Starlark: ok, Go: okGo}, "ext type 3 is not free"},
		{"ExtMoved", serialize.Ext{Type: serialize.ExtMoved, Name: "t", Starlark: ok, Go: okGo}, "ext type 7 is not free"},
		{"twice", serialize.Ext{Type: extVec, Name: "t", Starlark: ok, Go: okGo}, "ext type 100 registered twice"},
		{"no name", serialize.Ext{Type: 110, Starlark: ok, Go: okGo}, "needs a Name"},
		{"no decoder", serialize.Ext{Type: 110, Name: "t", Starlark: ok}, "needs a Name"},
		{"half moved", serialize.Ext{Type: 110, Name: "t", Starlark: ok, Go: okGo, MovedGo: func(h, d []byte) (any, error) { return nil, nil }}, "both MovedStarlark and MovedGo"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), tt.msg) {
					t.Errorf("RegisterExt: panic %v, want one containing %q", r, tt.msg)
				}
			}()
			serialize.RegisterExt(tt.x)
		})
	}
}
