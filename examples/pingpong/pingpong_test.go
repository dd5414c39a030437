// Package pingpong is an example of two script actors exchanging messages.
package pingpong

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/murmur-go/murmur/examples/internal/scripttest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestPingPong(t *testing.T) {
	if got, want := scripttest.Run(t, "500"), "ping finished after 500 round trips\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}
