// The fault-injection suite: scripts that fail in every way a script can,
// with every message accounted for.

package actor_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/serialize"
)

// recorder collects a system's events.
type recorder struct {
	mu          sync.Mutex
	failures    []*actor.FailureEvent
	supervision []*actor.SupervisionEvent
	dead        []*actor.DeadLetterEvent
}

func (r *recorder) record(e actor.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e := e.(type) {
	case *actor.FailureEvent:
		r.failures = append(r.failures, e)
	case *actor.SupervisionEvent:
		r.supervision = append(r.supervision, e)
	case *actor.DeadLetterEvent:
		r.dead = append(r.dead, e)
	}
}

// ids returns the "id" of each message the events carry.
func messageIDs(t *testing.T, msgs []any) []int {
	var ids []int
	for _, m := range msgs {
		if d, ok := m.(map[string]any); ok {
			if id, ok := d["id"].(int64); ok {
				ids = append(ids, int(id))
			}
		}
	}
	return ids
}

func TestFaultInjection(t *testing.T) {
	tests := []struct {
		actor     string // "script" (the default) or "go": faulty.star or its Go twin
		kind      string
		strategy  actor.Strategy
		opts      actor.SpawnOptions
		cause     string
		is        error
		wantStops bool
	}{
		{kind: "fail", cause: "fail: boom"},
		{kind: "divide", cause: "floored division by zero"},
		{kind: "spin", cause: "exceeded the step limit of 200000 steps"},
		{kind: "spin", opts: actor.SpawnOptions{MaxSteps: 1 << 62, MessageTimeout: 20 * time.Millisecond},
			cause: "message took longer than its limit of 20ms"},
		{kind: "big", cause: "encoded message larger than the limit of 2048 bytes", is: serialize.ErrTooLarge},
		{kind: "unsendable", cause: `msg["callback"]: cannot send a function`, is: serialize.ErrNotSendable},
		{kind: "dead", cause: "no such actor", is: actor.ErrUnknownActor},
		{kind: "fail", strategy: actor.Temporary, cause: "fail: boom", wantStops: true},
		// The same faults in a Go actor: a returned error, a panic, an
		// error from a send or a request, the message timeout (Go code has
		// no step limit).
		{actor: "go", kind: "fail", cause: "faulty: boom"},
		{actor: "go", kind: "divide", cause: "faulty: Receive: panic: runtime error: integer divide by zero"},
		{actor: "go", kind: "spin", opts: actor.SpawnOptions{MessageTimeout: 20 * time.Millisecond},
			cause: "faulty: message took longer than its limit of 20ms"},
		{actor: "go", kind: "big", cause: "encoded message larger than the limit of 2048 bytes", is: serialize.ErrTooLarge},
		{actor: "go", kind: "unsendable", cause: `["callback"]: cannot send a func`, is: serialize.ErrNotSendable},
		{actor: "go", kind: "dead", cause: "no such actor", is: actor.ErrUnknownActor},
		{actor: "go", kind: "fail", strategy: actor.Temporary, cause: "faulty: boom", wantStops: true},
	}
	for _, tt := range tests {
		name := tt.kind
		if tt.actor != "" {
			name = tt.actor + "/" + name
		}
		if tt.opts.MessageTimeout > 0 {
			name += "/wall-clock"
		}
		if tt.strategy != actor.OneForOne {
			name += "/" + tt.strategy.String()
		}
		t.Run(name, func(t *testing.T) {
			rec := &recorder{}
			sys := newSystem(t, actor.Config{MaxSteps: 200_000, Limits: serialize.Limits{MaxBytes: 2048}})
			defer sys.Subscribe(rec.record)()
			const n = 20
			stopped, deadTo := make(chan actor.Address, 1), make(chan actor.Address, 4*n)
			defer sys.Subscribe(func(e actor.Event) {
				switch e := e.(type) {
				case *actor.SupervisionEvent:
					if e.Action == "stopped" {
						select {
						case stopped <- e.Actor:
						default: // the test fails on the count of stops
						}
					}
				case *actor.DeadLetterEvent:
					select {
					case deadTo <- e.To:
					default: // more than the test sends: it fails on the count
					}
				}
			})()
			ctx := context.Background()
			tally := spawn(t, sys, "tally.star", actor.SpawnOptions{})
			bystander := spawn(t, sys, "counter.star", actor.SpawnOptions{})
			opts := tt.opts
			opts.Supervision.Strategy = tt.strategy
			worker := spawnKind(t, sys, cmp.Or(tt.actor, "script"), "faulty.star", opts)
			dead := actor.Address{Node: worker.Node, ID: "nobody-home"}

			for i := 0; i < n; i++ {
				kind := "ok"
				if i%5 == 0 {
					kind = tt.kind
				}
				msg := map[string]any{"id": i, "kind": kind, "report": tally, "dead": dead}
				if err := sys.Send(ctx, worker, msg); err != nil {
					t.Fatal(err)
				}
				// Unrelated actors keep answering while the worker fails.
				if err := sys.Request(ctx, bystander, map[string]any{"op": "get"}, nil); err != nil {
					t.Fatalf("bystander: %v", err)
				}
			}
			// Wait for the worker to finish (or stop), then count.
			stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if !tt.wantStops {
				if err := sys.Request(stopCtx, worker, map[string]any{"kind": "ping"}, nil); err != nil {
					t.Fatalf("final message: %v", err)
				}
			} else {
				// A temporary actor stops by itself at its first failure:
				// wait for that, rather than stopping it before it ran
				// (Stop below then waits for it to be gone).
				select {
				case who := <-stopped:
					if who != worker {
						t.Fatalf("supervision stopped %v, want %v", who, worker)
					}
				case <-stopCtx.Done():
					t.Fatal("the temporary actor did not stop after failing")
				}
				// The messages behind the failure become dead letters as it
				// ends, after it has left the registry (so Stop below may
				// find it gone before they are all accounted): wait for them.
				for got := 0; got < n-1; {
					select {
					case to := <-deadTo:
						if to == worker {
							got++
						}
					case <-stopCtx.Done():
						t.Fatalf("%d of the %d messages behind the failure became dead letters", got, n-1)
					}
				}
			}
			if err := sys.Stop(stopCtx, worker); err != nil && !errors.Is(err, actor.ErrUnknownActor) {
				t.Fatal(err)
			}
			var processed []int
			if err := sys.Request(ctx, tally, map[string]any{"op": "get"}, &processed); err != nil {
				t.Fatal(err)
			}

			rec.mu.Lock()
			defer rec.mu.Unlock()
			var failedMsgs, deadMsgs []any
			for _, f := range rec.failures {
				if !strings.Contains(f.Err.Error(), tt.cause) {
					t.Errorf("failure cause %q lacks %q", f.Err, tt.cause)
				}
				if tt.is != nil && !errors.Is(f.Err, tt.is) {
					t.Errorf("failure %v is not %v", f.Err, tt.is)
				}
				if m, ok, err := f.Message(); ok && err == nil {
					failedMsgs = append(failedMsgs, m)
				}
			}
			for _, d := range rec.dead {
				if d.To == worker {
					m, err := d.Message()
					if err != nil {
						t.Fatal(err)
					}
					deadMsgs = append(deadMsgs, m)
				}
			}
			failed, deadIDs := messageIDs(t, failedMsgs), messageIDs(t, deadMsgs)
			all := slices.Concat(processed, failed, deadIDs)
			slices.Sort(all)
			want := make([]int, n)
			for i := range want {
				want[i] = i
			}
			if !slices.Equal(all, want) {
				t.Errorf("messages lost or doubled:\nprocessed %v\nfailed    %v\ndead      %v", processed, failed, deadIDs)
			}
			wantFailed := []int{0, 5, 10, 15}
			if tt.wantStops {
				wantFailed = []int{0}
			}
			if !slices.Equal(failed, wantFailed) {
				t.Errorf("failed messages %v, want %v", failed, wantFailed)
			}
			actions := map[string]int{}
			for _, s := range rec.supervision {
				actions[s.Action]++
			}
			if tt.wantStops && (actions["stopped"] != 1 || actions["restarted"] != 0) {
				t.Errorf("temporary actor: supervision did %v, want one stop", actions)
			}
			if !tt.wantStops && actions["restarted"] != 4 {
				t.Errorf("supervision did %v, want 4 restarts", actions)
			}
			t.Logf("%s: processed %d, failed %d, dead letters %d, supervision %v", name, len(processed), len(failed), len(deadIDs), actions)
		})
	}
}

