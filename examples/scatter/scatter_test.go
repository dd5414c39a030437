// Package scatter is an example of scatter/gather and streamed results.
package scatter

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/murmur-go/murmur/examples/internal/scripttest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestScatter(t *testing.T) {
	want := "worker 0: 2262 primes below 20000\n" +
		"worker 1: 2360 primes below 21000\n" +
		"worker 2: 2464 primes below 22000\n" +
		"streamed from 3 workers, total 2007\n"
	if got := scripttest.Run(t, "3"); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}
