// Tests of ownership transfer between actors and with Go.

package actor_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/murmur-go/murmur/actor"
)

func TestTransferredBufferIsDetached(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	ctx := context.Background()
	scribbler := spawn(t, sys, "scribbler.star", actor.SpawnOptions{})
	giver := spawn(t, sys, "giver.star", actor.SpawnOptions{})
	// The giver reads its detached handle while the scribbler writes the
	// memory: the race detector must see no shared access.
	var seen int
	if err := sys.Request(ctx, giver, map[string]any{"op": "look", "to": scribbler}, &seen); err != nil {
		t.Fatal(err)
	}
	if seen != 0 {
		t.Errorf("detached buffer had length %d, want 0", seen)
	}
	err := sys.Request(ctx, giver, map[string]any{"op": "touch", "to": scribbler}, nil)
	if !errors.Is(err, actor.ErrActorFailed) || !strings.Contains(err.Error(), "buffer was transferred to "+scribbler.String()) {
		t.Errorf("writing a transferred buffer: %v", err)
	}
}

func TestTransferFromGoAndBack(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	echo := spawn(t, sys, "echo.star", actor.SpawnOptions{})
	mem := make([]byte, 1<<20)
	var answer any
	if err := sys.Request(context.Background(), echo, map[string]any{"buf": actor.Transfer(mem)}, &answer); err != nil {
		t.Fatal(err)
	}
	got := answer.(map[string]any)["buf"].([]byte)
	if len(got) != len(mem) || &got[0] != &mem[0] {
		t.Errorf("the buffer came back as a copy, not the same memory")
	}
	if mem[0] != 42 {
		t.Errorf("the script's write is not in the moved memory: mem[0] = %d", mem[0])
	}
	// Without Transfer a []byte is copied: the script's write stays there.
	plain := make([]byte, 8)
	if err := sys.Request(context.Background(), echo, map[string]any{"buf": plain}, nil); !errors.Is(err, actor.ErrActorFailed) {
		// echo indexes a bytes value, which is immutable: a script error.
		t.Errorf("echo of plain bytes: %v", err)
	}
	if plain[0] != 0 {
		t.Error("a plain []byte was shared with the script")
	}
}