func TestRestartLimitStopsTheActor(t *testing.T) {
	for _, kind := range actorKinds {
		t.Run(kind, func(t *testing.T) { testRestartLimit(t, kind) })
	}
}

func testRestartLimit(t *testing.T, kind string) {
	rec := &recorder{}
	logs := &syncBuffer{}
	sys := newSystem(t, actor.Config{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	defer sys.Subscribe(rec.record)()
	worker := spawnKind(t, sys, kind, "flaky.star", actor.SpawnOptions{Supervision: actor.Supervision{MaxRestarts: 2, Within: time.Minute}})
	for i := 0; i < 3; i++ {
		if err := sys.Request(context.Background(), worker, "crash", nil); !errors.Is(err, actor.ErrActorFailed) {
			t.Fatalf("crash %d: %v", i, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		err := sys.Request(ctx, worker, "count", nil)
		if errors.Is(err, actor.ErrUnknownActor) || errors.Is(err, actor.ErrStopped) {
			break // stopped after the third failure in the window
		}
		if ctx.Err() != nil {
			t.Fatalf("actor still running after exhausting its restarts: %v", err)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var actions []string
	for _, s := range rec.supervision {
		actions = append(actions, s.Action)
	}
	if got := fmt.Sprint(actions); got != "[restarted restarted stopped]" {
		t.Errorf("supervision actions %s", got)
	}
	// An actor that stops for good says so in the log, not only in events.
	if l := logs.String(); !strings.Contains(l, "level=WARN") || !strings.Contains(l, "stopped for good") ||
		!strings.Contains(l, worker.String()) {
		t.Errorf("no warning that %s stopped for good; log:\n%s", worker, l)
	}
}
