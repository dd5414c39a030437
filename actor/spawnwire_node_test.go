//go:build !race

// An internal test of a remote spawn's options end to end (not under the
// race detector, for the reason node_test.go gives).

package actor

import (
	"context"
	"testing"
	"testing/fstest"
	"time"

	"github.com/murmur-go/murmur/mailbox"
)

// TestRemoteSpawnKeepsMailboxOptions: an actor spawned on another node
// runs with the mailbox options it was given, Throughput and Linger
// included (the msgpack request dropped them).
func TestRemoteSpawnKeepsMailboxOptions(t *testing.T) {
	ctx := context.Background()
	fs := fstest.MapFS{"echo.star": {Data: []byte("def receive(msg):\n    reply(msg)\n")}}
	var systems []*System
	for _, nc := range []NodeConfig{{}, {AllowRemoteSpawn: true}} {
		s, err := NewSystem(Config{FS: fs, Node: &nc})
		if err != nil {
			t.Fatal(err)
		}
		systems = append(systems, s)
		defer s.Shutdown(ctx)
	}
	a, b := systems[0], systems[1]
	mod, err := a.Load("echo.star")
	if err != nil {
		t.Fatal(err)
	}
	want := mailbox.Config{MaxMessages: 5, MaxBytes: 1 << 20, Policy: mailbox.Drop, Throughput: 7, Linger: 3 * time.Millisecond}
	addr, err := a.Spawn(ctx, mod, SpawnOptions{Node: b.Node(), Mailbox: want, MaxSteps: 12345})
	if err != nil {
		t.Fatal(err)
	}
	r := b.local(addr)
	if r == nil {
		t.Fatalf("%v is not on %s", addr, b.Node())
	}
	if got := r.opts.Mailbox; got != want {
		t.Errorf("mailbox on %s: %+v, want %+v", b.Node(), got, want)
	}
	if r.opts.MaxSteps != 12345 {
		t.Errorf("max steps on %s: %d, want 12345", b.Node(), r.opts.MaxSteps)
	}
}
