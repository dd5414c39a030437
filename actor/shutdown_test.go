// Tests of Shutdown and Close cut short: a context that expires, a second
// call, calls from several goroutines at once.

package actor_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"go.starlark.net/starlark"
	"go.uber.org/goleak"

	"github.com/murmur-go/murmur/actor"
)

// stubborn starts a system (a node if nc is set) running one actor whose
// stopping() hook never ends on its own; hooked is closed once the hook runs.
func stubborn(t *testing.T, nc *actor.NodeConfig) (sys *actor.System, pid actor.Address, hooked <-chan struct{}) {
	t.Helper()
	ran := make(chan struct{})
	var once sync.Once
	hook := starlark.NewBuiltin("hooked", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
		once.Do(func() { close(ran) })
		return starlark.None, nil
	})
	sys = newSystem(t, actor.Config{Node: nc, Builtins: starlark.StringDict{"hooked": hook}})
	pid = spawn(t, sys, "stubborn.star", actor.SpawnOptions{})
	if err := sys.Request(context.Background(), pid, "up?", nil); err != nil {
		t.Fatal(err)
	}
	return sys, pid, ran
}

// finishers are the ways to end a shutdown that was cut short.
var finishers = []struct {
	name   string
	finish func(*actor.System) error
}{
	{"Shutdown again", func(s *actor.System) error { return s.Shutdown(context.Background()) }},
	{"Close", (*actor.System).Close},
}

// cutShort calls Shutdown with a context that is done before it ends:
// expired from the start, or expiring while the actor's stopping() runs.
func cutShort(t *testing.T, sys *actor.System, hooked <-chan struct{}, expired bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if expired {
		cancel()
	} else {
		go func() { <-hooked; cancel() }()
	}
	defer cancel()
	if err := sys.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown with a context done before it ends: %v", err)
	}
}

// checkEnded checks that nothing of sys is left: its actor, its listener,
// its goroutines.
func checkEnded(t *testing.T, sys *actor.System, pid actor.Address, listener string) {
	t.Helper()
	if _, err := sys.Stats(pid); !errors.Is(err, actor.ErrUnknownActor) {
		t.Errorf("the actor is still there after the shutdown ended: Stats: %v", err)
	}
	if listener != "" {
		if c, err := net.Dial("tcp", listener); err == nil {
			c.Close()
			t.Errorf("the node still accepts connections on %s after the shutdown ended", listener)
		}
	}
	if _, err := sys.Load("stubborn.star"); err != nil {
		t.Errorf("Load after shutdown: %v", err)
	}
}

func TestShutdownCutShort(t *testing.T) {
	for _, expired := range []bool{true, false} {
		for _, f := range finishers {
			name := f.name + " after an expired context"
			if !expired {
				name = f.name + " after a context that expires in stopping()"
			}
			t.Run(name, func(t *testing.T) {
				sys, pid, hooked := stubborn(t, nil)
				cutShort(t, sys, hooked, expired)
				if err := f.finish(sys); err != nil {
					t.Fatalf("%s: %v", f.name, err)
				}
				checkEnded(t, sys, pid, "")
				if err := f.finish(sys); err != nil {
					t.Errorf("%s once more: %v", f.name, err)
				}
				goleak.VerifyNone(t)
			})
		}
	}
}

// Shutdown and Close called from several goroutines at once each return
// only when the system has ended (or their context is done).
func TestShutdownConcurrent(t *testing.T) {
	sys, pid, hooked := stubborn(t, &actor.NodeConfig{})
	listener := sys.Node()
	expired, cancel := context.WithCancel(context.Background())
	cancel()
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			switch i % 3 {
			case 0:
				err = sys.Shutdown(context.Background())
			case 1:
				if err = sys.Shutdown(expired); errors.Is(err, context.Canceled) {
					return
				}
			case 2:
				<-hooked
				err = finishers[len(finishers)-1].finish(sys)
			}
			if err != nil {
				t.Errorf("call %d: %v", i, err)
			}
			checkEnded(t, sys, pid, listener)
		}()
	}
	wg.Wait()
	goleak.VerifyNone(t)
}

// Actors spawned while the shutdown begins are stopped too: Shutdown ends.
func TestShutdownWhileSpawning(t *testing.T) {
	sys := newSystem(t, actor.Config{})
	mod, err := sys.Load("echo.star")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, err := sys.Spawn(context.Background(), mod, actor.SpawnOptions{})
				if errors.Is(err, actor.ErrShutdown) {
					return
				}
				if err != nil {
					t.Errorf("Spawn: %v", err)
					return
				}
			}
		}()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sys.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown while actors are spawned: %v", err)
	}
	wg.Wait()
}
