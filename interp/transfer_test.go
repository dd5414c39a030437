// Tests of ownership transfer: what moves, what is copied, and the errors.

package interp_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/serialize"
)

// recordingHost keeps the envelopes it is asked to send.
type recordingHost struct {
	fakeHost
	envs []serialize.Payload
	fail error
}

func (h *recordingHost) Send(to serialize.Address, msg serialize.Payload) error {
	if h.fail != nil {
		return h.fail
	}
	h.envs = append(h.envs, msg)
	return nil
}

func TestTransfer(t *testing.T) {
	src := `
other = None

def receive(msg):
    op = msg["op"]
    b = buffer(b"payload")
    alias = b
    if op == "move":
        send(msg["to"], {"data": b, "n": 1}, transfer = [b])
        print(len(alias), str(alias))
        alias[0]
    elif op == "copy":
        send(msg["to"], {"data": b})
        b[0] = 80
        print(bytes(b))
    elif op == "not a buffer":
        send(msg["to"], "x", transfer = ["x"])
    elif op == "twice":
        send(msg["to"], [b, b], transfer = [b, b])
    elif op == "absent":
        send(msg["to"], "no buffer here", transfer = [b])
    elif op == "after move":
        send(msg["to"], b, transfer = [b])
        send(msg["to"], b)
    elif op == "move again":
        send(msg["to"], b, transfer = [b])
        send(msg["to"], 1, transfer = [b])
    elif op == "failed send":
        send(msg["to"], b, transfer = [b])
    elif op == "after failed send":
        print(b[0])
`
	to := serialize.Address{Node: "nonhost", ID: "$sink"}
	tests := []struct {
		op      string
		fail    error
		wantErr string
		check   func(t *testing.T, h *recordingHost)
	}{
		{op: "move", wantErr: "buffer was transferred to <address $sink>; it can no longer be used here", check: func(t *testing.T, h *recordingHost) {
			if len(h.envs) != 1 || len(h.envs[0].Buffers) != 1 || string(h.envs[0].Buffers[0]) != "payload" {
				t.Fatalf("envelopes %+v: want one moving the payload", h.envs)
			}
			if got := strings.Join(h.printed, "|"); got != "0 <buffer transferred to <address $sink>>" {
				t.Errorf("detached handle printed %q", got)
			}
		}},
		{op: "copy", check: func(t *testing.T, h *recordingHost) {
			if len(h.envs) != 1 || len(h.envs[0].Buffers) != 0 {
				t.Fatalf("a buffer sent without transfer moved: %+v", h.envs)
			}
			v, err := serialize.Limits{}.DecodeGo(h.envs[0].Body)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(v.(map[string]any)["data"].([]byte)); got != "payload" {
				t.Errorf("copy carried %q; the sender's later write leaked into it?", got)
			}
			if got := strings.Join(h.printed, "|"); got != "Payload" {
				t.Errorf("sender's buffer after a copy: %q", got)
			}
		}},
		{op: "not a buffer", wantErr: "transfer[0]: a string cannot be transferred; only buffers and arrays can"},
		{op: "twice", wantErr: "transfer[1]: the same buffer is listed twice"},
		{op: "absent", wantErr: "transfer[0]: the buffer is not in the message"},
		{op: "after move", wantErr: "buffer was transferred to <address $sink>"},
		{op: "move again", wantErr: "buffer was transferred to <address $sink>"},
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
				if !strings.Contains(tt.op, "move") && !strings.Contains(tt.op, "failed") && len(h.envs) != 0 {
					t.Errorf("a refused transfer still sent %d messages", len(h.envs))
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

// TestFailedSendKeepsWhatItMoves: a send that fails moves nothing, so the
// buffer or array it listed in transfer stays usable in the sender.
func TestFailedSendKeepsWhatItMoves(t *testing.T) {
	for _, tt := range []struct{ make, show, want string }{
		{`buffer(b"x")`, `bytes(v[0])`, "x"},
		{`array("i32", [4, 5])`, `v[0].sum()`, "9"},
	} {
		t.Run(tt.make, func(t *testing.T) {
			src := "v = [None]\ndef receive(msg):\n  if v[0] == None:\n    v[0] = " + tt.make +
				"\n  if msg == \"send\":\n    send(self(), v[0], transfer = [v[0]])\n  else:\n    print(" + tt.show + ")\n"
			e := newEngine(t, map[string]string{"t.star": src}, interp.Options{})
			h := &recordingHost{fail: errors.New("mailbox full")}
			in := instantiate(t, e, "t.star", h)
			if err := in.Receive(encode(t, "send")); err == nil {
				t.Fatal("send through a failing host succeeded")
			}
			if err := in.Receive(encode(t, "show")); err != nil {
				t.Fatalf("unusable after a send that failed: %v", err)
			}
			if got := strings.Join(h.printed, "|"); got != tt.want {
				t.Errorf("printed %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReceiveTransferredBuffer(t *testing.T) {
	src := "def receive(msg):\n  msg[\"data\"][0] = 88\n  print(type(msg[\"data\"]), msg[\"data\"].hex())\n"
	e := newEngine(t, map[string]string{"r.star": src}, interp.Options{})
	h := &recordingHost{}
	in := instantiate(t, e, "r.star", h)
	mem := []byte("abc")
	body, buffers, err := serialize.Limits{}.EncodeGoTransfer(map[string]any{"data": serialize.Transfer(mem)})
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Receive(serialize.Payload{Body: body, Buffers: buffers}); err != nil {
		t.Fatal(err)
	}
	if string(mem) != "Xbc" {
		t.Errorf("receiver wrote to a copy, not the moved memory: %q", mem)
	}
	if got := strings.Join(h.printed, "|"); got != "buffer 586263" {
		t.Errorf("printed %q", got)
	}
}

func TestCopiedBufferArrivesAsBuffer(t *testing.T) {
	// The fake host answers a request with the message itself: the
	// script gets back a copy of what it sent, decoded as a receiver would.
	src := `
def receive(msg):
    b = buffer(b"abc")
    c = request(self(), {"buf": b, "bytes": b"xy"})
    c["buf"][0] = 7
    print(type(c["buf"]), b.hex(), c["buf"].hex(), type(c["bytes"]))
`
	e := newEngine(t, map[string]string{"c.star": src}, interp.Options{})
	h := &recordingHost{}
	in := instantiate(t, e, "c.star", h)
	if err := in.Receive(encode(t, "go")); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(h.printed, "|"); got != "buffer 616263 076263 bytes" {
		t.Errorf("printed %q, want a copy that is a buffer the receiver can write", got)
	}
}

func TestReceiveCopiedBuffer(t *testing.T) {
	src := "def receive(msg):\n  msg[0] = 88\n  print(type(msg), msg.hex())\n"
	e := newEngine(t, map[string]string{"r.star": src}, interp.Options{})
	h := &recordingHost{}
	in := instantiate(t, e, "r.star", h)
	mem := []byte("abc")
	body, err := serialize.Limits{}.EncodeStarlark(interp.NewBuffer(mem))
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Receive(serialize.Payload{Body: body}); err != nil {
		t.Fatal(err)
	}
	if string(mem) != "abc" {
		t.Errorf("the receiver wrote into the sender's memory: %q", mem)
	}
	if got := strings.Join(h.printed, "|"); got != "buffer 586263" {
		t.Errorf("printed %q", got)
	}
}
