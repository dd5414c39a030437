// W5 big payload: move a buffer from one actor to another and back, by
// ownership transfer and by copy.

package bench

import (
	"bytes"
	"context"
	"fmt"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
)

// MoveMurmur runs W5 on murmur: driver.star allocates a buffer of size
// bytes, then requests echo.star with it rounds times, each time getting it
// back (2·rounds one-way moves), by transfer or by copy. The clock covers
// the rounds, not the allocation nor a first, untimed round trip (which
// pays for the first touch of fresh memory). It returns the time of one
// one-way move.
func MoveMurmur(ctx context.Context, size, rounds int, transfer bool) (time.Duration, error) {
	if rounds < 1 {
		return 0, fmt.Errorf("W5: %d rounds; want at least 1", rounds)
	}
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	// Copies of the payload must get through the message size limit.
	sys, err := newMurmur(size + 1<<20)
	if err != nil {
		return 0, err
	}
	defer sys.close()
	driver, err := sys.spawn(ctx, "driver.star")
	if err != nil {
		return 0, err
	}
	echo, err := sys.spawn(ctx, "echo.star")
	if err != nil {
		return 0, err
	}
	var n int
	if err := sys.Request(ctx, driver, map[string]any{"op": "alloc", "size": size}, &n); err != nil || n != size {
		return 0, fmt.Errorf("W5: alloc: %d bytes, %v", n, err)
	}
	run := func(rounds int) (time.Duration, error) {
		start := time.Now()
		err := sys.Request(ctx, driver, map[string]any{"op": "run", "rounds": rounds, "peer": echo, "transfer": transfer}, &n)
		elapsed := time.Since(start)
		if err != nil || n != size {
			return 0, fmt.Errorf("W5: run: %d bytes back, %v", n, err)
		}
		return elapsed, nil
	}
	if _, err := run(1); err != nil { // warm-up
		return 0, err
	}
	elapsed, err := run(rounds)
	return elapsed / time.Duration(2*rounds), err
}

// protoMove is W5's driver as a Go actor: it bounces its buffer off the echo
// actor, copying it before each send unless it transfers (sends the slice).
type protoMove struct {
	echo     *proto.PID
	buf      []byte
	left     int
	transfer bool
	done     chan int
}

// protoMoveStart starts protoMove.
type protoMoveStart struct {
	echo     *proto.PID
	buf      []byte
	rounds   int
	transfer bool
	done     chan int
}

func (m *protoMove) Receive(c proto.Context) {
	switch msg := c.Message().(type) {
	case *protoMoveStart:
		m.echo, m.buf, m.left, m.transfer, m.done = msg.echo, msg.buf, msg.rounds, msg.transfer, msg.done
		m.send(c)
	case []byte:
		m.buf = msg
		if m.left--; m.left > 0 {
			m.send(c)
		} else {
			m.done <- len(m.buf)
		}
	}
}

func (m *protoMove) send(c proto.Context) {
	if m.transfer {
		c.Request(m.echo, m.buf)
	} else {
		c.Request(m.echo, bytes.Clone(m.buf))
	}
}

// protoEcho is W5's echo as a Go function; copy tells whether it answers
// with a copy.
func protoEcho(copy bool) proto.ReceiveFunc {
	return func(c proto.Context) {
		if b, ok := c.Message().([]byte); ok {
			if copy {
				b = bytes.Clone(b)
			}
			c.Respond(b)
		}
	}
}

// MoveProto runs W5 on raw protoactor: a []byte between two Go actors, by
// passing the slice (transfer) or a fresh copy of it (copy). It returns the
// time of one one-way move, after an untimed round trip, as MoveMurmur.
func MoveProto(ctx context.Context, size, rounds int, transfer bool) (time.Duration, error) {
	if rounds < 1 {
		return 0, fmt.Errorf("W5: %d rounds; want at least 1", rounds)
	}
	sys := newProto()
	defer sys.Shutdown()
	echo := sys.Root.Spawn(proto.PropsFromFunc(protoEcho(!transfer)))
	driver := sys.Root.Spawn(proto.PropsFromProducer(func() proto.Actor { return &protoMove{} }))
	done := make(chan int, 1)
	buf := make([]byte, size)
	run := func(rounds int) (time.Duration, error) {
		start := time.Now()
		sys.Root.Send(driver, &protoMoveStart{echo: echo, buf: buf, rounds: rounds, transfer: transfer, done: done})
		select {
		case n := <-done:
			elapsed := time.Since(start)
			if n != size {
				return 0, fmt.Errorf("W5: %d bytes back, want %d", n, size)
			}
			return elapsed, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	if _, err := run(1); err != nil { // warm-up
		return 0, err
	}
	elapsed, err := run(rounds)
	return elapsed / time.Duration(2*rounds), err
}
