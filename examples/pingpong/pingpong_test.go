// Package pingpong is an example of two script actors exchanging messages.
package pingpong

import (
	"context"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/murmur-go/murmur/actor"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// run runs main.star as `murmur run` does and returns what it printed.
func run(t *testing.T, args ...string) string {
	t.Helper()
	var mu sync.Mutex
	var out strings.Builder
	sys, err := actor.NewSystem(actor.Config{Root: ".", Print: func(_ actor.Address, msg string) {
		mu.Lock()
		defer mu.Unlock()
		out.WriteString(msg + "\n")
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Shutdown(context.Background())
	mod, err := sys.Load("main.star")
	if err != nil {
		t.Fatal(err)
	}
	if err := sys.Run(context.Background(), mod, args); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestPingPong(t *testing.T) {
	if got, want := run(t, "500"), "ping finished after 500 round trips\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}
