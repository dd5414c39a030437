// Package imagepipe is an example of a pipeline that moves a large buffer
// from actor to actor by ownership transfer.
package imagepipe

import (
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/murmur-go/murmur/examples/internal/scripttest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestImagePipe(t *testing.T) {
	got := scripttest.Run(t, "128")
	// (x+y) % 256 inverted is >= 128 exactly when x+y <= 127: 8256 of 128x128.
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
