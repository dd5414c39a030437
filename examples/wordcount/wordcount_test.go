// Package wordcount is an example of map-reduce over files with a pool of
// script actors, run as `murmur run` runs it.
package wordcount

import (
	"bytes"
	"os/exec"
	"testing"
)

func TestWordcount(t *testing.T) {
	cmd := exec.Command("go", "run", "../../cmd/murmur", "run", "main.star", "testdata/corpus", "5")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("murmur run: %v\n%s", err, stderr.String())
	}
	want := "8 files, 234590 words, 190 distinct\n" +
		"   47108  the\n" +
		"   22224  of\n" +
		"   14596  and\n" +
		"   10729  to\n" +
		"    8449  a\n"
	if got := stdout.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}
