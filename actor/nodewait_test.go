//go:build !race

// Helpers with which the node tests wait on events, not on the clock:
// termination notices as deferred replies, and dead letters as they are
// published.

package actor_test

import (
	"context"
	"testing"
	"time"

	"github.com/murmur-go/murmur/actor"
)

// noticeScript keeps the first termination notice its actor gets, and
// answers a request {"op": "notice"} with it: at once if it has come,
// else when it comes (a deferred reply), so that a test waits for it.
const noticeScript = `
state = {}
def noticed(msg):
    if msg.get("event") == "terminated":
        state.setdefault("notice", msg)
        if "waiter" in state:
            send(state.pop("waiter"), msg)
        return True
    if msg.get("op") == "notice":
        if "notice" in state:
            reply(state["notice"])
        else:
            state["waiter"] = sender()
        return True
    return False
`

// deadLetterCounter counts the dead letters of sys from now on; the
// function it returns waits until there have been n in all.
func deadLetterCounter(t *testing.T, sys *actor.System) (waitFor func(n int)) {
	t.Helper()
	ch := make(chan struct{}, 1<<12)
	t.Cleanup(sys.Subscribe(func(e actor.Event) {
		if _, ok := e.(*actor.DeadLetterEvent); ok {
			select {
			case ch <- struct{}{}:
			default: // more than any test here expects: it fails on the count
			}
		}
	}))
	got := 0
	return func(n int) {
		t.Helper()
		timeout := time.After(5 * time.Second)
		for got < n {
			select {
			case <-ch:
				got++
			case <-timeout:
				t.Fatalf("%d dead letters on %s in 5s, want %d", got, sys.Node(), n)
			}
		}
	}
}

// watch starts an actor on sys that watches who and answers {"op":
// "notice"} with its termination notice (noticeScript).
func watch(t *testing.T, sys *actor.System, who actor.Address) actor.Address {
	t.Helper()
	mod, err := sys.Compile("watch.star", []byte(noticeScript+`
def init(who):
    watch(who)
def receive(msg):
    noticed(msg)
`))
	if err != nil {
		t.Fatal(err)
	}
	w, err := sys.Spawn(context.Background(), mod, actor.SpawnOptions{Args: []any{who}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}
