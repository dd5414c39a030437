// Tests of failures handed to scripts as values: catch(), f.exception(),
// gather and pmap with return_exceptions, and the error type.

package interp_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/murmur-go/murmur/interp"
	"github.com/murmur-go/murmur/serialize"
)

// errBusy stands for a host's sentinel with a kind, as actor.ErrTimeout is.
var errBusy = &interp.KindError{Kind: "timeout", Msg: "host: request timed out"}

// failingHost answers a request for "bad" with a failure of kind timeout,
// and maps items, failing the negative ones.
func failingHost() *fakeHost {
	return &fakeHost{
		answer: func(msg serialize.Payload) (serialize.Payload, error) {
			v, _ := serialize.Limits{}.DecodeGoTransfer(msg.Body, nil)
			if v == "bad" {
				return serialize.Payload{}, fmt.Errorf("%w: no answer from $7", errBusy)
			}
			return msg, nil
		},
		mapped: func(items []serialize.Payload) ([]serialize.Payload, []error, error) {
			errs := make([]error, len(items))
			for i, it := range items {
				v, _ := serialize.Limits{}.DecodeGoTransfer(it.Body, nil)
				if n, _ := v.(int64); n < 0 {
					errs[i] = fmt.Errorf("negative input %d", n)
				}
			}
			return items, errs, nil
		},
	}
}

func TestFailureValues(t *testing.T) {
	values := `
def receive(msg):
    op = msg["op"]
    if op == "exception":
        e = ask(self(), "bad").exception()
        print(bool(e), type(e), e.kind, e.index, repr(e.traceback), e.message)
        print(ask(self(), "good").exception())
        if not e:
            fail("a failure is falsy")
    elif op == "gather":
        r = gather([ask(self(), "good"), ask(self(), "bad")], return_exceptions = True)
        print(r[0], bool(r[1]), r[1].kind, r[1].index)
    elif op == "pmap":
        r = pmap(self(), [1, -2, 3], return_exceptions = True)
        print(r[0], r[2], r[1].index, r[1].kind, r[1].message)
    elif op == "pmap_fails":
        pmap(self(), [1, 2, -3])
`
	catches := `
def helper(x):
    fail("bad input: %s" % x)

def receive(msg):
    op = msg["op"]
    if op == "catch":
        print(catch(len, [1, 2]))
        v, e = catch(helper, 7)
        print(v, e.kind, e.index, e.message)
        print("c.star:3:9: in helper" in e.traceback, "Traceback" in e.traceback)
        v, e = catch(request, self(), "bad", timeout = 1)
        print(v, e.kind, e.message)
        print(catch(request, self(), "good"))
        print(catch(lambda a, b = 0: a + b, 1, b = 2))
    elif op == "catch_pmap":
        v, e = catch(pmap, self(), [1, 2, -3, 4, -5])
        print(v, e.index, e.message)
    elif op == "not_callable":
        catch(3)
`
	e := newEngine(t, map[string]string{"v.star": values, "c.star": catches}, interp.Options{})
	for _, tt := range []struct {
		script, op, want, wantErr string
	}{
		{script: "v.star", op: "exception", want: "True error timeout None \"\" host: request timed out: no answer from $7\nNone"},
		{script: "v.star", op: "gather", want: "good True timeout None"},
		{script: "c.star", op: "catch", want: "(2, None)\n" +
			"None error None fail: bad input: 7\n" +
			"True True\n" +
			"None timeout host: request timed out: no answer from $7\n" +
			"(\"good\", None)\n" +
			"(3, None)"},
		{script: "v.star", op: "pmap", want: "1 3 1 error pmap item 1 failed: negative input -2"},
		{script: "c.star", op: "catch_pmap", want: "None 2 pmap item 2 failed (and 1 more: 4): negative input -3"},
		{script: "v.star", op: "pmap_fails", wantErr: "pmap item 2 failed: negative input -3"},
		{script: "c.star", op: "not_callable", wantErr: "catch: fn must be callable, not int"},
	} {
		t.Run(tt.op, func(t *testing.T) {
			h := failingHost()
			in := instantiate(t, e, tt.script, h)
			err := in.Receive(encode(t, map[string]any{"op": tt.op}))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(h.printed, "\n"); got != tt.want {
				t.Errorf("printed:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// TestCatchLetsStopsThrough checks that catch() hands back failures of the
// code it runs, but never the end of the actor: a step limit, a cancelled
// interpreter (Stop, Shutdown, message_timeout), or a host error saying
// the actor is being stopped.
func TestCatchLetsStopsThrough(t *testing.T) {
	src := `
def spin():
    while True:
        pass

def receive(msg):
    if msg == "spin":
        v, e = catch(spin)
    elif msg == "stopped":
        v, e = catch(request, self(), "x")
    print("caught", e)
`
	e := newEngine(t, map[string]string{"c.star": src}, interp.Options{})

	t.Run("step limit", func(t *testing.T) {
		mod, err := e.Load("c.star")
		if err != nil {
			t.Fatal(err)
		}
		h := &fakeHost{}
		in, err := mod.Instantiate(h, interp.InstanceOptions{MaxSteps: 10_000})
		if err != nil {
			t.Fatal(err)
		}
		if err := in.Receive(encode(t, "spin")); !errors.Is(err, interp.ErrStepLimit) || len(h.printed) > 0 {
			t.Errorf("catch(spin) under a step limit: %v, printed %v", err, h.printed)
		}
	})

	t.Run("cancel", func(t *testing.T) {
		// The actor is stopped while the request waits: the host cancels
		// the instance and the wait ends with a plain error.
		var in *interp.Instance
		h := &fakeHost{answer: func(serialize.Payload) (serialize.Payload, error) {
			in.Cancel("actor stopped")
			return serialize.Payload{}, errors.New("wait interrupted")
		}}
		in = instantiate(t, e, "c.star", h)
		if err := in.Receive(encode(t, "stopped")); err == nil || !strings.Contains(err.Error(), "wait interrupted") || len(h.printed) > 0 {
			t.Errorf("catch(request) cancelled: %v, printed %v", err, h.printed)
		}
	})

	t.Run("host stopping", func(t *testing.T) {
		errStopping := fmt.Errorf("actor shutting down: %w", interp.ErrCancelled)
		h := &fakeHost{answer: func(serialize.Payload) (serialize.Payload, error) { return serialize.Payload{}, errStopping }}
		in := instantiate(t, e, "c.star", h)
		if err := in.Receive(encode(t, "stopped")); !errors.Is(err, interp.ErrCancelled) || len(h.printed) > 0 {
			t.Errorf("catch(request) while the actor stops: %v, printed %v", err, h.printed)
		}
	})
}
