// Package supervisor is an example of a supervision tree: workers that
// crash on some inputs are restarted, and every job is accounted for.
package supervisor

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/murmur-go/murmur/examples/internal/scripttest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestSupervisor(t *testing.T) {
	// Squares of 0..39 sum to 20540; multiples of 7 (7..35) crash once each.
	want := "40 jobs: 35 done, 5 crashed their worker\n" +
		"first failure: Error in fail: fail: worker 3 cannot handle 7\n" +
		"all 40 jobs accounted for, total 20540\n" +
		"worker 0 terminated: stopped\n"
	if got := scripttest.Run(t, "40"); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}
