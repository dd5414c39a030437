// Tests of buffers sent by copy: between scripts, and to Go.

package actor_test

import (
	"context"
	"testing"

	"github.com/murmur-go/murmur/actor"
)

// copyCase is one send of bufsender.star to bufwriter.star.
type copyCase struct {
	name, kind string // kind: "buffer" or "bytes"
	move       bool
	wantType   string
	wantData   string // what the receiver holds after its write
	wantMine   string // what the sender holds afterwards
}

var copyCases = []copyCase{
	{name: "buffer copied", kind: "buffer", wantType: "buffer", wantData: "\x07bc", wantMine: "abc"},
	{name: "buffer moved", kind: "buffer", move: true, wantType: "buffer", wantData: "\x07bc", wantMine: ""},
	{name: "bytes", kind: "bytes", wantType: "bytes", wantData: "abc", wantMine: "abc"},
}

// checkCopies runs copyCases with the sender on from and the writer on to:
// the receiver gets the kind of value that was sent, writes into a buffer
// it owns, and the buffer comes back to Go as a []byte.
func checkCopies(t *testing.T, from, to *actor.System) {
	ctx := context.Background()
	sender := spawn(t, from, "bufsender.star", actor.SpawnOptions{})
	writer := spawn(t, to, "bufwriter.star", actor.SpawnOptions{})
	for _, tc := range copyCases {
		t.Run(tc.name, func(t *testing.T) {
			var got struct {
				Mine   []byte `msgpack:"mine"`
				Theirs struct {
					Type  string `msgpack:"type"`
					Data  []byte `msgpack:"data"`
					Value []byte `msgpack:"value"`
				} `msgpack:"theirs"`
			}
			msg := map[string]any{"kind": tc.kind, "move": tc.move, "to": writer}
			if err := from.Request(ctx, sender, msg, &got); err != nil {
				t.Fatal(err)
			}
			if got.Theirs.Type != tc.wantType || string(got.Theirs.Data) != tc.wantData {
				t.Errorf("receiver got a %s holding %q after its write, want a %s holding %q",
					got.Theirs.Type, got.Theirs.Data, tc.wantType, tc.wantData)
			}
			if string(got.Theirs.Value) != tc.wantData {
				t.Errorf("the receiver's value came back to Go as %q, want %q", got.Theirs.Value, tc.wantData)
			}
			if string(got.Mine) != tc.wantMine {
				t.Errorf("sender's own value holds %q afterwards, want %q", got.Mine, tc.wantMine)
			}
		})
	}
}

func TestCopiedBufferIsABuffer(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	checkCopies(t, sys, sys)
}

func TestCopiedBufferToGo(t *testing.T) {
	ctx := context.Background()
	sys := newSystem(t, actor.Config{})
	maker := spawn(t, sys, "bufmaker.star", actor.SpawnOptions{})
	var v any
	if err := sys.Request(ctx, maker, []byte("abc"), &v); err != nil {
		t.Fatal(err)
	}
	if b, ok := v.([]byte); !ok || string(b) != "abc" {
		t.Errorf("a buffer decoded into *any as %#v, want []byte(\"abc\")", v)
	}
	var b []byte
	if err := sys.Request(ctx, maker, []byte("xyz"), &b); err != nil || string(b) != "xyz" {
		t.Errorf("a buffer decoded into *[]byte as %q, %v; want \"xyz\"", b, err)
	}
}
