package main

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestGoPool(t *testing.T) {
	for _, workers := range []int{1, 3} {
		var out bytes.Buffer
		if err := run(context.Background(), &out, workers); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("count.star: 17984 primes below 200000, in 40 chunks over %d Go workers\n", workers) +
			"count.star: 4 primes in [2, 10); chunk [20, 10] refused: failed, chunk [20 10]: want [lo, hi] with 0 <= lo <= hi\n" +
			"Go: 9592 + 8392 primes below 200000\n"
		if got := out.String(); got != want {
			t.Errorf("%d workers: output:\n%s\nwant:\n%s", workers, got, want)
		}
	}
}
