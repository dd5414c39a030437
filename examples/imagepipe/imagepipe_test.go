// Package imagepipe is an example of a pipeline that moves a large buffer
// from actor to actor by ownership transfer.
package imagepipe

import (
	"context"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/murmur-go/murmur/actor"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestImagePipe(t *testing.T) {
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
	if err := sys.Run(context.Background(), mod, []string{"128"}); err != nil {
		t.Fatal(err)
	}
	// (x+y) % 256 inverted is >= 128 exactly when x+y <= 127: 8256 of 128x128.
	got := out.String()
	for _, want := range []string{
		"main's handle after the transfer: <buffer transferred to <address $",
		"length 0\n",
		"128x128 image through 3 stages: 8256 white pixels, first row ffffffffffffffff...\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
