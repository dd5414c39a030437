// This file holds the raw protoactor side of the remote workloads: its
// server actors, and its client measurements of W2 and W3.

package bench

import (
	"context"
	"fmt"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// startProtoRemote starts a raw protoactor system with a remote listening
// on a free loopback port, protoactor's default remote configuration.
func startProtoRemote() (sys *proto.ActorSystem, err error) {
	sys = newProto()
	r := remote.NewRemote(sys, remote.Configure("127.0.0.1", 0))
	defer func() {
		if p := recover(); p != nil { // Start panics when it cannot listen
			err = fmt.Errorf("protoactor remote: %v", p)
		}
	}()
	r.Start()
	return sys, nil
}

// pbBall is the small message of W2 and W3 as a protobuf message (the
// remote serializes only those): a structpb.Struct {"n": n, "tag": tag},
// the fair equivalent of murmur's map.
func pbBall(n int, tag string) *structpb.Struct {
	return &structpb.Struct{Fields: map[string]*structpb.Value{
		"n":   structpb.NewNumberValue(float64(n)),
		"tag": structpb.NewStringValue(tag),
	}}
}

// remoteEcho is the raw server's W2 actor: it answers each ball with itself.
func remoteEcho(c proto.Context) {
	if m, ok := c.Message().(*structpb.Struct); ok {
		c.Respond(m)
	}
}

// remoteTally is the raw server's W3 counter: it answers the ball tagged
// "end" with how many it got, that one included, and starts over.
type remoteTally struct{ n int64 }

func (t *remoteTally) Receive(c proto.Context) {
	if m, ok := c.Message().(*structpb.Struct); ok {
		t.n++
		if m.Fields["tag"].GetStringValue() == "end" {
			c.Respond(wrapperspb.Int64(t.n))
			t.n = 0
		}
	}
}

// remotePing is W2's ping on the raw client: it Requests each ball from
// the remote echo actor and reports on done after the last round trip.
type remotePing struct {
	peer   *proto.PID
	rounds int
	done   chan int
}

func (p *remotePing) Receive(c proto.Context) {
	switch m := c.Message().(type) {
	case *protoStart:
		p.peer, p.rounds, p.done = m.peer, m.count, m.done
		c.Request(p.peer, pbBall(0, "ping"))
	case *structpb.Struct:
		if n := int(m.Fields["n"].GetNumberValue()) + 1; n < p.rounds {
			c.Request(p.peer, pbBall(n, "ping"))
		} else {
			p.done <- n
		}
	}
}

// remoteProducer is W3's producer on the raw client: it sends count balls
// to the remote counter, then Requests the count and passes it to done.
type remoteProducer struct{ done chan int }

func (p *remoteProducer) Receive(c proto.Context) {
	switch m := c.Message().(type) {
	case *protoStart:
		p.done = m.done
		for i := range m.count {
			c.Send(m.peer, pbBall(i, "x"))
		}
		c.Request(m.peer, pbBall(m.count, "end"))
	case *wrapperspb.Int64Value:
		p.done <- int(m.GetValue())
	}
}

// askProto requests msg from pid and returns the answer.
func askProto(ctx context.Context, sys *proto.ActorSystem, pid *proto.PID, msg any) (any, error) {
	timeout := time.Minute
	if d, ok := ctx.Deadline(); ok {
		timeout = time.Until(d)
	}
	return sys.Root.RequestFuture(pid, msg, timeout).Result()
}

// The client side of the measurements. Each runs in its own process and
// leaves its system running: the process exits right after.

func pingPongRemoteProto(ctx context.Context, peer string, rounds int) (time.Duration, error) {
	sys, err := startProtoRemote()
	if err != nil {
		return 0, err
	}
	echo := proto.NewPID(peer, echoName)
	if _, err := askProto(ctx, sys, echo, pbBall(0, "warm-up")); err != nil {
		return 0, fmt.Errorf("W2 remote: warm-up: %w", err)
	}
	ping := sys.Root.Spawn(proto.PropsFromProducer(func() proto.Actor { return &remotePing{} }))
	done := make(chan int, 1)
	start := time.Now()
	sys.Root.Send(ping, &protoStart{peer: echo, count: rounds, done: done})
	return awaitCount(ctx, done, start, rounds, "W2 remote: round trips")
}

func fanInRemoteProto(ctx context.Context, peer string, count int, from Producer) (time.Duration, error) {
	sys, err := startProtoRemote()
	if err != nil {
		return 0, err
	}
	tally := proto.NewPID(peer, tallyName)
	if a, err := askProto(ctx, sys, tally, pbBall(0, "end")); err != nil {
		return 0, fmt.Errorf("W3 remote: warm-up: %w", err)
	} else if v, _ := a.(*wrapperspb.Int64Value); v.GetValue() != 1 {
		return 0, fmt.Errorf("W3 remote: warm-up answered %v, want 1", a)
	}
	var producer *proto.PID
	if from == FromActor {
		producer = sys.Root.Spawn(proto.PropsFromProducer(func() proto.Actor { return &remoteProducer{} }))
	}
	done := make(chan int, 1)
	start := time.Now()
	if from == FromActor {
		sys.Root.Send(producer, &protoStart{peer: tally, count: count, done: done})
	} else {
		for i := range count {
			sys.Root.Send(tally, pbBall(i, "x"))
		}
		a, err := askProto(ctx, sys, tally, pbBall(count, "end"))
		if err != nil {
			return 0, fmt.Errorf("W3 remote: %w", err)
		}
		v, _ := a.(*wrapperspb.Int64Value)
		done <- int(v.GetValue())
	}
	return awaitCount(ctx, done, start, count+1, "W3 remote: messages counted")
}
