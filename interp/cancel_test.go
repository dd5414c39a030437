// Tests that cancellation is recognized by what the instance did, not by
// the text of an error.

package interp_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/serialize"
)

// TestCancellationIsTyped checks that an error that merely reads like
// Starlark's cancellation (a peer relaying another actor's failure, say) is
// an ordinary failure that catch hands back, and that a library whose top
// level catches its own step-limit overrun still fails to load.
func TestCancellationIsTyped(t *testing.T) {
	const lookalike = "Starlark computation cancelled: the peer's actor stopped"
	src := `
def receive(msg):
    if msg == "caught":
        v, e = catch(request, self(), "x")
        print("caught", e)
    else:
        request(self(), "x")
`
	lib := `
def spin():
    while True:
        pass

v, e = catch(spin)
`
	e := newEngine(t, map[string]string{
		"c.star":    src,
		"lib.star":  lib,
		"uses.star": "load(\"lib.star\", \"v\")\n",
	}, interp.Options{MaxSteps: 100_000})
	h := &fakeHost{answer: func(serialize.Payload) (serialize.Payload, error) {
		return serialize.Payload{}, errors.New(lookalike)
	}}
	in := instantiate(t, e, "c.star", h)

	t.Run("caught", func(t *testing.T) {
		if err := in.Receive(encode(t, "caught")); err != nil {
			t.Fatalf("catch(request) failing with %q: %v", lookalike, err)
		}
		if len(h.printed) != 1 || !strings.Contains(h.printed[0], lookalike) {
			t.Errorf("printed %q, want the caught error", h.printed)
		}
	})

	t.Run("uncaught", func(t *testing.T) {
		err := in.Receive(encode(t, "uncaught"))
		if err == nil || !strings.Contains(err.Error(), lookalike) {
			t.Fatalf("request failing with %q: %v", lookalike, err)
		}
		if errors.Is(err, interp.ErrCancelled) || errors.Is(err, interp.ErrStepLimit) {
			t.Errorf("a failed request reads as the instance's own end: %v", err)
		}
	})

	t.Run("library step limit", func(t *testing.T) {
		if _, err := e.Load("uses.star"); err == nil || !strings.Contains(err.Error(), "too many steps") {
			t.Errorf("library catching its own step-limit overrun: %v, want a load failure", err)
		}
	})
}
