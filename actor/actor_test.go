// End-to-end tests of script actors on a real system.

package actor_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.starlark.net/starlark"

	"github.com/murmur-go/murmur/actor"
	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/mailbox"
	"github.com/murmur-go/murmur/serialize"
)

// syncBuffer is a log sink tests can read while actors write to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newSystem(t *testing.T, cfg actor.Config) *actor.System {
	t.Helper()
	if cfg.Root == "" {
		cfg.Root = "testdata"
	}
	sys, err := actor.NewSystem(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := sys.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return sys
}

func spawn(t *testing.T, sys *actor.System, script string, opts actor.SpawnOptions) actor.Address {
	t.Helper()
	mod, err := sys.Load(script)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := sys.Spawn(context.Background(), mod, opts)
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

func TestCounter(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	ctx := context.Background()
	pid := spawn(t, sys, "counter.star", actor.SpawnOptions{Args: []any{10}, Name: "counter"})
	for i := 0; i < 100; i++ {
		if err := sys.Send(ctx, pid, map[string]any{"op": "add", "by": 2}); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := sys.Request(ctx, pid, map[string]any{"op": "get"}, &n); err != nil {
		t.Fatal(err)
	}
	if n != 210 {
		t.Errorf("counter = %d, want 210", n)
	}
	if st, err := sys.Stats(pid); err != nil || st.Processed != 101 {
		t.Errorf("Stats = %+v, %v; want 101 processed", st, err)
	}
}

func TestMutationIsInvisibleToSender(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	mutator := spawn(t, sys, "mutator.star", actor.SpawnOptions{})
	keeper := spawn(t, sys, "keeper.star", actor.SpawnOptions{})
	var got struct {
		Mine   []int `msgpack:"mine"`
		Theirs []int `msgpack:"theirs"`
	}
	if err := sys.Request(context.Background(), keeper, map[string]any{"mutator": mutator}, &got); err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 2, 3}; !equalInts(got.Mine, want) {
		t.Errorf("sender's list = %v after the receiver mutated its copy, want %v", got.Mine, want)
	}
	if want := []int{-1, 2, 3, 99}; !equalInts(got.Theirs, want) {
		t.Errorf("receiver's list = %v, want %v", got.Theirs, want)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// nowNS is a host builtin ("extension module"): safe for concurrent use.
var nowNS = starlark.NewBuiltin("now_ns", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
	return starlark.MakeInt64(time.Now().UnixNano()), nil
})

func TestTwoActorsRunAtOnce(t *testing.T) {
	sys := newSystem(t, actor.Config{Builtins: starlark.StringDict{"now_ns": nowNS}})
	a := spawn(t, sys, "primes.star", actor.SpawnOptions{})
	b := spawn(t, sys, "primes.star", actor.SpawnOptions{})
	type result struct {
		Count int   `msgpack:"count"`
		Start int64 `msgpack:"start"`
		End   int64 `msgpack:"end"`
	}
	var ra, rb result
	var errA, errB error
	// The test is about overlap, not speed: under the race detector on a
	// busy machine the count can take longer than the default 5 s.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); errA = sys.Request(ctx, a, 30000, &ra) }()
	go func() { defer wg.Done(); errB = sys.Request(ctx, b, 30000, &rb) }()
	wg.Wait()
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if ra.Count != 3245 || rb.Count != 3245 {
		t.Errorf("count_primes(30000) = %d, %d; want 3245", ra.Count, rb.Count)
	}
	// Each interpreter has its own goroutine and no shared lock, so the two
	// computations overlap in time instead of running one after the other.
	if !(ra.Start < rb.End && rb.Start < ra.End) {
		t.Errorf("computations did not overlap: a [%d, %d], b [%d, %d]", ra.Start, ra.End, rb.Start, rb.End)
	}
}

func TestFailureRestartsAndKeepsQueuedMessages(t *testing.T) {
	logs := &syncBuffer{}
	sys := newSystem(t, actor.Config{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	ctx := context.Background()
	pid := spawn(t, sys, "flaky.star", actor.SpawnOptions{})
	// A request that crashes the actor gets the traceback at once.
	err := sys.Request(ctx, pid, "crash", nil)
	if !errors.Is(err, actor.ErrActorFailed) {
		t.Fatalf("request that crashes: %v, want ErrActorFailed", err)
	}
	var se *interp.ScriptError
	if !errors.As(err, &se) || se.Position() != "flaky.star:6:13" {
		t.Errorf("error %v does not carry the script position", err)
	}
	// Messages sent around a crash are all processed by the restarted instance.
	for _, m := range []string{"a", "divide", "b", "c"} {
		if err := sys.Send(ctx, pid, m); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := sys.Request(ctx, pid, "count", &n); err != nil {
		t.Fatal(err)
	}
	if n != 3 { // b, c, count after the divide crash restarted it
		t.Errorf("handled %d messages since the last restart, want 3", n)
	}
	// The crash was handed to its requester (above), so only the failure
	// nobody waited for is an error in the log.
	if log := logs.String(); !strings.Contains(log, "floored division by zero") || strings.Contains(log, "asked to crash") {
		t.Errorf("the failure nobody waited for was not logged with its cause, or the one answered was:\n%s", log)
	}
}

func TestRunawayScript(t *testing.T) {
	sys := newSystem(t, actor.Config{MaxSteps: 100_000})
	ctx := context.Background()
	runaway := spawn(t, sys, "flaky.star", actor.SpawnOptions{})
	other := spawn(t, sys, "counter.star", actor.SpawnOptions{})

	err := sys.Request(ctx, runaway, "spin", nil)
	if !errors.Is(err, interp.ErrStepLimit) {
		t.Fatalf("runaway with a step limit: %v, want ErrStepLimit", err)
	}
	var n int
	if err := sys.Request(ctx, runaway, "count", &n); err != nil || n != 1 {
		t.Errorf("restarted actor: count = %d, %v", n, err)
	}
	if err := sys.Request(ctx, other, map[string]any{"op": "get"}, &n); err != nil {
		t.Errorf("unrelated actor: %v", err)
	}

	// Without a step limit, Stop cancels the running script.
	free := spawn(t, sys, "flaky.star", actor.SpawnOptions{MaxSteps: 1 << 62})
	if err := sys.Send(ctx, free, "spin"); err != nil {
		t.Fatal(err)
	}
	stopCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := sys.Stop(stopCtx, free); err != nil {
		t.Fatalf("Stop of a spinning actor: %v", err)
	}
	if err := sys.Request(ctx, free, "count", nil); !errors.Is(err, actor.ErrUnknownActor) && !errors.Is(err, actor.ErrStopped) {
		t.Errorf("request to a stopped actor: %v", err)
	}
	if err := sys.Request(ctx, other, map[string]any{"op": "get"}, &n); err != nil {
		t.Errorf("unrelated actor after Stop: %v", err)
	}
}

func TestShutdownCancelsRunawayScripts(t *testing.T) {
	sys, err := actor.NewSystem(actor.Config{Root: "testdata"})
	if err != nil {
		t.Fatal(err)
	}
	mod, err := sys.Load("flaky.star")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		pid, err := sys.Spawn(context.Background(), mod, actor.SpawnOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := sys.Send(context.Background(), pid, "spin"); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sys.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with spinning actors: %v", err)
	}
}

func TestRequestErrors(t *testing.T) {
	sys := newSystem(t, actor.Config{RequestTimeout: 50 * time.Millisecond})
	ctx := context.Background()
	silent := spawn(t, sys, "silent.star", actor.SpawnOptions{})
	gate := spawn(t, sys, "gate.star", actor.SpawnOptions{}) // keeps sender() to answer later
	if err := sys.Request(ctx, gate, map[string]any{"op": "hold", "need": 1}, nil); !errors.Is(err, actor.ErrTimeout) {
		t.Errorf("request to an actor that never answers: %v, want ErrTimeout", err)
	}
	nobody := actor.Address{Node: silent.Node, ID: "nobody"}
	if err := sys.Request(ctx, nobody, 1, nil); !errors.Is(err, actor.ErrUnknownActor) {
		t.Errorf("request to an unknown actor: %v, want ErrUnknownActor", err)
	}
	before := sys.DeadLetters()
	if err := sys.Send(ctx, nobody, 1); err != nil {
		t.Errorf("send to an unknown actor: %v, want nil (dead letter)", err)
	}
	if sys.DeadLetters() != before+1 {
		t.Errorf("dead letters = %d, want %d", sys.DeadLetters(), before+1)
	}
	err := sys.Send(ctx, silent, map[string]any{"f": func() {}})
	var se *serialize.Error
	if !errors.As(err, &se) || !errors.Is(err, serialize.ErrNotSendable) {
		t.Errorf("sending a func: %v, want a *serialize.Error", err)
	}
	mod, _ := sys.Load("silent.star")
	if _, err := sys.Spawn(ctx, mod, actor.SpawnOptions{Name: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sys.Spawn(ctx, mod, actor.SpawnOptions{Name: "x"}); !errors.Is(err, actor.ErrNameTaken) {
		t.Errorf("second actor named x: %v, want ErrNameTaken", err)
	}
}

func TestBoundedMailboxFails(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	ctx := context.Background()
	pid := spawn(t, sys, "flaky.star", actor.SpawnOptions{
		Mailbox:  mailbox.Config{MaxMessages: 2, Policy: mailbox.Fail},
		MaxSteps: 1 << 62,
	})
	if err := sys.Send(ctx, pid, "spin"); err != nil { // keeps the actor busy
		t.Fatal(err)
	}
	var full error
	for i := 0; i < 10 && full == nil; i++ {
		full = sys.Send(ctx, pid, "x")
	}
	if !errors.Is(full, actor.ErrMailboxFull) {
		t.Errorf("sends to a full mailbox: %v, want ErrMailboxFull", full)
	}
}

func TestRunScatterGatherAndRecv(t *testing.T) {
	sys, printed := printingSystem(t, actor.Config{})
	mod, err := sys.Load("scatter.star")
	if err != nil {
		t.Fatal(err)
	}
	if err := sys.Run(context.Background(), mod, []string{"5"}); err != nil {
		t.Fatal(err)
	}
	want := "gathered [0, 1, 4, 9, 16]\nstreamed [0, 1, 4, 9, 16]"
	if got := strings.Join(printed(), "\n"); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

// printingSystem returns a test system configured as cfg says and what
// its scripts print.
func printingSystem(t *testing.T, cfg actor.Config) (*actor.System, func() []string) {
	var mu sync.Mutex
	var out []string
	cfg.Print = func(_ actor.Address, msg string) {
		mu.Lock()
		defer mu.Unlock()
		out = append(out, msg)
	}
	sys := newSystem(t, cfg)
	return sys, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), out...)
	}
}

func TestRunReportsTraceback(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	mod, err := sys.Load("badmain.star")
	if err != nil {
		t.Fatal(err)
	}
	err = sys.Run(context.Background(), mod, nil)
	var se *interp.ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("Run = %v, want a *ScriptError", err)
	}
	for _, want := range []string{"badmain.star:2:11: in main", "badmain.star:5:11: in helper", `key "missing" not in dict`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("traceback lacks %q:\n%v", want, err)
		}
	}
}

func TestRunCancelledByContext(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	mod, err := sys.Compile("loop.star", []byte("def main(args):\n  while True:\n    pass\n"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := sys.Run(ctx, mod, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Run of an endless main under a deadline: %v", err)
	}
}

func TestRunTopLevelFailure(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	mod, err := sys.Compile("top.star", []byte("x = {}[\"nope\"]\ndef main(args):\n  pass\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = sys.Run(context.Background(), mod, nil)
	if err == nil || !strings.Contains(err.Error(), "top.star:1:7: in <toplevel>") {
		t.Errorf("Run of a script whose top level fails: %v", err)
	}
}
