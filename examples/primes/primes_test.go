// Package primes is an example of a CPU-bound job split over a pool, run
// as `murmur run` runs it.
package primes

import (
	"regexp"
	"testing"

	"github.com/murmur-go/murmur/examples/internal/scripttest"
)

func TestPrimes(t *testing.T) {
	out := scripttest.Command(t, "30000", "2")
	// The counts are exact; the times and the speedup vary by machine and
	// are not checked here (bench/ measures them).
	want := regexp.MustCompile(`^1 worker\(s\): 3245 primes below 30000 in \d+\.\d\ds
2 worker\(s\): 3245 primes below 30000 in \d+\.\d\ds
speedup with 2 workers: \d+\.\d\d
$`)
	if !want.MatchString(out) {
		t.Errorf("output:\n%s", out)
	}
}
