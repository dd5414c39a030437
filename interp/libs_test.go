// Tests of the lib/ types scripts get as builtins: counter and array, sent,
// moved by transfer and received.

package interp_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/lib/array"
	"github.com/murmur-go/murmur/serialize"
)

func TestArrayTransfer(t *testing.T) {
	src := `
def receive(msg):
    a = array("f64", [1, 2, 3])
    alias = a
    if msg["op"] == "move":
        send(msg["to"], {"a": a}, transfer = [a])
        print(len(alias), str(alias))
        alias.sum()
    elif msg["op"] == "copy":
        send(msg["to"], a)
        a[0] = 9
        print(a[0])
    elif msg["op"] == "failed send":
        send(msg["to"], a, transfer = [a])
`
	to := serialize.Address{Node: "nonhost", ID: "$sink"}
	tests := []struct {
		op      string
		fail    error
		wantErr string
		check   func(t *testing.T, h *recordingHost)
	}{
		{op: "move", wantErr: "t.star:8:14: in receive\nError: array: array was transferred to <address $sink>; it can no longer be used here", check: func(t *testing.T, h *recordingHost) {
			if len(h.envs) != 1 || len(h.envs[0].Buffers) != 1 || len(h.envs[0].Buffers[0]) != 24 {
				t.Fatalf("envelopes %+v: want one moving 24 bytes", h.envs)
			}
			v, err := serialize.Limits{}.DecodeGoTransfer(h.envs[0].Body, h.envs[0].Buffers)
			if err != nil || !reflect.DeepEqual(v, map[string]any{"a": []float64{1, 2, 3}}) {
				t.Errorf("moved: %v, %v", v, err)
			}
			if got := strings.Join(h.printed, "|"); got != "0 <array transferred to <address $sink>>" {
				t.Errorf("detached handle printed %q", got)
			}
		}},
		{op: "copy", check: func(t *testing.T, h *recordingHost) {
			if len(h.envs) != 1 || len(h.envs[0].Buffers) != 0 {
				t.Fatalf("an array sent without transfer moved: %+v", h.envs)
			}
			v, err := serialize.Limits{}.DecodeGo(h.envs[0].Body)
			if err != nil || !reflect.DeepEqual(v, []float64{1, 2, 3}) {
				t.Errorf("copy carried %v (%v); the sender's later write leaked into it?", v, err)
			}
		}},
		{op: "failed send", fail: errors.New("mailbox full"), wantErr: "mailbox full"},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			e := newEngine(t, map[string]string{"t.star": src}, interp.Options{})
			h := &recordingHost{fail: tt.fail}
			in := instantiate(t, e, "t.star", h)
			err := in.Receive(encode(t, map[string]any{"op": tt.op, "to": to}))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, h)
			}
		})
	}
}

func TestReceiveMovedArray(t *testing.T) {
	src := "def receive(msg):\n  msg[0] = 42\n  print(type(msg), msg.dtype, msg.sum())\n"
	e := newEngine(t, map[string]string{"r.star": src}, interp.Options{})
	h := &recordingHost{}
	in := instantiate(t, e, "r.star", h)
	mem := []int64{1, 2}
	a := array.Of(mem)
	body, buffers, err := serialize.Limits{}.EncodeStarlarkTransfer(a, []starlark.Value{a})
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Receive(serialize.Payload{Body: body, Buffers: buffers}); err != nil {
		t.Fatal(err)
	}
	if mem[0] != 42 {
		t.Errorf("the receiver wrote to a copy, not the moved memory: %v", mem)
	}
	if got := strings.Join(h.printed, "|"); got != "array i64 44" {
		t.Errorf("printed %q", got)
	}
}

// A counter is sent as a dict; counter(d) makes it a counter again.
func TestCounterTravelsAsDict(t *testing.T) {
	src := `
def receive(msg):
    c = counter(["b", "a", "b", 3])
    back = request(self(), c)
    print(type(back), back, counter(back) == c, counter(back).most_common(1))
`
	e := newEngine(t, map[string]string{"c.star": src}, interp.Options{})
	h := &recordingHost{}
	in := instantiate(t, e, "c.star", h)
	if err := in.Receive(encode(t, "go")); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(h.printed, "|"); got != `dict {"b": 2, "a": 1, 3: 1} True [("b", 2)]` {
		t.Errorf("printed %q", got)
	}
}
