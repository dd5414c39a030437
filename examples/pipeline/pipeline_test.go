// Package pipeline is an example of a multi-stage stream with bounded
// mailboxes giving back-pressure, run as `murmur run` runs it.
package pipeline

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/murmur-go/murmur/examples/internal/scripttest"
)

func TestPipeline(t *testing.T) {
	out := scripttest.Command(t, "5000")
	want := "5000 records through 3 stages with mailboxes of 64\n" + expected(5000)
	if got := out; got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

// expected computes the report in Go, independently of the scripts.
func expected(n int) string {
	sums, maxs := map[int]int{}, map[int]int{}
	seen := map[int]bool{}
	for i := 0; i < n; i++ {
		s, v := i%5, ((i*37)%101)*3-7
		sums[s] += v
		if !seen[s] || v > maxs[s] {
			maxs[s] = v
		}
		seen[s] = true
	}
	var b bytes.Buffer
	for s := 0; s < 5; s++ {
		b.WriteString("sensor-" + strconv.Itoa(s) + ": sum " + strconv.Itoa(sums[s]) + ", max " + strconv.Itoa(maxs[s]) + "\n")
	}
	return b.String()
}
