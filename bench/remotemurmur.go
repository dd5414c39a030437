// This file holds murmur's side of the remote workloads: a node on
// loopback, and its client measurements of W2 and W3.

package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/murmur-go/murmur/actor"
)

// newMurmurNode starts a murmur system running Scripts as a node on
// a free loopback port.
func newMurmurNode() (*actor.System, error) {
	return actor.NewSystem(actor.Config{FS: Scripts, Node: &actor.NodeConfig{Listen: "127.0.0.1:0"}})
}

func pingPongRemoteMurmur(ctx context.Context, peer string, rounds int) (time.Duration, error) {
	sys, err := newMurmurNode()
	if err != nil {
		return 0, err
	}
	pong := actor.Address{Node: peer, ID: pongName}
	var echoed map[string]any
	if err := sys.Request(ctx, pong, map[string]any{"n": 0, "tag": "warm-up"}, &echoed); err != nil {
		return 0, fmt.Errorf("W2 remote: warm-up: %w", err)
	}
	ping, err := murmurSystem{sys}.spawn(ctx, "ping.star")
	if err != nil {
		return 0, err
	}
	return rally(ctx, murmurSystem{sys}, ping, pong, rounds, "W2 remote")
}

func fanInRemoteMurmur(ctx context.Context, peer string, count int, from Producer) (time.Duration, error) {
	sys, err := newMurmurNode()
	if err != nil {
		return 0, err
	}
	tally := actor.Address{Node: peer, ID: tallyName}
	var got int
	if err := sys.Request(ctx, tally, map[string]any{"n": 0, "tag": "end"}, &got); err != nil {
		return 0, fmt.Errorf("W3 remote: warm-up: %w", err)
	} else if got != 1 {
		return 0, fmt.Errorf("W3 remote: warm-up answered %d, want 1", got)
	}
	return fanIn(ctx, murmurSystem{sys}, tally, count, from, "W3 remote")
}
