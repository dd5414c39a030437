// Package wordcount is an example of map-reduce over files with a pool of
// script actors, run as `murmur run` runs it.
package wordcount

import (
	"testing"

	"github.com/murmur-go/murmur/examples/internal/scripttest"
)

func TestWordcount(t *testing.T) {
	out := scripttest.Command(t, "testdata/corpus", "5")
	want := "8 files, 234590 words, 190 distinct\n" +
		"   47108  the\n" +
		"   22224  of\n" +
		"   14596  and\n" +
		"   10729  to\n" +
		"    8449  a\n"
	if got := out; got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}
