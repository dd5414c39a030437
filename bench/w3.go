// W3 fan-in: one producer sends small messages {"n": i, "tag": "x"} to one
// counter actor, which answers once at the end.

package bench

import (
	"context"
	"fmt"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/actor"
)

// Producer says who sends W3's messages.
type Producer int

const (
	// FromGo sends from the Go caller: murmur's System.Send, protoactor's
	// RootContext.Send.
	FromGo Producer = iota
	// FromActor sends from an actor: producer.star in murmur, a Go actor in
	// protoactor.
	FromActor
)

// String returns "Go" or "actor".
func (p Producer) String() string {
	if p == FromActor {
		return "actor"
	}
	return "Go"
}

// FanInMurmur runs W3 on murmur: count messages into tally.star, then one
// more, a request, which tally answers with how many it got (count+1). The
// clock runs from the first send to that answer.
func FanInMurmur(ctx context.Context, count int, from Producer) (time.Duration, error) {
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	sys, err := newMurmur(0)
	if err != nil {
		return 0, err
	}
	defer sys.close()
	tally, err := sys.spawn(ctx, "tally.star")
	if err != nil {
		return 0, err
	}
	return fanIn(ctx, sys, tally, count, from, "W3")
}

// fanIn times W3 into the counter at tally (which may be on another node),
// from Go or from producer.star spawned in sys.
func fanIn(ctx context.Context, sys murmurSystem, tally actor.Address, count int, from Producer, what string) (time.Duration, error) {
	var producer actor.Address
	var err error
	if from == FromActor {
		if producer, err = sys.spawn(ctx, "producer.star"); err != nil {
			return 0, err
		}
	}
	var got int
	start := time.Now()
	if from == FromActor {
		err = sys.Request(ctx, producer, map[string]any{"to": tally, "count": count}, &got)
	} else {
		msg := map[string]any{"n": 0, "tag": "x"}
		for i := range count {
			msg["n"] = i // Send encodes msg at once: reusing the map is safe
			if err := sys.Send(ctx, tally, msg); err != nil {
				return 0, err
			}
		}
		err = sys.Request(ctx, tally, map[string]any{"n": count, "tag": "end"}, &got)
	}
	elapsed := time.Since(start)
	if err != nil {
		return 0, err
	}
	if got != count+1 {
		return 0, fmt.Errorf("%s: counted %d messages, want %d", what, got, count+1)
	}
	return elapsed, nil
}

// protoTally is W3's counter as a Go actor.
type protoTally struct{ n int }

func (t *protoTally) Receive(c proto.Context) {
	if m, ok := c.Message().(*Ball); ok {
		t.n++
		if m.Tag == "end" {
			c.Respond(t.n)
		}
	}
}

// protoProducer is W3's producer as a Go actor: it sends count balls, then
// a request, and passes the answer on to done.
type protoProducer struct{ done chan int }

func (p *protoProducer) Receive(c proto.Context) {
	switch m := c.Message().(type) {
	case *protoStart:
		p.done = m.done
		for i := range m.count {
			c.Send(m.peer, &Ball{N: i, Tag: "x"})
		}
		c.Request(m.peer, &Ball{N: m.count, Tag: "end"})
	case int:
		p.done <- m
	}
}

// FanInProto runs W3 on raw protoactor with Go messages (*Ball).
func FanInProto(ctx context.Context, count int, from Producer) (time.Duration, error) {
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	sys := newProto()
	defer sys.Shutdown()
	tally := sys.Root.Spawn(proto.PropsFromProducer(func() proto.Actor { return &protoTally{} }))
	var producer *proto.PID
	if from == FromActor {
		producer = sys.Root.Spawn(proto.PropsFromProducer(func() proto.Actor { return &protoProducer{} }))
	}
	done := make(chan int, 1)
	start := time.Now()
	if from == FromActor {
		sys.Root.Send(producer, &protoStart{peer: tally, count: count, done: done})
	} else {
		for i := range count {
			sys.Root.Send(tally, &Ball{N: i, Tag: "x"})
		}
		r, err := sys.Root.RequestFuture(tally, &Ball{N: count, Tag: "end"}, time.Hour).Result()
		if err != nil {
			return 0, err
		}
		n, _ := r.(int)
		done <- n
	}
	return awaitCount(ctx, done, start, count+1, "W3: messages counted")
}
