// Integration with protoactor: a Mailbox behind real actors.

package mailbox_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/murmur-go/murmur/mailbox"
)

// newSystem returns a protoactor system that logs nothing and whose
// dead-letter throttle goroutine ends quickly, so leak checks stay exact.
func newSystem() *actor.ActorSystem {
	return actor.NewActorSystem(
		actor.WithDeadLetterThrottleInterval(time.Millisecond),
		actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
			return slog.New(slog.DiscardHandler)
		}))
}

// producer returns a protoactor mailbox producer of Mailboxes set up by cfg.
func producer(cfg mailbox.Config) actor.MailboxProducer {
	return func() actor.Mailbox { return mailbox.New(cfg) }
}

func TestProtoactor(t *testing.T) {
	system := newSystem()
	defer system.Shutdown()
	g := new(mailbox.Group)
	got := make(chan int, 16)
	props := actor.PropsFromFunc(func(c actor.Context) {
		if n, ok := c.Message().(int); ok {
			if n == 3 {
				panic("three") // the root supervisor restarts the actor
			}
			got <- n
		}
	}, actor.WithMailbox(producer(mailbox.Config{Group: g})))
	pid := system.Root.Spawn(props)
	for i := range 6 {
		system.Root.Send(pid, i)
	}
	for _, want := range []int{0, 1, 2, 4, 5} {
		select {
		case n := <-got:
			if n != want {
				t.Fatalf("received %d, want %d", n, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("message %d not received", want)
		}
	}
	if err := system.Root.StopFuture(pid).Wait(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := g.Wait(ctx); err != nil {
		t.Fatalf("mailbox goroutines still running: %v", err)
	}
}

func TestProtoactorRequest(t *testing.T) {
	system := newSystem()
	defer system.Shutdown()
	g := new(mailbox.Group)
	props := actor.PropsFromFunc(func(c actor.Context) {
		if s, ok := c.Message().(string); ok {
			c.Respond("echo " + s)
		}
	}, actor.WithMailbox(producer(mailbox.Config{MaxMessages: 10, Group: g})))
	pid := system.Root.Spawn(props)
	res, err := system.Root.RequestFuture(pid, "hi", 5*time.Second).Result()
	if err != nil || res != "echo hi" {
		t.Fatalf("reply = %v, %v", res, err)
	}
	if err := system.Root.StopFuture(pid).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := g.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}
