// Back-pressure under flood: a fast producer, a slow consumer, a bounded
// mailbox, and each policy.

package actor_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/mailbox"
)

// flood sends n messages to a slow consumer behind a mailbox of at most
// bound messages and returns how many were processed, refused and dropped.
// idle waits while the consumer drains a full mailbox (Fail and Drop
// policies refuse the final count request until it has room).
func flood(tb testing.TB, policy mailbox.Policy, n, bound int, idle func()) (processed, refused, dropped int, maxQueued int) {
	sys, err := actor.NewSystem(actor.Config{Root: "testdata"})
	if err != nil {
		tb.Fatal(err)
	}
	defer sys.Shutdown(context.Background())
	mod, err := sys.Load("slow.star")
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	pid, err := sys.Spawn(ctx, mod, actor.SpawnOptions{Mailbox: mailbox.Config{MaxMessages: bound, Policy: policy}})
	if err != nil {
		tb.Fatal(err)
	}
	deadBefore := sys.DeadLetters()
	msg := map[string]any{"n": 0, "tag": "x"}
	for i := 0; i < n; i++ {
		msg["n"] = i
		err := sys.Send(ctx, pid, msg)
		switch {
		case errors.Is(err, actor.ErrMailboxFull):
			refused++
		case err != nil:
			tb.Fatal(err)
		}
		if i%1024 == 0 {
			st, _ := sys.Stats(pid)
			maxQueued = max(maxQueued, st.Queued)
		}
	}
	// The count request waits behind everything queued (Block policy
	// requests wait for room like any send).
	rctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		err := sys.Request(rctx, pid, "count", &processed)
		if err == nil {
			break
		}
		if !errors.Is(err, actor.ErrMailboxFull) {
			tb.Fatal(err)
		}
		idle() // the queue is still full: let the consumer drain it
	}
	return processed, refused, int(sys.DeadLetters() - deadBefore), maxQueued
}

func TestFlood(t *testing.T) {
	const n, bound = 20_000, 100
	for _, policy := range []mailbox.Policy{mailbox.Block, mailbox.Fail, mailbox.Drop} {
		t.Run(policy.String(), func(t *testing.T) {
			// In a bubble, synctest.Wait returns once the consumer has
			// drained its mailbox and waits for more.
			synctest.Test(t, func(t *testing.T) {
				processed, refused, dropped, maxQueued := flood(t, policy, n, bound, synctest.Wait)
				if processed+refused+dropped != n {
					t.Errorf("processed %d + refused %d + dropped %d != %d sent", processed, refused, dropped, n)
				}
				if maxQueued > bound {
					t.Errorf("queue reached %d messages, bound %d", maxQueued, bound)
				}
				switch policy {
				case mailbox.Block:
					if processed != n {
						t.Errorf("block: processed %d of %d", processed, n)
					}
				case mailbox.Fail:
					if dropped != 0 {
						t.Errorf("fail policy dropped %d", dropped)
					}
				case mailbox.Drop:
					if refused != 0 {
						t.Errorf("drop policy refused %d sends", refused)
					}
				}
				t.Logf("%v: processed %d, refused %d, dropped %d, max queued %d", policy, processed, refused, dropped, maxQueued)
			})
		})
	}
}

// BenchmarkFlood floods a slow consumer with b.N messages under each policy
// (and unbounded, for comparison) and reports the peak heap. Run it with
// -benchtime 10000000x for the ten-million-message flood.
func BenchmarkFlood(b *testing.B) {
	for _, c := range []struct {
		name   string
		policy mailbox.Policy
		bound  int
	}{{"block", mailbox.Block, 1000}, {"fail", mailbox.Fail, 1000}, {"drop", mailbox.Drop, 1000}, {"unbounded", mailbox.Block, 0}} {
		b.Run(c.name, func(b *testing.B) {
			var peak atomic.Uint64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				var ms runtime.MemStats
				tick := time.NewTicker(20 * time.Millisecond)
				defer tick.Stop()
				for {
					runtime.ReadMemStats(&ms)
					if ms.HeapAlloc > peak.Load() {
						peak.Store(ms.HeapAlloc)
					}
					select {
					case <-stop:
						return
					case <-tick.C:
					}
				}
			}()
			runtime.GC()
			b.ResetTimer()
			// Outside a bubble nothing tells when the consumer has made
			// room; the final count request retries after a millisecond.
			processed, refused, dropped, _ := flood(b, c.policy, b.N, c.bound, func() { time.Sleep(time.Millisecond) })
			b.StopTimer()
			close(stop)
			wg.Wait()
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(processed), "processed")
			b.ReportMetric(float64(refused+dropped), "refused+dropped")
			if processed+refused+dropped != b.N {
				b.Fatal(fmt.Sprintf("lost messages: %d+%d+%d != %d", processed, refused, dropped, b.N))
			}
		})
	}
}

func TestShutdownWithBlockedSenders(t *testing.T) {
	sys, err := actor.NewSystem(actor.Config{Root: "testdata"})
	if err != nil {
		t.Fatal(err)
	}
	mod, err := sys.Load("flaky.star")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pid, err := sys.Spawn(ctx, mod, actor.SpawnOptions{Mailbox: mailbox.Config{MaxMessages: 1}, MaxSteps: 1 << 62})
	if err != nil {
		t.Fatal(err)
	}
	if err := sys.Send(ctx, pid, "spin"); err != nil { // the consumer never finishes
		t.Fatal(err)
	}
	// Fill the mailbox, then block two senders on it.
	errs := make(chan error, 3)
	for i := 0; i < 3; i++ {
		go func() { errs <- sys.Send(ctx, pid, "x") }()
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := sys.Shutdown(sctx); err != nil {
		t.Fatalf("Shutdown with a spinning actor and blocked senders: %v", err)
	}
	for i := 0; i < 3; i++ {
		if err := <-errs; err != nil && !errors.Is(err, actor.ErrShutdown) && !errors.Is(err, mailbox.ErrClosed) {
			t.Errorf("blocked send ended with %v", err)
		}
	}
}
