// Package scatter is an example of scatter/gather and streamed results.
package scatter

import (
	"context"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/murmur-go/murmur/actor"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestScatter(t *testing.T) {
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
	if err := sys.Run(context.Background(), mod, []string{"3"}); err != nil {
		t.Fatal(err)
	}
	want := "worker 0: 2262 primes below 20000\n" +
		"worker 1: 2360 primes below 21000\n" +
		"worker 2: 2464 primes below 22000\n" +
		"streamed from 3 workers, total 2007\n"
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}
