//go:build !race

// Tests of a node's shutdown while peers connect, talk and leave; not
// under the race detector, for the reason node_test.go gives.

package actor_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/murmur-go/murmur/actor"
)

// A node shuts down while its peers keep requesting its actor and shut
// down themselves: connections end on both sides around the node's
// shutdown, which must neither crash (protoactor's endpoint manager, see
// stopNode) nor hang, and must leave nothing behind.
func TestNodeShutdownAmidPeers(t *testing.T) {
	const rounds, peers = 5, 4
	for round := 0; round < rounds; round++ {
		hub, err := actor.NewSystem(actor.Config{FS: nodeScripts, Node: &actor.NodeConfig{}})
		if err != nil {
			t.Fatal(err)
		}
		echo := spawn(t, hub, "echo.star", actor.SpawnOptions{})
		var wg sync.WaitGroup
		start := make(chan struct{})
		for p := 0; p < peers; p++ {
			peer, err := actor.NewSystem(actor.Config{FS: nodeScripts, Node: &actor.NodeConfig{}, RequestTimeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			// Connected both ways before the shutdown: the answer comes
			// back on a connection the hub opened.
			if err := peer.Request(context.Background(), echo, "hello", nil); err != nil {
				t.Fatal(err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for i := 0; i < 20; i++ {
					err := peer.Request(context.Background(), echo, i, nil)
					if err != nil && !shutdownError(err) {
						t.Errorf("request to a node shutting down: %v", err)
					}
					if i == p*5 { // peers leave at different moments
						break
					}
				}
				if err := peer.Close(); err != nil {
					t.Errorf("peer Close: %v", err)
				}
			}()
		}
		listener := hub.Node()
		close(start)
		if err := hub.Shutdown(context.Background()); err != nil {
			t.Fatalf("round %d: Shutdown: %v", round, err)
		}
		wg.Wait()
		if c, err := net.Dial("tcp", listener); err == nil {
			c.Close()
			t.Fatalf("round %d: the node still accepts connections on %s", round, listener)
		}
	}
	goleak.VerifyNone(t)
}

// shutdownError reports whether err is what a request to an actor of a node
// that shuts down may end with.
func shutdownError(err error) bool {
	for _, want := range []error{actor.ErrNodeUnreachable, actor.ErrShutdown, actor.ErrStopped,
		actor.ErrUnknownActor, actor.ErrActorFailed} { // failed: its script was cancelled
		if errors.Is(err, want) {
			return true
		}
	}
	return false
}
