// Examples: a Mailbox behind a protoactor actor.

package mailbox_test

import (
	"context"
	"fmt"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/murmur-go/murmur/mailbox"
)

func Example() {
	system := newSystem() // a protoactor system; see protoactor_test.go
	defer system.Shutdown()

	g := new(mailbox.Group)
	var mb *mailbox.Mailbox
	done := make(chan struct{})
	props := actor.PropsFromFunc(func(c actor.Context) {
		switch m := c.Message().(type) {
		case string:
			fmt.Println("received", m)
			if m == "last" {
				close(done)
			}
		}
	}, actor.WithMailbox(func() actor.Mailbox {
		mb = mailbox.New(mailbox.Config{MaxMessages: 2, Group: g}) // Block when full
		return mb
	}))
	pid := system.Root.Spawn(props)

	// Offer is murmur's admission-checked send; protoactor's own sends go
	// through PostUserMessage.
	ctx := context.Background()
	for _, m := range []string{"hello", "world", "last"} {
		if err := mb.Offer(ctx, m, len(m)); err != nil {
			fmt.Println(err)
		}
	}
	<-done
	_ = system.Root.StopFuture(pid).Wait()
	if err := g.Wait(ctx); err == nil {
		fmt.Println("no goroutine left")
	}
	// Output:
	// received hello
	// received world
	// received last
	// no goroutine left
}
