// Test setup: every test and benchmark must leave no goroutine behind;
// -linger sets the mailboxes' linger.

package bench_test

import (
	"flag"
	"testing"

	"go.uber.org/goleak"

	"github.com/murmur-go/murmur/bench"
)

var linger = flag.Duration("linger", 0, "how long a murmur mailbox keeps its goroutine after its queue empties; zero means murmur's default, negative none")

func TestMain(m *testing.M) {
	flag.Parse()
	bench.Mailbox.Linger = *linger
	goleak.VerifyTestMain(m)
}
