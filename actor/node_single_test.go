// Tests of node configuration that need no second node.

package actor_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/murmur-go/murmur/actor"
)

func TestNodeNotANode(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	err := sys.Request(context.Background(), actor.Address{Node: "127.0.0.1:1", ID: "x"}, 1, nil)
	if !errors.Is(err, actor.ErrNotNode) {
		t.Fatalf("request to another node from an embedded system: %v", err)
	}
	if sys.Node() != "" {
		t.Fatalf("Node() = %q", sys.Node())
	}
}

func TestNodeBadListen(t *testing.T) {
	for _, listen := range []string{"nonsense", "127.0.0.1:99999", "256.1.1.1:0"} {
		_, err := actor.NewSystem(actor.Config{Node: &actor.NodeConfig{Listen: listen}})
		if err == nil {
			t.Errorf("Listen %q: no error", listen)
		}
	}
}

// A node whose Shutdown is cut short stops listening once it is finished.
func TestNodeShutdownCutShort(t *testing.T) {
	for _, f := range finishers {
		t.Run(f.name, func(t *testing.T) {
			sys, pid, hooked := stubborn(t, &actor.NodeConfig{Listen: "127.0.0.1:0"})
			listener := sys.Node()
			cutShort(t, sys, hooked, true)
			if err := f.finish(sys); err != nil {
				t.Fatalf("%s: %v", f.name, err)
			}
			checkEnded(t, sys, pid, listener)
			goleak.VerifyNone(t)
		})
	}
}

// A node finds the protoactor actors it stops at shutdown (see stopNode):
// the protoactor version in go.mod names them as murmur expects.
func TestNodeFindsEndpointActors(t *testing.T) {
	logs := &syncBuffer{}
	newSystem(t, actor.Config{Node: &actor.NodeConfig{}, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if strings.Contains(logs.String(), "endpoint actors") {
		t.Errorf("node start logged:\n%s", logs)
	}
}
