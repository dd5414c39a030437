// Test helpers: a fake invoker that records what the mailbox hands it.

package mailbox_test

import (
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/murmur-go/murmur/mailbox"
)

// sys marks a system message in a recorder's log.
type sys string

// failure is one EscalateFailure call.
type failure struct {
	reason, msg any
}

// recorder is an actor.MessageInvoker that logs every message. Like
// protoactor's actor context, it suspends the mailbox on a failure.
type recorder struct {
	mb     *mailbox.Mailbox
	onUser func(msg any) // optional, runs before the message is logged

	mu       sync.Mutex
	log      []any
	failures []failure
}

func newRecorder(mb *mailbox.Mailbox) *recorder {
	return &recorder{mb: mb}
}

func (r *recorder) InvokeSystemMessage(msg any) { r.add(msg) }

func (r *recorder) InvokeUserMessage(msg any) {
	if r.onUser != nil {
		r.onUser(msg)
	}
	r.add(msg)
}

func (r *recorder) EscalateFailure(reason, msg any) {
	r.mu.Lock()
	r.failures = append(r.failures, failure{reason, msg})
	r.mu.Unlock()
	r.mb.PostSystemMessage(&actor.SuspendMailbox{})
}

func (r *recorder) add(msg any) {
	r.mu.Lock()
	r.log = append(r.log, msg)
	r.mu.Unlock()
}

// got returns the log as a string, for comparisons.
func (r *recorder) got() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Sprint(r.log)
}

func (r *recorder) failed() []failure {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]failure(nil), r.failures...)
}

// start registers r with its mailbox, as protoactor's spawn does.
func (r *recorder) start() *recorder {
	r.mb.RegisterHandlers(r, nil)
	r.mb.Start()
	return r
}

// bubble runs f in a synctest bubble and, when f returns, lets fake time pass
// the linger of every mailbox f used, so that their goroutines exit.
func bubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		f(t)
		time.Sleep(time.Minute)
	})
}
