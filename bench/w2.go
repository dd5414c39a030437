// W2 ping-pong: two actors bounce {"n": i, "tag": "ping"} for a number of
// round trips.

package bench

import (
	"context"
	"fmt"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/actor"
)

// PingPongMurmur runs W2 on murmur: Go asks ping.star to start a rally of
// rounds round trips with pong.star, and ping answers that request (a
// deferred reply) after the last one. The clock runs from that request to
// its answer.
func PingPongMurmur(ctx context.Context, rounds int) (time.Duration, error) {
	if rounds < 1 {
		return 0, fmt.Errorf("W2: %d rounds; want at least 1", rounds)
	}
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	sys, err := newMurmur(0)
	if err != nil {
		return 0, err
	}
	defer sys.close()
	ping, err := sys.spawn(ctx, "ping.star")
	if err != nil {
		return 0, err
	}
	pong, err := sys.spawn(ctx, "pong.star")
	if err != nil {
		return 0, err
	}
	return rally(ctx, sys, ping, pong, rounds, "W2")
}

// rally times W2: ping plays rounds round trips with pong (which may be on
// another node).
func rally(ctx context.Context, sys murmurSystem, ping, pong actor.Address, rounds int, what string) (time.Duration, error) {
	start := time.Now()
	var n int
	if err := sys.Request(ctx, ping, map[string]any{"tag": "start", "peer": pong, "rounds": rounds}, &n); err != nil {
		return 0, err
	}
	elapsed := time.Since(start)
	if n != rounds {
		return 0, fmt.Errorf("%s: %d round trips, want %d", what, n, rounds)
	}
	return elapsed, nil
}

// Ball is the message of the raw protoactor baseline of W2 and W3: the
// small message of the workloads as a Go value.
type Ball struct {
	N   int
	Tag string
}

// protoStart starts a rally (W2) or a production run (W3).
type protoStart struct {
	peer  *proto.PID
	count int
	done  chan int
}

// protoPing is W2's ping as a Go actor: it sends each ball by Request, so
// that pong can Respond, and reports on done after the last round trip.
type protoPing struct {
	peer   *proto.PID
	rounds int
	done   chan int
}

func (p *protoPing) Receive(c proto.Context) {
	switch m := c.Message().(type) {
	case *protoStart:
		p.peer, p.rounds, p.done = m.peer, m.count, m.done
		c.Request(p.peer, &Ball{N: 0, Tag: "ping"})
	case *Ball:
		if n := m.N + 1; n < p.rounds {
			c.Request(p.peer, &Ball{N: n, Tag: "ping"})
		} else {
			p.done <- n
		}
	}
}

func protoPong(c proto.Context) {
	if m, ok := c.Message().(*Ball); ok {
		c.Respond(m)
	}
}

// PingPongProto runs W2 on raw protoactor: the same rally between two Go
// actors, with Go messages.
func PingPongProto(ctx context.Context, rounds int) (time.Duration, error) {
	if rounds < 1 {
		return 0, fmt.Errorf("W2: %d rounds; want at least 1", rounds)
	}
	sys := newProto()
	defer sys.Shutdown()
	ping := sys.Root.Spawn(proto.PropsFromProducer(func() proto.Actor { return &protoPing{} }))
	pong := sys.Root.Spawn(proto.PropsFromFunc(protoPong))
	done := make(chan int, 1)
	start := time.Now()
	sys.Root.Send(ping, &protoStart{peer: pong, count: rounds, done: done})
	return awaitCount(ctx, done, start, rounds, "W2: round trips")
}
