// Command gopool is a Go program whose pool of Go workers serves a script:
// the workers count primes in Go, and count.star hands them chunks with
// pmap, as it would to a pool of scripts.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/murmur-go/murmur/actor"
)

func main() {
	if err := run(context.Background(), os.Stdout, runtime.NumCPU()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// dir is the folder of this example, wherever it is run from.
func dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// countPrimes counts the primes in [lo, hi) by trial division, as the
// primes example's script does, at Go's speed.
func countPrimes(lo, hi int64) int64 {
	var c int64
	for n := max(lo, 2); n < hi; n++ {
		prime := true
		for d := int64(2); d*d <= n; d++ {
			if n%d == 0 {
				prime = false
				break
			}
		}
		if prime {
			c++
		}
	}
	return c
}

// primes is the workers' code: a chunk [lo, hi) in, its count of primes
// out. It keeps no state, so Receive serves every worker; an error fails
// the chunk and restarts the worker, as a failing script would.
var primes = actor.Behavior{Name: "primes", Receive: func(ctx context.Context, a *actor.Actor, msg any) error {
	var chunk []int64
	if err := a.Decode(&chunk); err != nil || len(chunk) != 2 || chunk[0] < 0 || chunk[0] > chunk[1] {
		return fmt.Errorf("chunk %v: want [lo, hi] with 0 <= lo <= hi", msg)
	}
	return a.Reply(countPrimes(chunk[0], chunk[1]))
}}

func run(ctx context.Context, w io.Writer, workers int) error {
	sys, err := actor.NewSystem(actor.Config{Root: dir()})
	if err != nil {
		return err
	}
	defer sys.Shutdown(ctx)
	pool, err := sys.NewGoPool(ctx, primes, actor.PoolOptions{Name: "primes", Size: workers, Routing: actor.Balanced})
	if err != nil {
		return err
	}
	mod, err := sys.Load("count.star")
	if err != nil {
		return err
	}
	counter, err := sys.Spawn(ctx, mod, actor.SpawnOptions{Args: []any{pool.Address()}})
	if err != nil {
		return err
	}
	var got struct {
		Chunks  int    `msgpack:"chunks"`
		Primes  int64  `msgpack:"primes"`
		Small   int64  `msgpack:"small"`
		Refused string `msgpack:"refused"`
	}
	const limit = 200_000
	if err := sys.Request(ctx, counter, map[string]any{"limit": limit, "step": 5_000}, &got); err != nil {
		return err
	}
	fmt.Fprintf(w, "count.star: %d primes below %d, in %d chunks over %d Go workers\n", got.Primes, limit, got.Chunks, workers)
	fmt.Fprintf(w, "count.star: %d primes in [2, 10); chunk [20, 10] refused: %s\n", got.Small, got.Refused)

	// Go maps over the same pool.
	counts, err := pool.Map(ctx, []any{[]int{2, 100_000}, []int{100_000, limit}})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Go: %d + %d primes below %d\n", counts[0], counts[1], limit)
	return nil
}
