// W4 parallel CPU: count_primes in one actor, then k at once in k actors.

package bench

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/murmur-go/murmur/actor"
)

// PrimesLimit is W4's argument: count_primes(150000) is 13848.
const PrimesLimit = 150000

// CountPrimes is bench/README.md's count_primes in Go: the raw protoactor
// baseline runs it, and it checks the scripts' answers.
func CountPrimes(limit int) int {
	c := 0
	for n := 2; n < limit; n++ {
		p := true
		for d := 2; d*d <= n; d++ {
			if n%d == 0 {
				p = false
				break
			}
		}
		if p {
			c++
		}
	}
	return c
}

// Primes is W4 set up: k actors, spawned and started, each ready to run
// count_primes. Run may be called many times; Close releases the actors.
type Primes interface {
	// Run calls count_primes(limit) in the first k actors at once and
	// returns the time until the last answer.
	Run(ctx context.Context, k, limit int) (time.Duration, error)
	Close()
}

// NewPrimesMurmur spawns k actors of primes.star and waits until each has
// answered once (count_primes(2)), so that Run times count_primes alone.
func NewPrimesMurmur(ctx context.Context, k int) (Primes, error) {
	sys, err := newMurmur(0)
	if err != nil {
		return nil, err
	}
	p := &primesMurmur{sys: sys}
	for range k {
		pid, err := sys.spawn(ctx, "primes.star")
		if err != nil {
			sys.close()
			return nil, err
		}
		p.pids = append(p.pids, pid)
	}
	if _, err := p.Run(ctx, k, 2); err != nil {
		sys.close()
		return nil, err
	}
	return p, nil
}

type primesMurmur struct {
	sys  murmurSystem
	pids []actor.Address
}

func (p *primesMurmur) Close() { p.sys.close() }

func (p *primesMurmur) Run(ctx context.Context, k, limit int) (time.Duration, error) {
	if k > len(p.pids) {
		return 0, fmt.Errorf("W4: %d at once, but %d actors", k, len(p.pids))
	}
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	return runAtOnce(k, limit, func(i int) (int, error) {
		var got int
		err := p.sys.Request(ctx, p.pids[i], limit, &got)
		return got, err
	})
}

// runAtOnce calls count(i) for i < k, each on a goroutine of its own, and
// checks every answer against CountPrimes(limit).
func runAtOnce(k, limit int, count func(i int) (int, error)) (time.Duration, error) {
	want := CountPrimes(limit)
	errs := make([]error, k)
	var wg sync.WaitGroup
	// A collection left over from earlier work would steal a core.
	runtime.GC()
	start := time.Now()
	for i := range k {
		wg.Go(func() {
			got, err := count(i)
			if err == nil && got != want {
				err = fmt.Errorf("W4: count_primes(%d) = %d, want %d", limit, got, want)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return elapsed, nil
}

// NewPrimesProto spawns k raw protoactor actors that run CountPrimes.
func NewPrimesProto(ctx context.Context, k int) (Primes, error) {
	p := &primesProto{sys: newProto()}
	props := proto.PropsFromFunc(func(c proto.Context) {
		if limit, ok := c.Message().(int); ok {
			c.Respond(CountPrimes(limit))
		}
	})
	for range k {
		p.pids = append(p.pids, p.sys.Root.Spawn(props))
	}
	if _, err := p.Run(ctx, k, 2); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

type primesProto struct {
	sys  *proto.ActorSystem
	pids []*proto.PID
}

func (p *primesProto) Close() { p.sys.Shutdown() }

func (p *primesProto) Run(ctx context.Context, k, limit int) (time.Duration, error) {
	if k > len(p.pids) {
		return 0, fmt.Errorf("W4: %d at once, but %d actors", k, len(p.pids))
	}
	timeout := time.Hour
	if d, ok := ctx.Deadline(); ok {
		timeout = time.Until(d)
	}
	return runAtOnce(k, limit, func(i int) (int, error) {
		r, err := p.sys.Root.RequestFuture(p.pids[i], limit, timeout).Result()
		n, _ := r.(int)
		return n, err
	})
}
