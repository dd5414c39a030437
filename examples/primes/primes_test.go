// Package primes is an example of a CPU-bound job split over a pool, run
// as `murmur run` runs it.
package primes

import (
	"bytes"
	"os/exec"
	"regexp"
	"testing"
)

func TestPrimes(t *testing.T) {
	cmd := exec.Command("go", "run", "../../cmd/murmur", "run", "main.star", "30000", "2")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("murmur run: %v\n%s", err, stderr.String())
	}
	// The counts are exact; the times and the speedup vary by machine and
	// are not checked here (bench/ measures them).
	want := regexp.MustCompile(`^1 worker\(s\): 3245 primes below 30000 in \d+\.\d\ds
2 worker\(s\): 3245 primes below 30000 in \d+\.\d\ds
speedup with 2 workers: \d+\.\d\d
$`)
	if !want.MatchString(stdout.String()) {
		t.Errorf("output:\n%s", stdout.String())
	}
}
