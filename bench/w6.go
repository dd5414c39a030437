// W6 ring: a token goes round a ring of actors, each forwarding n - 1 to the next.

package bench

import (
	"context"
	"fmt"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/actor"
)

// RingSize is the number of actors in W6's ring.
const RingSize = 100

// RingMurmur runs W6 on murmur: size actors of ring.star in a ring pass a
// token for hops hops. Go asks the first to start with the token hops; each
// member forwards n - 1 to the next, and the one that gets 0 tells the
// first, which answers Go's request (one message more than hops). The clock
// runs from that request to its answer; the ring is linked before.
func RingMurmur(ctx context.Context, size, hops int) (time.Duration, error) {
	if size < 1 || hops < 1 {
		return 0, fmt.Errorf("W6: %d actors, %d hops; want at least 1 of each", size, hops)
	}
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	sys, err := newMurmur(0)
	if err != nil {
		return 0, err
	}
	defer sys.close()
	ring := make([]actor.Address, size)
	for i := range ring {
		if ring[i], err = sys.spawn(ctx, "ring.star"); err != nil {
			return 0, err
		}
	}
	for i, a := range ring {
		link := map[string]any{"next": ring[(i+1)%size], "first": ring[0]}
		if err := sys.Request(ctx, a, link, nil); err != nil {
			return 0, err
		}
	}
	start := time.Now()
	var n int
	if err := sys.Request(ctx, ring[0], map[string]any{"hops": hops}, &n); err != nil {
		return 0, err
	}
	elapsed := time.Since(start)
	if n != hops {
		return 0, fmt.Errorf("W6: the ring answered %d, want %d", n, hops)
	}
	return elapsed, nil
}

// protoRing is a member of W6's ring as a Go actor; the first one holds
// done and the number of hops.
type protoRing struct {
	next, first *proto.PID
	done        chan int
	hops        int
}

// ringLink, ringStart and ringEnd are the Go messages of W6's baseline.
type (
	ringLink struct {
		next, first *proto.PID
		linked      chan struct{}
	}
	ringStart struct {
		hops int
		done chan int
	}
	ringEnd struct{}
)

func (r *protoRing) Receive(c proto.Context) {
	switch m := c.Message().(type) {
	case int:
		if m > 0 {
			c.Send(r.next, m-1)
		} else {
			c.Send(r.first, ringEnd{})
		}
	case ringEnd:
		r.done <- r.hops
	case *ringStart:
		r.done, r.hops = m.done, m.hops
		c.Send(r.next, m.hops-1)
	case *ringLink:
		r.next, r.first = m.next, m.first
		close(m.linked)
	}
}

// RingProto runs W6 on raw protoactor: the same ring of Go actors, with Go
// ints as tokens.
func RingProto(ctx context.Context, size, hops int) (time.Duration, error) {
	if size < 1 || hops < 1 {
		return 0, fmt.Errorf("W6: %d actors, %d hops; want at least 1 of each", size, hops)
	}
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	sys := newProto()
	defer sys.Shutdown()
	props := proto.PropsFromProducer(func() proto.Actor { return &protoRing{} })
	ring := make([]*proto.PID, size)
	for i := range ring {
		ring[i] = sys.Root.Spawn(props)
	}
	for i, pid := range ring {
		linked := make(chan struct{})
		sys.Root.Send(pid, &ringLink{next: ring[(i+1)%size], first: ring[0], linked: linked})
		select {
		case <-linked:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	done := make(chan int, 1)
	start := time.Now()
	sys.Root.Send(ring[0], &ringStart{hops: hops, done: done})
	return awaitCount(ctx, done, start, hops, "W6: the ring answered")
}
