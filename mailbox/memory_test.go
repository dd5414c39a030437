// The memory an idle mailbox holds.

package mailbox_test

import (
	"context"
	"runtime"
	"testing"
	"unsafe"

	"github.com/murmur-go/murmur/mailbox"
)

func TestIdleMemory(t *testing.T) {
	const n = 10_000
	g := new(mailbox.Group)
	mbs := make([]*mailbox.Mailbox, n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range mbs {
		mb := mailbox.New(mailbox.Config{Group: g, Linger: -1})
		mb.RegisterHandlers(noop{}, nil)
		mb.PostSystemMessage(nil) // like protoactor's Started
		mb.PostUserMessage(nil)
		mbs[i] = mb
		if err := g.Wait(context.Background()); err != nil { // one goroutine at a time
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / n
	t.Logf("idle mailbox: struct %d B, %.0f B of heap after one message", unsafe.Sizeof(mailbox.Mailbox{}), per)
	if per > 256 {
		t.Errorf("an idle mailbox holds %.0f B, want at most 256", per)
	}
	runtime.KeepAlive(mbs)
}
