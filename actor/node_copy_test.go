//go:build !race

// Tests of buffers sent across nodes, copied or moved (see node_test.go for
// why node tests do not run under the race detector).

package actor_test

import (
	"testing"
	"time"

	"github.com/murmur-go/murmur/actor"
)

func TestNodeCopiedBufferIsABuffer(t *testing.T) {
	a := newSystem(t, actor.Config{Node: &actor.NodeConfig{}, RequestTimeout: 10 * time.Second})
	b := newSystem(t, actor.Config{Node: &actor.NodeConfig{}, RequestTimeout: 10 * time.Second})
	checkCopies(t, a, b)
}
